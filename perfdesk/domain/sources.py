"""Where the domain gets its form and profile definitions from.

The domain reads no files: a loader outside it (perfdesk/catalog/form_files.py, installed at
start-up) finds the shipped files, the user's folder and `--forms DIR`, parses them and answers
the registry's and the profiles' questions. Installing another catalog (a test's, `--forms`) clears
what was worked out from the one before.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol


class Catalog(Protocol):
    def form_ids(self) -> list[str]: ...

    def form(self, form_id: str, version: int | None) -> Any: ...  # FormDef or None

    def versions(self, form_id: str) -> list[int]: ...

    def form_name(self, form_id: str) -> str | None: ...

    def profile_ids(self) -> list[str]: ...

    def profile_raw(self, profile_id: str) -> tuple[str, Any] | None: ...  # (file name, parsed YAML)

    def profile_origin(self, profile_id: str) -> tuple[str, Any]: ...  # (随程序安装 | 用户目录 | --forms, file)

    def problems(self) -> list[str]: ...

    def indicator_library_raw(self) -> Any: ...  # parsed forms/indicator_library.yaml


_catalog: Catalog | None = None
_on_change: list[Callable[[], None]] = []


def use(catalog: Catalog) -> None:
    global _catalog
    _catalog = catalog
    for clear in _on_change:
        clear()


def installed() -> bool:
    return _catalog is not None


def catalog() -> Catalog:
    if _catalog is None:
        raise RuntimeError("no form catalog installed: call perfdesk.catalog.form_files.install() at start-up")
    return _catalog


def on_change(clear: Callable[[], None]) -> None:
    """Run `clear` whenever a new catalog is installed (the caches of what was read from the old one)."""
    _on_change.append(clear)
