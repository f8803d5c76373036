"""notebooks/compare_localities.ipynb runs on the bundled sample."""
from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

from emit import batch

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "compare_localities.ipynb"
LOCALITIES = ["Thành phố Hạ Long", "Phường An Biên", "Tỉnh Lạng Sơn", "Tỉnh Bình Phước"]


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return output.get("data", {}).get("text/plain", "")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb") / "out"
    batch.run([str(ROOT / "data" / "raw")], out, formats=("csv",))
    mp = pytest.MonkeyPatch()
    mp.setenv("KEHOACH_OUT", str(out))
    try:
        nb = nbformat.read(NOTEBOOK, as_version=4)
        nbclient.NotebookClient(nb, kernel_name="python3", timeout=180,
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    finally:
        mp.undo()
    return out, nb


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_notebook_runs_and_shows_the_localities(executed):
    out, nb = executed
    code = [c for c in nb.cells if c.cell_type == "code"]
    texts = ["".join(_text(o) for o in c.outputs) for c in code]
    assert not [o for c in code for o in c.outputs if o.get("output_type") == "error"]
    assert str(out) in texts[0], "the notebook reads the folder named by KEHOACH_OUT"
    coverage = next(t for t in texts if "tasks covered" in t)
    for name in LOCALITIES:
        assert name in coverage
    assert "24/24" in coverage and "23/24" in coverage
    lead = next(t for t in texts if "tu_phap" in t and "ref_task" in t)
    assert all(name in lead for name in LOCALITIES[1:])
    timeline = next(t for t in texts if "█" in t)
    assert all(name in timeline for name in LOCALITIES) and "2026-10-01 → 2026-12-31" in timeline
    assert any("not aligned" in t and "979/QĐ-TTg" in t for t in texts)
