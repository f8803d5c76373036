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
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

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
    pickle, unable to run code when read) compressed by zlib, whose checksum
    catches a damaged entry. Workers encode, so a result crosses the pipe
    once, small, and is stored as it came."""
    return zlib.compress(marshal.dumps(payload), 1)


def decode_payload(blob: bytes) -> dict:
    """The payload of :func:`encode_payload`; ValueError for a damaged blob."""
    try:
        payload = marshal.loads(zlib.decompress(blob))
    except (zlib.error, EOFError, TypeError, ValueError) as e:
        raise ValueError(f"damaged result: {e}") from e
    if not isinstance(payload, dict):
        raise ValueError("damaged result: not a document's payload")
    return payload


class ResultCache:
    def __init__(self, path: Path, version: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.version = version
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INT, mtime INT, sha TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS results (sha TEXT, version TEXT, payload BLOB, "
                        "PRIMARY KEY (sha, version))")
        self.db.execute("CREATE TABLE IF NOT EXISTS runs (out TEXT PRIMARY KEY, key TEXT, summary TEXT, files TEXT)")
        self._pending = 0

    def last_run(self, out: Path, key: str) -> dict | None:
        """The summary of the last complete run into ``out`` when it had the
        same ``key`` (inputs, their contents, version, formats) and its output
        files are still as it left them (size and mtime); else ``None``."""
        row = self.db.execute("SELECT key, summary, files FROM runs WHERE out=?",
                              (str(out.resolve()),)).fetchone()
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
        self.db.execute("INSERT OR REPLACE INTO runs VALUES (?,?,?,?)",
                        (str(out.resolve()), key, json.dumps(summary), json.dumps(stats)))

    def sha_for(self, path: Path) -> str:
        """The file's sha256, hashed again only when its size or mtime changed;
        OSError for what cannot be hashed (a named pipe or a device never ends)."""
        st = path.stat()
        if special_file(st.st_mode):
            raise OSError(f"not a regular file: {path}")
        key = path_text(path.resolve())
        row = self.db.execute("SELECT size, mtime, sha FROM files WHERE path=?", (key,)).fetchone()
        if row and row[0] == st.st_size and row[1] == st.st_mtime_ns:
            return row[2]
        sha = file_sha256(path)
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?)", (key, st.st_size, st.st_mtime_ns, sha))
        self._tick()
        return sha

    def has(self, sha: str) -> bool:
        return self.db.execute("SELECT 1 FROM results WHERE sha=? AND version=?",
                               (sha, self.version)).fetchone() is not None

    def get(self, sha: str) -> dict | None:
        """The stored payload, None when there is none or it is damaged."""
        row = self.db.execute("SELECT payload FROM results WHERE sha=? AND version=?",
                              (sha, self.version)).fetchone()
        try:
            return decode_payload(row[0]) if row else None
        except ValueError:
            return None

    def put(self, sha: str, blob: bytes) -> None:
        """Store an :func:`encode_payload` blob."""
        self.db.execute("INSERT OR REPLACE INTO results VALUES (?,?,?)", (sha, self.version, blob))
        self._tick()

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= 500:
            self.db.commit()
            self._pending = 0

    def close(self) -> None:
        self.db.commit()
        self.db.execute("DELETE FROM results WHERE version != ?", (self.version,))
        self.db.commit()
        self.db.close()
