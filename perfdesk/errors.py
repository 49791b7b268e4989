"""The failures a user is told about in Chinese (rather than shown a traceback)."""

from __future__ import annotations

from .domain.formdef import FormDefinitionError
from .domain.formulas import FormulaError
from .domain.profiles import ProfileError
from .domain.scoring import ScoringError
from .operations import OperationError
from .store import StoreError


class UserError(Exception):
    """Base for new areas' user-facing errors; the message is Chinese and names the fix."""


USER_ERRORS: tuple[type[Exception], ...] = (
    StoreError, OperationError, FormDefinitionError, ProfileError, FormulaError, ScoringError, UserError,
)
