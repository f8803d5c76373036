"""Write extract/data/units.tsv: districts and communes with their province, in
the two eras of Viet Nam's administrative map (before and from 1 July 2025).

Source: the vietnamadminunits mapping that underthesea ships
(``underthesea/address/data/mapping.json``). Run again when that mapping changes:

    python tools/make_units.py
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import underthesea

OUT = Path(__file__).resolve().parents[1] / "extract" / "data" / "units.tsv"
_LEVEL = re.compile(r"^(Huyện|Quận|Thị xã|Thành phố|Xã|Phường|Thị trấn|Đặc khu|Tỉnh)\s+(.+)$")


def _split(name: str) -> tuple[str, str]:
    m = _LEVEL.match(name.strip())
    return (m.group(1).lower(), m.group(2)) if m else ("", name.strip())


def main() -> None:
    source = Path(underthesea.__file__).parent / "address" / "data" / "mapping.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    rows: set[tuple[str, str, str, str]] = set()
    for w in data["ward_mapping"]:
        old_province = _split(w["old_province"])[1]
        rows.add(("old", *_split(w["old_district"]), old_province))
        rows.add(("old", *_split(w["old_ward"]), old_province))
        rows.add(("new", *_split(w["new_ward"]), _split(w["new_province"])[1]))
    meta = data["metadata"]
    head = ["# Districts and communes of Viet Nam with their province, read by extract/units.py. version: 1",
            "# Columns: era<TAB>level word<TAB>name<TAB>province. Era old: until 30 June 2025; new: from",
            ("# 1 July 2025 (no districts). Written by tools/make_units.py from "
             f"{meta['source']} {meta['version']} (effective {meta['effective_date']}),"),
            f"# as shipped by underthesea {underthesea.__version__}."]
    body = ["\t".join(r) for r in sorted(rows) if r[1]]
    OUT.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    print(f"{len(body)} units → {OUT}")


if __name__ == "__main__":
    main()
