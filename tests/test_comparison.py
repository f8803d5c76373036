"""comparison.csv / comparison_long.csv on the bundled sample."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from emit import batch
from emit.comparison import (LONG_COLUMNS, SEP, compare, comparison_frames, read_table,
                             write_comparison_tables)
from normalize.reference import load_reference

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
HA_LONG, AN_BIEN, LANG_SON, BINH_PHUOC, HA_LONG_979 = (
    "000_6eb7e64af74a1c4e", "001_591f09c69c18c1bb", "002_d41c86ebb56b79c8",
    "003_9e1b9e4423e97b84", "004_e6e20f59199b5b3d")
PLANS_977 = [HA_LONG, AN_BIEN, LANG_SON, BINH_PHUOC]
REF = load_reference("977/QĐ-TTg")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "out"
    batch.run([str(RAW)], out, formats=("csv",))
    return out


@pytest.fixture(scope="module")
def wide(out) -> pd.DataFrame:
    return read_table(out / "comparison.csv")


@pytest.fixture(scope="module")
def long(out) -> pd.DataFrame:
    return read_table(out / "comparison_long.csv")


@pytest.fixture(scope="module")
def tasks(out) -> pd.DataFrame:
    return read_table(out / "tasks.csv")


def _ids(cell: str) -> list[str]:
    return [x for x in cell.split(SEP) if x]


def test_batch_writes_both_tables_with_bom(out):
    for name in ("comparison.csv", "comparison_long.csv"):
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf"), name


def test_every_977_task_is_a_row_in_order(wide):
    rows = wide[wide["ref_decision"] == "977/QĐ-TTg"]
    coded = rows[rows["row_kind"].isin(["group", "task"])]
    assert list(coded["ref_task"]) == REF.codes
    assert list(coded["title"]) == [REF.get(c).title for c in REF.codes]
    assert list(coded["is_group"]) == ["yes" if REF.get(c).is_group else "no" for c in REF.codes]
    assert list(rows["row_kind"]).count("local") == 1


def test_the_four_977_plans_are_localities(wide):
    for name in ("Phường An Biên", "Tỉnh Lạng Sơn", "Tỉnh Bình Phước"):
        for f in ("covered", "task_ids", "lead_types"):
            assert f"{name} {f}" in wide.columns
    # 000 and 004 are both Hạ Long: the doc_id tells them apart
    assert f"Thành phố Hạ Long ({HA_LONG}) covered" in wide.columns
    assert f"Thành phố Hạ Long ({HA_LONG_979}) covered" in wide.columns
    assert "Thành phố Hạ Long covered" not in wide.columns


def test_mirrored_plans_cover_every_task_they_reproduce(wide, tasks):
    lettered = wide[wide["row_kind"] == "task"].set_index("ref_task")
    ha_long = lettered[f"Thành phố Hạ Long ({HA_LONG}) covered"]
    assert set(ha_long) == {"yes"}, "Hạ Long reproduces all 24 lettered tasks"
    lang_son = lettered["Tỉnh Lạng Sơn covered"]
    assert [c for c, v in lang_son.items() if v != "yes"] == ["5.c"]
    # Lạng Sơn drops 5.c: its III.5.c and III.5.d are the decision's 5.d and 5.đ
    assert lettered.loc["5.d", "Tỉnh Lạng Sơn task_ids"] == "III.5.c"
    assert lettered.loc["5.đ", "Tỉnh Lạng Sơn task_ids"] == "III.5.d"
    assert lettered.loc["2.đ", f"Thành phố Hạ Long ({HA_LONG}) task_ids"] == "III.2.đ.1 ; III.2.đ.2 ; III.2.đ.3"


def test_a_task_mapped_to_a_group_covers_the_group_row(wide):
    groups = wide[wide["row_kind"] == "group"].set_index("ref_task")
    bp = groups["Tỉnh Bình Phước task_ids"]
    assert "II.1" in _ids(bp["3"]) and groups.loc["3", "Tỉnh Bình Phước covered"] == "yes"
    assert "II.2" in _ids(bp["2"]) and {"II.3.1", "II.3.2"} <= set(_ids(bp["2"]))
    assert groups.loc["1", "Tỉnh Bình Phước covered"] == "no"


def test_979_plan_is_listed_as_not_aligned(wide, long):
    row = wide[wide["row_kind"] == "not_aligned"]
    assert len(row) == 1 and row.iloc[0]["ref_decision"] == "979/QĐ-TTg"
    assert "not aligned" in row.iloc[0]["title"]
    col = f"Thành phố Hạ Long ({HA_LONG_979})"
    assert row.iloc[0][f"{col} covered"] == "not aligned"
    assert len(_ids(row.iloc[0][f"{col} task_ids"])) == 12
    # the 979 plan has no cells in the 977 rows, and the 977 plans none in the 979 row
    assert set(wide.loc[wide["ref_decision"] == "977/QĐ-TTg", f"{col} covered"]) == {""}
    assert row.iloc[0]["Tỉnh Lạng Sơn covered"] == ""
    na = long[long["doc_id"] == HA_LONG_979]
    assert list(na["row_kind"]) == ["not_aligned"] and na.iloc[0]["covered"] == "not aligned"


def test_long_rows_agree_with_tasks_csv(long, tasks, out):
    assert list(long.columns) == LONG_COLUMNS
    mentions = read_table(out / "mentions.csv")
    for r in long[long["row_kind"] == "task"].itertuples():
        mine = tasks[(tasks["doc_id"] == r.doc_id) & (tasks["ref_task"] == r.ref_task)]
        assert _ids(r.task_ids) == list(mine["task_id"]), (r.ref_task, r.doc_id)
        assert r.covered == ("yes" if len(mine) else "no")
        leads = {x.strip() for v in mine["lead_types"] for x in v.split(";") if x.strip()}
        assert set(_ids(r.lead_types)) == leads
        sup = mentions[(mentions["doc_id"] == r.doc_id) & mentions["task_id"].isin(mine["task_id"])
                       & (mentions["role"] == "support") & (mentions["agency_type"] != "")]
        assert set(_ids(r.support_types)) == set(sup["agency_type"])
        assert r.time_start == min(mine["time_start"], default="")
        assert r.time_end == max(mine["time_end"], default="")
        assert set(_ids(r.adaptation)) == set(mine["adaptation"])
    # every aligned task appears in the long form exactly once at task or group level
    placed = long[long["row_kind"].isin(["task", "local"])]
    placed = sorted((d, t) for d, ids in zip(placed["doc_id"], placed["task_ids"]) for t in _ids(ids))
    aligned = tasks[(tasks["ref_decision"] != "") & ~tasks["ref_task"].isin([g.code for g in REF.groups])]
    assert placed == sorted(zip(aligned["doc_id"], aligned["task_id"]))
    assert set(long.loc[long["row_kind"] != "not_aligned", "doc_id"]) == set(PLANS_977)


def test_an_bien_local_task_and_adapted_tasks(long):
    ab = long[long["doc_id"] == AN_BIEN].set_index("ref_task")
    assert ab.loc["", "task_ids"] == "II.1" and ab.loc["", "row_kind"] == "local"
    assert ab.loc["2.a", "adaptation"] == "adapted" and ab.loc["2.d", "adaptation"] == "same"


def test_python_api_matches_the_files(out, wide, long):
    w, lg = comparison_frames(out)
    pd.testing.assert_frame_equal(w, wide)
    pd.testing.assert_frame_equal(lg, long)


def test_rewrite_is_stable_and_tolerates_missing_mentions(out, tmp_path, wide):
    for name in ("documents.csv", "tasks.csv"):
        (tmp_path / name).write_bytes((out / name).read_bytes())
    write_comparison_tables(tmp_path)
    again = read_table(tmp_path / "comparison.csv")
    pd.testing.assert_frame_equal(again, wide)
    assert set(read_table(tmp_path / "comparison_long.csv")["support_types"]) == {""}


def test_failed_and_unnamed_documents():
    docs = pd.DataFrame([
        {"doc_id": "a", "status": "failed", "locality": "", "issuer": "", "implements": ""},
        {"doc_id": "b", "status": "partial", "locality": "Xã X", "issuer": "", "implements": ""},
        {"doc_id": "c", "status": "partial", "locality": "", "issuer": "", "implements": "977/QĐ-TTg"},
    ])
    tasks = pd.DataFrame(columns=["doc_id", "task_id", "ref_decision", "ref_task", "lead_types",
                                  "time_start", "time_end", "adaptation"])
    mentions = pd.DataFrame(columns=["doc_id", "task_id", "role", "agency_type"])
    cmp = compare(docs, tasks, mentions)
    assert list(cmp.documents["doc_id"]) == ["b", "c"]
    assert "c covered" in cmp.wide.columns and "Xã X covered" in cmp.wide.columns
    coded = cmp.wide[cmp.wide["row_kind"] == "task"]
    assert len(coded) == len(REF.tasks) and set(coded["c covered"]) == {"no"}
    na = cmp.wide[cmp.wide["row_kind"] == "not_aligned"].iloc[0]
    assert na["ref_decision"] == "" and "names no national decision" in na["title"]


def test_streamed_tables_equal_the_in_memory_comparison_in_any_row_order(out, tmp_path, wide, long):
    from emit import comparison_stream

    for name in ("documents.csv", "tasks.csv", "mentions.csv"):
        (tmp_path / name).write_bytes((out / name).read_bytes())
    # written in document order, as a run writes them: the streamed path
    comparison_stream.write_streamed(tmp_path)
    pd.testing.assert_frame_equal(read_table(tmp_path / "comparison.csv"), wide)
    pd.testing.assert_frame_equal(read_table(tmp_path / "comparison_long.csv"), long)
    # documents of tasks.csv out of order: not streamable, same files all the same
    t = read_table(out / "tasks.csv")
    t = t.sort_values("doc_id", ascending=False, kind="stable")  # each document's tasks keep their order
    t.to_csv(tmp_path / "tasks.csv", index=False, encoding="utf-8-sig")
    with pytest.raises(comparison_stream.Unordered):
        comparison_stream.write_streamed(tmp_path)
    write_comparison_tables(tmp_path)
    pd.testing.assert_frame_equal(read_table(tmp_path / "comparison.csv"), wide)
    pd.testing.assert_frame_equal(read_table(tmp_path / "comparison_long.csv"), long)


def test_streamed_comparison_skips_orphans_and_failed_documents(tmp_path):
    from emit import comparison_stream
    from emit.tables import DOCUMENT_COLUMNS, MENTION_COLUMNS, TASK_COLUMNS
    from emit.writers import write_csv

    write_csv(tmp_path / "documents.csv", DOCUMENT_COLUMNS, [
        {"doc_id": "a", "status": "failed"},
        {"doc_id": "b", "status": "ok", "locality": "Xã X", "implements": "977/QĐ-TTg"},
        {"doc_id": "c", "status": "ok", "locality": "Xã X", "implements": "979/QĐ-TTg"}])
    write_csv(tmp_path / "tasks.csv", TASK_COLUMNS, [
        {"doc_id": "zz", "task_id": "9"},
        {"doc_id": "b", "task_id": "1", "ref_decision": "977/QĐ-TTg", "ref_task": REF.tasks[0].code,
         "lead_types": "sở"},
        {"doc_id": "c", "task_id": "1"}])
    write_csv(tmp_path / "mentions.csv", MENTION_COLUMNS, [
        {"doc_id": "b", "task_id": "1", "role": "support", "agency_type": "ubnd"}])
    comparison_stream.write_streamed(tmp_path)
    w = read_table(tmp_path / "comparison.csv")
    lg = read_table(tmp_path / "comparison_long.csv")
    assert "Xã X (b) covered" in w.columns and "Xã X (c) covered" in w.columns
    assert set(lg["doc_id"]) == {"b", "c"}
    first = lg[(lg["doc_id"] == "b") & (lg["ref_task"] == REF.tasks[0].code)].iloc[0]
    assert first["covered"] == "yes" and first["support_types"] == "ubnd" and first["lead_types"] == "sở"
    assert lg[lg["doc_id"] == "c"].iloc[0]["covered"] == "not aligned"
    cmp = compare(read_table(tmp_path / "documents.csv"), read_table(tmp_path / "tasks.csv"),
                  read_table(tmp_path / "mentions.csv"))
    pd.testing.assert_frame_equal(cmp.wide, w)
    pd.testing.assert_frame_equal(cmp.long, lg)


def test_the_empty_cell_is_the_cell_of_no_task():
    from emit.comparison import _EMPTY_CELL, _cell
    assert _EMPTY_CELL == _cell([], {}, "task") == _cell([], {}, "group") == _cell([], {}, "local")


def test_document_cells_are_the_cells_of_each_rows_tasks(out):
    """The one-pass indexing gives, for every row, the cell of the tasks that
    row's definition (``_cell_tasks``) selects, on the sample's real tables."""
    from emit.comparison import _cell, _cell_tasks, _rows_of, _tasks_by_doc, document_cells, support_map
    tasks, mentions = read_table(out / "tasks.csv"), read_table(out / "mentions.csv")
    support = support_map(zip(*(mentions[c].tolist() for c in ("doc_id", "task_id", "role", "agency_type"))))
    by_doc = _tasks_by_doc(tasks)
    covered = 0
    for doc_id in PLANS_977:
        recs = by_doc[doc_id]
        symbol, part = document_cells("977/QĐ-TTg", recs, support)
        assert symbol == REF.symbol and [r for r, _ in part] == _rows_of(REF.symbol)
        for row, cell in part:
            assert cell == _cell(_cell_tasks(row, recs), support, row.kind), (doc_id, row.code)
            covered += cell["covered"] == "yes"
    assert covered > 20
