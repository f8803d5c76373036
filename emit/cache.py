"""Incremental runs: results keyed by each file's sha256 and the pipeline version.

A file whose size and mtime are unchanged is not hashed again; a change of
code or of any package data file (gazetteer, references, field labels…)
changes the version and invalidates every entry. One SQLite file, written by
the parent process only.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import struct
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

PACKAGES = ("extract", "normalize", "emit")


@lru_cache(maxsize=8)
def pipeline_version(extra: str = "") -> str:
    """Hash of the code and package data that affect results (+ ``extra``,
    e.g. the user's alias file and the steps)."""
    h = hashlib.sha256(extra.encode())
    for pkg in PACKAGES:
        root = Path(str(resources.files(pkg)))
        for f in sorted(root.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts and f.suffix not in (".pyc", ".png"):
                h.update(str(f.relative_to(root)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def encode(payload: dict) -> bytes:
    """A payload as the cache stores it, less its sheet XML (stored as it is):
    workers call this, so the parent only inserts."""
    meta = {k: v for k, v in payload.items() if k not in ("xml", "encoded")}
    return zlib.compress(json.dumps(meta, ensure_ascii=False).encode(), 1)


def _frame(pieces: list[tuple[bytes, int, int]]) -> bytes:
    """(deflated bytes, crc32, length) pieces as one blob."""
    return b"".join(struct.pack("<QIQ", len(b), crc, n) + b for b, crc, n in pieces)


def _unframe(blob: bytes) -> list[tuple[bytes, int, int]]:
    out, at = [], 0
    while at < len(blob):
        size, crc, n = struct.unpack_from("<QIQ", blob, at)
        at += 20
        out.append((blob[at:at + size], crc, n))
        at += size
    return out


class ResultCache:
    def __init__(self, path: Path, version: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.version = version
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INT, mtime INT, sha TEXT)")
        # payload: zlib-compressed JSON; pieces: the payload's deflated sheet XML (bytes), framed
        self.db.execute("CREATE TABLE IF NOT EXISTS results2 (sha TEXT, version TEXT, payload BLOB, "
                        "pieces BLOB, PRIMARY KEY (sha, version))")
        self.db.execute("DROP TABLE IF EXISTS results")
        self._pending = 0

    def sha_for(self, path: Path) -> str:
        st = path.stat()
        key = str(path.absolute())
        row = self.db.execute("SELECT size, mtime, sha FROM files WHERE path=?", (key,)).fetchone()
        if row and row[0] == st.st_size and row[1] == st.st_mtime_ns:
            return row[2]
        sha = file_sha256(path)
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?)", (key, st.st_size, st.st_mtime_ns, sha))
        self._tick()
        return sha

    def has(self, sha: str) -> bool:
        return self.db.execute("SELECT 1 FROM results2 WHERE sha=? AND version=?",
                               (sha, self.version)).fetchone() is not None

    def get(self, sha: str) -> dict | None:
        row = self.db.execute("SELECT payload, pieces FROM results2 WHERE sha=? AND version=?",
                              (sha, self.version)).fetchone()
        if not row:
            return None
        payload = json.loads(zlib.decompress(row[0]))
        payload["xml"] = _unframe(row[1]) if row[1] else None
        return payload

    def put(self, sha: str, payload: dict) -> None:
        blob = payload.get("encoded") or encode(payload)
        pieces = _frame(payload["xml"]) if payload.get("xml") else None
        self.db.execute("INSERT OR REPLACE INTO results2 VALUES (?,?,?,?)", (sha, self.version, blob, pieces))
        self._tick()

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= 500:
            self.db.commit()
            self._pending = 0

    def close(self) -> None:
        self.db.commit()
        self.db.execute("DELETE FROM results2 WHERE version != ?", (self.version,))
        self.db.commit()
        self.db.close()
