"""Writing tables: CSV for Excel (UTF-8 with BOM), XLSX, Parquet.

Every file is written to a temporary name and renamed, so an interrupted run
never leaves a half-written table behind.
"""
from __future__ import annotations

import codecs
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
    """A CSV file opened for streaming rows (UTF-8 with BOM, RFC 4180, CRLF).

    The file is binary: rows arrive as text (:meth:`write`, :meth:`write_clean`)
    or already encoded by the workers (:meth:`write_rendered`), which is most
    of an archive's bytes."""

    def __init__(self, path: Path, columns: list[str]):
        self.path, self.columns = Path(path), columns
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        self._f = open(self._tmp, "wb")
        self._f.write(codecs.BOM_UTF8 + csv_line(list(columns)).encode("utf-8"))
        self.rows = 0

    def write(self, rows: Iterable[dict]) -> None:
        self.write_clean([[_cell(r.get(c)) for c in self.columns] for r in rows])

    def write_clean(self, rows: list[list[str]]) -> None:
        """Rows of values that are already NFC text (from this package's own tables)."""
        self._f.write("".join([csv_line(_texts(r)) for r in rows]).encode("utf-8"))
        self.rows += len(rows)

    def write_rendered(self, first: str, lines: list[bytes]) -> None:
        """Rows rendered by :func:`render_rows`, each prefixed with its first
        column's value (the doc_id, which a cached result may change)."""
        if lines:
            head = _first_field(first).encode("utf-8")
            self._f.write(b"".join([head + line for line in lines]))
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


def _texts(values: Iterable) -> list[str]:
    """Values as cell text (:func:`_cell`), strings passed through as they are."""
    return [v if type(v) is str else _cell(v) for v in values]


def _quoted(field: str) -> str:
    """One field as the csv module quotes it (QUOTE_MINIMAL, ``,``/``"``/CRLF)."""
    if '"' in field:
        return '"' + field.replace('"', '""') + '"'
    if "," in field or "\n" in field or "\r" in field:
        return '"' + field + '"'
    return field


def csv_line(fields: list[str]) -> str:
    """``csv.writer(lineterminator="\\r\\n").writerow(fields)`` for text
    fields, without its per-character copy (several times faster on long
    Vietnamese text; a test holds the two equal)."""
    if len(fields) == 1 and not fields[0]:
        return '""\r\n'
    return ",".join(map(_quoted, fields)) + "\r\n"


def render_rows(rows: Iterable[dict], columns: list[str]) -> list[bytes]:
    """CSV lines of ``rows`` without their first column, quoted as
    :class:`CsvTable` writes them and encoded as UTF-8. Workers render their
    documents' rows, so that the process writing the files only joins bytes,
    and a cached result is ready to write."""
    rest = columns[1:]
    out = [csv_line(_texts(map(r.get, rest))) for r in rows]
    if not all(map(_is_nfc, out)):
        # NFC of a line is NFC of each field: the separators are ASCII
        out = [unicodedata.normalize("NFC", line) for line in out]
    return [line.encode("utf-8") for line in out]


def _is_nfc(text: str) -> bool:
    return text.isascii() or unicodedata.is_normalized("NFC", text)


def _first_field(value: str) -> str:
    """``value,`` quoted as the csv module quotes a row's first field."""
    return csv_line([_cell(value), ""])[:-2]
