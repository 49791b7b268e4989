"""Where the shipped form files and resources live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # Installed wheel: perfdesk/forms. Source checkout: forms/ beside the package.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def forms_dir() -> Path:
    return _shipped("forms")


def resources_dir() -> Path:
    return _shipped("resources")


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def icons_dir() -> Path:
    return resources_dir() / "icons"
