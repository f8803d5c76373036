"""The HTML report, as headless Chromium shows it, on the bundled sample."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from emit import batch
from emit.comparison import read_table
from emit.report import render_report, write_report
from kehoach.cli import main
from normalize.reference import load_reference

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PLANS_977 = {"000_6eb7e64af74a1c4e": "Thành phố Hạ Long", "001_591f09c69c18c1bb": "Phường An Biên",
             "002_d41c86ebb56b79c8": "Tỉnh Lạng Sơn", "003_9e1b9e4423e97b84": "Tỉnh Bình Phước"}
PLAN_979 = "004_e6e20f59199b5b3d"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def has(cls: str) -> str:
    """XPath test for an element carrying the class ``cls``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def chromium(html_path: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium on a local file with a throwaway profile and no network."""
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("chromium not installed")
    cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, html_path.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def screenshot(html_path: Path, png_path: Path, profile: Path, size: str = "1400,1800") -> Path:
    """A PNG of the top of the page as Chromium renders it (docs/report.png comes from here)."""
    chromium(html_path, profile, f"--window-size={size}", "--hide-scrollbars", f"--screenshot={png_path.resolve()}")
    return png_path


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    batch.run([str(RAW)], out, formats=("csv",))
    return out


@pytest.fixture(scope="module")
def report(run_dir) -> Path:
    return write_report(run_dir, run_dir / "report.html")


@pytest.fixture(scope="module")
def dom(report, tmp_path_factory):
    res = chromium(report, tmp_path_factory.mktemp("profile"), "--dump-dom")
    return lxml.html.fromstring(res.stdout)


def test_report_is_one_static_file(report):
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<style>" in text
    for external in ("<script", "<link", "src=", "@import", "url(", "http://", "https://"):
        assert external not in text, external


def test_text_is_escaped(run_dir, tmp_path):
    for name in ("documents.csv", "mentions.csv"):
        shutil.copy(run_dir / name, tmp_path / name)
    tasks = read_table(run_dir / "tasks.csv")
    tasks.loc[0, "text"] = '<script>alert("x")</script> & <b>'
    tasks.loc[0, "lead_raw"] = '"><img onerror=1>'
    tasks.to_csv(tmp_path / "tasks.csv", index=False, encoding="utf-8-sig")
    page = render_report(tmp_path)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page
    assert "<script" not in page and "<img" not in page


def test_cli_writes_the_report(run_dir, tmp_path):
    res = CliRunner().invoke(main, ["report", "--pred", str(run_dir), "-o", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count('class="cell ') > 100
    res = CliRunner().invoke(main, ["report", "--pred", str(tmp_path), "-o", str(tmp_path / "x.html")])
    assert res.exit_code != 0 and "documents.csv" in res.output


def test_heatmap_has_a_cell_per_977_task_and_locality(dom):
    ref = load_reference("977/QĐ-TTg")
    heat = dom.get_element_by_id("heatmap-0")
    heads = {th.get("data-doc"): th.text_content() for th in heat.xpath(".//thead//th[@data-doc]")}
    assert set(heads) == set(PLANS_977)
    for doc_id, name in PLANS_977.items():
        assert heads[doc_id].startswith(name)
    rows = heat.xpath(".//tbody/tr")
    assert [r.get("data-ref") for r in rows] == ref.codes + [""]
    for r in rows:
        cells = r.xpath(f"td[{has('cell')}]")
        assert [c.get("data-doc") for c in cells] == list(PLANS_977)
        assert all(c.get("data-covered") in ("yes", "no") for c in cells)
        assert r.xpath(f"td[{has('title')}]")[0].text_content().strip()
    assert PLAN_979 not in {c.get("data-doc") for c in heat.xpath(f".//td[{has('cell')}]")}


def test_cells_show_the_tasks_of_tasks_csv(dom, run_dir):
    tasks = read_table(run_dir / "tasks.csv")
    for cell in dom.xpath(f"//*[@id='heatmap-0']//tr[{has('task')}]/td[{has('cell')}]"):
        mine = tasks[(tasks["doc_id"] == cell.get("data-doc")) & (tasks["ref_task"] == cell.get("data-ref"))]
        assert [a.text_content() for a in cell.xpath(".//a")] == list(mine["task_id"])
        assert cell.get("data-covered") == ("yes" if len(mine) else "no")
    by_ref = {(c.get("data-doc"), c.get("data-ref")): c for c in dom.xpath(f"//*[@id='heatmap-0']//td[{has('cell')}]")}
    assert by_ref[("002_d41c86ebb56b79c8", "5.c")].get("data-covered") == "no"
    assert by_ref[("003_9e1b9e4423e97b84", "3")].xpath(".//a")[0].text_content() == "II.1"
    assert "adapted" in by_ref[("001_591f09c69c18c1bb", "2.a")].get("class")
    assert "same" in by_ref[("000_6eb7e64af74a1c4e", "1.a")].get("class")


def test_cell_links_resolve_to_the_task_text_with_source_lines(dom, run_dir):
    tasks = read_table(run_dir / "tasks.csv").set_index(["doc_id", "task_id"])
    ids = {e.get("id") for e in dom.iter() if e.get("id")}
    links = dom.xpath(f"//*[@id='heatmap-0']//td[{has('cell')}]//a")
    assert len(links) >= 60
    for a in links:
        target = a.get("href")
        assert target.startswith("#") and target[1:] in ids, target
        article = dom.get_element_by_id(target[1:])
        doc_id = article.getparent().get("data-doc")
        assert doc_id == a.getparent().get("data-doc")
        t = tasks.loc[(doc_id, a.text_content())]
        assert article.xpath("h4")[0].text_content().startswith(a.text_content())
        body = article.text_content()
        assert t["text"][:60] in body and t["lead_raw"][:40] in body
        assert f"lines {t['line_start']}–{t['line_end']}" in body and f"{doc_id}.txt" in body
    for a in dom.xpath("//a[starts-with(@href, '#')]"):
        assert a.get("href")[1:] in ids, a.get("href")


def test_documents_and_not_aligned_sections(dom):
    docs = dom.get_element_by_id("documents").text_content()
    for needle in ("143/KH-UBND", "2026-04-20", "commune", "Hải Phòng", "411/KH-UBND", "979/QĐ-TTg",
                   "UBND tỉnh Lạng Sơn", "24/24 tasks", "23/24 tasks"):
        assert needle in docs, needle
    na = dom.get_element_by_id("not-aligned").text_content()
    assert PLAN_979 in na and "979/QĐ-TTg" in na
    assert len(dom.xpath(f"//section[@data-doc='{PLAN_979}']/article[{has('task')}]")) == 12


def test_screenshot(report, tmp_path):
    png = screenshot(report, tmp_path / "report.png", tmp_path / "profile")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 50_000
