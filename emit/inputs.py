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
    real_path: str = ""  # with links and ``..`` resolved: the file's identity for the cache


def real_paths(paths: list[Path]) -> list[str]:
    """``str(p.resolve())`` of each path, each folder resolved once: resolving
    walks every component of the path, which for an archive of thousands of
    files in a few folders is most of the listing's time."""
    folders: dict[Path, str] = {}
    out = []
    for p in paths:
        if os.path.islink(p):
            out.append(str(p.resolve()))
            continue
        folder = folders.get(p.parent)
        if folder is None:
            folder = folders[p.parent] = str(p.parent.resolve())
        out.append(os.path.join(folder, p.name))
    return out


def _walk(folder: Path) -> list[Path]:
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [Path(root) / f for f in sorted(files) if not f.startswith(_SKIP_PREFIXES)]
    return out


def expand(inputs: list[str], out: str | Path | None = None) -> tuple[list[tuple[Path, str]], list[str]]:
    """Files named by ``inputs`` (files, folders searched recursively, globs),
    and the inputs that matched nothing. The files a run writes into ``out``
    are left out when a folder or a glob finds them: a run's own tables are
    not plans (an output folder inside the input folder would be read on every
    rerun)."""
    found: list[tuple[Path, str]] = []
    named: set[int] = set()  # indexes in ``found`` of the files named one by one
    missing: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found += [(f, str(f)) for f in _walk(p)]
        elif p.is_file():
            named.add(len(found))
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
    skip = output_files(Path(out)) if out is not None else set()
    seen: set[str] = set()
    unique = []
    for i, (path, src) in enumerate(found):
        key = str(path.resolve())
        if key in skip and i not in named:
            continue
        if key not in seen:
            seen.add(key)
            unique.append((path, path_text(src)))
    return unique, [path_text(m) for m in missing]


def output_files(out: Path) -> set[str]:
    """The resolved paths of the files a run writes into ``out``."""
    from .workbook import TABLE_ORDER, WORKBOOK
    folder = out.resolve()
    return {str(folder / f"{t}.{ext}") for t in TABLE_ORDER for ext in ("csv", "parquet")} | {
        str(folder / WORKBOOK)}


def assign_ids(files: list[tuple[Path, str]]) -> list[InputFile]:
    """doc_id = file stem; equal stems get ``~2``, ``~3`` in the order of their
    full paths, so the same batch always gives the same ids."""
    keys = real_paths([path for path, _ in files])
    counts: dict[str, int] = {}
    ids: dict[str, str] = {}
    for key, (path, _) in sorted(zip(keys, files), key=lambda kf: kf[0]):
        stem = path_text(path.stem)
        counts[stem] = counts.get(stem, 0) + 1
        ids[key] = stem if counts[stem] == 1 else f"{stem}~{counts[stem]}"
    return [InputFile(path, src, ids[key], key) for key, (path, src) in zip(keys, files)]
