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
        self._f = open(self._tmp, "w", encoding="utf-8-sig", newline="")
        self._w = csv.DictWriter(self._f, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
        self._w.writeheader()
        self.rows = 0

    def write(self, rows: Iterable[dict]) -> None:
        for r in rows:
            self._w.writerow({c: _cell(r.get(c)) for c in self.columns})
            self.rows += 1

    def write_clean(self, rows: list[list[str]]) -> None:
        """Rows of values that are already NFC text (from this package's own tables)."""
        self._w.writer.writerows(rows)
        self.rows += len(rows)

    def write_rendered(self, first: str, lines: list[str]) -> None:
        """Rows rendered by :func:`render_rows`, each prefixed with its first
        column's value (the doc_id, which a cached result may change)."""
        if lines:
            head = _first_field(first)
            self._f.write("".join([head + line for line in lines]))
            self.rows += len(lines)

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


def render_rows(rows: Iterable[dict], columns: list[str]) -> list[str]:
    """CSV lines of ``rows`` without their first column, quoted as
    :class:`CsvTable` writes them. Workers render their documents' rows, so
    that the process writing the files only joins text, and a cached result is
    text ready to write."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    rest = columns[1:]
    out = []
    for r in rows:
        values = [r.get(c) for c in rest]
        w.writerow([v if type(v) is str else _cell(v) for v in values])
        # NFC of the line is NFC of each field: the separators are ASCII
        out.append(unicodedata.normalize("NFC", buf.getvalue()))
        buf.seek(0)
        buf.truncate()
    return out


def _first_field(value: str) -> str:
    """``value,`` quoted as the csv module quotes a row's first field."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([_cell(value), ""])
    return buf.getvalue()
