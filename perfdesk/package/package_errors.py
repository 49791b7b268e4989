"""Failures of the package area; each message is Chinese and says what to do."""

from __future__ import annotations

from perfdesk.errors import UserError


class PackageError(UserError):
    """A package that cannot be built or must be rejected; nothing was written."""


class IdentityError(UserError):
    """A missing or unusable signing key or certificate, or a wrong passphrase."""
