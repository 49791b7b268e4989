"""What a shared service reports back to whoever called it (the CLI prints it, the GUI refreshes from it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changed:
    """The stored forms an action added or changed: the rows a list and the open editors must show afresh."""

    form_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.form_ids)

    def __or__(self, other: Changed) -> Changed:
        return Changed(self.form_ids | other.form_ids)
