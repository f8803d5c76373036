"""Which files a run reads, and the doc_id each one gets."""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from extract.reader import path_text

_GLOB_CHARS = set("*?[")
_SKIP_PREFIXES = (".", "~$")


@dataclass(frozen=True)
class InputFile:
    path: Path          # where to read it
    source_path: str    # as the user gave it (or found under a folder they gave), as text
    doc_id: str


def _walk(folder: Path) -> list[Path]:
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [Path(root) / f for f in sorted(files) if not f.startswith(_SKIP_PREFIXES)]
    return out


def expand(inputs: list[str]) -> tuple[list[tuple[Path, str]], list[str]]:
    """Files named by ``inputs`` (files, folders searched recursively, globs),
    and the inputs that matched nothing."""
    found: list[tuple[Path, str]] = []
    missing: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found += [(f, str(f)) for f in _walk(p)]
        elif p.is_file():
            found.append((p, item))
        elif _GLOB_CHARS & set(item):
            hits = sorted(glob.glob(item, recursive=True))
            files = []
            for h in hits:
                hp = Path(h)
                files += [(f, str(f)) for f in _walk(hp)] if hp.is_dir() else [(hp, h)]
            if files:
                found += files
            else:
                missing.append(item)
        else:
            missing.append(item)
    seen: set[str] = set()
    unique = []
    for path, src in found:
        key = str(path.resolve())
        if key not in seen:
            seen.add(key)
            unique.append((path, path_text(src)))
    return unique, [path_text(m) for m in missing]


def assign_ids(files: list[tuple[Path, str]]) -> list[InputFile]:
    """doc_id = file stem; equal stems get ``~2``, ``~3`` in the order of their
    full paths, so the same batch always gives the same ids."""
    ordered = sorted(files, key=lambda f: str(f[0].resolve()))
    counts: dict[str, int] = {}
    ids: dict[str, str] = {}
    for path, _ in ordered:
        stem = path_text(path.stem)
        counts[stem] = counts.get(stem, 0) + 1
        ids[str(path.resolve())] = stem if counts[stem] == 1 else f"{stem}~{counts[stem]}"
    return [InputFile(path, src, ids[str(path.resolve())]) for path, src in files]
