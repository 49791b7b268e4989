"""Headless verbs of `perfdesk`, one module per area.

Each module defines `register(verbs, common)` that adds its sub-parsers and sets `handler` on each:
`handler(store, args) -> int`. Modules are found by name, so an area adds its verbs without
touching a shared list.
"""

from __future__ import annotations


def modules():
    # Imported here: `perfdesk` opening the GUI reads only the exit codes of this package.
    import importlib
    import pkgutil
    from pathlib import Path

    # the folder, not `from . import __path__`: this module does not import the package that imports it
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if info.name.startswith("verbs_"):
            yield importlib.import_module(f"{__package__}.{info.name}")
