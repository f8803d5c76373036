"""Word 97 ``.doc`` (and RTF) read through a real LibreOffice.

The files are made from the seeds: a DOCX by tests/formats.write_docx, saved as
Word 97 or RTF by ``soffice --convert-to``. Reading one back must give the lines
and tasks the DOCX gives.
"""
from __future__ import annotations

import csv
import os
import shutil
import stat
import subprocess
import sys
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from formats import write_docx

from extract import docx_reader
from extract.docx_reader import DOC_CONVERTER_MISSING
from extract.ingest import load
from extract.model import IngestError

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SEEDS = ["001_591f09c69c18c1bb", "003_9e1b9e4423e97b84"]
COMPARED = ["task_seq", "task_id", "section_path", "text", "activities", "lead_raw", "support_raw",
            "time_raw", "time_start", "time_end", "recurrence", "deadline", "lead_agencies",
            "support_agencies"]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed")


def seed_text(seed: str) -> str:
    return unicodedata.normalize("NFC", (RAW / f"{seed}.txt").read_text(encoding="utf-8"))


def office_save(docx: Path, fmt: str, outdir: Path) -> Path:
    """Save a DOCX as ``fmt`` (``doc``, ``rtf``) with LibreOffice, as a province
    archive would hold it."""
    profile = (outdir / "profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(docx)], check=True, capture_output=True, timeout=180)
    out = outdir / f"{docx.stem}.{fmt}"
    assert out.is_file(), f"LibreOffice did not write {out.name}"
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """For each seed: the DOCX (Word list numbering) and its .doc and .rtf copies."""
    src = tmp_path_factory.mktemp("doc_src")
    work = tmp_path_factory.mktemp("doc_work")
    files = {}
    for seed in SEEDS:
        docx = write_docx(seed_text(seed), work / f"{seed}__docx.docx", numbering="word")
        shutil.copy(docx, src / docx.name)
        doc = office_save(docx, "doc", work)
        doc = doc.rename(src / f"{seed}__doc.doc")
        files[seed] = {"docx": src / docx.name, "doc": doc}
    return src, files


@needs_office
@pytest.mark.parametrize("seed", SEEDS)
def test_doc_reads_like_its_docx(made, seed):
    _src, files = made
    doc = files[seed]["doc"]
    assert doc.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real Word 97 file
    from_doc, from_docx = load(doc), load(files[seed]["docx"])
    assert from_doc.kind == "doc"
    assert from_doc.warnings == []
    assert from_doc.text.split("\n") == from_docx.text.split("\n")
    assert any(line.startswith("II. ") for line in from_doc.text.split("\n"))  # list numbers kept


@needs_office
def test_doc_gives_the_same_tasks_as_docx(made, tmp_path):
    from emit import batch

    src, _files = made
    batch.run([str(src)], tmp_path, formats=("csv",))
    with open(tmp_path / "documents.csv", encoding="utf-8-sig", newline="") as f:
        docs = {d["doc_id"]: d for d in csv.DictReader(f)}
    tasks: dict[str, list[dict]] = {}
    with open(tmp_path / "tasks.csv", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            tasks.setdefault(row["doc_id"], []).append({c: row[c] for c in COMPARED})
    for seed in SEEDS:
        assert docs[f"{seed}__doc"]["status"] == docs[f"{seed}__docx"]["status"] == "ok"
        assert tasks[f"{seed}__docx"], seed
        assert tasks[f"{seed}__doc"] == tasks[f"{seed}__docx"], seed


@needs_office
def test_rtf_reads_like_its_docx(made, tmp_path):
    _src, files = made
    docx = files[SEEDS[0]]["docx"]
    rtf = office_save(docx, "rtf", tmp_path)
    from_rtf = load(rtf)
    assert from_rtf.kind == "doc"
    assert from_rtf.text.split("\n") == load(docx).text.split("\n")


@needs_office
def test_corrupt_doc_is_a_clear_error_not_garbage(tmp_path):
    """Left to guess, LibreOffice imports a broken .doc as text: the filter is named."""
    noise = bytes((i * 7919 + 13) % 251 for i in range(8192))
    (tmp_path / "broken.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise)
    with pytest.raises(IngestError, match=r"^cannot read \.doc: LibreOffice could not convert it \("):
        load(tmp_path / "broken.doc")


@needs_office
def test_parallel_conversions_do_not_collide(made):
    """Each conversion has its own LibreOffice profile, so workers run side by side."""
    _src, files = made
    docs = [files[seed]["doc"] for seed in SEEDS] * 2
    with ThreadPoolExecutor(max_workers=len(docs)) as pool:
        texts = list(pool.map(lambda p: load(p).text, docs))
    assert texts[: len(SEEDS)] == texts[len(SEEDS):]
    assert all(len(t) > 1000 for t in texts)


# --- without a real LibreOffice ---------------------------------------------------------

FAKE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024


def test_no_converter_names_both_programs(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    (tmp_path / "plan.doc").write_bytes(FAKE_DOC)
    with pytest.raises(IngestError) as info:
        load(tmp_path / "plan.doc")
    assert str(info.value) == DOC_CONVERTER_MISSING
    assert "LibreOffice" in str(info.value) and "antiword" in str(info.value)


@pytest.mark.skipif(os.name != "posix", reason="fake converters are POSIX scripts")
def test_hung_libreoffice_is_killed_with_its_children(tmp_path, monkeypatch):
    """``soffice`` is a launcher: the time-out must stop the program it started."""
    pidfile = tmp_path / "child.pid"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "soffice"
    script.write_text(
        f"#!{sys.executable}\nimport subprocess, time, pathlib\n"
        f"child = subprocess.Popen([{sys.executable!r}, '-c', 'import time; time.sleep(120)'])\n"
        f"pathlib.Path({str(pidfile)!r}).write_text(str(child.pid))\ntime.sleep(120)\n",
        encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.setattr(docx_reader, "CONVERTER_TIMEOUT", 2)
    (tmp_path / "plan.doc").write_bytes(FAKE_DOC)
    with pytest.raises(IngestError, match=r"^cannot read \.doc: LibreOffice took longer than 2 s$"):
        load(tmp_path / "plan.doc")
    child = int(pidfile.read_text())
    for _ in range(50):
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child), "the launcher's child survived the time-out"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a killed child of a killed parent is reaped by init; a zombie counts as dead
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")
