"""Pathological inputs: every file gets one documents.csv row with a status and
a reason, quickly, and the batch goes on.

The whole folder goes through ``batch.run`` with the default engine and a
per-document time-out, so a document that takes catastrophically long shows up
as a ``timed out`` row instead of slowing the suite down. Each input takes under
8 s on an idle 2-core machine (most under 2 s); the time-out leaves room for a
busy one.
"""
from __future__ import annotations

import csv
import io
import random
import re
import sys
import time
import zipfile
from pathlib import Path

from extract.markers import to_roman

import pytest

from emit import batch
from extract import ingest, markers
from extract.syllables import repair_glued
from normalize.pipeline import MAX_AGENCY_FIELD_CHARS
from normalize.timeexpr import parse_time

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "data" / "raw" / "001_591f09c69c18c1bb.txt").read_text(encoding="utf-8")
HEAD = SEED[: SEED.index("I. ")]
PER_DOCUMENT_S = 40.0
STATUSES = {"ok", "partial", "failed"}

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    'document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


_WORD_PARA = (
    '<w:p><w:pPr><w:spacing w:after="120" w:line="312" w:lineRule="auto"/><w:ind w:firstLine="567"/>'
    '<w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>'
    '<w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr><w:t>{}</w:t></w:r></w:p>'
)
"""A paragraph with the markup Word writes around it."""


def _para(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def write_docx_body(path: Path, chunks) -> None:
    """A minimal valid DOCX whose body is the XML ``chunks``, streamed into
    the archive so a huge document.xml costs no memory to write."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w") as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'.encode())
            for chunk in chunks:
                f.write(chunk.encode())
            f.write(b"</w:body></w:document>")


def _nested_table(depth: int) -> str:
    inner = _para("- Cơ quan chủ trì: Sở Tư pháp")
    for k in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{_para(f'Ô {k}')}{inner}</w:tc><w:tc>{_para('x')}</w:tc></w:tr></w:tbl>"
    return inner




def _valid_pdf(text: str, path: Path) -> bytes:
    from formats import write_pdf
    return write_pdf(text, path).read_bytes()


def make_pathological(folder: Path) -> dict[str, str]:
    """Write the pathological inputs into ``folder``; return doc_id → the
    status each must get ("" when ok or partial are both right)."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(20260101)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes | str, status: str = "") -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[Path(name).stem] = status

    seed = SEED.encode("utf-8")
    put("big_50mb.txt", seed * (50_000_000 // len(seed) + 1), "failed")
    words = SEED.split()
    ascii_words = "ab cde fgh ijkl mn opq rstu vw xyz".split()
    put("line_ascii.txt", " ".join(rnd.choice(ascii_words) for _ in range(250_000))[:1_000_000], "partial")
    marks = ["- ", "+", "a)", "1.", "II.", "1.1.", "Cơ quan chủ trì:", "Thời gian:", "UBNDThành", "số199/KH"]
    put("line_viet.txt", " ".join(rnd.choice(words + marks) for _ in range(200_000))[:1_000_000])
    put("line_one_char.txt", "x" * 1_000_000, "partial")
    put("line_glued.txt", "UBNDThànhphốĐƯỜNGđường" * 45_000, "partial")
    put("line_digits.txt", "a1" * 500_000, "partial")
    put("line_stars.txt", "*" * 500_000 + "a" + "_" * 500_000, "partial")
    put("line_url.txt", "http" + "x" * 1_000_000 + "://", "partial")
    kinds = ["- ", "+ ", "a) ", "1.1.1.1. "]
    lines = [f"{kinds[i % 4]}Nội dung số {i} về tuyên truyền pháp luật" for i in range(10_000)]
    put("nested_bullets.txt", HEAD + "I. Nhiệm vụ\n" + "\n".join(lines) + "\n", "partial")
    lines = [f"{kinds[i % 4]}Việc {i}\nCơ quan chủ trì: Sở Tư pháp\nThời gian: Quý {i % 4 + 1} năm 2026"
             for i in range(3_000)]
    put("nested_tasks.txt", HEAD + "I. Nhiệm vụ\n" + "\n".join(lines) + "\n", "partial")
    lines = [f"- Việc số {i} về phổ biến pháp luật\nCơ quan chủ trì: Sở Tư pháp\nThời gian: năm 2026"
             for i in range(10_000)]
    put("sibling_tasks.txt", HEAD + "I. Nhiệm vụ\n" + "\n".join(lines) + "\n", "partial")
    lines = [f"{to_roman(i % 89 + 1)}. Phần thứ {i}" if i % 2 == 0 else f"{i % 99 + 1}. Mục thứ {i}"
             for i in range(5_000)]
    put("headings.txt", HEAD + "\n".join(lines) + "\n", "partial")
    task = HEAD + "I. Nhiệm vụ\n1. Một việc\nCơ quan chủ trì: Sở Tư pháp\n"
    put("label_lines.txt", task + "Cơ quan phối hợp: Công an tỉnh\n" * 100_000, "partial")
    put("label_one_line.txt", task + "Cơ quan chủ trì: " * 100_000 + "\n", "partial")
    put("label_time.txt", task + "Thời gian thực hiện: Quý I năm 2026, hằng năm\n" * 100_000, "partial")
    put("label_agencies.txt", task + "Cơ quan phối hợp: "
        + ", ".join(["Sở Tài chính", "UBND các huyện", "Công an tỉnh"] * 20_000) + "\n", "partial")
    put("random.bin", rnd.randbytes(1_000_000), "failed")
    put("random_text.txt", rnd.randbytes(1_000_000), "failed")
    put("random_docx.docx", rnd.randbytes(1_000_000), "failed")
    put("random_pdf.pdf", rnd.randbytes(1_000_000), "failed")
    put("zip_random.docx", b"PK\x03\x04" + rnd.randbytes(100_000), "failed")
    put("pdf_random.pdf", b"%PDF-1.4\n" + rnd.randbytes(100_000), "failed")
    line = _WORD_PARA.format("- Nội dung tuyên truyền phổ biến giáo dục pháp luật cho người dân")
    n = 50_000_000 // len(line.encode()) // 1000
    write_docx_body(folder / "bomb_50mb.docx", (line * 1000 for _ in range(n)))
    expect["bomb_50mb"] = "partial"
    write_docx_body(folder / "bomb_150mb.docx", (line * 1000 for _ in range(3 * n)))
    expect["bomb_150mb"] = "failed"
    write_docx_body(folder / "nested_table.docx",
                    [_para("KẾ HOẠCH"), _para("I. Nhiệm vụ"), _nested_table(50), _para("1. Việc")])
    expect["nested_table"] = "partial"
    write_docx_body(folder / "nested_table_300.docx", [_nested_table(300)])
    expect["nested_table_300"] = "failed"
    buf = io.BytesIO()
    pdfium.PdfDocument.new().save(buf)
    put("pdf_zero_pages.pdf", buf.getvalue(), "failed")
    good = _valid_pdf(SEED, folder / "pdf_good.pdf")
    expect["pdf_good"] = "ok"
    xref = good.rindex(b"\nxref") + 1
    wrong = re.sub(rb"\d{10} (\d{5} [nf])", rb"9999999999 \1", good[xref:])
    put("pdf_bad_xref.pdf", good[:xref] + wrong, "ok")
    put("pdf_no_xref.pdf", good[:xref], "failed")
    put("pdf_half.pdf", good[: len(good) // 2], "failed")
    return expect


def _docs(out: Path) -> list[dict]:
    csv.field_size_limit(sys.maxsize)  # a 1 MB line can be a whole title
    with open(out / "documents.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    src = tmp_path_factory.mktemp("pathological")
    expect = make_pathological(src)
    out = tmp_path_factory.mktemp("out")
    t0 = time.perf_counter()
    summary = batch.run([str(src)], out, formats=("csv",), timeout=PER_DOCUMENT_S)
    return expect, _docs(out), summary, time.perf_counter() - t0


def test_every_input_has_one_row_with_a_status_and_a_reason(batch_run):
    expect, rows, summary, _ = batch_run
    ids = [r["doc_id"] for r in rows]
    assert sorted(ids) == sorted(expect)
    assert summary.documents == len(expect)
    for r in rows:
        assert r["status"] in STATUSES, r
        if r["status"] != "ok":
            assert r["error"].strip(), r


def test_no_document_times_out_or_crashes(batch_run):
    _, rows, _, seconds = batch_run
    bad = {r["doc_id"]: r["error"] for r in rows
           if any(s in r["error"] for s in ("timed out", "internal error", "worker crashed"))}
    assert not bad
    assert seconds < 180


def test_each_pathological_input_gets_the_right_status(batch_run):
    expect, rows, _, _ = batch_run
    got = {r["doc_id"]: r for r in rows}
    wrong = {d: (got[d]["status"], got[d]["error"]) for d, want in expect.items()
             if want and got[d]["status"] != want}
    assert not wrong


def test_reasons_say_what_happened(batch_run):
    _, rows, _, _ = batch_run
    got = {r["doc_id"]: r for r in rows}
    assert "file too large (50.0 MB of text > 20 MB limit)" in got["big_50mb"]["error"]
    assert "MB of DOCX XML > 100 MB limit" in got["bomb_150mb"]["error"]
    assert "no tasks found" in got["headings"]["error"]
    assert "no tasks found" in got["nested_bullets"]["error"]
    for d in ("label_lines", "label_one_line", "label_agencies"):
        assert f"over {MAX_AGENCY_FIELD_CHARS:,} characters" in got[d]["error"], got[d]
    assert got["random"]["error"] == "unsupported file type .bin"
    assert "binary" in got["random_docx"]["error"] or "DOCX" in got["random_docx"]["error"]
    assert "PDF" in got["random_pdf"]["error"]


def test_task_counts_of_the_large_outlines(batch_run):
    _, rows, summary, _ = batch_run
    got = {r["doc_id"]: r for r in rows}
    assert int(got["sibling_tasks"]["n_tasks"]) == 10_000
    with open(summary.out_dir / "tasks.csv", encoding="utf-8-sig", newline="") as f:
        ids = [r["task_id"] for r in csv.DictReader(f) if r["doc_id"] == "sibling_tasks"]
    assert ids == [f"I.{i}" for i in range(1, 10_001)]  # one bullet's rank used to cost a scan
    assert int(got["nested_tasks"]["n_tasks"]) == 3_000
    assert int(got["nested_table"]["n_tasks"]) >= 1
    assert int(got["pdf_bad_xref"]["n_tasks"]) == int(got["pdf_good"]["n_tasks"]) > 0


# --- the fixes, one by one, on inputs small enough to time in-process -------------------


def _timed(fn, *args):
    t0 = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - t0


def test_glued_words_repair_in_linear_time():
    # Each ambiguous "UBNDThành" used to double the cuts tried (2^n).
    text, took = _timed(repair_glued, "UBNDThành" * 5_000)
    assert took < 5
    assert text.startswith("UBND Thành UBND Thành")
    assert repair_glued("số199/KH-UBND") == "số 199/KH-UBND"
    # Quadratic before: string concatenation per digit run, per case run, a URL scheme scan.
    for s in ("a1" * 50_000, "x" * 200_000, "thựchiện" * 50_000, "http" + "x" * 200_000):
        _, took = _timed(repair_glued, s)
        assert took < 5, s[:20]


def test_field_labels_do_not_backtrack_on_a_long_line():
    line = "Cơ quan chủ trì " * 60_000 + ":"
    _, took = _timed(markers.parse_field, line)
    assert took < 5


def test_over_long_time_field_is_unread_not_slow():
    raw = "Quý I năm 2026, " * 50_000
    value, took = _timed(parse_time, raw)
    assert took < 2 and not value.parsed
    assert parse_time("Quý I năm 2026").parsed


def test_size_limits_are_configurable(monkeypatch, tmp_path):
    monkeypatch.setattr(ingest, "MAX_TEXT_MB", 0.01)
    with pytest.raises(ingest.IngestError, match=r"file too large \(0\.1 MB of text > 0\.01 MB limit\)"):
        ingest.load_bytes(SEED.encode("utf-8") * 10, ".txt")
    path = tmp_path / "big.docx"
    write_docx_body(path, [_para("I. Nội dung") * 1000])
    with pytest.raises(ingest.IngestError, match="MB of DOCX XML > 0.05 MB limit"):
        ingest.load_bytes(path.read_bytes(), ".docx")
    monkeypatch.setattr(ingest, "MAX_TEXT_MB", 0.0)
    assert ingest.load_bytes(SEED.encode("utf-8") * 2, ".txt").text.startswith(SEED[:20])
