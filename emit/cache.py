"""Incremental runs: results keyed by each file's sha256 and the pipeline version.

A file whose size and mtime are unchanged is not hashed again; a change of
code or of any package data file (gazetteer, references, field labels…)
changes the version and invalidates every entry. One SQLite file, written by
the parent process only.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
import sys
import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

import zstandard

from extract.reader import path_text, special_file
from extract.reader import sha256_of as file_sha256

PACKAGES = ("extract", "normalize", "emit")


@lru_cache(maxsize=8)
def pipeline_version(extra: str = "") -> str:
    """Hash of the code and package data that affect results (+ ``extra``,
    e.g. the user's alias file and the steps) and of the Python version, whose
    marshal format the stored results use."""
    h = hashlib.sha256(f"{extra}|{sys.version_info[:2]}".encode())
    for pkg in PACKAGES:
        root = Path(str(resources.files(pkg)))
        for f in sorted(root.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts and f.suffix not in (".pyc", ".png"):
                h.update(str(f.relative_to(root)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def encode_payload(payload: dict) -> bytes:
    """One document's result as it crosses processes and is stored: marshal
    (plain dicts, lists and strings; several times faster than JSON and, unlike
    pickle, unable to run code when read) compressed by Zstandard with a
    checksum, which catches a damaged entry (three times faster than zlib both
    ways, and smaller). Workers encode, so a result crosses the pipe once,
    small, and is stored as it came."""
    return _zstd()[0].compress(marshal.dumps(payload))


def decode_payload(blob: bytes) -> dict:
    """The payload of :func:`encode_payload`; ValueError for a damaged blob."""
    try:
        payload = marshal.loads(_zstd()[1].decompress(blob))
    except (zstandard.ZstdError, EOFError, TypeError, ValueError) as e:
        raise ValueError(f"damaged result: {e}") from e
    if not isinstance(payload, dict):
        raise ValueError("damaged result: not a document's payload")
    return payload


_CODECS = threading.local()


def _zstd() -> tuple[zstandard.ZstdCompressor, zstandard.ZstdDecompressor]:
    """This thread's (de)compressor: reused, a context costs as much as a small
    payload's compression; one per thread, as zstandard asks (Dask workers run
    documents in threads)."""
    pair = getattr(_CODECS, "pair", None)
    if pair is None:
        pair = _CODECS.pair = (zstandard.ZstdCompressor(level=3, write_checksum=True),
                               zstandard.ZstdDecompressor())
    return pair


DEFAULT_NAME = ".kehoach-cache.sqlite"
"""The cache's name in the output folder, unless ``--cache`` says otherwise."""
_SQLITE_HEADER = b"SQLite format 3\x00"

_TABLES = {
    "files": "path TEXT PRIMARY KEY, size INT, mtime INT, sha TEXT",
    "results": "sha TEXT, version TEXT, payload BLOB, PRIMARY KEY (sha, version)",
    "runs": "out TEXT PRIMARY KEY, key TEXT, summary TEXT, files TEXT",
}


class NotACache(ValueError):
    """The cache path holds something else (another program's database, a text
    file): it is never written to."""


def _open(path: Path) -> sqlite3.Connection:
    """The cache at ``path`` with its tables; sqlite3.DatabaseError for a file
    that is not a readable SQLite database, NotACache for another program's."""
    db = sqlite3.connect(path)
    try:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and not tables & set(_TABLES):
            raise NotACache(f"{path_text(path)} is an SQLite database but not a kehoach cache "
                            f"(its tables: {', '.join(sorted(tables)[:5])}): choose another cache file")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for name, columns in _TABLES.items():
            db.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
    except BaseException:
        db.close()
        raise
    return db


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:  # a folder, say
        return False


class ResultCache:
    """The cache file. A damaged one (a crash, a disk error) is moved aside to
    ``NAME.damaged`` and a new one started, as ``replaced`` says: a cache only
    saves time, it must not stop a batch. A file that is no cache at all (not
    SQLite, unless it has the default name; another program's database) is
    refused with :class:`NotACache` and left as it is."""

    def __init__(self, path: Path, version: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.version = path, version
        self.replaced: str | None = None  # the file found here was damaged: moved aside
        self.broken: str | None = None  # it failed during the run: no more results stored
        self._pending = 0
        try:
            self.db = _open(path)
        except sqlite3.DatabaseError as e:  # NotACache, a ValueError, goes through
            if path.name != DEFAULT_NAME and not _looks_like_sqlite(path):
                raise NotACache(f"{path_text(path)} is not an SQLite file, so not a kehoach cache: "
                                "choose another cache file") from None
            self.db = None
            self.replace(e)

    def replace(self, error: Exception) -> None:
        """Move the damaged file aside (``NAME.damaged``) and start an empty cache."""
        aside = self._move_aside()
        self.replaced = (f"the cache {path_text(self.path)} could not be read ({error}): "
                         f"moved to {aside}, a new one started")
        self.db, self._pending = _open(self.path), 0

    def _close_quietly(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None

    def _move_aside(self) -> str:
        self._close_quietly()
        aside = self.path.name + ".damaged"
        for suffix in ("", "-wal", "-shm"):
            old = self.path.with_name(self.path.name + suffix)
            if old.exists():
                old.replace(self.path.with_name(aside + suffix))
        return aside

    def _break(self, error: Exception) -> None:
        """A failure during the run: the run goes on without the cache. A full
        disk or a read-only file leaves the cache as it was (its transaction is
        undone); a damaged page has it moved aside, so the next run starts anew."""
        where = ""
        if isinstance(error, sqlite3.OperationalError):
            self._close_quietly()
        else:
            where = f"; moved to {self._move_aside()}"
        self.broken = (f"the cache {path_text(self.path)} failed during the run ({error}): this run's "
                       f"results are not stored{where}")

    def last_run(self, out: Path, key: str) -> dict | None:
        """The summary of the last complete run into ``out`` when it had the
        same ``key`` (inputs, their contents, version, formats) and its output
        files are still as it left them (size and mtime); else ``None``."""
        if self.broken:
            return None
        try:
            row = self.db.execute("SELECT key, summary, files FROM runs WHERE out=?",
                                  (str(out.resolve()),)).fetchone()
        except sqlite3.DatabaseError as e:
            self._break(e)
            return None
        if not row or row[0] != key:
            return None
        for name, size, mtime in json.loads(row[2]):
            try:
                st = (out / name).stat()
            except OSError:
                return None
            if (st.st_size, st.st_mtime_ns) != (size, mtime):
                return None
        return json.loads(row[1])

    def record_run(self, out: Path, key: str, summary: dict, files: list[Path]) -> None:
        stats = []
        for f in files:
            try:
                st = f.stat()
            except OSError:
                continue
            stats.append((str(f.relative_to(out)) if f.is_relative_to(out) else str(f), st.st_size, st.st_mtime_ns))
        if self.broken:
            return
        try:
            self.db.execute("INSERT OR REPLACE INTO runs VALUES (?,?,?,?)",
                            (str(out.resolve()), key, json.dumps(summary), json.dumps(stats)))
        except sqlite3.DatabaseError as e:
            self._break(e)

    def sha_for(self, path: Path, real_path: str = "") -> str:
        """The file's sha256, hashed again only when its size or mtime changed;
        OSError for what cannot be hashed (a named pipe or a device never ends),
        sqlite3.DatabaseError when the cache is damaged (see :meth:`replace`)."""
        seen = self.file_state(path, real_path)
        if self.broken:
            return file_sha256(path)
        row = self.db.execute("SELECT size, mtime, sha FROM files WHERE path=?", (seen[0],)).fetchone()
        if row and (row[0], row[1]) == seen[1:]:
            return row[2]
        sha = file_sha256(path)
        self.remember(seen, sha)
        return sha

    @staticmethod
    def file_state(path: Path, real_path: str = "") -> tuple[str, int, int]:
        """(key, size, mtime) by which the files table knows a file (its
        ``real_path``, resolved here when not given); OSError for one that is
        not a regular file."""
        st = path.stat()
        if special_file(st.st_mode):
            raise OSError(f"not a regular file: {path}")
        return path_text(real_path or path.resolve()), st.st_size, st.st_mtime_ns

    def remember(self, state: tuple[str, int, int], sha: str) -> None:
        """That the file in ``state`` (:meth:`file_state`, taken before it was
        read) holds content ``sha``: it is not hashed again while it keeps its
        size and mtime."""
        if self.broken:
            return
        try:
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?)", (*state, sha))
            self._tick()
        except sqlite3.DatabaseError as e:  # reads failing are the caller's (replace); writes, this run's
            self._break(e)

    def has_results(self) -> bool:
        """Whether any result of this version is stored: when none is, hashing
        the inputs to look theirs up would only delay the run."""
        if self.broken:
            return False
        return self.db.execute("SELECT 1 FROM results WHERE version=? LIMIT 1",
                               (self.version,)).fetchone() is not None

    def has(self, sha: str) -> bool:
        if self.broken:
            return False
        return self.db.execute("SELECT 1 FROM results WHERE sha=? AND version=?",
                               (sha, self.version)).fetchone() is not None

    def get(self, sha: str) -> dict | None:
        """The stored payload, None when there is none or it is damaged."""
        if self.broken:
            return None
        try:
            row = self.db.execute("SELECT payload FROM results WHERE sha=? AND version=?",
                                  (sha, self.version)).fetchone()
        except sqlite3.DatabaseError as e:
            self._break(e)
            return None
        try:
            return decode_payload(row[0]) if row else None
        except ValueError:
            return None

    def put(self, sha: str, blob: bytes) -> None:
        """Store an :func:`encode_payload` blob."""
        if self.broken:
            return
        try:
            self.db.execute("INSERT OR REPLACE INTO results VALUES (?,?,?)", (sha, self.version, blob))
            self._tick()
        except sqlite3.DatabaseError as e:
            self._break(e)

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= 500:
            self.db.commit()
            self._pending = 0

    def close(self) -> None:
        if self.broken:
            return
        try:
            self.db.commit()
            self.db.execute("DELETE FROM results WHERE version != ?", (self.version,))
            self.db.commit()
            self.db.close()
        except sqlite3.DatabaseError as e:
            self._break(e)
