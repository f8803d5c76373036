"""Writing tables: CSV for Excel (UTF-8 with BOM), XLSX, Parquet.

Every file is written to a temporary name and renamed, so an interrupted run
never leaves a half-written table behind.
"""
from __future__ import annotations

import csv
import os
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

EXCEL_MAX_ROWS = 1_048_576


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish(tmp: Path | str, path: Path) -> None:
    """Rename into place with ordinary file permissions (mkstemp makes 0600)."""
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)
EXCEL_MAX_COLS = 16_384


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    return unicodedata.normalize("NFC", str(v))


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        _publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class CsvTable:
    """A CSV file opened for streaming rows (UTF-8 with BOM, RFC 4180, CRLF)."""

    def __init__(self, path: Path, columns: list[str]):
        self.path, self.columns = Path(path), columns
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        self._f = open(self._tmp, "w", encoding="utf-8-sig", newline="")
        self._w = csv.DictWriter(self._f, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
        self._w.writeheader()
        self.rows = 0

    def write(self, rows: Iterable[dict]) -> None:
        for r in rows:
            self._w.writerow({c: _cell(r.get(c)) for c in self.columns})
            self.rows += 1

    def close(self, commit: bool = True) -> None:
        self._f.close()
        if commit:
            _publish(self._tmp, self.path)
        elif self._tmp.exists():
            self._tmp.unlink()


def write_csv(path: Path, columns: list[str], rows: Iterable[dict]) -> int:
    t = CsvTable(path, columns)
    try:
        t.write(rows)
    except BaseException:
        t.close(commit=False)
        raise
    t.close()
    return t.rows
