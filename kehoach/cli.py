"""The ``kehoach`` command: parses arguments and calls the library."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from emit import batch
from emit.cache import DEFAULT_NAME, NotACache


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kehoach")
def main() -> None:
    """Turn Vietnamese government plans (kế hoạch) into comparable tables.

    \b
    Example:
        kehoach run data/raw -o data/out
        kehoach show data/raw/001_591f09c69c18c1bb.txt
        kehoach evaluate --gold tests/gold --pred data/out
        kehoach report --pred data/out -o report.html
    """


def _out_dir(ctx, param, value):
    try:
        batch.check_out_dir(Path(value))
    except ValueError as e:
        raise click.BadParameter(str(e)) from None
    return value


class _Progress:
    """A tqdm bar on stderr, opened once the run knows how many inputs it has
    (none for three or fewer, or with --no-progress)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None

    def planned(self, total: int) -> None:
        if self.enabled and total > 3:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def stage(self, text: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--out", "out_dir", default="data/out", show_default=True, callback=_out_dir,
              type=click.Path(file_okay=False), help="Folder for the output tables.")
@click.option("--format", "formats", multiple=True, type=click.Choice(["csv", "xlsx", "parquet"]),
              help="Also write this format; CSV and kehoach.xlsx are always written.")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False),
              help="CSV of your own agency matches (mention,agency_id,…; a filled agencies_review.csv works), applied on every run.")
@click.option("--workers", type=click.IntRange(1), help="Worker processes (default: one per core).")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=300, show_default=True,
              help="Seconds one document may take before its worker is stopped and the file is recorded as failed.")
@click.option("--engine", type=click.Choice(["local", "serial", "dask"]), default="local", show_default=True,
              help="local: a process pool on this machine; serial: this process only; dask: a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: the scheduler to use (tcp://host:8786); default: a local cluster.")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False),
              help="Result cache (SQLite) for incremental reruns [default: OUT/.kehoach-cache.sqlite].")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--force", is_flag=True, help="Process every file again, ignoring cached results.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any document failed.")
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
def run(inputs, out_dir, formats, aliases, workers, timeout, engine, scheduler, cache_path, no_cache,
        force, strict, no_progress):
    """Read every plan in INPUTS (files, folders searched recursively, or globs)
    and write documents.csv, tasks.csv, mentions.csv, agencies.csv, the
    comparison with the reference decision and kehoach.xlsx into --out.

    A rerun reprocesses only new or changed files (and everything when the
    rules change), and rewrites nothing when nothing changed; Ctrl-C keeps the
    documents finished so far, in complete files.

    \b
    Example:
        kehoach run data/raw -o data/out
        kehoach run "archive/**/*.docx" -o out --format parquet --workers 8
        kehoach run archive -o out --engine dask --scheduler tcp://10.0.0.5:8786
    """
    bar = _Progress(enabled=not no_progress)
    cache = None if no_cache else (cache_path or str(Path(out_dir) / DEFAULT_NAME))
    try:
        summary = batch.run(list(inputs), out_dir, aliases=aliases,
                            formats=tuple(dict.fromkeys(("csv", "xlsx") + tuple(formats))),
                            engine=engine, workers=workers, timeout=timeout, scheduler=scheduler,
                            cache=cache, force=force, planned=bar.planned, progress=bar.update,
                            stage=bar.stage)
    except NotACache as e:
        raise click.BadParameter(str(e), param_hint="'--cache'") from None
    except KeyboardInterrupt:  # after the documents: while writing the comparison or the workbook
        click.echo("interrupted while writing the comparison or the workbook: the tables already "
                   "written are complete, the others keep their earlier version, if any", err=True)
        raise SystemExit(130)
    finally:
        bar.close()
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(summary.line())
    if summary.interrupted:
        raise SystemExit(130)
    if strict and summary.failed:
        raise SystemExit(1)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--fields/--no-fields", default=True, help="Show each task's lead, support and time.")
def show(file, fields):
    """Print one document's header and task tree, for a quick look.
    Exits 1 when the file cannot be read as a plan (the reason is printed).

    \b
    Example:
        kehoach show data/raw/001_591f09c69c18c1bb.txt
    """
    from emit.show import render_document
    from extract.reader import read_plan
    from normalize.pipeline import Pipeline

    doc = read_plan(file)
    if doc.status != "failed":
        Pipeline()(doc)
    click.echo(render_document(doc, fields=fields))
    if doc.status == "failed":
        raise SystemExit(1)


@main.command()
@click.option("--gold", required=True, type=click.Path(exists=True, file_okay=False),
              help="Gold folder: docs*.jsonl and tasks/<doc>.jsonl.")
@click.option("--pred", required=True, type=click.Path(exists=True, file_okay=False),
              help="Output folder of a run (documents.csv, tasks.csv, mentions.csv).")
@click.option("--docs", help="Comma-separated gold document ids (or unique prefixes) to score.")
@click.option("--min", "mins", multiple=True, metavar="METRIC=VALUE",
              help="Fail (exit 1) when an overall metric is below VALUE, e.g. tasks.f1=0.98.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the results as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="List every error per document.")
def evaluate(gold, pred, docs, mins, json_path, verbose):
    """Score a run's tables against hand-checked answers (gold).

    \b
    Example:
        kehoach evaluate --gold tests/gold --pred data/out --min tasks.f1=0.98
    """
    from emit import evaluate as ev

    try:
        res = ev.evaluate(pred, gold, [d for d in docs.split(",") if d.strip()] if docs else None)
        thresholds = {}
        for item in mins:
            key, _, value = item.partition("=")
            try:
                thresholds[key.strip()] = float(value)
            except ValueError:
                raise click.BadParameter(f"{item!r}: expected METRIC=NUMBER", param_hint="--min")
        failed = ev.check_thresholds(res, thresholds)
    except ev.EvaluationInputError as e:
        raise click.ClickException(str(e))
    click.echo(ev.render(res, verbose=verbose))
    if json_path:
        import json
        Path(json_path).write_text(json.dumps(res.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for msg in failed:
        click.echo(msg, err=True)
    if failed:
        raise SystemExit(1)


@main.command()
@click.option("--pred", default="data/out", show_default=True, type=click.Path(exists=True, file_okay=False),
              help="Output folder of a run (documents.csv, tasks.csv, mentions.csv).")
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="HTML file to write: one static page, no server needed.")
def report(pred, out_path):
    """Write an HTML page comparing the plans of a run: a coverage heatmap of
    the reference decision's tasks by locality, a summary of every document and
    the text of every local task with its source lines.

    \b
    Example:
        kehoach report -o report.html
        kehoach report --pred out -o out/report.html
    """
    from emit.report import write_report

    try:
        path = write_report(pred, out_path)
    except FileNotFoundError as e:
        raise click.ClickException(f"{pred} is not a run's output folder: {e}")
    click.echo(f"wrote {path}")


if __name__ == "__main__":
    main()
