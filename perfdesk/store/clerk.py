"""Who is saving: the name a shared database records beside each version of a form."""

from __future__ import annotations

import getpass
import os
import socket


def clerk_name() -> str:
    """user@computer, or PERFDESK_CLERK when set (e.g. the clerk's own name on a shared login)."""
    named = os.environ.get("PERFDESK_CLERK", "").strip()
    if named:
        return named[:200]
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service account, a container)
        user = "未知用户"
    return f"{user}@{socket.gethostname() or '本机'}"[:200]
