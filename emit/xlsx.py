"""A streaming XLSX writer for big text tables.

openpyxl keeps every cell of a workbook in memory as an object (10,000 plans
give 10 M cells) and xlsxwriter spends ≈ 15 µs per cell. Here rows are XML
text (:func:`row_xml`), rendered where the rows are made (in the workers, see
emit/engines.py) and deflated there too: each piece is a raw deflate stream
ended by a sync flush, so pieces can be appended to a zip member as they are
and their CRCs combined, and the parent only copies bytes. Cells carry no
``r`` reference (it is optional in SpreadsheetML: cells follow one another),
which is what makes a row's XML independent of where it lands.

Text cells are inline strings in the default style, whose number format is
text (``@``): never a formula, never a date. Numbers are numbers.
"""
from __future__ import annotations

import math
import os
import re
import struct
import tempfile
import time
import zlib
from pathlib import Path
from typing import BinaryIO, Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

# cellXfs: 0 text (the default), 1 general, 2 bold header, 3 text on green, 4 text on red
TEXT, GENERAL, BOLD, GREEN, RED = 0, 1, 2, 3, 4
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile(r"[&<>\r\n\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CHUNK = 1 << 20
_END = b"\x03\x00"  # an empty final fixed-Huffman block: ends a stream of sync-flushed pieces
_COVERED = ("yes", "True", "1")

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="4"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="00C6EFCE"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="00FFC7CE"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>
<xf numFmtId="49" fontId="0" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>
<xf numFmtId="49" fontId="0" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def column_letter(i: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def number(value: str):
    """A numeric column's cell: int or float, or the text itself when it is no finite number."""
    if value == "":
        return value
    try:
        f = float(value)
    except ValueError:
        return value
    if not math.isfinite(f):
        return value
    return int(f) if f.is_integer() else f


def text_xml(value: str) -> str:
    """A string as XML character data that reads back unchanged."""
    if not _SPECIAL.search(value):
        return value
    value = escape(_ILLEGAL.sub("", value))
    return value.replace("\r", "&#13;").replace("\n", "&#10;")


def row_xml(values: Sequence[object], styles: Sequence[int] = (), numeric: Sequence[int] = ()) -> str:
    """One ``<row>``: str → text cell in ``styles[j]`` (GREEN: green for yes, else red),
    int/float → number, "" → empty; ``numeric`` columns hold numbers written as text."""
    cells = []
    last = 0
    for j, v in enumerate(values):
        st = styles[j] if styles else TEXT
        if j in numeric and isinstance(v, str):
            v = number(v)
        if v is None or v == "":
            cells.append(f'<c s="{RED}"/>' if st == GREEN else "<c/>")
            if st == GREEN:
                last = len(cells)
            continue
        if isinstance(v, str):
            if st == GREEN and v not in _COVERED:
                st = RED
            space = ' xml:space="preserve"' if v[0].isspace() or v[-1].isspace() else ""
            style = f' s="{st}"' if st else ""
            cells.append(f'<c{style} t="inlineStr"><is><t{space}>{text_xml(v)}</t></is></c>')
        else:
            cells.append(f'<c s="{GENERAL if st == TEXT else st}"><v>{v!r}</v></c>')
        last = len(cells)
    return f"<row>{''.join(cells[:last])}</row>"


def text_rows_xml(rows: Iterable[Sequence[str]], numeric: frozenset[int] | set[int] = frozenset()) -> str:
    """:func:`row_xml` for rows of strings in the default text style (the CSV
    tables), without its per-cell style logic: the bulk of a workbook."""
    out = []
    for values in rows:
        cells = []
        for j, v in enumerate(values):
            if not v:
                cells.append("<c/>")
                continue
            if numeric and j in numeric:
                n = number(v)
                if not isinstance(n, str):
                    cells.append(f'<c s="{GENERAL}"><v>{n!r}</v></c>')
                    continue
            if _SPECIAL.search(v):
                v = text_xml(v)
            if v[0].isspace() or v[-1].isspace():
                cells.append(f'<c t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>')
            else:
                cells.append(f'<c t="inlineStr"><is><t>{v}</t></is></c>')
        while cells and cells[-1] == "<c/>":
            cells.pop()
        out.append(f"<row>{''.join(cells)}</row>")
    return "".join(out)


def deflate_piece(data: bytes) -> tuple[bytes, int, int]:
    """(raw deflate ended by a sync flush, crc32, length): appendable to a member."""
    z = zlib.compressobj(1, zlib.DEFLATED, -15)
    return z.compress(data) + z.flush(zlib.Z_SYNC_FLUSH), zlib.crc32(data), len(data)


class Member:
    """One deflated zip member, built from pieces into a temporary file."""

    def __init__(self, name: str, folder: Path):
        self.name = name
        fd, tmp = tempfile.mkstemp(prefix=".xlsx-", suffix=".part", dir=folder)
        self.path = Path(tmp)
        self.f: BinaryIO = os.fdopen(fd, "wb")
        self.crc = self.size = self.csize = 0
        self._buf: list[bytes] = []
        self._buffered = 0

    def add_piece(self, comp: bytes, crc: int, n: int) -> None:
        self._flush()
        self._append(comp, crc, n)

    def write(self, text: str) -> None:
        self.write_bytes(text.encode())

    def write_bytes(self, data: bytes) -> None:
        self._buf.append(data)
        self._buffered += len(data)
        if self._buffered >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._buffered:
            self._append(*deflate_piece(b"".join(self._buf)))
            self._buf, self._buffered = [], 0

    def _append(self, comp: bytes, crc: int, n: int) -> None:
        if n:
            self.crc = zlib.crc32(bytes(n), self.crc) ^ crc ^ zlib.crc32(bytes(n))
            self.size += n
        self.f.write(comp)
        self.csize += len(comp)

    def close(self) -> None:
        self._flush()
        self.f.write(_END)
        self.csize += len(_END)
        self.f.close()


class XlsxWriter:
    """A workbook assembled from members: sheets streamed row by row or from
    pre-deflated pieces, then the package parts around them."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.folder = self.path.parent
        self.sheets: list[tuple[str, Member]] = []

    def sheet(self, name: str, *, widths: Sequence[float] = (), freeze: bool = False) -> Member:
        """A new sheet's member, its ``<sheetData>`` opened: write rows (text or
        :func:`deflate_piece` pieces of :func:`row_xml`), then :meth:`end_sheet`."""
        m = Member(f"xl/worksheets/sheet{len(self.sheets) + 1}.xml", self.folder)
        self.sheets.append((name, m))
        head = [f"{_XML}<worksheet {_NS} {_REL_NS}>"]
        if freeze:
            head.append('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>')
        if widths:
            head.append("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                                           for i, w in enumerate(widths, 1) if w) + "</cols>")
        head.append("<sheetData>")
        m.write("".join(head))
        return m

    @staticmethod
    def end_sheet(m: Member, filter_ref: str = "") -> None:
        m.write("</sheetData>" + (f'<autoFilter ref="{filter_ref}"/>' if filter_ref else "") + "</worksheet>")
        m.close()

    def add_sheet(self, name: str, rows: Iterable[Sequence[object]], *, widths: Sequence[float] = (),
                  header: bool = False, styles: Sequence[int] = (), numeric: Sequence[int] = (),
                  freeze: bool = False) -> int:
        """A whole sheet from rows (the first is a bold header when ``header``); returns the rows written."""
        m = self.sheet(name, widths=widths, freeze=freeze)
        n = width = 0
        for row in rows:
            n += 1
            width = max(width, len(row))
            if header and n == 1:
                m.write(row_xml(row, [BOLD] * len(row)))
            else:
                m.write(row_xml(row, styles, numeric))
        self.end_sheet(m, f"A1:{column_letter(max(width, 1))}{n}" if header and n else "")
        return n

    def drop(self, m: Member) -> None:
        """Leave a started sheet out (a table found too large for Excel at the end)."""
        self.sheets = [(s, x) for s, x in self.sheets if x is not m]
        m.f.close()
        m.path.unlink(missing_ok=True)
        for i, (_, x) in enumerate(self.sheets, 1):
            x.name = f"xl/worksheets/sheet{i}.xml"

    def close(self, order: Sequence[str] = ()) -> None:
        """Write the file, sheets in ``order`` (by name; others after, as added)."""
        rank = {name: i for i, name in enumerate(order)}
        order = sorted(enumerate(self.sheets, 1), key=lambda t: rank.get(t[1][0], len(rank)))
        sheets = "".join(f'<sheet name={quoteattr(s)} sheetId="{i}" r:id="rId{i}"/>' for i, (s, _) in order)
        n = len(self.sheets)
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, n + 1))
        rels += f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
                            for i in range(1, n + 1))
        parts = {
            "[Content_Types].xml": f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>{overrides}</Types>',
            "_rels/.rels": f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            "xl/workbook.xml": f"{_XML}<workbook {_NS} {_REL_NS}><sheets>{sheets}</sheets></workbook>",
            "xl/_rels/workbook.xml.rels": f'{_XML}<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>',
            "xl/styles.xml": _STYLES,
        }
        members = []
        for name, text in parts.items():
            m = Member(name, self.folder)
            m.write(text)
            m.close()
            members.append(m)
        try:
            _write_zip(self.path, members + [m for _, m in self.sheets])
        finally:
            for m in members + [m for _, m in self.sheets]:
                m.path.unlink(missing_ok=True)


def _write_zip(path: Path, members: list[Member]) -> None:
    """A zip of deflated members (zip64 fields when a size or offset needs them)."""
    t = time.localtime()
    dtime = (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2)
    ddate = ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday
    big = 0xFFFFFFFF
    central = []
    with open(path, "wb") as out:
        for m in members:
            offset = out.tell()
            name = m.name.encode()
            z64 = m.size >= big or m.csize >= big
            extra = struct.pack("<HHQQ", 1, 16, m.size, m.csize) if z64 else b""
            sizes = (big, big) if z64 else (m.csize, m.size)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if z64 else 20, 0, 8, dtime, ddate,
                                  m.crc, *sizes, len(name), len(extra)) + name + extra)
            with open(m.path, "rb") as f:
                while chunk := f.read(1 << 22):
                    out.write(chunk)
            cz64 = z64 or offset >= big
            cextra = struct.pack("<HH", 1, 8 * (2 * z64 + (offset >= big))) if cz64 else b""
            if z64:
                cextra += struct.pack("<QQ", m.size, m.csize)
            if offset >= big:
                cextra += struct.pack("<Q", offset)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if cz64 else 20, 0, 8, dtime,
                                       ddate, m.crc, *sizes, len(name), len(cextra), 0, 0, 0, 0o600 << 16,
                                       min(offset, big)) + name + cextra)
        start = out.tell()
        out.write(b"".join(central))
        end = out.tell()
        count, size = len(central), end - start
        if start >= big or count >= 0xFFFF:
            out.write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, start))
            out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                              min(size, big), min(start, big), 0))
