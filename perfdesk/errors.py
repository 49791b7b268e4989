"""The one root of the failures a user is told about in Chinese (rather than shown a traceback)."""

from __future__ import annotations


class UserError(Exception):
    """A refusal a user may see: the message is Chinese, names the field or file and says how to fix it.

    Every area's user-facing error derives from it (StoreError, OperationError, FormDefinitionError,
    ProfileError, FormulaError, ScoringError, TransitionRefused, FormVersionError, PackageError, …),
    so the CLI and the GUI catch this one class."""
