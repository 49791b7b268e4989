"""The PySide6 desktop interface."""

from .qt_fixes import fix_lost_singleton_references

fix_lost_singleton_references()
