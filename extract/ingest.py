"""Ingest: turn one input file (text, DOCX, PDF, Word 97) into a :class:`SourceText`.

The file's content decides how it is read (PDF and ZIP signatures, OLE2 for Word
97), the extension only breaks ties, because plans are often saved with the wrong
extension. Every reader returns raw text; this module gives all of them the same
clean-up (NFC, ``\\n`` line ends, no control characters) so that line numbers mean
the same thing whatever the source format was.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

from extract import legacy
from extract.html_text import HTML_SUFFIXES, html_to_text, is_html_document
from extract.model import IngestError, SourceText, Table

TEXT_SUFFIXES = frozenset({"", ".txt", ".text", ".md", ".markdown"}) | HTML_SUFFIXES
"""Extensions read as plain text; unknown extensions are read as text only when
their bytes look like text."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _env_mb(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


MAX_TEXT_MB = _env_mb("KEHOACH_MAX_TEXT_MB", 20.0)
"""Most text (UTF-8 megabytes) read from one file; 0 for no limit. The longest
plans hold a few MB of text: a file with more is an archive of many documents or
no plan at all, and would hold a worker for minutes, so it fails with the reason.
A DOCX may hold at most 5 times as much XML, checked before it is parsed (a
compressed document.xml can be huge). Set with the environment variable
``KEHOACH_MAX_TEXT_MB``."""
_DOCX_XML_FACTOR = 5

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")

_LOWER_VIET = (
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)
VIETNAMESE_LETTERS = frozenset(_LOWER_VIET + _LOWER_VIET.upper())
"""The precomposed (NFC) letters of the Vietnamese alphabet outside ASCII."""

_LINE_BREAKS = re.compile("[\r\x0b\x85\u2028\u2029]")  # after CRLF → LF: a class alone scans fast
_DROP = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_BINARY_CONTROLS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


def load(path: str | Path) -> SourceText:
    """Read one input file; raise :class:`IngestError` with a short reason when
    nothing can be read, so the caller can record a ``failed`` row."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot open file: {exc.strerror or exc}") from exc
    return load_bytes(data, path.suffix, name=path.name)


def load_bytes(data: bytes, suffix: str = "", name: str = "input") -> SourceText:
    """Read a file's bytes; ``suffix`` is its extension (``.docx``), used only when
    the content itself does not say what the file is."""
    suffix = suffix.lower()
    if not data.strip():
        raise IngestError("empty file")
    kind = sniff_kind(data, suffix)
    if kind == "pdf":
        from extract.pdf_reader import read_pdf

        raw, warnings, tables = read_pdf(data)
        return _finish(raw, "pdf", "", warnings, tables)
    if kind == "docx":
        from extract.docx_reader import read_docx

        _check_docx_size(data)
        raw, warnings, tables = read_docx(data)
        return _finish(raw, "docx", "", warnings, tables)
    if kind == "doc":
        from extract.docx_reader import read_doc

        raw, warnings, tables = read_doc(data)
        return _finish(raw, "doc", "", warnings, tables)
    if kind == "encrypted-docx":
        raise IngestError("encrypted DOCX")
    if kind == "zip":
        raise IngestError(f"unsupported file type {suffix or '(ZIP archive)'}")
    if suffix == ".docx":
        raise IngestError("corrupt DOCX: not a ZIP archive")
    if suffix == ".pdf":
        raise IngestError("corrupt PDF: no %PDF header")
    try:
        text, encoding, warnings = decode_text(data)
    except IngestError as exc:
        if suffix not in TEXT_SUFFIXES and suffix != ".doc" and str(exc).startswith("binary"):
            raise IngestError(f"unsupported file type {suffix}") from exc
        raise
    if is_html_document(text, suffix):
        _check_text_size(text)  # before the parser spends its time on a page too large anyway
        return _finish(html_to_text(text), "html", encoding, warnings)
    return _finish(text, "txt", encoding, warnings)


def sniff_kind(data: bytes, suffix: str) -> str:
    """Say what reader a file needs: ``pdf``, ``docx``, ``doc``, ``encrypted-docx``,
    ``zip`` (a ZIP that is not a Word document) or ``text`` (try decoding)."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        return "docx" if b"word/" in data or suffix == ".docx" else "zip"
    if data.startswith(_OLE2_MAGIC):
        # A password-protected DOCX is an OLE2 container holding EncryptionInfo.
        return "encrypted-docx" if _ENCRYPTED_OOXML in data[:65536] else "doc"
    if data.lstrip()[:5] == b"{\\rtf" and suffix in (".doc", ".rtf"):
        return "doc"
    return "text"


def decode_text(data: bytes) -> tuple[str, str, list[str]]:
    """Decode a text file's bytes; return (text, encoding used, warnings).

    Order: byte order mark, strict UTF-8, BOM-less UTF-16 told by where the NUL
    bytes fall, the pre-Unicode font encodings TCVN3/VNI/VISCII when their words
    are Vietnamese syllables (:mod:`extract.legacy`; no warning, the conversion is
    exact), UTF-8 with a few broken bytes, then a guess by charset-normalizer
    corrected towards Windows-1258 when that reads as Vietnamese."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding, []
            except UnicodeDecodeError as exc:
                raise IngestError(f"undecodable text: invalid {encoding} after its BOM") from exc
    try:
        return _check_not_binary(data.decode("utf-8")), "utf-8", []
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        encoding = utf16_by_nul_pattern(data)
        if encoding:
            try:
                return _check_not_binary(data.decode(encoding)), encoding, []
            except UnicodeDecodeError:
                pass
        raise IngestError("binary file (not text, DOCX or PDF)")
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is None:
        # Before the control check: VISCII and TCVN 5712 put a few capitals on C0 bytes.
        found = legacy.detect(data)
        if found is not None:
            encoding, text = found
            return _check_not_binary(text), encoding, []
    # Control bytes mean the same in every ASCII-based code page: refuse before guessing.
    _check_not_binary(data.decode("latin-1"))
    if mostly_utf8 is not None:
        text, bad = mostly_utf8
        return _check_not_binary(text), "utf-8", [f"{bad} invalid UTF-8 bytes replaced"]
    text, encoding, vietnamese = _guess_legacy(data)
    warnings = []
    if not vietnamese and vietnamese_score(unicodedata.normalize("NFC", text[:_SAMPLE_CHARS])) < 0.5:
        warnings.append(
            f"decoded as {encoding} but does not read as Vietnamese "
            "(nor as TCVN3, VNI or VISCII)"
        )
    return _check_not_binary(text), encoding, warnings


# How much of a file the encoding is judged on: one code page covers a file, and
# a few pages of text tell Vietnamese from a wrong code page beyond doubt.
_SAMPLE_CHARS = 16384


def utf16_by_nul_pattern(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NUL bytes sit on one side of the byte
    pairs, as ASCII characters in UTF-16 put them; else ``None``."""
    pairs = len(data) // 2
    if pairs == 0:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    if odd >= 0.2 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.2 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """Decode UTF-8 text that has a handful of broken bytes (a file pasted together
    from two sources) instead of guessing a legacy encoding for all of it."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - bad
    if bad <= max(1, len(data) // 1000) and multibyte >= 10 * bad:
        return text, bad
    return None


def _guess_legacy(data: bytes) -> tuple[str, str, bool]:
    """Guess an 8-bit encoding: Windows-1258 when it reads as Vietnamese (no
    other single-byte code page has Vietnamese letters, and TCVN3, VNI and
    VISCII were tried before), else charset-normalizer's guess. Both are judged
    on the first :data:`_SAMPLE_CHARS` bytes (cut at a line end), then the
    whole file is decoded. The flag says the text was seen to read as
    Vietnamese."""
    sample = _head(data)
    try:
        as_1258 = unicodedata.normalize("NFC", sample.decode("cp1258"))
    except UnicodeDecodeError:
        as_1258 = None
    if as_1258 is not None and reads_as_vietnamese(as_1258):
        try:
            return data.decode("cp1258"), "cp1258", True
        except UnicodeDecodeError:  # a byte Windows-1258 lacks beyond the sample
            pass
    guess = _charset_guess(sample)
    if guess is not None and len(sample) < len(data):
        try:
            guess = (data.decode(guess[1]), guess[1])
        except UnicodeDecodeError:  # the sample did not show the whole file
            guess = _charset_guess(data)
    if guess is None:
        raise IngestError("undecodable text")
    return *guess, False


def _head(data: bytes) -> bytes:
    if len(data) <= _SAMPLE_CHARS:
        return data
    cut = data.rfind(b"\n", 0, _SAMPLE_CHARS)
    return data[:cut + 1] if cut > _SAMPLE_CHARS // 2 else data[:_SAMPLE_CHARS]


def _charset_guess(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding.startswith(("utf_16", "utf_32")):
        return None
    return str(best), codecs.lookup(best.encoding).name


_TONED = frozenset(
    ch for ch in VIETNAMESE_LETTERS
    if any(mark in unicodedata.normalize("NFD", ch) for mark in "\u0300\u0301\u0303\u0309\u0323")
)
_WORD = re.compile(r"[^\W\d_]+")
_TONED_DROP = dict.fromkeys(map(ord, _TONED))  # str.translate tables that delete toned…
_VIET_DROP = dict.fromkeys(map(ord, VIETNAMESE_LETTERS))  # …and all Vietnamese letters
# the non-ASCII runs of a text, which those tables are applied to: str.translate
# looks up every character, and most of a Vietnamese text is ASCII
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _letter_counts(text: str) -> tuple[int, int]:
    """(Vietnamese letters, other non-ASCII letters and marks) of an NFC text."""
    non_ascii = "".join(_NON_ASCII.findall(text))
    rest = non_ascii.translate(_VIET_DROP)
    return len(non_ascii) - len(rest), sum(1 for ch in rest if unicodedata.category(ch)[0] in "LM")


def _purity(viet: int, other: int) -> float:
    return viet / (viet + other) if viet + other else 0.0


def vietnamese_purity(text: str) -> float:
    """Share of Vietnamese letters among the non-ASCII letters and marks of an NFC
    text: near 1 for Vietnamese, low for text decoded with the wrong code page."""
    return _purity(*_letter_counts(text))


def syllable_validity(text: str) -> float:
    """Share of words with non-ASCII letters that could be Vietnamese syllables:
    at most one tone-marked vowel, and no capital after a small letter. A wrong
    Latin code page keeps the letters Vietnamese but breaks these rules
    (``hõòp``, ``SõÒ`` for ``hợp``, ``Sở``)."""
    valid = total = 0
    for word, n in Counter(_WORD.findall(text)).items():  # each distinct word once
        if word.isascii():
            continue
        total += n
        tones = len(word) - len(word.translate(_TONED_DROP))
        if tones > 1:
            continue
        # lower, UPPER and Title words have no capital after a small letter
        if (word.islower() or word.isupper() or word[1:].islower()
                or not any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))):
            valid += n
    return valid / total if total else 0.0


def vietnamese_score(text: str) -> float:
    """How much an NFC text reads as Vietnamese, 0 to 1."""
    return vietnamese_purity(text) * syllable_validity(text)


def reads_as_vietnamese(text: str) -> bool:
    """True when an NFC text has Vietnamese letters at the density of real
    Vietnamese (a few per hundred letters), hardly any other non-ASCII letter,
    and words shaped like Vietnamese syllables."""
    viet, other = _letter_counts(text)
    if not viet or viet < 0.03 * sum(map(str.isalpha, text)):
        return False
    return _purity(viet, other) * syllable_validity(text) >= 0.85  # vietnamese_score, counts reused


def _check_not_binary(text: str) -> str:
    """Refuse decoded 'text' that is mostly control characters (an executable,
    an image) rather than handing garbage to the parser."""
    controls = len(_BINARY_CONTROLS.findall(text))
    if controls > max(2, len(text) // 100):
        raise IngestError("binary file (not text, DOCX or PDF)")
    return text


def clean_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no leading BOM, no control characters other than
    ``\\n``, ``\\t`` and the ``\\f`` page separator."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    text = _LINE_BREAKS.sub("\n", text)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _DROP.sub("", text)
    return unicodedata.normalize("NFC", text)


def _finish(raw: str, kind: str, encoding: str, warnings: list[str],
            tables: list[Table] | None = None) -> SourceText:
    text = clean_text(raw)
    if not text.strip():
        raise IngestError("empty file" if kind == "txt" else f"no text in {kind.upper()}")
    _check_text_size(text)
    if kind in ("txt", "html"):  # a page's tables are kept as HTML in its text
        tables = _text_tables(text)
    else:
        tables = _place_tables(text, tables or [])
    return SourceText(text=text, kind=kind, encoding=encoding, warnings=list(warnings),
                      tables=tables)


def _check_text_size(text: str) -> None:
    limit = MAX_TEXT_MB * 1e6
    if limit and len(text) * 4 > limit:  # a character is at most 4 bytes
        size = len(text.encode("utf-8", errors="replace"))
        if size > limit:
            raise IngestError(f"file too large ({size / 1e6:.1f} MB of text > {MAX_TEXT_MB:g} MB limit)")


def _check_docx_size(data: bytes) -> None:
    """Refuse a DOCX whose body XML, uncompressed, exceeds the limit."""
    limit = MAX_TEXT_MB * _DOCX_XML_FACTOR * 1e6
    if not limit:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            size = sum(i.file_size for i in z.infolist() if i.filename.startswith("word/document"))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # read_docx says what is wrong with it
    if size > limit:
        raise IngestError(f"file too large ({size / 1e6:.1f} MB of DOCX XML > {limit / 1e6:g} MB limit)")


def _text_tables(text: str) -> list[Table]:
    """HTML, markdown and tab-separated tables, found only when the text has their marks."""
    if "<t" not in text.lower() and "|" not in text and "\t" not in text:
        return []
    from extract.tables import text_tables

    return text_tables(text)


def _place_tables(text: str, tables: list[Table]) -> list[Table]:
    """Give reader tables (cell lines known) the same clean-up as the text and
    the character span of their lines; number them in document order."""
    if not tables:
        return tables
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for number, table in enumerate(tables, 1):
        table.index = number
        lines = [c.line_start for c in table.cells if c.line_start]
        ends = [c.line_end for c in table.cells if c.line_end]
        for cell in table.cells:
            cell.text = clean_text(cell.text)
        if lines and max(ends) <= len(starts):
            first, last = min(lines), max(ends)
            end = starts[last] - 1 if last < len(starts) else len(text)
            table.span = (starts[first - 1], end)
    return tables
