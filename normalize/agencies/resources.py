"""Access to the versioned domain data shipped in ``normalize/data/agencies``."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from extract.datafile import load_yaml


_PACKAGE = "normalize"
_FOLDER = ("data", "agencies")


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """One YAML file of the agency data, parsed once per process."""
    path = resources.files(_PACKAGE).joinpath(*_FOLDER, name)
    with path.open("r", encoding="utf-8") as f:
        return load_yaml(f)
