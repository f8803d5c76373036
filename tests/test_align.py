"""Alignment of local tasks to Decision 977/QĐ-TTg, checked against the gold.

The tasks are rebuilt from the seed texts by a small fixture reader (below),
so the aligner sees each task's full text, its activities and its headings,
as the extractor gives them, without depending on the extractor.
"""
from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from extract.model import Task
from normalize import align as align_mod
from normalize.align import align_tasks, is_organisational, normalize_text, reference_scores
from normalize.reference import (
    Reference,
    available_references,
    load_reference,
    parse_reference,
    reference_for,
    symbol_key,
)

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold" / "tasks"
REF_FILE = ROOT / "normalize" / "data" / "reference" / "977_QD-TTg.yaml"
HA_LONG, AN_BIEN, LANG_SON, BINH_PHUOC, HA_LONG_979 = (
    "000_6eb7e64af74a1c4e",
    "001_591f09c69c18c1bb",
    "002_d41c86ebb56b79c8",
    "003_9e1b9e4423e97b84",
    "004_e6e20f59199b5b3d",
)
TASK_SECTION = {HA_LONG: "III", LANG_SON: "III", AN_BIEN: "II", BINH_PHUOC: "II", HA_LONG_979: "III"}
GOLD_DOCS = [HA_LONG, AN_BIEN, BINH_PHUOC]

# ---------------------------------------------------------------- fixture reader

_MARK = re.compile(r"^(?:(?P<roman>[IVX]+)\.\s|(?P<num>\d+)\.\s|(?P<let>[a-zđ])\)\s|(?P<dash>[-–])\s*(?=\S))")
_FIELD = re.compile(r"^(?:[-+]\s*)?(?:[a-zđ]\)\s*)?(?:Cơ quan|Đơn vị|Thời gian thực hiện|Sản phẩm)[^:]*:", re.I)
_LEVEL = {"roman": 0, "num": 1, "let": 2, "dash": 3}


@dataclasses.dataclass
class _Para:
    kind: str  # roman | num | let | dash | field
    label: str
    text: str


def _paragraphs(raw: str) -> list[_Para]:
    """Logical paragraphs: a list marker or a field label starts one, any other
    line continues the previous one (the seeds wrap lines mid-sentence)."""
    out: list[_Para] = []
    for line in raw.splitlines():
        line = re.sub(r"^#+\s*", "", unicodedata.normalize("NFC", line).replace("*", "").strip())
        if not line:
            continue
        mark = _MARK.match(line)
        if _FIELD.match(line) or line.startswith("+"):
            out.append(_Para("field", "", line))
        elif mark and mark.lastgroup == "dash" and out and out[-1].kind == "field" and line[mark.end() :][:1].islower():
            out[-1].text += " " + line  # "- nghề nghiệp" continuing a field
        elif mark:
            out.append(_Para(mark.lastgroup, mark.group(mark.lastgroup), line[mark.end() :].strip()))
        elif out:
            out[-1].text += " " + line
    for p in out:
        p.text = re.sub(r"\s+", " ", p.text).strip()
    return out


def _heading(p: _Para) -> str:
    return f"{p.label}. {p.text}" if p.kind in ("roman", "num") else f"{p.label}) {p.text}"


def seed_tasks(doc: str, section: str | None = None) -> list[Task]:
    """Tasks of one section of a seed, numbered as in the gold.

    An item followed by its fields is a task; dash bullets between an item and
    its fields are its activities; dash bullets that each have fields are
    sub-tasks (``III.2.đ.1``) of the heading above them.
    """
    section = section or TASK_SECTION[doc]
    paras = _paragraphs((RAW / f"{doc}.txt").read_text(encoding="utf-8"))

    def kind(k: int) -> str:
        return paras[k].kind if k < len(paras) else "end"

    tasks: list[Task] = []
    stack: list[_Para] = []
    inside, consumed, sub = False, set(), 0
    for i, p in enumerate(paras):
        if p.kind == "field" or i in consumed:
            continue
        if p.kind == "roman":
            inside, stack = p.label == section, [p]
            continue
        if not inside:
            continue
        if p.kind != "dash":
            stack, sub = [s for s in stack if _LEVEL[s.kind] < _LEVEL[p.kind]], 0
        ids, path = [s.label for s in stack], " > ".join(_heading(s) for s in stack)
        if p.kind == "dash":
            if kind(i + 1) == "field":
                sub += 1
                tasks.append(Task(len(tasks) + 1, ".".join(ids + [str(sub)]), path, p.text))
            continue
        j = i + 1
        while kind(j) == "dash":
            j += 1
        with_activities = kind(i + 1) == "dash" and kind(i + 2) != "field" and kind(j) == "field"
        if kind(i + 1) == "field" or with_activities:
            activities = [paras[k].text for k in range(i + 1, j)] if with_activities else []
            consumed.update(range(i + 1, j))
            tasks.append(Task(len(tasks) + 1, ".".join(ids + [p.label]), path, p.text, activities))
        else:
            stack.append(p)
    return tasks


def gold(doc: str) -> dict[str, dict]:
    lines = (GOLD / f"{doc}.jsonl").read_text(encoding="utf-8").splitlines()
    return {d["task_id"]: d for d in map(json.loads, filter(str.strip, lines))}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def expected_from_reference(doc: str) -> dict[str, str]:
    """What each item of a mirrored seed reproduces, read from the `source`
    fields of the reference file (never used by the aligner itself)."""
    data = yaml.safe_load(REF_FILE.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for group in data["groups"]:
        for task in group["tasks"]:
            refs = task["source"].split(";") + [s for x in task.get("item_sources", []) for s in x.split(";")]
            for r in refs:
                src_doc, task_id = r.split()
                if src_doc == doc:
                    out.setdefault(task_id, task["code"])
    return out


def _group(code: str) -> str:
    return code.split(".")[0]


@pytest.fixture(scope="module")
def ref() -> Reference:
    loaded = load_reference("977/QĐ-TTg")
    assert loaded is not None
    return loaded


# ---------------------------------------------------------------- reference file


def test_reference_977_has_groups_and_lettered_tasks(ref: Reference) -> None:
    assert ref.symbol == "977/QĐ-TTg"
    assert ref.issued_date == "2022-08-11"
    assert (ref.period_start, ref.period_end) == ("2023-01-01", "2030-12-31")
    assert [g.code for g in ref.groups] == ["1", "2", "3", "4", "5"]
    letters = {g.code: [t.code.split(".")[1] for t in ref.tasks_of(g.code)] for g in ref.groups}
    assert letters == {
        "1": ["a", "b", "c"],
        "2": ["a", "b", "c", "d", "đ", "e"],
        "3": ["a", "b", "c", "d", "đ", "e"],
        "4": ["a", "b", "c", "d"],
        "5": ["a", "b", "c", "d", "đ"],
    }
    assert len(ref.get("2.đ").items) == 3  # dash sub-items describe 2.đ, no codes of their own
    for node in ref.groups + ref.tasks:
        assert node.title and node.source, node.code
        assert node.title == unicodedata.normalize("NFC", node.title)


def test_reference_sources_point_at_the_seed_items_they_reproduce(ref: Reference) -> None:
    for doc in (HA_LONG, LANG_SON):
        seed = {t.task_id: t for t in seed_tasks(doc)}
        for task_id, code in expected_from_reference(doc).items():
            if task_id in seed:
                text = seed[task_id].text
            else:  # a heading whose dash sub-items are the tasks (2.đ)
                child = next(t for k, t in seed.items() if k.startswith(task_id + "."))
                text = child.section_path.split(" > ")[-1]
            assert reference_scores(text, ref)[code] >= 85, (doc, task_id, code)


def test_lang_son_drops_5c_and_shifts_its_letters() -> None:
    expected = expected_from_reference(LANG_SON)
    assert expected["III.5.c"] == "5.d" and expected["III.5.d"] == "5.đ"
    assert "5.c" not in expected.values()


@pytest.mark.parametrize(
    "name",
    ["977/QĐ-TTg", "977/QD-TTg", "977/qđ-ttg", unicodedata.normalize("NFD", "977/QĐ-TTg"), " 977 / QĐ-TTg ",
     "Quyết định số 977/QĐ-TTg ngày 11/8/2022", "Tăng cường năng lực tiếp cận pháp luật của người dân",
     "TĂNG CƯỜNG NĂNG LỰC TIẾP CẬN PHÁP LUẬT CỦA NGƯỜI DÂN"],
)
def test_load_reference_is_tolerant(name: str) -> None:
    loaded = load_reference(name)
    assert loaded is not None and loaded.symbol == "977/QĐ-TTg"


def test_unknown_decisions_have_no_reference() -> None:
    assert load_reference("979/QĐ-TTg") is None
    assert load_reference("") is None
    assert reference_for(["979/QĐ-TTg", "977/QD-TTg"]).symbol == "977/QĐ-TTg"
    assert reference_for(["979/QĐ-TTg"]) is None


def test_available_references_lists_decision_files_only() -> None:
    assert available_references() == ["977/QĐ-TTg"]
    assert symbol_key("977/QĐ-TTg") == symbol_key("977/QD-TTG") == "977qdttg"


def test_a_new_decision_is_one_mapping() -> None:
    toy = parse_reference({
        "symbol": "1/QĐ-TEST",
        "groups": [
            {"code": "1", "title": "Xây dựng thư viện pháp luật", "source": "x",
             "tasks": [{"code": "1.a", "title": "Mua sách pháp luật cho thư viện xã", "source": "x"},
                       {"code": "1.b", "title": "Số hóa tài liệu của thư viện", "source": "x"}]},
        ],
    })
    task = Task(1, "1", "", "Số hóa toàn bộ tài liệu thư viện")
    align_tasks([task], toy)
    assert (task.ref_decision, task.ref_task) == ("1/QĐ-TEST", "1.b")


# ---------------------------------------------------------------- normalization


def test_normalize_text_equates_spellings() -> None:
    nfc = "Phổ biến, giáo dục pháp luật về hòa giải ở cơ sở"
    assert normalize_text(nfc) == normalize_text(unicodedata.normalize("NFD", nfc))
    assert normalize_text(nfc) == normalize_text("PBGDPL về hoà giải ở cơ sở")
    assert normalize_text("a) Ủy ban") == normalize_text("- Uỷ ban")
    assert "các" not in normalize_text("các cơ quan, tổ chức có liên quan").split()


def test_organisational_markers() -> None:
    assert is_organisational("Theo dõi, đôn đốc, sơ kết, tổng kết việc thực hiện Kế hoạch")
    assert not is_organisational("Củng cố, nâng cao hiệu quả đường dây nóng")


# ---------------------------------------------------------------- the fixture itself


@pytest.mark.parametrize("doc", GOLD_DOCS)
def test_fixture_reproduces_the_gold_tasks(doc: str) -> None:
    answers, tasks = gold(doc), seed_tasks(doc)
    assert [t.task_id for t in tasks] == list(answers)
    for t in tasks:
        assert _squash(t.text)[:40] == _squash(answers[t.task_id]["text"])[:40], t.task_id


# ---------------------------------------------------------------- accuracy on the gold


def _accuracy(make_tasks) -> dict[str, tuple[int, int, int]]:
    ref = load_reference("977/QĐ-TTg")
    out = {}
    for doc in GOLD_DOCS:
        answers, tasks = gold(doc), make_tasks(doc)
        align_tasks(tasks, ref)
        exact = sum(t.ref_task == (answers[t.task_id]["ref_task"] or "") for t in tasks)
        group = sum(_group(t.ref_task) == _group(answers[t.task_id]["ref_task"] or "") for t in tasks)
        out[doc] = (exact, group, len(tasks))
    return out


def _report(title: str, figures: dict[str, tuple[int, int, int]]) -> tuple[float, float]:
    n = sum(v[2] for v in figures.values())
    exact, group = sum(v[0] for v in figures.values()) / n, sum(v[1] for v in figures.values()) / n
    print(f"\n{title}")
    for doc, (e, g, k) in figures.items():
        print(f"  {doc}  exact {e}/{k} = {e / k:.3f}  group {g}/{k} = {g / k:.3f}")
    print(f"  all  exact {exact:.3f}  group {group:.3f}  ({n} tasks)")
    return exact, group


def test_gold_accuracy_full_tasks() -> None:
    exact, group = _report("ref_task on the gold (full text, activities, headings)", _accuracy(seed_tasks))
    assert exact >= 0.90
    assert group >= 0.95


def test_gold_accuracy_from_the_gold_text_alone() -> None:
    """Only the gold's 200-character text and the headings, no activities."""

    def make(doc: str) -> list[Task]:
        answers = gold(doc)
        return [dataclasses.replace(t, text=answers[t.task_id]["text"], activities=[]) for t in seed_tasks(doc)]

    exact, group = _report("ref_task on the gold (200-char text + headings)", _accuracy(make))
    assert exact >= 0.90
    assert group >= 0.95


@pytest.mark.parametrize("doc", [HA_LONG, LANG_SON])
def test_every_item_of_a_mirrored_plan_maps_to_what_it_reproduces(doc: str, ref: Reference) -> None:
    tasks, expected = seed_tasks(doc), expected_from_reference(doc)
    align_tasks(tasks, None, decision="977/QD-TTg")
    assert {t.task_id: t.ref_task for t in tasks} == {t.task_id: expected[t.task_id] for t in tasks}
    assert {t.ref_decision for t in tasks} == {"977/QĐ-TTg"}
    assert all(0 <= t.ref_score <= 1 and t.adaptation in ("same", "adapted") for t in tasks)


def test_mirrored_plans_map_by_content_without_variants_or_items(ref: Reference) -> None:
    """Titles alone (no recorded variants, no sub-items) still place every item:
    the headings keep a reworded item in its group, a lettered heading keeps
    its dash sub-tasks."""
    bare = dataclasses.replace(
        ref,
        groups=tuple(dataclasses.replace(g, variants=()) for g in ref.groups),
        tasks=tuple(dataclasses.replace(t, variants=(), items=()) for t in ref.tasks),
    )
    for doc in (HA_LONG, LANG_SON):
        tasks, expected = seed_tasks(doc), expected_from_reference(doc)
        align_tasks(tasks, bare)
        assert [t.ref_task for t in tasks] == [expected[t.task_id] for t in tasks], doc


def test_rewritten_plan_finds_its_groups(ref: Reference) -> None:
    tasks = {t.task_id: t for t in seed_tasks(BINH_PHUOC)}
    align_tasks(list(tasks.values()), ref)
    assert {k: t.ref_task for k, t in tasks.items()} == {
        "II.1": "3", "II.2": "2", "II.3.1": "2.đ", "II.3.2": "2.đ", "II.4": "4", "II.5": "4"}
    assert {t.adaptation for k, t in tasks.items() if len(k) == 4} == {"adapted"}


def test_steering_task_is_no_task_of_the_decision(ref: Reference) -> None:
    steering = next(t for t in seed_tasks(AN_BIEN) if t.task_id == "II.1")
    align_tasks([steering], ref)
    assert (steering.ref_task, steering.adaptation) == ("", "local")
    assert steering.ref_decision == "977/QĐ-TTg"


# ---------------------------------------------------------------- plans of other shapes


def test_plan_of_a_decision_without_reference_is_not_aligned() -> None:
    tasks = seed_tasks(HA_LONG_979)
    assert len(tasks) >= 10
    align_tasks(tasks, None, decision="979/QĐ-TTg")
    assert {(t.ref_decision, t.ref_task, t.ref_score, t.adaptation) for t in tasks} == {("", "", None, "")}


def _relabel(tasks: list[Task], mapping: dict[str, str]) -> list[Task]:
    """The same tasks under new numbers: ids and the headings above them."""
    out = []
    for t in tasks:
        parts = t.task_id.split(".")
        new_id = mapping.get(".".join(parts[:3]), ".".join(parts[:3])) + "".join("." + p for p in parts[3:])
        out.append(dataclasses.replace(t, task_id=new_id))
    return out


def test_dropped_task_shifts_the_letters_after_it(ref: Reference) -> None:
    """Hạ Long without 2.b and 5.c, relettered as a plan would print it."""
    expected = expected_from_reference(HA_LONG)
    kept = [t for t in seed_tasks(HA_LONG) if t.task_id not in ("III.2.b", "III.5.c")]
    letters = "abcdđe"
    mapping: dict[str, str] = {}
    for group in ("III.2", "III.5"):
        own = sorted({".".join(t.task_id.split(".")[:3]) for t in kept if t.task_id.startswith(group + ".")},
                     key=lambda i: letters.index(i[-1]))
        mapping.update({old: f"{group}.{letters[k]}" for k, old in enumerate(own)})
    shifted = _relabel(kept, mapping)
    align_tasks(shifted, ref)
    assert mapping["III.5.d"] == "III.5.c"
    assert [t.ref_task for t in shifted] == [expected[t.task_id] for t in kept]


def test_reordered_plan_maps_by_content(ref: Reference) -> None:
    """Groups in reverse order, tasks reversed inside them, renumbered, and the
    group headings reworded by a shortened copy: the content decides."""
    expected = expected_from_reference(LANG_SON)
    original = seed_tasks(LANG_SON)
    groups = defaultdict(list)
    for t in original:
        groups[t.task_id.split(".")[1]].append(t)
    shuffled: list[Task] = []
    for new_num, old_num in enumerate(reversed(sorted(groups)), start=1):
        for k, t in enumerate(reversed(groups[old_num])):
            head, _, rest = t.section_path.partition(" > ")
            rest = re.sub(r"^\d+\.", f"{new_num}.", rest)
            shuffled.append(dataclasses.replace(
                t, seq=len(shuffled) + 1, task_id=f"II.{new_num}.{k + 1}", section_path=f"{head} > {rest}",
                lead_raw=t.task_id))
    align_tasks(shuffled, ref)
    assert [t.ref_task for t in shuffled] == [expected[t.lead_raw] for t in shuffled]


def test_flat_plan_without_headings(ref: Reference) -> None:
    expected = expected_from_reference(HA_LONG)
    flat = [dataclasses.replace(t, section_path="") for t in seed_tasks(HA_LONG)]
    align_tasks(flat, ref)
    assert [t.ref_task for t in flat] == [expected[t.task_id] for t in flat]


@pytest.mark.parametrize("text", [
    "Tổ chức giải bóng đá thiếu niên nhi đồng chào mừng Quốc khánh 2/9",
    "Sửa chữa, nâng cấp tuyến đường giao thông nông thôn liên thôn",
    "Kiểm tra, đôn đốc, sơ kết, tổng kết việc triển khai thực hiện Kế hoạch này",
])
def test_unrelated_local_task_fits_nothing(text: str, ref: Reference) -> None:
    for path in ("", "II. NỘI DUNG", "III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU", "III. NHIỆM VỤ > 2. Nâng cao nhận thức, trách nhiệm, hình thành thói quen "
                                      "tìm hiểu, sử dụng và tuân theo pháp luật của người dân"):
        task = Task(1, "II.9", path, text)
        align_tasks([task], ref)
        assert (task.ref_task, task.adaptation) == ("", "local"), path
        assert 0 <= task.ref_score < 0.6


def test_activities_over_several_tasks_give_the_group(ref: Reference) -> None:
    acts = [ref.get(c).title for c in ("4.a", "4.b", "4.c")]
    task = Task(1, "II.1", "", "Phát huy vai trò của Mặt trận trong hỗ trợ người dân", acts)
    align_tasks([task], ref)
    assert (task.ref_task, task.adaptation) == ("4", "adapted")


def test_activities_of_one_task_keep_it(ref: Reference) -> None:
    acts = list(ref.get("2.d").items)
    task = Task(1, "II.1", "", ref.get("2.d").title, acts)
    align_tasks([task], ref)
    assert (task.ref_task, task.adaptation) == ("2.d", "same")


def test_narrowed_rewording_is_adapted(ref: Reference) -> None:
    task = Task(1, "II.3", "", "Tiếp tục duy trì hoạt động của đường dây nóng tiếp nhận phản ánh, kiến nghị "
                                "của người dân trên địa bàn phường")
    align_tasks([task], ref)
    assert (task.ref_task, task.adaptation) == ("2.d", "adapted")




# ---------------------------------------------------------------- short rewritten tasks

REWRITES = ROOT / "tests" / "data" / "align_rewrites.jsonl"


def _rewrites() -> list[dict]:
    return [json.loads(line) for line in REWRITES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_rewrite_set_is_well_formed(ref: Reference) -> None:
    rows = _rewrites()
    codes = {n.code for n in ref.groups + ref.tasks} | {""}
    assert len(rows) >= 40
    assert all(r["text"] and r["reason"] and r["ref_task"] in codes and r["split"] in ("dev", "holdout") for r in rows)
    assert {r["ref_task"] for r in rows} >= {"", "2.c", "3.đ", "4.b", "5.đ"}


def test_short_rewritten_tasks_find_their_task(ref: Reference) -> None:
    """Tasks of other provinces' plans rewritten in a few local words, under a
    heading that names no reference node: exact-or-group accuracy ≥ 0.75.
    The holdout rows were written with the rest but not used for tuning the
    word lists; the threshold was calibrated on all rows and the gold."""
    rows = _rewrites()
    tasks = [Task(i + 1, f"II.{i + 1}", "II. NHIỆM VỤ CỤ THỂ", r["text"]) for i, r in enumerate(rows)]
    align_tasks(tasks, ref)
    print("\nref_task on the rewrite set (tests/data/align_rewrites.jsonl)")
    for split in ("dev", "holdout", "all"):
        pairs = [(t, r) for t, r in zip(tasks, rows) if split in ("all", r["split"])]
        exact = sum(t.ref_task == r["ref_task"] for t, r in pairs) / len(pairs)
        group = sum(_group(t.ref_task) == _group(r["ref_task"]) for t, r in pairs) / len(pairs)
        print(f"  {split:8} exact {exact:.3f}  group {group:.3f}  ({len(pairs)} tasks)")
    assert group >= 0.75
    assert exact >= 0.75
    local = [t for t, r in zip(tasks, rows) if r["ref_task"] == ""]
    assert all(t.ref_task == "" and t.adaptation == "local" for t in local)


@pytest.mark.parametrize(("text", "code"), [
    ("Tổ chức Hội thi tìm hiểu pháp luật cho đoàn viên, thanh niên", "2.c"),
    ("Trợ giúp pháp lý lưu động tại các xã vùng sâu, vùng xa", "3.d"),
    ("Công khai số điện thoại đường dây nóng tại trụ sở Ủy ban nhân dân xã", "2.d"),
    ("Sân khấu hóa tuyên truyền pháp luật tại các khu dân cư", "2.c"),
    ("Mời luật sư, luật gia tham gia tổ hòa giải ở thôn, khu phố", "3.đ"),
])
def test_one_telling_term_places_a_short_task(text: str, code: str, ref: Reference) -> None:
    task = Task(1, "II.1", "II. NHIỆM VỤ CỤ THỂ", text)
    align_tasks([task], ref)
    assert (task.ref_task, task.adaptation) == (code, "adapted")


def test_distinctive_terms_come_from_the_reference_file() -> None:
    """A new decision file gets its own term weights: the toy decision's rare
    word decides although the wording is mostly different."""
    toy = parse_reference({
        "symbol": "2/QĐ-TEST",
        "groups": [{"code": "1", "title": "Công tác thư viện", "source": "x", "tasks": [
            {"code": "1.a", "title": "Bổ sung sách pháp luật cho thư viện xã", "source": "x"},
            {"code": "1.b", "title": "Bổ sung máy tính cho thư viện xã", "source": "x"},
            {"code": "1.c", "title": "Bổ sung bàn ghế cho thư viện xã", "source": "x"}]}],
    })
    task = Task(1, "1", "", "Mua thêm máy tính")
    align_tasks([task], toy)
    assert task.ref_task == "1.b"

