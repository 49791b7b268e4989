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
        from perfdesk.domain.formdef import FormDefinitionError
        from perfdesk.domain.formulas import FormulaError
        from perfdesk.domain.lifecycle import TransitionRefused
        from perfdesk.domain.profiles import ProfileError
        from perfdesk.domain.registry import FormVersionError
        from perfdesk.domain.scoring import ScoringError
        from perfdesk.app.operations import OperationError
        from perfdesk.store.store_errors import StoreError

        found = (StoreError, OperationError, FormDefinitionError, ProfileError, FormulaError, ScoringError,
                 TransitionRefused, FormVersionError, UserError)
        globals()["USER_ERRORS"] = found  # later look-ups find the plain attribute
    return found


def __getattr__(name: str):
    # `from perfdesk.errors import USER_ERRORS` keeps working, importing the areas only then.
    if name == "USER_ERRORS":
        return user_errors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
