"""Benchmark: the whole `kehoach run` on synthetic corpora of N plans.

For each N it builds the corpus (bench/make_corpus.py) in a temporary folder,
runs ``kehoach run CORPUS -o OUT --no-progress`` as a subprocess (so start-up
counts), then the same command again (warm cache), and prints documents/s,
MB/s, wall time, CPU time and the peak RSS of the largest process. Peak RSS is
measured twice: psutil polling of the whole process tree every 20 ms (parent
and pool workers; reported), and ``wait4`` rusage of the parent, whose
``ru_maxrss`` is the largest of the parent and its reaped workers (a check).

    python bench/run.py                 # N = 100, 1,000, 10,000
    python bench/run.py 1000 --serial   # one size, --engine serial
"""
from __future__ import annotations

import argparse
import compileall
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_corpus import build, make_plan  # noqa: E402

KEHOACH = Path(sys.executable).with_name("kehoach")
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float  # largest single process, psutil polling
    rusage_mb: float  # ru_maxrss of the parent's wait4 (largest of it and its reaped children)
    line: str
    own_cpu: float = 0.0  # CPU of the kehoach process itself (not its workers), last poll
    tables_at: float = 0.0  # seconds from the start until tasks.csv was last written


def _poll(proc: psutil.Process, peak: list[float], done: threading.Event) -> None:
    """RSS of every process of the tree every 20 ms; the tree itself is found
    again every 0.5 s (listing children scans all of /proc, ≈ 2 ms: at every
    poll that alone took ≈ 8 % of a core from the run being measured)."""
    procs: list[psutil.Process] = []
    next_scan = 0.0
    while not done.is_set():
        try:
            if time.monotonic() >= next_scan:
                procs = [proc] + proc.children(recursive=True)
                next_scan = time.monotonic() + 0.5
            t = proc.cpu_times()
            peak[1] = t.user + t.system
        except psutil.Error:
            break
        for p in procs:
            try:
                peak[0] = max(peak[0], p.memory_info().rss)
            except psutil.Error:
                pass
        done.wait(0.02)


def snapshot(root: Path) -> dict[str, str]:
    """A copy of the packages to run, so that edits made meanwhile neither mix
    into a run nor invalidate the cache between the cold and the warm run."""
    code = root / "code"
    for pkg in ("extract", "normalize", "emit", "kehoach"):
        shutil.copytree(REPO / pkg, code / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    # compiled as `pip install` compiles a package, so start-up is an installed kehoach's
    compileall.compile_dir(code, quiet=1)
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(cmd: list[str], env: dict[str, str] | None = None, out: Path | None = None) -> Run:
    start, started = time.perf_counter(), time.time()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    peak, done = [0.0, 0.0], threading.Event()
    poller = threading.Thread(target=_poll, args=(psutil.Process(child.pid), peak, done), daemon=True)
    poller.start()
    text = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    poller.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} exited with {child.returncode}:\n{text}")
    tasks = out / "tasks.csv" if out is not None else None
    tables_at = tasks.stat().st_mtime - started if tasks is not None and tasks.exists() else 0.0
    return Run(wall, usage.ru_utime + usage.ru_stime, peak[0] / 2**20, usage.ru_maxrss / 1024,
               text.strip().splitlines()[-1], peak[1], tables_at)


def rows_in(path: Path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def bench(n: int, root: Path, seed: int, extra: list[str], env: dict[str, str] | None) -> dict:
    corpus, out = root / f"corpus{n}", root / f"out{n}"
    build(n, corpus, seed)
    size = sum(f.stat().st_size for f in corpus.rglob("*") if f.is_file())
    cmd = [str(KEHOACH), "run", str(corpus), "-o", str(out), "--no-progress", *extra]
    cold = run_once(cmd, env, out)
    assert rows_in(out / "documents.csv") == n, "documents.csv must have one row per plan"
    warm = run_once(cmd, env)
    # One plan added to the archive: it is processed, every table is rewritten
    # (the other N from the cache) — the rerun of a growing archive.
    name, data, _ = make_plan(n, seed)  # plan N+1 of the same corpus: new content
    (corpus / "added").mkdir(exist_ok=True)
    (corpus / "added" / name).write_bytes(data)
    grown = run_once(cmd, env)
    return {"n": n, "mb": size / 1e6, "cold": cold, "warm": warm, "grown": grown}


def processor() -> str:
    """The processor's model name, as /proc/cpuinfo gives it (Linux), else the platform's."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform
    return platform.processor() or platform.machine()


def yardstick() -> float:
    """Seconds for a fixed piece of Python work like kehoach's own (best of
    five): strings, dicts and regular expressions over the sample plans' text.
    Machines of the same kind and name differ by up to 2× in speed, and every
    figure here scales with this one."""
    import re
    from collections import Counter
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "data" / "raw").glob("*.txt"))) * 12
    word = re.compile(r"\w+")
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        words = word.findall(text.lower())
        counts = Counter(words)
        keys = {f"{w}:{i % 97}": i for i, w in enumerate(words)}
        hits = sum(1 for w in words if f"{w}:{len(w) % 97}" in keys)
        lines = sorted(text.split("\n"), key=len)
        best = min(best, time.perf_counter() - t)
    assert counts and lines and hits >= 0
    return best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 10000], help="corpus sizes")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed")
    ap.add_argument("--serial", action="store_true", help="pass --engine serial")
    ap.add_argument("--workers", type=int, help="pass --workers")
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    ap.add_argument("--live", action="store_true",
                    help="run the work tree itself, not a snapshot of it taken at the start")
    args = ap.parse_args(argv)
    extra = (["--engine", "serial"] if args.serial else []) + (["--workers", str(args.workers)] if args.workers else [])
    root = args.keep or Path(tempfile.mkdtemp(prefix="kehoach-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    env = None if args.live else snapshot(Path(tempfile.mkdtemp(prefix="code-", dir=root)))
    print(f"{os.cpu_count()} cores, {processor()}; yardstick {yardstick():.3f} s (Python string and dict work: "
          "lower is faster)")
    print(f"kehoach run CORPUS -o OUT --no-progress {' '.join(extra)}".rstrip())
    print(f"{'N':>7} {'MB':>6} {'docs/s':>7} {'MB/s':>5} {'wall s':>7} {'CPU s':>7} "
          f"{'peak RSS MB':>11} {'(rusage)':>8} {'warm s':>6} {'warm RSS':>8} {'+1 s':>6} {'+1 RSS':>6}")
    results = []
    try:
        for n in args.sizes:
            r = bench(n, root, args.seed, extra, env)
            c, w, g = r["cold"], r["warm"], r["grown"]
            results.append(r)
            print(f"{n:>7} {r['mb']:>6.1f} {n / c.wall:>7.0f} {r['mb'] / c.wall:>5.2f} {c.wall:>7.1f} {c.cpu:>7.1f} "
                  f"{c.peak_mb:>11.0f} {c.rusage_mb:>8.0f} {w.wall:>6.1f} {w.peak_mb:>8.0f} "
                  f"{g.wall:>6.1f} {g.peak_mb:>6.0f}", flush=True)
            print(f"        {c.line}\n        cold: the kehoach process itself used {c.own_cpu:.1f} CPU s "
                  f"(its workers the rest); the tables were complete at {c.tables_at:.1f} s, the "
                  f"comparison and the workbook took the last {c.wall - c.tables_at:.1f} s"
                  f"\n        warm: {w.line}\n        +1: {g.line}", flush=True)
            if not args.keep:
                shutil.rmtree(root / f"corpus{n}")
                shutil.rmtree(root / f"out{n}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    big = [r for r in results if r["n"] >= 1000]
    if len(big) >= 2:
        # Start-up (≈ 2–4 s) is fixed, so linear growth shows as the same marginal cost per document.
        a, b = big[0], big[-1]
        marginal = (b["n"] - a["n"]) / (b["cold"].wall - a["cold"].wall)
        ratio = (b["n"] / b["cold"].wall) / (a["n"] / a["cold"].wall)
        verdict = "linear" if ratio > 0.8 else "NOT linear"
        print(f"growth: {verdict} (docs/s at N={b['n']} is {ratio:.2f}× that at N={a['n']}; "
              f"marginal {marginal:.0f} docs/s)")


if __name__ == "__main__":
    main()
