"""emit.evaluate must give the same numbers as the reference scorer.

The gold is turned into a perfect prediction (tests/reference/gold_to_pred.py), then
copies of it are damaged one way at a time with pandas; on every copy both scorers
must agree on every shared overall and per-document metric.
"""
from __future__ import annotations

import importlib.util
import json
import random
import shutil
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from emit.evaluate import EvaluationInputError, check_thresholds, evaluate, render

TESTS = Path(__file__).parent
GOLD = TESTS / "gold"
REFERENCE = TESTS / "reference"
TABLES = ("documents", "tasks", "mentions")
D0, D1, D3 = "000_6eb7e64af74a1c4e", "001_591f09c69c18c1bb", "003_9e1b9e4423e97b84"


def _load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


score = _load_module("reference_score", REFERENCE / "score.py")
gold_to_pred = _load_module("reference_gold_to_pred", REFERENCE / "gold_to_pred.py")

Tables = dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def perfect_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("perfect")
    gold_to_pred.convert(str(GOLD), str(out))
    return out


def read_tables(folder: Path) -> Tables:
    return {n: pd.read_csv(folder / f"{n}.csv", dtype=str, keep_default_na=False,
                           encoding="utf-8-sig") for n in TABLES}


def write_tables(tables: Tables, folder: Path, bom: bool = True, crlf: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(folder / f"{name}.csv", index=False,
                  encoding="utf-8-sig" if bom else "utf-8",
                  lineterminator="\r\n" if crlf else "\n")
    return folder


def assert_same(ours: dict, ref: dict, where: str) -> None:
    assert set(ours) == set(ref), f"{where}: keys differ: {set(ours) ^ set(ref)}"
    for key, want in ref.items():
        got = ours[key]
        if want is None or got is None:
            assert got is None and want is None, f"{where} {key}: {got} vs reference {want}"
        else:
            assert abs(got - want) < 1e-9, f"{where} {key}: {got} vs reference {want}"


def assert_agree(pred: Path, gold: Path = GOLD, docs: list[str] | None = None):
    ours = evaluate(pred, gold, docs)
    ref = score.evaluate(str(pred), str(gold), docs)
    assert ours.documents == ref["documents"]
    assert_same(ours.overall, ref["overall"], "overall")
    assert set(ours.per_doc) == set(ref["docs"])
    for doc, metrics in ref["docs"].items():
        assert_same(ours.per_doc[doc], metrics, doc)
    assert ours.pred_docs_not_scored == ref["pred_docs_not_scored"]
    return ours, ref


# --------------------------------------------------------------- perturbations

def in_doc(df: pd.DataFrame, doc: str) -> pd.Series:
    return df["doc_id"] == doc


def every(df: pd.DataFrame, n: int, offset: int = 0) -> pd.Series:
    return pd.Series([(i + offset) % n == 0 for i in range(len(df))], index=df.index)


def drop_tasks(t: Tables) -> None:
    t["tasks"] = t["tasks"][~every(t["tasks"], 3)]


def truncate_and_garble_texts(t: Tables) -> None:
    tasks = t["tasks"]
    cut = every(tasks, 4)
    tasks.loc[cut, "text"] = tasks.loc[cut, "text"].str[:60]
    garble = every(tasks, 4, 1)
    tasks.loc[garble, "text"] = tasks.loc[garble, "text"].map(
        lambda s: " ".join(reversed(s.split())))
    labelled = every(tasks, 4, 2)
    tasks.loc[labelled, "text"] = "a) **" + tasks.loc[labelled, "text"] + "** và các việc khác"


def change_task_ids(t: Tables) -> None:
    """Ids changed in tasks.csv only, so some mentions lose their task."""
    tasks = t["tasks"]
    hit = every(tasks, 3, 1)
    tasks.loc[hit, "task_id"] = tasks.loc[hit, "task_id"] + ".x"
    tasks.loc[every(tasks, 5), "task_id"] = ""


def duplicate_task_ids(t: Tables) -> None:
    tasks = t["tasks"]
    for doc in (D0, D3):
        rows = tasks.index[in_doc(tasks, doc)]
        tasks.loc[rows[1:3], "task_id"] = tasks.loc[rows[0], "task_id"]
    extra = tasks[in_doc(tasks, D1)].head(2)
    t["tasks"] = pd.concat([tasks, extra], ignore_index=True)


def remove_add_rename_mentions(t: Tables) -> None:
    m = t["mentions"]
    renamed = every(m, 5, 1)
    m.loc[renamed, "mention"] = m.loc[renamed, "mention"].str.upper() + " –"
    wrong = every(m, 7, 2)
    m.loc[wrong, "mention"] = "Phòng Giáo dục và Đào tạo"
    added = m[every(m, 6, 3)].assign(mention="Công an thành phố", agency_id="x/cong-an",
                                     role="support")
    m = m[~every(m, 4)]
    orphan = m.head(1).assign(task_id="ZZ.99")
    bad_role = m.head(1).assign(role="chủ trì")
    t["mentions"] = pd.concat([m, added, orphan, bad_role], ignore_index=True)


def merge_and_split_agency_ids(t: Tables) -> None:
    m = t["mentions"]
    merged = in_doc(m, D0) & (m["role"] == "lead")
    m.loc[merged, "agency_id"] = "ha-long/merged"
    split = in_doc(m, D1)
    m.loc[split, "agency_id"] = [f"split/{i}" for i in range(int(split.sum()))]
    m.loc[in_doc(m, D3) & every(m, 2), "agency_id"] = ""


def change_types_and_levels(t: Tables) -> None:
    m = t["mentions"]
    m.loc[every(m, 3), "agency_type"] = "other:khac"
    m.loc[every(m, 4, 1), "level"] = "province"
    m.loc[every(m, 9, 2), "agency_type"] = m.loc[every(m, 9, 2), "agency_type"].str.upper()


def shift_times(t: Tables) -> None:
    tasks = t["tasks"]
    end = every(tasks, 3)
    tasks.loc[end, "time_end"] = tasks.loc[end, "time_end"].str.replace("12-31", "06-30")
    start = every(tasks, 4, 1)
    tasks.loc[start, "time_start"] = ""
    tasks.loc[every(tasks, 5, 2), "recurrence"] = "annual"
    tasks.loc[every(tasks, 6, 3), "time_source"] = "PLAN"


def change_ref_tasks(t: Tables) -> None:
    tasks = t["tasks"]
    letter = every(tasks, 3)
    tasks.loc[letter, "ref_task"] = tasks.loc[letter, "ref_task"].str.split(".").str[0] + ".z"
    tasks.loc[every(tasks, 4, 1), "ref_task"] = "9.a"
    tasks.loc[every(tasks, 5, 2), "ref_task"] = ""
    tasks.loc[every(tasks, 7, 3), "ref_task"] = " 1. A "


def wrong_header_fields(t: Tables) -> None:
    d = t["documents"].set_index("doc_id")
    d.loc[D0, "issuer"] = "UBND TP. Hạ Long"
    d.loc[D0, "locality"] = "Hạ Long"
    d.loc[D0, "implements"] = "Quyết định số 977/QĐ–TTg; 1/2020/NQ-HĐND"
    d.loc[D1, "issuer"] = "Ủy ban nhân dân tỉnh Hải Dương"
    d.loc[D1, "issued_date"] = "2026-04-21"
    d.loc[D1, "number"] = "143/kh-ubnd"
    d.loc[D3, "signer"] = ""
    d.loc[D3, "level"] = "commune"
    d.loc[D3, "period_end"] = "NULL"
    t["documents"] = d.reset_index()


def missing_document(t: Tables) -> None:
    for name in TABLES:
        t[name] = t[name][~in_doc(t[name], D1)]


def extra_document(t: Tables) -> None:
    for name in TABLES:
        copy = t[name][in_doc(t[name], D3)].assign(doc_id="999_not_in_gold")
        t[name] = pd.concat([t[name], copy], ignore_index=True)


def header_only_row(t: Tables) -> None:
    """A document listed in documents.csv but without tasks, and one listed twice."""
    t["tasks"] = t["tasks"][~in_doc(t["tasks"], D3)]
    t["mentions"] = t["mentions"][~in_doc(t["mentions"], D3)]
    dup = t["documents"][in_doc(t["documents"], D1)].assign(issuer="x")
    t["documents"] = pd.concat([t["documents"], dup], ignore_index=True)


PERTURBATIONS: dict[str, Callable[[Tables], None]] = {
    f.__name__: f for f in (
        drop_tasks, truncate_and_garble_texts, change_task_ids, duplicate_task_ids,
        remove_add_rename_mentions, merge_and_split_agency_ids, change_types_and_levels,
        shift_times, change_ref_tasks, wrong_header_fields, missing_document,
        extra_document, header_only_row)}


def damaged(perfect_dir: Path, tmp_path: Path, *steps: Callable[[Tables], None],
            **write_options) -> Path:
    tables = read_tables(perfect_dir)
    for step in steps:
        step(tables)
    return write_tables(tables, tmp_path / "pred", **write_options)


# --------------------------------------------------------------- agreement

def test_perfect_prediction_scores_one_everywhere(perfect_dir):
    ours, _ = assert_agree(perfect_dir)
    assert ours.overall and all(v == 1.0 for v in ours.overall.values())
    assert not ours.details


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
def test_agrees_with_reference_on_damaged_prediction(perfect_dir, tmp_path, name):
    pred = damaged(perfect_dir, tmp_path, PERTURBATIONS[name])
    ours, _ = assert_agree(pred)
    if name == "extra_document":       # documents without gold are reported, not scored
        assert ours.pred_docs_not_scored == ["999_not_in_gold"]
        assert all(v == 1.0 for v in ours.overall.values())
    else:
        assert any(v is not None and v < 1 for v in ours.overall.values()), "damage had no effect"


def test_details_name_what_is_wrong(perfect_dir, tmp_path):
    pred = damaged(perfect_dir, tmp_path, duplicate_task_ids, remove_add_rename_mentions,
                   missing_document)
    ours, _ = assert_agree(pred)
    d0 = ours.details[D0]
    assert d0.pred_duplicate_task_ids and d0.pred_bad_roles == ["chủ trì"]
    assert "ZZ.99" in [m.task_id for m in d0.orphan_mentions]   # plus the renamed tasks
    assert ours.details[D1].missing_from_prediction
    assert any("not in the prediction" in w for w in ours.warnings)
    assert any(e.errors.get("lead_missed") or e.errors.get("support_missed")
               for e in d0.task_errors)
    assert json.dumps(ours.to_dict(), ensure_ascii=False)


def test_agrees_with_all_damage_at_once(perfect_dir, tmp_path):
    pred = damaged(perfect_dir, tmp_path, *PERTURBATIONS.values())
    assert_agree(pred)


@pytest.mark.parametrize("seed", range(6))
def test_agrees_on_random_damage(perfect_dir, tmp_path, seed):
    rng = random.Random(seed)
    steps = rng.sample(list(PERTURBATIONS.values()), k=4)
    tables = read_tables(perfect_dir)
    for step in steps:
        step(tables)
    for name in ("tasks", "mentions"):
        tables[name] = tables[name].sample(frac=0.9, random_state=seed)
    assert_agree(write_tables(tables, tmp_path / "pred", bom=seed % 2 == 0, crlf=seed % 3 == 0))


def test_agrees_on_selected_documents(perfect_dir, tmp_path):
    pred = damaged(perfect_dir, tmp_path, drop_tasks, wrong_header_fields)
    ours, _ = assert_agree(pred, docs=["003", D0])
    assert ours.documents == [D3, D0]
    assert D1 in ours.pred_docs_not_scored


def test_bom_and_line_ends_do_not_matter(perfect_dir, tmp_path):
    pred = damaged(perfect_dir, tmp_path, shift_times, bom=False, crlf=False)
    plain = evaluate(pred, GOLD)
    assert not (pred / "tasks.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with_bom = evaluate(damaged(perfect_dir, tmp_path / "b", shift_times), GOLD)
    assert plain.overall == with_bom.overall


def test_render_contains_the_reference_table(perfect_dir, tmp_path):
    pred = damaged(perfect_dir, tmp_path, drop_tasks, wrong_header_fields, shift_times)
    ours, ref = assert_agree(pred)
    text = render(ours).splitlines()
    for line in score.render(ref).splitlines():
        assert line in text
    verbose = render(ours, verbose=True)
    assert "missed   " in verbose and "header issuer" not in render(ours)
    assert verbose.splitlines()[len(text) + 1:] == score.render_details(ref).splitlines()


# --------------------------------------------------------------- extra metrics

def test_end_and_start_accuracy_are_separate_from_interval(perfect_dir, tmp_path):
    ours = evaluate(damaged(perfect_dir, tmp_path, shift_times), GOLD)
    c = ours.counts
    assert ours.extra["time.end_acc"] == c.time_end.right / c.time_end.total < 1
    assert ours.overall["time.interval_acc"] <= min(ours.extra["time.end_acc"],
                                                    ours.extra["time.start_acc"])
    assert ours.extra["time.deadline_acc"] is None      # the gold has no deadlines
    assert not set(ours.extra) & set(ours.overall)


def test_deadline_accuracy_when_gold_has_deadlines(perfect_dir, tmp_path):
    gold = tmp_path / "gold"
    shutil.copytree(GOLD, gold)
    path = gold / "tasks" / f"{D1}.jsonl"
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    for task in lines:
        task["deadline"] = task["time_end"]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    tables = read_tables(perfect_dir)
    tasks = tables["tasks"]
    tasks["deadline"] = tasks["time_end"]
    tasks.loc[tasks.index[in_doc(tasks, D1)][0], "deadline"] = "2099-01-01"
    ours, _ = assert_agree(write_tables(tables, tmp_path / "pred"), gold)
    assert ours.extra["time.deadline_acc"] == pytest.approx(1 - 1 / len(lines))
    assert ours.per_doc_extra[D0]["time.deadline_acc"] is None


# --------------------------------------------------------------- bad input

def test_missing_prediction_dir(tmp_path):
    with pytest.raises(EvaluationInputError, match="prediction directory not found"):
        evaluate(tmp_path / "nowhere", GOLD)


def test_missing_gold_dir(perfect_dir, tmp_path):
    with pytest.raises(EvaluationInputError, match="gold directory not found"):
        evaluate(perfect_dir, tmp_path / "nowhere")


def test_missing_mentions_file_is_named(perfect_dir, tmp_path):
    pred = tmp_path / "pred"
    shutil.copytree(perfect_dir, pred)
    (pred / "mentions.csv").unlink()
    with pytest.raises(EvaluationInputError, match=r"missing file: .*mentions\.csv"):
        evaluate(pred, GOLD)


def test_missing_column_names_file_and_column(perfect_dir, tmp_path):
    tables = read_tables(perfect_dir)
    tables["tasks"] = tables["tasks"].drop(columns=["time_source"])
    pred = write_tables(tables, tmp_path / "pred")
    with pytest.raises(EvaluationInputError, match=r"tasks\.csv: missing required column\(s\): time_source"):
        evaluate(pred, GOLD)


def test_unknown_document_selection(perfect_dir):
    with pytest.raises(EvaluationInputError, match="not a gold document"):
        evaluate(perfect_dir, GOLD, ["777"])
    with pytest.raises(EvaluationInputError, match="ambiguous"):
        evaluate(perfect_dir, GOLD, ["00"])


# --------------------------------------------------------------- thresholds

def test_check_thresholds(perfect_dir, tmp_path):
    ours = evaluate(damaged(perfect_dir, tmp_path, drop_tasks), GOLD)
    assert check_thresholds(ours, {"tasks.precision": 1.0, "header.acc": 1.0}) == []
    failed = check_thresholds(ours, {"tasks.recall": 0.95, "tasks.precision": 0.5,
                                     "time.deadline_acc": 0.1})
    assert len(failed) == 2
    assert failed[0].startswith("FAIL tasks.recall = 0.") and "< 0.95" in failed[0]
    assert "time.deadline_acc" in failed[1] and "nothing to measure" in failed[1]
    with pytest.raises(EvaluationInputError, match="unknown metric"):
        check_thresholds(ours, {"tasks.f2": 0.5})
