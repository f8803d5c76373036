"""The package data files read the same through libyaml as through PyYAML's own parser."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from extract.datafile import load_yaml


def test_every_yaml_data_file_loads_as_safe_load_reads_it():
    files = [f for pkg in ("extract", "normalize") for f in Path(str(resources.files(pkg))).rglob("*.yaml")]
    assert len(files) >= 5
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert load_yaml(text) == yaml.safe_load(text), f.name
