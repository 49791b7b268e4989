"""Reading the shipped YAML files (forms, profiles, indicator library) fast.

libyaml's C loader parses them several times faster than the pure-Python one, with the same
safe subset; a PyYAML built without libyaml falls back to the pure-Python loader.
"""

from __future__ import annotations

from pathlib import Path

import yaml

try:
    _LOADER = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _LOADER = yaml.SafeLoader

YAMLError = yaml.YAMLError


def load_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
