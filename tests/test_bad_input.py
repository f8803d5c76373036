"""Bad input: every file gets a documents.csv row with a status and a reason,
and the batch goes on."""
from __future__ import annotations

import csv
import os
from pathlib import Path

from click.testing import CliRunner

from emit import batch
from formats import write_scanned_pdf
from kehoach.cli import main

ROOT = Path(__file__).resolve().parents[1]
RAW_SEED_DIR = ROOT / "data" / "raw"
SEED = (RAW_SEED_DIR / "001_591f09c69c18c1bb.txt").read_text(encoding="utf-8")


def _docs(out: Path) -> dict[str, dict]:
    with open(out / "documents.csv", encoding="utf-8-sig", newline="") as f:
        return {r["doc_id"]: r for r in csv.DictReader(f)}


def _make_bad_folder(folder: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")
    (folder / "random.bin").write_bytes(os.urandom(4096))
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02garbage\x00" * 200)
    (folder / "not_a_plan.txt").write_text("Xin chào.\nĐây là một ghi chú ngắn, không có nhiệm vụ nào.\n",
                                           encoding="utf-8")
    cut = SEED[: SEED.index("4. Tổ chức Hội nghị")] + "4. Tổ chức Hội nghị tập huấn nâng cao"
    (folder / "cut_off.txt").write_text(cut, encoding="utf-8")
    (folder / "good.txt").write_text(SEED, encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    write_scanned_pdf(folder / "scan.pdf")


def test_each_bad_file_is_recorded_and_the_batch_goes_on(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    _make_bad_folder(src)
    summary = batch.run([str(src), str(tmp_path / "missing.txt")], out, formats=("csv",))
    docs = _docs(out)
    assert set(docs) == {"empty", "random", "binary", "not_a_plan", "cut_off", "good", "broken",
                         "scan", "missing"}
    assert docs["good"]["status"] == "ok"
    assert docs["empty"]["status"] == "failed" and "empty" in docs["empty"]["error"]
    assert docs["binary"]["status"] == "failed" and "binary" in docs["binary"]["error"]
    assert docs["random"]["status"] == "failed"
    assert docs["scan"]["status"] == "failed" and "no text layer (needs OCR)" in docs["scan"]["error"]
    assert docs["broken"]["status"] == "failed" and docs["broken"]["error"]
    assert docs["missing"]["status"] == "failed" and "not found" in docs["missing"]["error"]
    assert docs["not_a_plan"]["status"] == "partial" and "no tasks found" in docs["not_a_plan"]["error"]
    assert docs["cut_off"]["status"] == "partial" and "cut off" in docs["cut_off"]["error"]
    assert int(docs["cut_off"]["n_tasks"]) == 3
    assert summary.failed == 6 and summary.ok == 1 and summary.partial == 2


def test_strict_exits_non_zero_on_failure(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "good.txt").write_text(SEED, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["run", str(src), "-o", str(tmp_path / "o1"), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "1 ok" in res.output and "1 failed" in res.output
    res = runner.invoke(main, ["run", str(src), "-o", str(tmp_path / "o2"), "--strict", "--no-progress"])
    assert res.exit_code == 1


def test_a_run_never_reads_its_own_outputs_as_plans(tmp_path):
    """The output folder inside the input folder, or the input folder itself:
    the second run still sees only the plans, and the first's tables are not inputs."""
    runner = CliRunner()
    for src, out in ((tmp_path / "a", tmp_path / "a" / "out"), (tmp_path / "b", tmp_path / "b")):
        src.mkdir()
        (src / "good.txt").write_text(SEED, encoding="utf-8")
        (src / "notes.csv").write_text("not,a,plan\n", encoding="utf-8")  # a user's CSV is still an input
        for _ in range(2):
            res = runner.invoke(main, ["run", str(src), "-o", str(out), "--format", "parquet", "--no-progress"])
            assert res.exit_code == 0, res.output
            assert res.output.startswith("2 documents"), res.output
        assert set(_docs(out)) == {"good", "notes"}
    # named one by one, an output file is read like any other file
    res = runner.invoke(main, ["run", str(src / "tasks.csv"), "-o", str(src), "--no-progress"])
    assert res.output.startswith("1 documents"), res.output
    from emit.inputs import expand
    files, missing = expand([str(src)], src)
    assert len(files) + len(missing) == 2


def test_an_output_folder_that_cannot_be_written_is_refused_up_front(tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(SEED, encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(plan), "-o", str(plan / "out"), "--no-progress"])
    assert res.exit_code == 2 and "cannot write to the output folder" in res.output and "Not a directory" in res.output
    try:
        batch.run([str(plan)], plan / "out")
    except ValueError as e:
        assert "cannot write to the output folder" in str(e)
    else:
        raise AssertionError("no error")


def test_inputs_that_hold_no_file_are_said(tmp_path):
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(main, ["run", str(tmp_path / "empty"), "-o", str(tmp_path / "o"), "--no-progress"])
    assert res.exit_code == 0 and res.stdout.startswith("0 documents")
    assert f"warning: no files found in {tmp_path / 'empty'}" in res.stderr
    assert batch.run([str(RAW_SEED_DIR)], tmp_path / "o2", formats=("csv",)).warnings == []


def test_same_stem_gets_a_suffix_in_path_order(tmp_path):
    for sub in ("b", "a"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "plan.txt").write_text(SEED, encoding="utf-8")
    batch.run([str(tmp_path / "in")], tmp_path / "out", formats=("csv",))
    docs = _docs(tmp_path / "out")
    assert docs["plan"]["source_path"].endswith(os.path.join("a", "plan.txt"))
    assert docs["plan~2"]["source_path"].endswith(os.path.join("b", "plan.txt"))


def test_pipes_devices_and_broken_links_are_failed_rows_not_a_hang(tmp_path):
    import subprocess
    import sys
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(SEED, encoding="utf-8")
    os.mkfifo(src / "pipe.txt")  # reading it would wait for a writer forever
    (src / "zero.txt").symlink_to("/dev/zero")  # reading it would never end
    (src / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    for cache in ([], ["--no-cache"]):  # hashed for the cache, or only read by a worker
        out = tmp_path / f"out{len(cache)}"
        # in a process of its own, so that a hang is a failure, not a stuck suite
        run = subprocess.run([sys.executable, "-m", "kehoach", "run", str(src), "-o", str(out), "--no-progress",
                              "--format", "csv", *cache], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        docs = _docs(out)
        assert set(docs) == {"good", "pipe", "zero", "gone"}
        assert docs["good"]["status"] == "ok" and "3 failed" in run.stdout
        assert docs["pipe"]["error"] == "not a regular file: a named pipe"
        assert docs["zero"]["error"] == "not a regular file: a device"
        assert docs["gone"]["error"].startswith("cannot read file")


def test_file_names_that_are_not_utf8_are_kept_as_escapes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    legacy = os.fsdecode(b"K\xea ho\xb9ch.txt")  # a name written in a Windows code page
    (src / legacy).write_text(SEED, encoding="utf-8")
    (src / "two\nlines.txt").write_text(SEED, encoding="utf-8")
    cache = tmp_path / "cache.sqlite"
    first = batch.run([str(src)], tmp_path / "out", cache=cache, formats=("csv", "xlsx"))
    again = batch.run([str(src)], tmp_path / "out", cache=cache, formats=("csv", "xlsx"))
    assert first.ok == 2 and again.up_to_date
    docs = _docs(tmp_path / "out")
    assert set(docs) == {"K\\xea ho\\xb9ch", "two\nlines"}
    assert docs["K\\xea ho\\xb9ch"]["source_path"] == str(src / "K\\xea ho\\xb9ch.txt")
    assert all(d["status"] == "ok" for d in docs.values())


def test_an_output_folder_that_is_not_utf8_is_refused_up_front(tmp_path):
    out = tmp_path / os.fsdecode(b"k\xeat qu\xb8")
    res = CliRunner().invoke(main, ["run", str(ROOT / "data" / "raw"), "-o", str(out), "--no-progress"])
    assert res.exit_code == 2 and "not valid UTF-8" in res.output and "\\xea" in res.output
    assert not out.exists()


def test_path_text_escapes_only_what_is_not_utf8():
    from extract.reader import path_text
    assert path_text("data/Kế hoạch.txt") == "data/Kế hoạch.txt"
    assert path_text(os.fsdecode(b"K\xea ho\xb9ch")) == "K\\xea ho\\xb9ch"
    assert path_text(Path(os.fsdecode(b"a/\xff"))) == "a/\\xff"
