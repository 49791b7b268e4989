"""The one exception the storage layer raises to its callers."""

from __future__ import annotations


class StoreError(Exception):
    """A storage failure with a Chinese message fit to show the user as is."""
