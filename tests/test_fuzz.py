"""Fuzzing: generated inputs never raise and always give one valid documents.csv row.

Most examples run in this process (extract.reader.read_plan, then one shared
normalize Pipeline, as a worker does); a folder of generated files then goes
through the real batch once. Examples are derandomized, so a failure shows the
same falsifying example on every run.
"""
from __future__ import annotations

import codecs
import csv
import atexit
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emit import batch, tables
from extract.ingest import VIETNAMESE_LETTERS
from extract.reader import read_plan
from formats import legacy_bytes, windows_1258_form, write_docx, write_pdf
from normalize.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "raw").glob("*.txt"))]
SEED_LINES = sorted({ln for s in SEEDS for ln in s.split("\n")})
STATUSES = {"ok", "partial", "failed"}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

MARK_LINES = [
    "KẾ HOẠCH", "Số: 12/KH-UBND", "Hà Nội, ngày 1 tháng 2 năm 2026", "ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NINH",
    "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "1. Tuyên truyền", "1.1. Việc", "1.1.1.1. Việc", "a) Việc nhỏ",
    "đ) Việc", "- Hoạt động", "+ Hoạt động con", "• Ý", "Cơ quan chủ trì: Sở Tư pháp",
    "- Cơ quan chủ trì: UBND tỉnh", "Cơ quan phối hợp: Sở Tài chính, Công an tỉnh và các sở, ngành",
    "Thời gian thực hiện: Quý II năm 2026", "Thời gian: từ tháng 3 đến tháng 6/2026; hằng năm",
    "Sản phẩm: Báo cáo", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A", "./.",
    "| Nội dung | Cơ quan chủ trì | Thời gian |", "|---|---|---|", "| Việc | Sở Tư pháp | 2026 |",
    "<table><tr><td>Nội dung</td><td>Cơ quan chủ trì</td></tr>", "<tr><td rowspan=\"9\">x</td></tr>",
    "</table>", "\f", "Trang 2", "**Đậm**", "# Tiêu đề", "---", "",
]
ALPHABET = (
    "".join(sorted(VIETNAMESE_LETTERS)) + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + " .,:;()[]{}-–—+•*#_|<>/\\\"'“”…!?%&=" + "\n\n\n\t\f\r\x0b" + "\u0300\u0301\u0303\u0309\u0323\u0302\u031b"
    + "\u00a0\u200b\ufeff\u2028\x00\x1b\ufffd"
)
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258", "latin-1", "mojibake",
             "nfd", "crlf", "tcvn3", "vni", "viscii")
SUFFIXES = ("", ".txt", ".md", ".html", ".docx", ".pdf", ".doc", ".rtf", ".bin", ".TXT")

_PIPELINE: list[Pipeline] = []
_TMP = Path(tempfile.mkdtemp(prefix="kehoach-fuzz-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)


def pipeline() -> Pipeline:
    """One pipeline for every example: building it takes about a second."""
    if not _PIPELINE:
        _PIPELINE.append(Pipeline())
    return _PIPELINE[0]


def _legacy_safe(text: str) -> str:
    """Only what the legacy code pages can hold: ASCII, Vietnamese letters, curly quotes."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if c.isascii() or c in VIETNAMESE_LETTERS or c in "“”")


def encode(text: str, how: str) -> bytes:
    """``text`` as a file would hold it."""
    if how == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8", "replace")
    if how in ("utf-16", "utf-16-le", "utf-16-be"):
        return text.encode(how, "surrogatepass")
    if how == "cp1258":
        return windows_1258_form(text).encode("cp1258", "replace")
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    if how == "mojibake":  # UTF-8 read as Latin-1 and saved again as UTF-8
        return text.encode("utf-8", "replace").decode("latin-1").encode("utf-8")
    if how == "nfd":
        return unicodedata.normalize("NFD", text).encode("utf-8", "replace")
    if how == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8", "replace")
    if how in ("tcvn3", "vni", "viscii"):
        try:
            return legacy_bytes(_legacy_safe(text), how)
        except (ValueError, KeyError, subprocess.CalledProcessError):  # no legacy form for a letter
            return windows_1258_form(text).encode("cp1258", "replace")
    return text.encode("utf-8", "replace")


def edit_seed(rnd: random.Random, seed: str) -> str:
    """A seed with lines shuffled, deleted, duplicated, or cut off."""
    lines = seed.split("\n")
    op = rnd.choice(("shuffle", "delete", "duplicate", "cut", "mix"))
    if op == "shuffle":
        rnd.shuffle(lines)
    elif op == "delete":
        lines = [ln for ln in lines if rnd.random() > 0.3]
    elif op == "duplicate":
        lines = [ln for ln in lines for _ in range(rnd.choice((1, 1, 2, 3)))]
    elif op == "cut":
        return seed[: rnd.randrange(len(seed) + 1)]
    else:
        other = rnd.choice(SEEDS).split("\n")
        lines = lines[: rnd.randrange(len(lines) + 1)] + other[rnd.randrange(len(other) + 1):]
    return "\n".join(lines)


def check(data: bytes, suffix: str) -> None:
    """The property: read, normalize (never raising) and one valid document row."""
    path = _TMP / f"input{suffix}"
    path.write_bytes(data)
    doc = read_plan(path, "fuzz", str(path))
    if doc.status != "failed":
        pipeline()(doc)
    drow, trows, mrows = tables.rows_of(doc)
    assert drow["doc_id"] == "fuzz"
    assert drow["status"] in STATUSES
    assert drow["status"] == "ok" or drow["error"].strip()
    assert drow["n_tasks"] == len(trows)
    assert all(r["doc_id"] == "fuzz" for r in trows + mrows)
    assert len({r["task_id"] for r in trows}) == len(trows)


FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

texts = st.one_of(
    st.text(st.sampled_from(ALPHABET), max_size=3000),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=1500),
    st.lists(st.sampled_from(SEED_LINES + MARK_LINES), max_size=120).map("\n".join),
)


# Word 97 (OLE2) containers go through LibreOffice, seconds each: tests/test_doc.py has them.
not_ole2 = st.binary(max_size=4000).filter(lambda b: not b.startswith(_OLE2_MAGIC))


@settings(FUZZ, max_examples=800)
@given(data=not_ole2, suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(data, suffix):
    check(data, suffix)


@settings(FUZZ, max_examples=1500)
@given(text=texts, how=st.sampled_from(ENCODINGS), suffix=st.sampled_from(SUFFIXES))
def test_random_text_in_any_encoding(text, how, suffix):
    check(encode(text, how), suffix)


@settings(FUZZ, max_examples=300)
@given(rnd=st.randoms(use_true_random=False), seed=st.sampled_from(SEEDS), how=st.sampled_from(ENCODINGS),
       suffix=st.sampled_from(("", ".txt", ".md", ".docx", ".pdf")))
def test_edited_seeds_in_any_encoding(rnd, seed, how, suffix):
    check(encode(edit_seed(rnd, seed), how), suffix)


# --- the same inputs through the real batch ---------------------------------------------


def _random_text(rnd: random.Random) -> str:
    kind = rnd.randrange(4)
    if kind == 0:
        return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randrange(3000)))
    if kind == 1:
        return "".join(chr(rnd.choice((rnd.randrange(32, 0x250), rnd.randrange(0x300, 0x370),
                                       rnd.randrange(0x1E00, 0x1F00), rnd.randrange(0x20, 0xD800))))
                       for _ in range(rnd.randrange(2000)))
    if kind == 2:
        return "\n".join(rnd.choice(SEED_LINES + MARK_LINES) for _ in range(rnd.randrange(120)))
    return edit_seed(rnd, rnd.choice(SEEDS))


def make_corpus(folder: Path, n: int, rnd: random.Random) -> list[Path]:
    """``n`` generated files (a few DOCX and PDF made from edited seeds), some
    with the same name in different folders."""
    paths = []
    for i in range(n):
        sub = folder / f"d{i % 7}"
        sub.mkdir(parents=True, exist_ok=True)
        stem = f"plan{i % 150}"
        kind = rnd.randrange(20)
        if kind == 0:
            paths.append(write_docx(edit_seed(rnd, rnd.choice(SEEDS)), sub / f"{stem}.docx"))
            continue
        if kind == 1:
            paths.append(write_pdf(edit_seed(rnd, rnd.choice(SEEDS)), sub / f"{stem}.pdf"))
            continue
        if kind < 5:
            data = rnd.randbytes(rnd.randrange(5000))
        else:
            data = encode(_random_text(rnd), rnd.choice(ENCODINGS))
        path = sub / f"{stem}{rnd.choice(SUFFIXES)}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_batch_of_generated_files_gives_one_row_each(tmp_path):
    files = make_corpus(tmp_path / "in", 200, random.Random(20260601))
    summary = batch.run([str(tmp_path / "in")], tmp_path / "out", formats=("csv",))
    csv.field_size_limit(sys.maxsize)
    with open(tmp_path / "out" / "documents.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(files) == summary.documents == 200
    assert sorted(r["source_path"] for r in rows) == sorted(str(p) for p in files)
    assert len({r["doc_id"] for r in rows}) == 200
    for r in rows:
        assert r["status"] in STATUSES, r
        assert r["status"] == "ok" or r["error"].strip(), r
        assert "internal error" not in r["error"] and "timed out" not in r["error"], r
    assert summary.ok + summary.partial + summary.failed == 200
