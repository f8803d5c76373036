"""Build a synthetic corpus of N plans from the seeds in data/raw.

Each plan is a seed with its tasks shuffled within their groups (markers kept in
place, so the numbering still reads 1, 2, 3), its locality renamed to another
real unit of the same kind (names from underthesea's copy of vietnamadminunits,
provinces from extract/data/provinces.yaml) and some files re-encoded (UTF-16,
Windows-1258, CRLF). Plan ``i`` depends only on ``--seed`` and ``i``, so the
corpus of 100 is the first 100 of the corpus of 10,000.

    python bench/make_corpus.py 1000 /tmp/corpus --seed 1
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from formats import windows_1258_form  # noqa: E402  (tests/formats.py, the test-file writers)

from extract import ingest  # noqa: E402
from extract.reader import read_plan  # noqa: E402

SEEDS = ROOT / "data" / "raw"
PER_FOLDER = 1000
# (encoding, newline, share): most archives are UTF-8; the rest exercise decoding.
ENCODINGS = (("utf-8", "\n", 0.70), ("utf-8", "\r\n", 0.10), ("utf-16", "\n", 0.10), ("cp1258", "\r\n", 0.10))
_MARKER = re.compile(r"^(\s*(?:[-–+•*]\s+)?(?:\*\*)?)((?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]+)(?=\s)")
_UNIT = re.compile(r"^(Thành phố|Tỉnh|Huyện|Quận|Thị xã|Phường|Xã|Thị trấn|Đặc khu)\s+")
MERGER = "2025-07-01"


@dataclass(frozen=True)
class Seed:
    name: str
    lines: tuple[str, ...]
    runs: tuple[tuple[tuple[int, int], ...], ...]  # sibling task blocks (0-based, end exclusive)
    unit: str  # "Thành phố", "Phường", "Tỉnh"…
    locality: str  # bare name: "Hạ Long"
    province: str  # bare name: "Quảng Ninh"
    level: str
    new_era: bool  # issued after the 2025 merger


def _runs(tasks) -> list[list[tuple[int, int]]]:
    """Blocks of consecutive sibling tasks; a block runs to the next sibling."""
    runs: list[list] = []
    prev = None
    for t in tasks:
        key = (t.section_path, t.task_id.count("."))
        if prev is None or key != prev[0] or t.line_start <= prev[1].line_end:
            runs.append([])
        runs[-1].append(t)
        prev = (key, t)
    out = []
    for run in runs:
        if len(run) < 2:
            continue
        starts = [t.line_start - 1 for t in run]
        out.append([(s, e) for s, e in zip(starts, starts[1:] + [run[-1].line_end])])
    return out


@lru_cache(maxsize=None)
def load_seeds() -> tuple[Seed, ...]:
    seeds = []
    for path in sorted(SEEDS.iterdir()):
        doc = read_plan(path)
        h = doc.header
        lines = tuple(ingest.load(path).text.split("\n"))
        runs = tuple(tuple(r) for r in _runs(doc.tasks)
                     if all(_MARKER.match(lines[s]) for s, _ in r))
        m = _UNIT.match(h.locality)
        unit, bare = (m.group(1), h.locality[m.end():]) if m else ("", h.locality)
        seeds.append(Seed(path.stem, lines, runs, unit, bare, h.province, h.level,
                          (h.issued_date or "") >= MERGER))
    return tuple(seeds)


def _short(name: str) -> tuple[str, str]:
    m = _UNIT.match(name)
    return (m.group(1), name[m.end():]) if m else ("", name)


@lru_cache(maxsize=None)
def places() -> dict[str, list[tuple[str, str]]]:
    """Real units as (bare name, bare province), by "<unit>|<old|new>"; provinces by kind."""
    import underthesea
    mapping = Path(underthesea.__file__).parent / "address" / "data" / "mapping.json"
    wards = json.loads(mapping.read_text(encoding="utf-8"))["ward_mapping"]
    out: dict[str, set] = {}
    for w in wards:
        for era, unit_name, prov in (("old", w["old_district"], w["old_province"]),
                                     ("new", w["new_ward"], w["new_province"])):
            unit, bare = _short(unit_name)
            pkind, pbare = _short(prov)
            out.setdefault(f"{unit}|{pkind}|{era}", set()).add((bare, pbare))
    provinces = yaml.safe_load((ROOT / "extract" / "data" / "provinces.yaml").read_text(encoding="utf-8"))
    for p in provinces["provinces"]:
        start, end = str(p["valid_from"]), str(p.get("valid_to") or "9999")
        for era, day in (("old", "2024-01-01"), ("new", "2026-01-01")):
            if start <= day <= end:
                out.setdefault(f"{p['kind'].capitalize()}||{era}", set()).add((p["name"], p["name"]))
    return {k: sorted(v) for k, v in out.items()}


def _province_kind(seed: Seed) -> str:
    text = "\n".join(seed.lines[:40]).casefold()
    return "Thành phố" if f"thành phố {seed.province}".casefold() in text else "Tỉnh"


def rename(text: str, seed: Seed, rng: random.Random) -> str:
    """The seed's locality and province replaced by another real pair of the same kind."""
    era = "new" if seed.new_era else "old"
    if seed.level == "province":
        key = f"{seed.unit}||{era}"
    else:
        key = f"{seed.unit}|{_province_kind(seed)}|{era}"
    pool = [p for p in places().get(key, []) if p[0] != seed.locality] or [(seed.locality, seed.province)]
    locality, province = rng.choice(pool)
    subs = {seed.locality: locality, seed.province: province}
    subs.update({k.upper(): v.upper() for k, v in list(subs.items())})
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, sorted(subs, key=len, reverse=True))) + r")(?!\w)")
    return pattern.sub(lambda m: subs[m.group(1)], text)


def shuffle_tasks(seed: Seed, rng: random.Random) -> list[str]:
    """Lines with each run of sibling tasks in a new order, each marker left where it was."""
    lines = list(seed.lines)
    for run in reversed(seed.runs):
        blocks = [list(seed.lines[s:e]) for s, e in run]
        markers = [_MARKER.match(b[0]).group(2) for b in blocks]
        order = list(range(len(blocks)))
        rng.shuffle(order)
        new: list[str] = []
        for pos, k in enumerate(order):
            block = blocks[k]
            while len(block) > 1 and not block[-1].strip():
                block = block[:-1]
            m = _MARKER.match(block[0])
            block = [block[0][: m.start(2)] + markers[pos] + block[0][m.end(2):]] + block[1:]
            new += block + ([""] if pos < len(order) - 1 else [])
        lines[run[0][0]:run[-1][1]] = new
    return lines


def encode(text: str, rng: random.Random) -> tuple[bytes, str]:
    r, acc = rng.random(), 0.0
    for encoding, newline, share in ENCODINGS:
        acc += share
        if r < acc:
            break
    text = text.replace("\n", newline)
    if encoding == "cp1258":
        try:
            return windows_1258_form(text).encode("cp1258"), "cp1258"
        except UnicodeEncodeError:  # a character Windows-1258 lacks: keep the file UTF-8
            return text.encode("utf-8"), "utf-8"
    return text.encode(encoding), encoding + ("-crlf" if newline == "\r\n" else "")


def make_plan(i: int, seed_value: int) -> tuple[str, bytes, str]:
    """(file name, bytes, encoding label) of plan ``i``."""
    rng = random.Random(f"{seed_value}:{i}")
    seed = rng.choice(load_seeds())
    text = rename("\n".join(shuffle_tasks(seed, rng)), seed, rng)
    data, label = encode(text, rng)
    tag = hashlib.sha1(data).hexdigest()[:8]
    return f"{i:06d}_{seed.name[:3]}_{tag}.txt", data, label


def build(n: int, out: Path, seed_value: int = 0) -> dict[str, int]:
    """Write ``n`` plans into ``out`` (folders of 1,000); return counts by encoding."""
    counts: dict[str, int] = {}
    for i in range(n):
        name, data, label = make_plan(i, seed_value)
        folder = out / f"{i // PER_FOLDER:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        counts[label] = counts.get(label, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of plans")
    ap.add_argument("out", type=Path, help="folder to write (created)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    args = ap.parse_args(argv)
    counts = build(args.n, args.out, args.seed)
    size = sum(f.stat().st_size for f in args.out.rglob("*.txt"))
    print(f"{args.n} plans, {size / 1e6:.1f} MB in {args.out}: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
