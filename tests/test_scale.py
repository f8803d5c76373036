"""Batch engines, the result cache, timeouts and interruption."""
from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path

import pytest

from emit import batch, engines

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
TABLES = ("documents.csv", "tasks.csv", "mentions.csv", "agencies.csv", "comparison.csv")


def _table(out: Path, name: str) -> list[tuple]:
    """Rows of a table; source_path left out (runs over copies differ there)."""
    with open(out / name, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    drop = rows[0].index("source_path") if rows and "source_path" in rows[0] else None
    return [tuple(v for i, v in enumerate(r) if i != drop) for r in rows]


def _same_tables(a: Path, b: Path) -> None:
    for name in TABLES:
        assert _table(a, name) == _table(b, name), name


@pytest.fixture(scope="module")
def serial_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    batch.run([str(RAW)], out, engine="serial", formats=("csv",))
    return out


def test_local_pool_equals_serial(serial_out, tmp_path):
    batch.run([str(RAW)], tmp_path, engine="local", workers=2, formats=("csv",))
    _same_tables(serial_out, tmp_path)


def test_dask_local_cluster_equals_serial(serial_out, tmp_path):
    summary = batch.run([str(RAW)], tmp_path, engine="dask", workers=2, formats=("csv",))
    assert summary.ok == 5
    _same_tables(serial_out, tmp_path)


def test_rerun_uses_the_cache_and_notices_changes(serial_out, tmp_path):
    src = tmp_path / "in"
    shutil.copytree(RAW, src)
    cache = tmp_path / "cache.sqlite"
    first = batch.run([str(src)], tmp_path / "o1", cache=cache, formats=("csv",))
    assert first.cached == 0 and first.ok == 5
    second = batch.run([str(src)], tmp_path / "o2", cache=cache, formats=("csv",))
    assert second.cached == 5
    _same_tables(tmp_path / "o1", tmp_path / "o2")
    _same_tables(serial_out, tmp_path / "o2")
    changed = src / "001_591f09c69c18c1bb.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Quý IV năm 2026", "Quý III năm 2026"),
                       encoding="utf-8")
    third = batch.run([str(src)], tmp_path / "o3", cache=cache, formats=("csv",))
    assert third.cached == 4
    tasks = {r[2]: r for r in _table(tmp_path / "o3", "tasks.csv") if r[0].startswith("001")}
    assert "Quý III năm 2026" in tasks["II.4"]
    forced = batch.run([str(src)], tmp_path / "o4", cache=cache, force=True, formats=("csv",))
    assert forced.cached == 0


def test_a_new_cache_takes_each_hash_from_the_worker_that_read_the_file(tmp_path, monkeypatch):
    import hashlib
    import sqlite3

    from emit import cache as cache_module
    hashed = []
    real = cache_module.file_sha256
    monkeypatch.setattr(cache_module, "file_sha256", lambda p: hashed.append(Path(p).name) or real(p))
    src = tmp_path / "in"
    shutil.copytree(RAW, src)
    cache = tmp_path / "cache.sqlite"
    first = batch.run([str(src)], tmp_path / "o1", cache=cache, formats=("csv",))
    assert first.ok == 5 and hashed == []  # nothing to look up in a new cache: no file read twice
    want = {str(p.resolve()): hashlib.sha256(p.read_bytes()).hexdigest() for p in src.iterdir()}
    with sqlite3.connect(cache) as db:
        assert dict(db.execute("SELECT path, sha FROM files")) == want
        assert {s for (s,) in db.execute("SELECT sha FROM results")} == set(want.values())
    assert {r[1] for r in _table(tmp_path / "o1", "documents.csv")[1:]} == set(want.values())
    again = batch.run([str(src)], tmp_path / "o1", cache=cache, formats=("csv",))
    assert again.up_to_date and hashed == []  # known by size and mtime
    shutil.copy(src / "001_591f09c69c18c1bb.txt", src / "copy.txt")  # new name, known content
    grown = batch.run([str(src)], tmp_path / "o1", cache=cache, formats=("csv",))
    assert hashed == ["copy.txt"] and grown.cached == 6
    forced = batch.run([str(src)], tmp_path / "o2", cache=cache, force=True, formats=("csv",))
    assert forced.cached == 0 and hashed == ["copy.txt"]  # --force looks nothing up either
    assert batch.run([str(src)], tmp_path / "o2", cache=cache, formats=("csv",)).up_to_date


def test_a_damaged_cache_entry_is_processed_again(serial_out, tmp_path):
    import sqlite3
    cache = tmp_path / "cache.sqlite"
    batch.run([str(RAW)], tmp_path / "o1", cache=cache, formats=("csv",))
    with sqlite3.connect(cache) as db:  # one stored result cut short, one overwritten
        rows = db.execute("SELECT rowid, payload FROM results ORDER BY rowid").fetchall()
        db.execute("UPDATE results SET payload=? WHERE rowid=?", (rows[0][1][:40], rows[0][0]))
        db.execute("UPDATE results SET payload=? WHERE rowid=?", (b"not a payload", rows[1][0]))
    again = batch.run([str(RAW)], tmp_path / "o2", cache=cache, formats=("csv",))
    assert again.ok == 5 and again.cached == 3
    _same_tables(serial_out, tmp_path / "o2")


def test_a_damaged_cache_file_is_moved_aside_and_the_run_goes_on(serial_out, tmp_path):
    import os

    from emit.cache import DEFAULT_NAME
    for damage in ("garbage", "pages"):
        out = tmp_path / damage
        cache = out / DEFAULT_NAME
        batch.run([str(RAW)], out, cache=cache, formats=("csv",))
        if damage == "garbage":
            cache.write_bytes(b"this is not a database\n" * 100)
        else:  # the header page intact, every other page overwritten: seen only when the tables are read
            data = bytearray(cache.read_bytes())
            data[4096:] = os.urandom(len(data) - 4096)
            cache.write_bytes(bytes(data))
        damaged = cache.read_bytes()
        again = batch.run([str(RAW)], out, cache=cache, formats=("csv",))
        assert again.ok == 5 and again.cached == 0
        assert len(again.warnings) == 1 and "moved to .kehoach-cache.sqlite.damaged" in again.warnings[0]
        assert (out / f"{DEFAULT_NAME}.damaged").read_bytes() == damaged  # kept as it was
        _same_tables(serial_out, out)
        third = batch.run([str(RAW)], out, cache=cache, formats=("csv",))
        assert third.up_to_date and not third.warnings


class _FailingCache:
    """A cache connection whose statements starting with ``verbs`` fail with ``error``."""

    def __init__(self, db, verbs, error):
        self.db, self.verbs, self.error = db, verbs, error

    def execute(self, sql, *args):
        if sql.lstrip().startswith(self.verbs):
            raise self.error
        return self.db.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.db, name)


@pytest.mark.parametrize("verbs, error, moved", [
    (("INSERT", "DELETE"), "disk", False),   # the disk fills up: every write fails, the cache is intact
    (("SELECT payload",), "page", True),     # a damaged page met when a result is read
])
def test_a_cache_that_fails_during_the_run_stops_storing_not_the_run(serial_out, tmp_path, monkeypatch,
                                                                     verbs, error, moved):
    import sqlite3

    from emit import cache as cache_module
    exc = (sqlite3.OperationalError("database or disk is full") if error == "disk"
           else sqlite3.DatabaseError("database disk image is malformed"))
    cache = tmp_path / "c.sqlite"
    batch.run([str(RAW)], tmp_path / "o1", cache=cache, formats=("csv",))
    real_open = cache_module._open
    monkeypatch.setattr(cache_module, "_open", lambda path: _FailingCache(real_open(path), verbs, exc))
    run = batch.run([str(RAW)], tmp_path / "o2", cache=cache, formats=("csv",))
    assert run.ok == 5 and len(run.warnings) == 1 and str(exc) in run.warnings[0]
    assert (tmp_path / "c.sqlite.damaged").exists() == moved and cache.exists() != moved
    _same_tables(serial_out, tmp_path / "o2")


def test_a_cache_path_that_is_no_kehoach_cache_is_refused_and_left_alone(tmp_path):
    import sqlite3

    from click.testing import CliRunner

    from kehoach.cli import main
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    theirs = tmp_path / "theirs.db"
    with sqlite3.connect(theirs) as db:
        db.execute("CREATE TABLE people (name TEXT)")
    before = theirs.read_bytes()
    for path, reason in ((notes, "is not an SQLite file"), (theirs, "not a kehoach cache (its tables: people)")):
        res = CliRunner().invoke(main, ["run", str(RAW), "-o", str(tmp_path / "o"), "--cache", str(path),
                                        "--no-progress"])
        assert res.exit_code == 2 and reason in res.output, res.output
    assert notes.read_text(encoding="utf-8") == "my notes\n" and theirs.read_bytes() == before
    assert not list(tmp_path.glob("*.damaged"))


def test_payload_codec_round_trips_and_refuses_damage():
    from emit.cache import decode_payload, encode_payload
    payload = {"document": {"doc_id": "x", "n": 3}, "tasks": ["a,b\r\n"], "comparison": ("s", [("k", ["v"])])}
    assert decode_payload(encode_payload(payload)) == payload
    blob = encode_payload({**payload, "tasks": ["a,b\r\n" * 200]})
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 0x01  # one bit in the compressed body: the checksum sees it
    for bad in (blob[:-3], bytes(flipped), b"", b"x" * 20, encode_payload(["a list"])):
        with pytest.raises(ValueError, match="damaged"):
            decode_payload(bad)


def test_changed_rules_invalidate_the_cache(tmp_path):
    cache = tmp_path / "cache.sqlite"
    batch.run([str(RAW)], tmp_path / "o1", cache=cache, formats=("csv",))
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("mention,agency_id\nSở Tư pháp,x/so-tu-phap\n", encoding="utf-8")
    again = batch.run([str(RAW)], tmp_path / "o2", cache=cache, aliases=str(aliases), formats=("csv",))
    assert again.cached == 0


def _hang_on_001(item, config):
    if item.doc_id.startswith("001"):
        time.sleep(60)
    return _real_process_item(item, config)


_real_process_item = engines.process_item


def test_timeout_stops_a_hung_worker(monkeypatch, tmp_path):
    monkeypatch.setattr(engines, "process_item", _hang_on_001)
    t0 = time.perf_counter()
    summary = batch.run([str(RAW)], tmp_path, engine="local", workers=2, timeout=3, formats=("csv",))
    assert time.perf_counter() - t0 < 40
    docs = {r[0]: r for r in _table(tmp_path, "documents.csv")[1:]}
    assert docs["001_591f09c69c18c1bb"][2] == "failed"
    assert "timed out after 3s" in docs["001_591f09c69c18c1bb"][3]
    assert summary.ok == 4 and summary.failed == 1


def test_a_damaged_entry_is_processed_again_under_the_timeout(monkeypatch, tmp_path):
    import hashlib
    import sqlite3
    cache = tmp_path / "cache.sqlite"
    batch.run([str(RAW)], tmp_path / "o1", cache=cache, formats=("csv",))
    hung = next(RAW.glob("001_*"))
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE results SET payload=? WHERE sha=?",
                   (b"not a payload", hashlib.sha256(hung.read_bytes()).hexdigest()))
    monkeypatch.setattr(engines, "process_item", _hang_on_001)
    t0 = time.perf_counter()
    again = batch.run([str(RAW)], tmp_path / "o2", cache=cache, timeout=3, formats=("csv",))
    assert time.perf_counter() - t0 < 40
    assert again.cached == 4 and again.failed == 1
    docs = {r[0]: r for r in _table(tmp_path / "o2", "documents.csv")[1:]}
    assert "timed out after 3s" in docs[hung.stem][3]


def test_the_stage_after_the_documents_is_announced_once_they_are_done(tmp_path):
    events = []
    batch.run([str(RAW)], tmp_path, engine="serial", formats=("csv",), progress=events.append,
              stage=events.append, planned=lambda n: events.append(("planned", n)))
    assert events == [("planned", 5)] + [1] * 5 + ["writing the comparison"]


def _modules_after_a_fresh_run(out: Path, run_args: str) -> list[str]:
    """Which of pandas and pyarrow a run over the sample imported, in an
    interpreter of its own (this one has imported both)."""
    import subprocess
    import sys
    code = ("import sys; from emit import batch; "
            f"batch.run([{str(RAW)!r}], {str(out)!r}, {run_args}); "
            "print(' '.join(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_batch_starts_without_pandas(tmp_path):
    """pandas (half a second to import) serves the Python API and the report;
    a run, its workers and its streamed comparison do without it."""
    assert _modules_after_a_fresh_run(tmp_path, "workers=2, formats=('csv',)") == []
    assert (tmp_path / "comparison.csv").exists()


def test_the_workbook_is_written_without_pandas(tmp_path):
    """An empty table's sheet (agencies_review, most often) keeps its header
    without a pandas DataFrame."""
    assert "pandas" not in _modules_after_a_fresh_run(tmp_path, "engine='serial', formats=('csv', 'xlsx')")
    from openpyxl import load_workbook
    wb = load_workbook(tmp_path / "kehoach.xlsx", read_only=True)
    rows = _table(tmp_path, "agencies_review.csv")
    assert len(rows) == 1  # the seeds leave nothing to review: the header alone
    assert list(wb["agencies_review"].values) == rows


def test_the_number_of_inputs_is_told_once_with_missing_ones_counted(tmp_path):
    told = []
    summary = batch.run([str(RAW), str(tmp_path / "absent.txt")], tmp_path / "out", engine="serial",
                        formats=("csv",), planned=told.append)
    assert told == [6] == [summary.documents]


def test_interrupted_run_leaves_complete_files(tmp_path):
    seen = []

    def stop_after_two(n):
        seen.append(n)
        if len(seen) == 2:
            raise KeyboardInterrupt

    summary = batch.run([str(RAW)], tmp_path, engine="serial", formats=("csv",), progress=stop_after_two)
    assert summary.interrupted and summary.documents == 2
    rows = _table(tmp_path, "documents.csv")
    assert len(rows) == 3 and rows[0][0] == "doc_id"
    assert not list(tmp_path.glob(".*.tmp"))


def test_unchanged_rerun_rewrites_nothing_and_a_change_rebuilds(tmp_path):
    src = tmp_path / "in"
    shutil.copytree(RAW, src)
    out, cache = tmp_path / "out", tmp_path / "cache.sqlite"
    first = batch.run([str(src)], out, cache=cache, formats=("csv", "xlsx"))
    assert not first.up_to_date
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}
    again = batch.run([str(src)], out, cache=cache, formats=("csv", "xlsx"))
    assert again.up_to_date and again.cached == first.documents
    assert again.counts() == first.counts()
    assert "up to date" in again.line()
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()} == stamps
    # another format, a deleted output, an added file: each rebuilds
    assert not batch.run([str(src)], out, cache=cache, formats=("csv", "xlsx", "parquet")).up_to_date
    (out / "tasks.csv").unlink()
    rebuilt = batch.run([str(src)], out, cache=cache, formats=("csv", "xlsx", "parquet"))
    assert not rebuilt.up_to_date and (out / "tasks.csv").exists() and rebuilt.cached == first.documents
    (src / "new.txt").write_text("KẾ HOẠCH\nThực hiện Quyết định số 977/QĐ-TTg\n1. Tuyên truyền pháp luật.\n",
                                 encoding="utf-8")
    grown = batch.run([str(src)], out, cache=cache, formats=("csv", "xlsx", "parquet"))
    assert not grown.up_to_date and grown.documents == first.documents + 1
    assert not batch.run([str(src)], out, cache=cache, formats=("csv", "xlsx", "parquet"), force=True).up_to_date


def _sheets(path: Path) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True)
    return {ws.title: [tuple(c for c in row) for row in ws.iter_rows(values_only=True)] for ws in wb}


def test_workbook_written_by_a_second_process_equals_the_in_process_one(tmp_path, monkeypatch):
    import pandas as pd
    fmts = ("csv", "xlsx", "parquet")
    here = batch.run([str(RAW)], tmp_path / "here", formats=fmts)
    monkeypatch.setattr(batch, "FORMATS_PROCESS_BYTES", 0)  # every run gets the second process…
    monkeypatch.setattr(batch, "FORMATS_PROCESS_DOCS", 0)  # …started before the first document
    there = batch.run([str(RAW)], tmp_path / "there", formats=fmts)
    assert here.counts() == there.counts()
    assert _sheets(tmp_path / "here" / "kehoach.xlsx") == _sheets(tmp_path / "there" / "kehoach.xlsx")
    # the README's row counts, which the batch passes on instead of counting again, are the files'
    readme = {r[0]: r[2] for r in _sheets(tmp_path / "there" / "kehoach.xlsx")["README"][1:]}
    for name in ("documents", "tasks", "mentions"):
        assert int(readme[name]) == len(_table(tmp_path / "there", f"{name}.csv")) - 1 > 0
    for name in ("tasks", "comparison", "comparison_long"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "here" / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / "there" / f"{name}.parquet"))
    assert not list((tmp_path / "there").glob(".*.tmp"))


def test_a_process_started_early_for_small_tables_is_sent_away(tmp_path, monkeypatch):
    import multiprocessing as mp

    from emit import workbook
    started = []
    real = workbook.FormatsProcess

    def spy(out):
        started.append(real(out))
        return started[-1]
    monkeypatch.setattr(workbook, "FormatsProcess", spy)
    monkeypatch.setattr(batch, "FORMATS_PROCESS_DOCS", 0)  # the sample's tables are below FORMATS_PROCESS_BYTES
    summary = batch.run([str(RAW)], tmp_path / "o", formats=("csv", "xlsx"))
    assert len(started) == 1 and not started[0].started  # given no job…
    assert not started[0].proc.is_alive() and not mp.active_children()  # …and ended
    assert summary.ok == 5 and (tmp_path / "o" / "kehoach.xlsx").stat().st_size > 0


def test_a_failing_workbook_process_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "FORMATS_PROCESS_BYTES", 0)
    # a pending table whose header does not match its file makes the writer fail
    real = batch._comparison_and_formats

    def broken(outputs, formats, writer=None):
        outputs.comparison.long_header = lambda: ["nonsense"]
        return real(outputs, formats, writer)
    monkeypatch.setattr(batch, "_comparison_and_formats", broken)
    with pytest.raises(RuntimeError, match="workbook"):
        batch.run([str(RAW)], tmp_path / "o", formats=("csv", "xlsx"))
    assert not list((tmp_path / "o").glob(".*.tmp"))
    assert not (tmp_path / "o" / "kehoach.xlsx").exists()


def test_batch_inside_a_daemonic_process_writes_the_workbook_itself(tmp_path, monkeypatch):
    from emit import workbook

    def refuse(*a, **k):
        raise AssertionError("daemonic processes are not allowed to have children")
    monkeypatch.setattr(batch, "FORMATS_PROCESS_BYTES", 0)
    monkeypatch.setattr(workbook, "FormatsProcess", refuse)
    summary = batch.run([str(RAW)], tmp_path / "o", formats=("csv", "xlsx"))
    assert summary.ok == 5 and (tmp_path / "o" / "kehoach.xlsx").stat().st_size > 0


def test_a_script_without_a_main_guard_still_gets_its_workbook(tmp_path):
    """The spawned workbook process imports the script again; the batch it would
    start there is refused with the fix, and the script's own batch writes the
    workbook itself."""
    import subprocess
    import sys
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from emit import batch\n"
        "batch.FORMATS_PROCESS_DOCS = batch.FORMATS_PROCESS_BYTES = 0\n"
        f"s = batch.run([{str(RAW)!r}], {str(tmp_path / 'o')!r}, cache={str(tmp_path / 'c.sqlite')!r})\n"
        "print('ok', s.ok)\n", encoding="utf-8")
    res = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith("ok 5")
    assert 'if __name__ == "__main__":' in res.stderr
    assert (tmp_path / "o" / "kehoach.xlsx").stat().st_size > 0
    assert not list((tmp_path / "o").glob(".*.tmp"))


def test_a_workbook_process_killed_midway_leaves_the_batch_to_write_it(tmp_path, monkeypatch):
    import os
    import signal

    from emit import workbook
    monkeypatch.setattr(batch, "FORMATS_PROCESS_BYTES", 0)
    real_start = workbook.FormatsProcess.start

    def start_then_die(self, formats, pending, rows=None):
        real_start(self, formats, pending, rows)
        os.kill(self.proc.pid, signal.SIGKILL)  # as the kernel's OOM killer would
        self.proc.join()
    monkeypatch.setattr(workbook.FormatsProcess, "start", start_then_die)
    summary = batch.run([str(RAW)], tmp_path / "o", formats=("csv", "xlsx", "parquet"))
    here = batch.run([str(RAW)], tmp_path / "here", formats=("csv", "xlsx", "parquet"))
    assert summary.counts() == here.counts()
    assert _sheets(tmp_path / "o" / "kehoach.xlsx") == _sheets(tmp_path / "here" / "kehoach.xlsx")
    assert (tmp_path / "o" / "comparison_long.parquet").exists()
    assert not list((tmp_path / "o").glob(".*.tmp"))


# -- chunks: small text files travel to the pool several at a time ----------

def _copies(folder: Path, n: int) -> Path:
    """``n`` copies of the seeds, ``00_…`` to ``n-1_…``: enough files for the
    pool to send them in chunks (it keeps several chunks per worker)."""
    folder.mkdir()
    seeds = sorted(RAW.glob("*.txt"))
    for i in range(n):
        shutil.copy(seeds[i % len(seeds)], folder / f"{i:02d}_{seeds[i % len(seeds)].stem[:3]}.txt")
    return folder


def test_chunks_group_small_text_files_and_keep_the_order(tmp_path):
    for name, size in (("a.txt", 10), ("b.txt", 10), ("c.pdf", 10), ("d.txt", 10), ("e.txt", 10),
                       ("f.txt", 10), ("big.txt", engines.CHUNK_FILE_BYTES + 1), ("g.md", 10)):
        (tmp_path / name).write_bytes(b"x" * size)
    items = [engines.InputFile(p, str(p), p.stem) for p in
             (tmp_path / n for n in ("a.txt", "b.txt", "c.pdf", "d.txt", "e.txt", "f.txt", "big.txt", "g.md",
                                     "missing.txt"))]
    runs = [[i.doc_id for i in run] for run in engines.chunked(items, 2)]
    assert runs == [["a", "b"], ["c"], ["d", "e"], ["f"], ["big"], ["g"], ["missing"]]
    assert [[i.doc_id for i in run] for run in engines.chunked(items, 1)] == [[i.doc_id] for i in items]


def test_chunked_pool_equals_serial(tmp_path):
    src = _copies(tmp_path / "src", 24)
    batch.run([str(src)], tmp_path / "serial", engine="serial", formats=("csv",))
    eng = engines.PoolEngine(engines.Config(), 2, 30, 24)
    eng.close()
    assert eng.chunk == 3
    batch.run([str(src)], tmp_path / "pool", engine="local", workers=2, formats=("csv",))
    _same_tables(tmp_path / "serial", tmp_path / "pool")


def _hang_on_07(item, config):
    if item.doc_id.startswith("07_"):
        time.sleep(60)
    return _real_process_item(item, config)


def _crash_on_07(item, config):
    if item.doc_id.startswith("07_"):
        import os
        os._exit(3)
    return _real_process_item(item, config)


def _raise_on_07(item, config):
    if item.doc_id.startswith("07_"):
        raise RuntimeError("boom")
    return _real_process_item(item, config)


def _deaf_hang_on_07(item, config):
    """A hang the worker's alarm cannot end (as in C code that never returns)."""
    if item.doc_id.startswith("07_"):
        import signal
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    return _real_process_item(item, config)


@pytest.mark.parametrize("culprit, reason", [(_hang_on_07, "timed out after 2s"),
                                             (_crash_on_07, "worker crashed (exit code 3)"),
                                             (_raise_on_07, "internal error: RuntimeError: boom"),
                                             (_deaf_hang_on_07, "timed out after 2s")])
def test_in_a_chunk_only_the_culprit_fails(culprit, reason, monkeypatch, tmp_path):
    src = _copies(tmp_path / "src", 24)
    monkeypatch.setattr(engines, "process_item", culprit)
    t0 = time.perf_counter()
    summary = batch.run([str(src)], tmp_path / "out", engine="local", workers=2, timeout=2, formats=("csv",))
    assert time.perf_counter() - t0 < 40
    docs = {r[0]: r for r in _table(tmp_path / "out", "documents.csv")[1:]}
    assert docs["07_002"][2] == "failed" and docs["07_002"][3] == reason
    assert summary.ok == 23 and summary.failed == 1


def test_workers_freeze_what_they_inherit_and_the_caller_keeps_its_heap(tmp_path):
    import gc
    before = gc.get_freeze_count()
    eng = engines.PoolEngine(engines.Config(), 2, 30, 24)
    try:
        assert eng.pool.schedule(gc.get_freeze_count).result() > 0
    finally:
        eng.close()
    batch.run([str(_copies(tmp_path / "src", 24))], tmp_path / "out", engine="local", workers=2, formats=("csv",))
    assert gc.get_freeze_count() == before


def test_real_paths_are_what_resolve_gives(tmp_path):
    from emit.inputs import real_paths
    (tmp_path / "a" / "b").mkdir(parents=True)
    plain = tmp_path / "a" / "b" / "plan.txt"
    plain.write_text("x", encoding="utf-8")
    (tmp_path / "link_dir").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "link.txt").symlink_to(plain)
    paths = [plain, tmp_path / "link_dir" / "b" / "plan.txt", tmp_path / "a" / "link.txt",
             tmp_path / "a" / "b" / ".." / "link.txt", Path(".") / "pyproject.toml"]
    assert real_paths(paths) == [str(p.resolve()) for p in paths]
    assert len(set(real_paths(paths[:4]))) == 1
