"""The failures a user is told about in Chinese (rather than shown a traceback).

USER_ERRORS (or user_errors()) is worked out on first use: importing this module imports no area,
so the GUI's start-up and a verb import only what they use."""

from __future__ import annotations


class UserError(Exception):
    """Base for new areas' user-facing errors; the message is Chinese and names the fix."""


def user_errors() -> tuple[type[Exception], ...]:
    """The exception classes whose message is shown to the user as is."""
    found = globals().get("USER_ERRORS")
    if found is None:
        from .domain.formdef import FormDefinitionError
        from .domain.formulas import FormulaError
        from .domain.lifecycle import TransitionRefused
        from .domain.profiles import ProfileError
        from .domain.registry import FormVersionError
        from .domain.scoring import ScoringError
        from .operations import OperationError
        from .store.errors import StoreError

        found = (StoreError, OperationError, FormDefinitionError, ProfileError, FormulaError, ScoringError,
                 TransitionRefused, FormVersionError, UserError)
        globals()["USER_ERRORS"] = found  # later look-ups find the plain attribute
    return found


def __getattr__(name: str):
    # `from perfdesk.errors import USER_ERRORS` keeps working, importing the areas only then.
    if name == "USER_ERRORS":
        return user_errors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
