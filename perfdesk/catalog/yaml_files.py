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


class LineDict(dict):
    """A mapping read from YAML that remembers its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict
    duplicates: list  # (key, line) of a key written a second time in the same mapping


class LineList(list):
    """A sequence read from YAML that remembers its own line and each item's line (1-based)."""

    line: int = 0
    item_lines: list


class _LineLoader(_LOADER):
    """The safe loader, keeping where each mapping and sequence starts (for messages that name a line)."""


def _construct_map(loader, node):
    data = LineDict()
    data.line, data.key_lines, data.duplicates = node.start_mark.line + 1, {}, []
    written: set = set()
    for key_node, _ in node.value:  # before `<<:` merges are flattened in: the keys as written here
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
            if key_node.value in written:
                data.duplicates.append((key_node.value, key_node.start_mark.line + 1))
            written.add(key_node.value)
    yield data
    data.update(loader.construct_mapping(node))  # flattens `<<:` merges into node.value first
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, str):
            data.key_lines[key] = key_node.start_mark.line + 1  # a key after a `<<:` merge wins, as in the dict


def _construct_seq(loader, node):
    data = LineList()
    data.line, data.item_lines = node.start_mark.line + 1, [n.start_mark.line + 1 for n in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml_lines(text: str):
    """Parse YAML text into LineDict / LineList (and plain scalars), so a checker can name lines."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader
