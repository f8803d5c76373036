"""The click CLI: documented commands that call the library."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kehoach.cli import main

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_documented_with_an_example(name):
    cmd = main.commands[name]
    assert cmd.help and "Example:" in cmd.help, f"kehoach {name} has no documented example"
    res = CliRunner().invoke(main, [name, "--help"])
    assert res.exit_code == 0 and "Example:" in res.output
    for p in cmd.params:
        if p.param_type_name == "option":
            assert p.help, f"kehoach {name} {p.opts[0]} is undocumented"


def test_show_prints_header_and_task_tree():
    res = CliRunner().invoke(main, ["show", str(RAW / "001_591f09c69c18c1bb.txt")])
    assert res.exit_code == 0, res.output
    assert "143/KH-UBND" in res.output and "UBND phường An Biên" in res.output
    for tid in ("II.1", "II.2", "II.3", "II.4", "II.5"):
        assert f"    {tid} " in res.output
    assert "Quý IV năm 2026" in res.output


def test_show_of_an_unreadable_file_prints_why_and_exits_1(tmp_path):
    bad = tmp_path / "scan.txt"
    bad.write_bytes(bytes(range(256)) * 8)
    res = CliRunner().invoke(main, ["show", str(bad)])
    assert res.exit_code == 1
    assert "[failed]" in res.output and "binary file" in res.output


def test_run_then_evaluate_with_thresholds(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(main, ["run", str(RAW), "-o", str(out), "--no-progress", "--format", "parquet"])
    assert res.exit_code == 0, res.output
    assert "5 documents: 5 ok" in res.output
    for name in ("documents.csv", "tasks.csv", "mentions.csv", "agencies.csv", "kehoach.xlsx",
                 "tasks.parquet"):
        assert (out / name).exists(), name
    res = runner.invoke(main, ["evaluate", "--gold", str(GOLD), "--pred", str(out),
                               "--min", "tasks.f1=0.98", "--json", str(tmp_path / "e.json")])
    assert res.exit_code == 0, res.output
    assert "ALL (micro)" in res.output and (tmp_path / "e.json").exists()
    res = runner.invoke(main, ["evaluate", "--gold", str(GOLD), "--pred", str(out),
                               "--min", "tasks.f1=1.01"])
    assert res.exit_code == 1
    res = runner.invoke(main, ["evaluate", "--gold", str(GOLD), "--pred", str(tmp_path)])
    assert res.exit_code != 0 and "documents.csv" in res.output


def test_the_progress_bar_says_what_follows_the_documents(tmp_path):
    result = CliRunner().invoke(main, ["run", str(RAW), "-o", str(tmp_path / "out"), "--no-cache",
                                       "--format", "parquet"])
    assert result.exit_code == 0, result.output
    assert "5/5" in result.stderr
    assert "writing the comparison, kehoach.xlsx, Parquet" in result.stderr
    assert "5 documents: 5 ok" in result.stdout and "writing" not in result.stdout


def test_run_without_inputs_explains():
    res = CliRunner().invoke(main, ["run"])
    assert res.exit_code == 2 and "INPUTS" in res.output


def test_ctrl_c_while_writing_the_workbook_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    from emit import batch

    def interrupted(outputs, formats, writer=None):
        raise KeyboardInterrupt
    monkeypatch.setattr(batch, "_comparison_and_formats", interrupted)
    result = CliRunner().invoke(main, ["run", str(RAW), "-o", str(tmp_path / "out"), "--no-progress",
                                       "--no-cache"])
    assert result.exit_code == 130
    assert "interrupted while writing the comparison or the workbook" in result.output
    assert (tmp_path / "out" / "tasks.csv").exists() and not list((tmp_path / "out").glob(".*.tmp"))
