"""The same plan in every format gives the same tasks.csv rows.

Each variant is made from a seed by the generators in tests/formats.py and run
through the real pipeline; only doc_id, source_path and provenance may differ.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from emit import batch
from formats import write_docx, write_html, write_pdf, write_text

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SEEDS = ["001_591f09c69c18c1bb", "003_9e1b9e4423e97b84", "000_6eb7e64af74a1c4e"]
COMPARED = ["task_seq", "task_id", "section_path", "text", "activities", "lead_raw", "support_raw",
            "time_raw", "time_start", "time_end", "recurrence", "time_source", "deadline",
            "products", "lead_agencies", "support_agencies", "lead_types", "ref_decision",
            "ref_task", "ref_score", "adaptation"]
MENTION_COLS = ["task_id", "role", "mention", "agency_id", "agency_type", "level"]

VARIANTS = {
    "crlf": lambda t, p: write_text(t, p.with_suffix(".txt"), "utf-8", "\r\n"),
    "cr": lambda t, p: write_text(t, p.with_suffix(".txt"), "utf-8", "\r"),
    "nfd": lambda t, p: write_text(t, p.with_suffix(".txt"), "nfd"),
    "bom": lambda t, p: write_text(t, p.with_suffix(".txt"), "utf-8-sig"),
    "utf16": lambda t, p: write_text(t, p.with_suffix(".txt"), "utf-16"),
    "cp1258": lambda t, p: write_text(t, p.with_suffix(".txt"), "cp1258", "\r\n"),
    "docx_typed": lambda t, p: write_docx(t, p.with_suffix(".docx"), numbering="typed"),
    "docx_word": lambda t, p: write_docx(t, p.with_suffix(".docx"), numbering="word"),
    "pdf": lambda t, p: write_pdf(t, p.with_suffix(".pdf")),
    "html_portal": lambda t, p: write_html(t, p.with_suffix(".html"), "portal"),
    "html_word": lambda t, p: write_html(t, p.with_suffix(".htm"), "word"),
}


def _rows(out: Path, name: str) -> list[dict]:
    with open(out / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One batch over all variants of all seeds (one pipeline, as users run it)."""
    src = tmp_path_factory.mktemp("variants")
    for seed in SEEDS:
        text = (RAW / f"{seed}.txt").read_text(encoding="utf-8")
        write_text(text, src / f"{seed}__orig.txt")
        for name, make in VARIANTS.items():
            make(text, src / f"{seed}__{name}")
    out = tmp_path_factory.mktemp("out")
    batch.run([str(src)], out, formats=("csv",))
    docs = {d["doc_id"]: d for d in _rows(out, "documents.csv")}
    tasks: dict[str, list[dict]] = {}
    for t in _rows(out, "tasks.csv"):
        tasks.setdefault(t["doc_id"], []).append(t)
    mentions: dict[str, list[dict]] = {}
    for m in _rows(out, "mentions.csv"):
        mentions.setdefault(m["doc_id"], []).append(m)
    return docs, tasks, mentions


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variant_gives_the_same_tasks(runs, seed, variant):
    docs, tasks, mentions = runs
    orig, var = f"{seed}__orig", f"{seed}__{variant}"
    assert docs[var]["status"] == docs[orig]["status"] == "ok", docs[var]["error"]
    a = [{c: r[c] for c in COMPARED} for r in tasks[orig]]
    b = [{c: r[c] for c in COMPARED} for r in tasks.get(var, [])]
    assert len(a) == len(b)
    for ra, rb in zip(a, b):
        assert ra == rb
    ma = [{c: r[c] for c in MENTION_COLS} for r in mentions.get(orig, [])]
    mb = [{c: r[c] for c in MENTION_COLS} for r in mentions.get(var, [])]
    assert ma == mb


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variant_gives_the_same_header(runs, seed, variant):
    docs, _, _ = runs
    orig, var = docs[f"{seed}__orig"], docs[f"{seed}__{variant}"]
    for col in ("doc_type", "number", "issued_date", "issuer", "locality", "level", "province",
                "implements", "based_on", "period_start", "period_end", "signer", "n_tasks"):
        assert orig[col] == var[col], col
