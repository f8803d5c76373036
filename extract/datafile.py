"""Reading the package's YAML data files."""
from __future__ import annotations

import yaml

# libyaml's parser when PyYAML was built with it: the same documents, parsed
# several times faster (the data files are read at every start)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source):
    """A YAML document (text or stream) as plain data, like ``yaml.safe_load``."""
    return yaml.load(source, Loader=_LOADER)
