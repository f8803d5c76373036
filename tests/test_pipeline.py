"""End to end: the bundled sample through extract, normalize and emit."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from emit import batch
from emit.evaluate import evaluate
from extract.reader import read_plan

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold"


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    summary = batch.run([str(RAW)], out, formats=("csv",))
    return out, summary


@pytest.fixture(scope="session")
def sample_eval(sample_run):
    return evaluate(str(sample_run[0]), str(GOLD))


def test_every_seed_is_a_row_and_ok(sample_run):
    out, summary = sample_run
    docs = read_rows(out / "documents.csv")
    assert sorted(d["doc_id"] for d in docs) == sorted(p.stem for p in RAW.glob("*.txt"))
    assert all(d["status"] == "ok" for d in docs), [(d["doc_id"], d["error"]) for d in docs]
    assert summary.failed == 0 and summary.documents == 5


def test_csv_is_excel_friendly(sample_run):
    out, _ = sample_run
    raw = (out / "tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    header = raw[3:].split(b"\r\n", 1)[0].decode()
    for col in ("doc_id", "task_seq", "task_id", "section_path", "text", "activities", "lead_raw",
                "support_raw", "lead_agencies", "support_agencies", "lead_types", "time_raw",
                "time_start", "time_end", "recurrence", "time_source", "products", "ref_decision",
                "ref_task", "ref_score", "adaptation", "line_start", "line_end"):
        assert col in header.split(","), col


def test_gold_task_f1(sample_eval):
    o = sample_eval.overall
    assert o["tasks.f1"] >= 0.98, o["tasks.f1"]
    assert o["tasks.task_id_acc"] >= 0.98


def test_gold_header_accuracy(sample_eval):
    assert sample_eval.overall["header.acc"] >= 0.95, sample_eval.overall


def test_line_numbers_point_at_the_task(sample_run):
    out, _ = sample_run
    tasks = read_rows(out / "tasks.csv")
    for t in tasks:
        src = (RAW / f"{t['doc_id']}.txt").read_text(encoding="utf-8").split("\n")
        first = src[int(t["line_start"]) - 1]
        words = t["text"].split()[:3]
        assert all(w.strip("*") in first.replace("*", "") for w in words[:2]), (t["task_id"], first, words)
        assert int(t["line_end"]) >= int(t["line_start"])


def test_task_ids_unique_per_document(sample_run):
    out, _ = sample_run
    seen = set()
    for t in read_rows(out / "tasks.csv"):
        key = (t["doc_id"], t["task_id"])
        assert key not in seen, key
        seen.add(key)


def test_dash_subtasks_and_activities():
    doc = read_plan(RAW / "002_d41c86ebb56b79c8.txt")
    by_id = {t.task_id: t for t in doc.tasks}
    # each bullet with its own fields is a task
    assert {"III.2.đ.1", "III.2.đ.2"} <= set(by_id)
    assert "III.2.đ" not in by_id
    # bullets without fields are activities of the task above
    assert len(by_id["III.2.c"].activities) == 3
    assert by_id["III.2.c"].activities[0].startswith("Tìm hiểu, khai thác pháp luật")
    # the plan's own period under a general section is not a task
    assert not any(t.task_id.startswith("II.") for t in doc.tasks)


def test_trailing_field_block_belongs_to_the_heading():
    doc = read_plan(RAW / "003_9e1b9e4423e97b84.txt")
    ids = [t.task_id for t in doc.tasks]
    assert ids == ["II.1", "II.2", "II.3.1", "II.3.2", "II.4", "II.5"]
    t = doc.tasks[0]
    assert t.text.startswith("Nâng cao chất lượng nguồn nhân lực")
    assert len(t.activities) == 5
    assert t.time_raw == "Năm 2024"


def test_wrapped_dash_line_is_not_a_bullet():
    doc = read_plan(RAW / "000_6eb7e64af74a1c4e.txt")
    t = next(t for t in doc.tasks if t.task_id == "III.5.b")
    assert "tổ chức chính trị - xã hội - nghề nghiệp" in t.support_raw


def test_glued_words_repaired_in_text():
    doc = read_plan(RAW / "000_6eb7e64af74a1c4e.txt")
    texts = " ".join(t.text + " " + t.lead_raw for t in doc.tasks)
    assert "thói quen tìm hiểu" in " ".join(t.section_path for t in doc.tasks)
    assert "UBNDcác" not in texts and "UBND các xã" in texts
    assert "việc tốt trong" in texts


def test_gold_agency_figures(sample_eval):
    o = sample_eval.overall
    assert o["mentions.lead.f1"] >= 0.95 and o["mentions.support.f1"] >= 0.95, o
    assert o["mentions.f1"] >= 0.95
    assert o["norm.b3_f1"] >= 0.95
    assert o["norm.type_acc"] >= 0.95
    assert o["norm.level_acc"] >= 0.90


def test_gold_time_figures(sample_eval):
    o = sample_eval.overall
    assert o["time.interval_acc"] >= 0.97 and o["time.recurrence_acc"] >= 0.97, o
    assert o["time.source_acc"] >= 0.97


def test_gold_reference_figures(sample_eval):
    o = sample_eval.overall
    assert o["ref.acc"] >= 0.90 and o["ref.group_acc"] >= 0.95, o


def test_tasks_csv_carries_normalized_agencies(sample_run):
    out, _ = sample_run
    t = next(r for r in read_rows(out / "tasks.csv")
             if r["doc_id"].startswith("003") and r["task_id"] == "II.3.1")
    assert t["lead_agencies"].split(" ; ")[:2] == ["Sở Tư pháp", "Sở Lao động - Thương binh và Xã hội"]
    assert t["lead_types"].split(" ; ")[:3] == ["tu_phap", "ldtbxh", "van_hoa"]
    ids = {r["agency_id"] for r in read_rows(out / "mentions.csv")
           if r["mention"].startswith("Phòng Tư pháp") and r["doc_id"][:3] in ("000", "004")}
    assert len(ids) == 1, ids  # one body across two plans of one city


def test_user_aliases_apply_on_the_next_run(tmp_path):
    from click.testing import CliRunner
    from kehoach.cli import main

    aliases = tmp_path / "aliases.csv"
    aliases.write_text("mention,agency_id,agency_name,agency_type,level\n"
                       "Hội Công chứng viên tỉnh,lang-son/hoi-cong-chung-vien,Hội Công chứng viên,"
                       "cong_chung,province\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(RAW / "002_d41c86ebb56b79c8.txt"), "-o", str(out),
                                    "--aliases", str(aliases), "--no-progress"])
    assert res.exit_code == 0, res.output
    m = next(r for r in read_rows(out / "mentions.csv") if r["mention"] == "Hội Công chứng viên tỉnh")
    assert m["agency_type"] == "cong_chung" and m["match_method"] == "alias"
    assert (out / "agencies_review.csv").exists()


def test_multilevel_numbers_are_not_repeated_in_task_ids(tmp_path):
    plan = ("KẾ HOẠCH\nThực hiện Đề án trên địa bàn tỉnh Lạng Sơn\nI. MỤC ĐÍCH\n1. Mục đích chung\n"
            "II. NHIỆM VỤ\n1. Rà soát văn bản\n1.1. Rà soát quy định về hòa giải ở cơ sở\n"
            "- Cơ quan chủ trì: Sở Tư pháp.\n- Thời gian thực hiện: Năm 2025.\n"
            "1.2. Rà soát quy định về trợ giúp pháp lý\n- Cơ quan chủ trì: Sở Tư pháp.\n"
            "1.2.1. Rà soát chi tiết\n- Cơ quan chủ trì: Sở Tư pháp.\n")
    (tmp_path / "p.txt").write_text(plan, encoding="utf-8")
    doc = read_plan(tmp_path / "p.txt")
    assert [t.task_id for t in doc.tasks] == ["II.1.1", "II.1.2", "II.1.2.1"]
    assert doc.tasks[0].section_path == "II. NHIỆM VỤ > 1. Rà soát văn bản"


def test_plan_with_standard_header_block(tmp_path):
    """Decree 30 header block (issuer above the motto), Căn cứ grounds, Đơn vị labels."""
    out = tmp_path / "out"
    batch.run([str(ROOT / "tests" / "data" / "plans" / "duc_hoa_2024.txt")], out, formats=("csv",))
    d = read_rows(out / "documents.csv")[0]
    assert (d["status"], d["number"], d["issued_date"]) == ("ok", "57/KH-UBND", "2024-03-15")
    assert (d["issuer"], d["locality"], d["level"], d["province"]) == (
        "UBND huyện Đức Hòa", "Huyện Đức Hòa", "district", "Long An")
    assert d["implements"] == "977/QĐ-TTg" and d["based_on"] == "120/KH-UBND"
    assert d["title"].endswith("huyện Đức Hòa năm 2024")
    assert (d["period_start"], d["period_end"], d["signer"]) == ("2024-01-01", "2024-12-31", "Nguyễn Văn An")
    tasks = read_rows(out / "tasks.csv")
    assert [t["task_id"] for t in tasks] == ["II.1", "II.2", "II.3"]
    assert (tasks[0]["time_end"], tasks[0]["deadline"], tasks[0]["recurrence"]) == ("2024-06-30", "2024-06-30", "once")
    assert (tasks[1]["time_start"], tasks[1]["time_end"]) == ("2024-07-01", "2024-09-30")
    assert tasks[2]["recurrence"] == "continuous"
    assert tasks[0]["lead_types"] == "tu_phap" and tasks[1]["lead_types"] == "doan_thanh_nien"


_AFTER_THE_SIGNATURE = {
    "footer": "\n\nBản quyền © Thư viện pháp luật\nLiên hệ | Điều khoản sử dụng\nVăn Bản Gốc\n",
    "signed": "\n\n(Đã ký)\n",
    "note": "\nLưu ý: Văn bản này chỉ có giá trị tham khảo.\nTải về\n",
}


@pytest.mark.parametrize("after", list(_AFTER_THE_SIGNATURE))
@pytest.mark.parametrize("seed", sorted(p.name for p in RAW.glob("*.txt")))
def test_the_signer_is_found_when_text_goes_on_after_the_signature(tmp_path, seed, after):
    """Text saved from a portal often goes on after the signature."""
    text = (RAW / seed).read_text(encoding="utf-8")
    want = read_plan(RAW / seed).header.signer
    assert want
    path = tmp_path / seed
    path.write_text(text + _AFTER_THE_SIGNATURE[after], encoding="utf-8")
    assert read_plan(path).header.signer == want
