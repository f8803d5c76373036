"""Writing tables: CSV for Excel (UTF-8 with BOM), XLSX, Parquet.

Every file is written to a temporary name and renamed, so an interrupted run
never leaves a half-written table behind.
"""
from __future__ import annotations

import csv
import io
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
        self._f = open(self._tmp, "w", encoding="utf-8", newline="")
        self._f.write("\ufeff")  # the BOM of utf-8-sig, whose encoder is slow on many small writes
        self._w = csv.DictWriter(self._f, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
        self._w.writeheader()
        self.rows = 0

    def write(self, rows: Iterable[dict]) -> None:
        for r in rows:
            self._w.writerow({c: _cell(r.get(c)) for c in self.columns})
            self.rows += 1

    def write_bytes(self, data: bytes, rows: int) -> None:
        """Append rows already rendered and encoded as UTF-8."""
        self._f.flush()
        self._f.buffer.write(data)
        self.rows += rows

    def write_text(self, text: str, rows: int) -> None:
        """Append rows already rendered by :func:`csv_text` (in a worker)."""
        self._f.write(text)
        self.rows += rows

    def close(self, commit: bool = True) -> None:
        self._f.close()
        if commit:
            _publish(self._tmp, self.path)
        elif self._tmp.exists():
            self._tmp.unlink()


def cell_rows(columns: list[str], rows: Iterable[dict]) -> list[list[str]]:
    """Rows as the cells :class:`CsvTable` writes (NFC text, "" for none)."""
    return [[_cell(r.get(c)) for c in columns] for r in rows]


def csv_lines(cells: Iterable[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(cells)
    return buf.getvalue()


def csv_text(columns: list[str], rows: Iterable[dict]) -> str:
    """Rows rendered exactly as :class:`CsvTable` writes them, so that workers
    do the formatting and the parent only appends text."""
    return csv_lines(cell_rows(columns, rows))


def relabel_csv(text: str, values: dict[int, str]) -> str:
    """``text`` (from :func:`csv_text`) with the columns at the given indexes set to new values."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        for i, v in values.items():
            row[i] = _cell(v)
        w.writerow(row)
    return buf.getvalue()


def write_csv(path: Path, columns: list[str], rows: Iterable[dict]) -> int:
    t = CsvTable(path, columns)
    try:
        t.write(rows)
    except BaseException:
        t.close(commit=False)
        raise
    t.close()
    return t.rows
