"""Ingest: every format and encoding of the same plan must give the same text."""
from __future__ import annotations

import os
import random
import re
import stat
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from formats import (
    docx_expected_lines,
    plain_text,
    write_docx,
    write_docx_table,
    write_pdf,
    write_scanned_pdf,
    write_text,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.docx_reader import DOC_CONVERTER_MISSING, format_number
from extract.ingest import clean_text, load, load_bytes, reads_as_vietnamese
from extract.model import IngestError

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SEEDS = [RAW / "000_6eb7e64af74a1c4e.txt", RAW / "001_591f09c69c18c1bb.txt"]
SEED_IDS = [seed.name[:3] for seed in SEEDS]


def original(seed: Path) -> str:
    return unicodedata.normalize("NFC", seed.read_text(encoding="utf-8").replace("\r\n", "\n"))


def lines_of(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def collapse(text: str) -> str:
    return " ".join(text.split())


# --- text files ----------------------------------------------------------------------

VARIANTS = [
    # (encoding, newline, encoding reported)
    ("utf-8", "\r\n", "utf-8"),
    ("utf-8", "\r", "utf-8"),
    ("nfd", "\n", "utf-8"),
    ("utf-8-sig", "\n", "utf-8-sig"),
    ("utf-16", "\r\n", "utf-16-le"),
    ("utf-16-le", "\n", "utf-16-le"),
    ("utf-16-be", "\n", "utf-16-be"),
    ("cp1258", "\r\n", "cp1258"),
]


@pytest.mark.parametrize("seed", SEEDS, ids=SEED_IDS)
@pytest.mark.parametrize("encoding,newline,reported", VARIANTS, ids=[f"{v[0]}{v[1]!r}" for v in VARIANTS])
def test_text_variants_load_to_the_original(tmp_path, seed, encoding, newline, reported):
    path = write_text(seed.read_text(encoding="utf-8"), tmp_path / "plan.txt", encoding, newline)
    assert path.read_bytes() != seed.read_bytes()
    source = load(path)
    assert source.text == original(seed)
    assert source.kind == "txt"
    assert source.encoding == reported
    assert source.warnings == []


def test_cp1258_short_lines_are_read_as_vietnamese(tmp_path):
    """Short lines are where a statistical guess goes wrong; the decoded text must
    still be the Vietnamese line."""
    from charset_normalizer import from_bytes

    lines = [line for line in original(SEEDS[1]).split("\n") if any(ord(c) > 127 for c in line)]
    misguessed = 0
    for i, line in enumerate(lines):
        path = write_text(line, tmp_path / f"line{i}.txt", "cp1258")
        best = from_bytes(path.read_bytes()).best()
        misguessed += best is None or best.encoding != "cp1258"
        source = load(path)
        assert source.text == line, line
        assert source.encoding == "cp1258"
    assert misguessed >= 1, "no line exercised the Windows-1258 preference"


def test_wrong_code_page_does_not_read_as_vietnamese():
    line = "Sở Tư pháp chủ trì, phối hợp với các cơ quan có liên quan"
    from formats import windows_1258_form

    data = windows_1258_form(line).encode("cp1258")
    assert reads_as_vietnamese(unicodedata.normalize("NFC", data.decode("cp1258")))
    assert not reads_as_vietnamese(unicodedata.normalize("NFC", data.decode("cp1250")))
    assert not reads_as_vietnamese(unicodedata.normalize("NFC", data.decode("latin-1")))


def test_utf8_with_a_few_broken_bytes_keeps_the_rest(tmp_path):
    text = original(SEEDS[1])
    data = text.encode("utf-8")
    cut = data.index("Mục đích".encode("utf-8"))
    path = tmp_path / "mixed.txt"
    path.write_bytes(data[:cut] + b"\xe9" + data[cut:])
    source = load(path)
    assert source.encoding == "utf-8"
    assert source.text.replace("\ufffd", "", 1) == text
    assert source.warnings == ["1 invalid UTF-8 bytes replaced"]


def test_controls_and_bom_are_cleaned(tmp_path):
    path = tmp_path / "plan.md"
    path.write_bytes("\ufeffKẾ HOẠCH\x07\r\nI.\tMỤC ĐÍCH\x0bdòng\f\n\u2028cuối".encode("utf-8"))
    source = load(path)
    assert source.text == "KẾ HOẠCH\nI.\tMỤC ĐÍCH\ndòng\f\n\ncuối"
    assert source.kind == "txt"


def test_unknown_extension_with_text_is_read(tmp_path):
    path = write_text(SEEDS[1].read_text(encoding="utf-8"), tmp_path / "plan.dat", "utf-16")
    assert load(path).text == original(SEEDS[1])


# --- failures ------------------------------------------------------------------------


def reason(path: Path) -> str:
    with pytest.raises(IngestError) as info:
        load(path)
    return str(info.value)


def test_empty_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \r\n\t\n")
    (tmp_path / "bom.txt").write_bytes("\ufeff\n".encode("utf-16"))
    assert reason(tmp_path / "empty.txt") == "empty file"
    assert reason(tmp_path / "blank.txt") == "empty file"
    assert reason(tmp_path / "bom.txt") == "empty file"


def test_random_bytes_are_binary(tmp_path):
    rng = random.Random(1258)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    (tmp_path / "noise.txt").write_bytes(noise)
    (tmp_path / "noise").write_bytes(noise.replace(b"\x00", b"\x01"))  # no NUL to give it away
    (tmp_path / "noise.xyz").write_bytes(noise)
    assert reason(tmp_path / "noise.txt") == "binary file (not text, DOCX or PDF)"
    assert reason(tmp_path / "noise") == "binary file (not text, DOCX or PDF)"
    assert reason(tmp_path / "noise.xyz") == "unsupported file type .xyz"


def test_missing_file(tmp_path):
    assert reason(tmp_path / "absent.txt").startswith("cannot open file")


def test_corrupt_docx(tmp_path):
    good = write_docx(original(SEEDS[1]), tmp_path / "good.docx").read_bytes()
    (tmp_path / "cut.docx").write_bytes(good[: len(good) // 2])
    (tmp_path / "text.docx").write_bytes("KẾ HOẠCH".encode("utf-8"))
    with zipfile.ZipFile(tmp_path / "nodoc.docx", "w") as archive:
        archive.writestr("word/other.xml", "<x/>")
    assert reason(tmp_path / "cut.docx").startswith("corrupt DOCX: ")
    assert reason(tmp_path / "text.docx") == "corrupt DOCX: not a ZIP archive"
    assert reason(tmp_path / "nodoc.docx").startswith("corrupt DOCX: ")


def test_other_zip_is_unsupported(tmp_path):
    with zipfile.ZipFile(tmp_path / "sheet.xlsx", "w") as archive:
        archive.writestr("xl/workbook.xml", "<x/>")
    assert reason(tmp_path / "sheet.xlsx") == "unsupported file type .xlsx"


def test_encrypted_docx(tmp_path):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "secret.docx").write_bytes(ole2 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64)
    assert reason(tmp_path / "secret.docx") == "encrypted DOCX"


# --- .doc (Word 97) ------------------------------------------------------------------

FAKE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024


def test_doc_without_converters(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    (tmp_path / "plan.doc").write_bytes(FAKE_DOC)
    assert reason(tmp_path / "plan.doc") == DOC_CONVERTER_MISSING
    assert DOC_CONVERTER_MISSING == (
        "cannot read .doc: install LibreOffice (Debian: libreoffice-writer-nogui) or antiword"
    )


def _fake_program(bindir: Path, name: str, body: str) -> None:
    bindir.mkdir(exist_ok=True)
    script = bindir / name
    script.write_text(f"#!{sys.executable}\nimport sys, shutil, pathlib\n{body}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.mark.skipif(os.name != "posix", reason="fake converters are POSIX scripts")
def test_doc_through_libreoffice_command(tmp_path, monkeypatch):
    """Stands in for soffice to check the command line and where the DOCX is
    looked for; the real conversion needs LibreOffice."""
    text = original(SEEDS[1])
    converted = write_docx(text, tmp_path / "converted.docx", numbering="word")
    _fake_program(tmp_path / "bin", "soffice", f"""
args = sys.argv[1:]
assert "--headless" in args and args[args.index("--convert-to") + 1] == "docx", args
assert any(a.startswith("-env:UserInstallation=file://") for a in args), args
source = pathlib.Path(args[-1])
assert source.read_bytes().startswith(b"\\xd0\\xcf\\x11\\xe0"), source
outdir = pathlib.Path(args[args.index("--outdir") + 1])
shutil.copy({str(converted)!r}, outdir / (source.stem + ".docx"))
""")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    (tmp_path / "plan.doc").write_bytes(FAKE_DOC)
    source = load(tmp_path / "plan.doc")
    assert source.kind == "doc"
    assert lines_of(source.text) == docx_expected_lines(text)


@pytest.mark.skipif(os.name != "posix", reason="fake converters are POSIX scripts")
def test_doc_through_antiword_command(tmp_path, monkeypatch):
    _fake_program(tmp_path / "bin", "antiword", """
args = sys.argv[1:]
assert args[:2] == ["-m", "UTF-8.txt"], args
sys.stdout.buffer.write("KẾ HOẠCH\\r\\nI. MỤC ĐÍCH\\r\\n".encode("utf-8"))
""")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    (tmp_path / "plan.doc").write_bytes(FAKE_DOC)
    source = load(tmp_path / "plan.doc")
    assert (source.kind, source.text) == ("doc", "KẾ HOẠCH\nI. MỤC ĐÍCH\n")


# --- DOCX ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=SEED_IDS)
def test_docx_word_numbering_rebuilds_typed_labels(tmp_path, seed):
    import docx

    text = original(seed)
    typed = load(write_docx(text, tmp_path / "typed.docx", numbering="typed"))
    word_path = write_docx(text, tmp_path / "word.docx", numbering="word")
    word = load(word_path)
    assert typed.kind == word.kind == "docx"
    assert lines_of(typed.text) == docx_expected_lines(text)
    assert lines_of(word.text) == lines_of(typed.text)
    # the labels really are gone from the Word file's text, and come back on reading
    raw = [p.text for p in docx.Document(str(word_path)).paragraphs]
    numbered = [p for p in docx.Document(str(word_path)).paragraphs if p._p.pPr is not None
                and p._p.pPr.numPr is not None]
    assert len(numbered) >= 5
    assert not any(line.startswith(("I. ", "II. ", "1. ", "2. ")) for line in raw)
    assert any(line.startswith("II. ") for line in lines_of(word.text))
    assert any(line.startswith("2. ") for line in lines_of(word.text))


def test_docx_keeps_markdown_bold_as_layout_hint(tmp_path):
    text = "## **KẾ HOẠCH**\n\nThực hiện **chậm nhất ngày 01** năm 2026\n**I. MỤC ĐÍCH**\n## Tiêu đề thường"
    lines = lines_of(load(write_docx(text, tmp_path / "b.docx", numbering="word")).text)
    assert lines == ["**KẾ HOẠCH**", "Thực hiện chậm nhất ngày 01 năm 2026", "**I. MỤC ĐÍCH**",
                     "Tiêu đề thường"]


def test_docx_table_merged_cells_once_in_reading_order(tmp_path):
    import docx

    rows = [
        ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"],
        ["1", "Tuyên truyền, phổ biến pháp luật", "Phòng Tư pháp", "Năm 2026"],
        ["2", "Rà soát văn bản", None, "Quý IV năm 2026"],
        ["3", "Tập huấn cho cán bộ", "Sở Tư pháp", "Cả năm 2026"],
        ["4", "Tổng kết", "Văn phòng", None],
    ]
    path = write_docx_table(
        tmp_path / "table.docx",
        rows,
        merges=[((2, 1), (2, 2)), ((3, 3), (4, 3))],
        before=["KẾ HOẠCH", "II. NHIỆM VỤ"],
        after=["III. TỔ CHỨC THỰC HIỆN"],
    )
    # python-docx alone repeats both merged cells
    table = docx.Document(str(path)).tables[0]
    naive = [cell.text for row in table.rows for cell in row.cells]
    assert naive.count("Rà soát văn bản") == 2
    assert naive.count("Cả năm 2026") == 2

    lines = lines_of(load(path).text)
    expected_cells = [value for row in rows for value in row if value is not None]
    assert lines == ["KẾ HOẠCH", "II. NHIỆM VỤ", *expected_cells, "III. TỔ CHỨC THỰC HIỆN"]
    assert lines.count("Rà soát văn bản") == 1


def test_docx_vertical_merge_text_appears_once(tmp_path):
    rows = [["Chủ trì", "Nhiệm vụ A"], [None, "Nhiệm vụ B"], [None, "Nhiệm vụ C"]]
    path = write_docx_table(tmp_path / "v.docx", rows, merges=[((0, 0), (2, 0))])
    assert lines_of(load(path).text) == ["Chủ trì", "Nhiệm vụ A", "Nhiệm vụ B", "Nhiệm vụ C"]


# Hand-written numbering and styles, as Word saves them.

NUMBERING = """
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
  <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="3">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%1)"/>
    <w:pStyle w:val="DieuMuc"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="4">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/>
    <w:isLgl/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%3."/>
    <w:lvlRestart w:val="0"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="2"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="3"/></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="4"/></w:num>
"""

STYLES = """
<w:style w:type="paragraph" w:styleId="DieuMuc"><w:name w:val="Dieu Muc"/>
  <w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="DieuMucCon"><w:name w:val="Dieu Muc Con"/>
  <w:basedOn w:val="DieuMuc"/></w:style>
<w:style w:type="paragraph" w:styleId="DamTieuDe"><w:name w:val="Dam Tieu De"/>
  <w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Manh"><w:name w:val="Manh"/><w:rPr><w:b/></w:rPr></w:style>
"""


def p(text: str = "", num: tuple[int, int] | None = None, style: str | None = None,
      runs: str | None = None) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num is not None:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    body = runs if runs is not None else (f"<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>" if text else "")
    return f"<w:p><w:pPr>{props}</w:pPr>{body}</w:p>"


def r(text: str, props: str = "") -> str:
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def docx_from_xml(path: Path, paragraphs: list[str]) -> Path:
    """A DOCX whose body, numbering and styles are the XML given."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.part_related_by(RT.NUMBERING).element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(f"<w:numbering {nsdecls('w')}>{NUMBERING}</w:numbering>"):
        numbering.append(child)
    styles = document.styles.element
    for child in parse_xml(f"<w:styles {nsdecls('w')}>{STYLES}</w:styles>"):
        styles.append(child)
    body = document.element.body
    for xml in paragraphs:
        body.sectPr.addprevious(parse_xml(xml.replace("<w:p>", f"<w:p {nsdecls('w')}>", 1)))
    document.save(str(path))
    return path


def test_numbering_levels_formats_and_restarts(tmp_path):
    paragraphs = [
        (p("MỤC ĐÍCH", (1, 0)), "I. MỤC ĐÍCH"),
        (p("Mục đích", (1, 1)), "1. Mục đích"),
        (p("thứ nhất", (1, 2)), "a) thứ nhất"),
        (p("thứ hai", (1, 2)), "b) thứ hai"),
        (p("gạch đầu dòng", (1, 3)), "- gạch đầu dòng"),
        (p("Yêu cầu", (1, 1)), "2. Yêu cầu"),
        (p("lại từ đầu", (1, 2)), "a) lại từ đầu"),
        (p("Đoạn văn không đánh số"), "Đoạn văn không đánh số"),
        (p("NỘI DUNG", (1, 0)), "II. NỘI DUNG"),
        (p("Nhiệm vụ", (1, 1)), "1. Nhiệm vụ"),
        (p("", (1, 1)), "2."),
        (p("Bắt đầu từ 3", (2, 0)), "3. Bắt đầu từ 3"),
        (p("con", (2, 1)), "3.1. con"),
        (p("con nữa", (2, 1)), "3.2. con nữa"),
        (p("ghi đè", (3, 0)), "7. ghi đè"),
        (p("con của 7", (3, 1)), "7.1. con của 7"),
        (p("theo kiểu đoạn", style="DieuMuc"), "i) theo kiểu đoạn"),
        (p("kiểu kế thừa", style="DieuMucCon"), "ii) kiểu kế thừa"),
        (p("tắt đánh số", (0, 0), style="DieuMuc"), "tắt đánh số"),
        (p("thứ ba", style="DieuMuc"), "iii) thứ ba"),
        (p("PHẦN", (5, 0)), "I. PHẦN"),
        (p("kiểu pháp lý", (5, 1)), "1.1. kiểu pháp lý"),
        (p("chữ", (5, 2)), "A. chữ"),
        (p("PHẦN HAI", (5, 0)), "II. PHẦN HAI"),
        (p("không khởi động lại", (5, 2)), "B. không khởi động lại"),
    ]
    path = docx_from_xml(tmp_path / "lists.docx", [xml for xml, _ in paragraphs])
    assert lines_of(load(path).text) == [expected for _, expected in paragraphs]


def test_bold_paragraphs_are_marked(tmp_path):
    paragraphs = [
        (p("Kiểu đậm", style="DamTieuDe"), "**Kiểu đậm**"),
        (p(runs=r("Bỏ đậm", '<w:b w:val="0"/>'), style="DamTieuDe"), "Bỏ đậm"),
        (p(runs=r("Kiểu ký tự đậm", '<w:rStyle w:val="Manh"/>')), "**Kiểu ký tự đậm**"),
        (p(runs=r("Đậm", "<w:b/>") + r(" một phần")), "Đậm một phần"),
        (p(runs=r("Hai", "<w:b/>") + r(" ") + r("phần", '<w:b w:val="true"/>')), "**Hai phần**"),
        (p(runs=r("Hiện", "<w:b/>") + r(" ẩn", "<w:vanish/>")), "**Hiện**"),
        (p(runs=r("MỤC TIÊU", "<w:b/>"), num=(1, 0)), "**I. MỤC TIÊU**"),
        (p(runs=r("dòng một", "<w:b/>") + "<w:r><w:br/></w:r>" + r("dòng hai", "<w:b/>")),
         "**dòng một**\n**dòng hai**"),
    ]
    path = docx_from_xml(tmp_path / "bold.docx", [xml for xml, _ in paragraphs])
    assert load(path).text == "\n".join(expected for _, expected in paragraphs) + "\n"


def test_runs_inside_hyperlinks_and_insertions_deleted_text_skipped(tmp_path):
    runs = (r("Theo ") + f"<w:hyperlink>{r('Quyết định 977/QĐ-TTg')}</w:hyperlink>"
            + f"<w:del>{r(' đã xoá')}</w:del>" + f"<w:ins>{r(' của Thủ tướng')}</w:ins>")
    path = docx_from_xml(tmp_path / "h.docx", [p(runs=runs)])
    assert load(path).text == "Theo Quyết định 977/QĐ-TTg của Thủ tướng\n"


@pytest.mark.parametrize("value,fmt,label", [
    (4, "upperRoman", "IV"), (14, "lowerRoman", "xiv"), (1, "lowerLetter", "a"),
    (27, "upperLetter", "AA"), (7, "decimalZero", "07"), (12, "decimal", "12"),
])
def test_format_number(value, fmt, label):
    assert format_number(value, fmt) == label


# --- PDF -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=SEED_IDS)
def test_pdf_has_every_word_in_order(tmp_path, seed):
    import pypdfium2

    text = original(seed)
    path = write_pdf(text, tmp_path / "plan.pdf")
    source = load(path)
    assert source.kind == "pdf"
    assert collapse(source.text) == collapse(plain_text(text))
    assert "\r" not in source.text and unicodedata.is_normalized("NFC", source.text)
    pages = len(pypdfium2.PdfDocument(str(path)))
    assert pages >= 2
    assert source.text.split("\n").count("\f") == pages - 1


def test_scanned_pdf_needs_ocr(tmp_path):
    assert reason(write_scanned_pdf(tmp_path / "scan.pdf", pages=2)) == "no text layer (needs OCR)"


def test_partly_scanned_pdf_warns(tmp_path):
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp_path / "mixed.pdf"))
    pdf.drawString(72, 720, "KE HOACH")
    pdf.showPage()
    pdf.rect(72, 300, 200, 200, fill=1)
    pdf.showPage()
    pdf.save()
    source = load(tmp_path / "mixed.pdf")
    assert source.text.split("\n")[0] == "KE HOACH"
    assert source.warnings == ["1 of 2 PDF pages have no text layer (needs OCR)"]


def test_encrypted_pdf(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(tmp_path / "locked.pdf"),
                        encrypt=StandardEncryption("mật-khẩu", ownerPassword="chủ"))
    pdf.drawString(72, 720, "KE HOACH")
    pdf.showPage()
    pdf.save()
    assert reason(tmp_path / "locked.pdf") == "encrypted PDF"


def test_corrupt_pdf(tmp_path):
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7\n" + b"garbage " * 50)
    (tmp_path / "notpdf.pdf").write_bytes(b"just some text")
    assert reason(tmp_path / "bad.pdf").startswith("corrupt PDF: ")
    assert reason(tmp_path / "notpdf.pdf") == "corrupt PDF: no %PDF header"


def test_content_decides_over_extension(tmp_path):
    text = original(SEEDS[1])
    pdf = write_pdf(text, tmp_path / "a.pdf").read_bytes()
    (tmp_path / "really_pdf.txt").write_bytes(pdf)
    docx_bytes = write_docx(text, tmp_path / "b.docx").read_bytes()
    (tmp_path / "really_docx.doc").write_bytes(docx_bytes)
    assert load(tmp_path / "really_pdf.txt").kind == "pdf"
    assert load(tmp_path / "really_docx.doc").kind == "docx"


@settings(max_examples=500, deadline=None)
@given(st.text("\r\n\x0b\x85\u2028\u2029\ufeff\x00\x1f\tao\u0301", max_size=40))
def test_line_ends_become_one_newline_each(text):
    """CRLF is one line end, every other break character one too, whatever they neighbour."""
    want = re.sub("\r\n|[\r\x0b\x85\u2028\u2029]", "\n", text)
    want = unicodedata.normalize("NFC", re.sub("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]", "",
                                               want[1:] if want.startswith("\ufeff") else want))
    assert clean_text(text) == want


def test_a_web_page_reads_as_its_visible_text():
    from extract.html_text import html_to_text
    page = ("<!doctype html><html><head><title>T</title><script>if (a<b) document.write('<table><tr>"
            "<td>x</td></tr></table>')</script><body><nav>Trang chủ</nav><h1>KẾ HOẠCH</h1>"
            "<p>Sở&nbsp;Tư pháp &amp; Sở <b>Nội vụ</b><br>dòng hai</p><p>Một\ndòng   gói</p>"
            "<pre>a\n b</pre><table class=t><tr><td rowspan=2>1 &lt; 2</td></tr></table><footer>©</footer>")
    assert html_to_text(page).split("\n") == [
        "KẾ HOẠCH", "Sở Tư pháp & Sở **Nội vụ**", "dòng hai", "Một dòng gói", "a", "b",
        "<table class=t><tr><td rowspan=2>1 &lt; 2</td></tr></table>"]
    # a head left open ends where the body starts
    assert html_to_text("<html><head><title>T</title><body><p>Nội dung</p>") == "Nội dung"


def test_what_is_read_as_a_web_page():
    from extract.html_text import is_html_document
    assert is_html_document("<!DOCTYPE html>\n<html><body>x</body></html>", ".txt")  # the content says
    assert is_html_document("<!-- saved -->\n<HTML><BODY>x</BODY></HTML>")
    assert is_html_document("<div>\n<p>Một</p>\n<p>Hai</p>\n</div>", ".html")
    assert not is_html_document("Kế hoạch\nSố 1/KH\nNội dung\n", ".html")  # plain text named .html
    remnants = "Kế hoạch\nI. MỤC ĐÍCH\n1. Việc một\n<p>Các nhiệm vụ:</p>\n2. Việc hai\n3. Việc ba\n"
    assert not is_html_document(remnants, ".html")  # its line ends mean something
    source = load_bytes(b"<!DOCTYPE html><html><body><p>K\xe1\xba\xbf ho\xe1\xba\xa1ch</p></body></html>", ".htm")
    assert (source.kind, source.text) == ("html", "Kế hoạch")


_MARKUP_TOKENS = ["<", ">", "</", "<!", "<![", "]]>", "<!--", "-->", "<?", "?>", "[if", "endif]", "&", ";",
                  "&#", "&#x", "amp", "table", "td", "tr", "script", "style", "head", "body", "p", "b", "pre",
                  " ", "\n", "=", '"', "CDATA[", "ệ", "\x00", "/", "DOCTYPE", "html", "x"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_MARKUP_TOKENS), max_size=80).map("".join))
def test_any_markup_reads_without_an_error(text):
    """Broken pages (a ``<![`` that is no marked section, unclosed tags) give text, never an error."""
    from extract.html_text import html_to_text
    out = html_to_text("<!DOCTYPE html>" + text)
    assert isinstance(out, str) and "\n\n" not in out
