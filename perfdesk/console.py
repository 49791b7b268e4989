"""Standard streams that always exist and never fail on Chinese text.

A Windows GUI build (no console) starts with sys.stdout and sys.stderr set to None: any print or
argparse message would raise. ensure_streams() gives such a process a log file instead
(perfdesk-output.log in the user data folder, or nowhere if that cannot be written), and makes the
streams that do exist replace, rather than fail on, characters their encoding lacks."""

from __future__ import annotations

import os
import sys

LOG_NAME = "perfdesk-output.log"


def _log_stream():
    try:
        from platformdirs import user_data_dir

        folder = user_data_dir("PerfDesk", appauthor=False)
        os.makedirs(folder, exist_ok=True)
        return open(os.path.join(folder, LOG_NAME), "a", encoding="utf-8", buffering=1)
    except (OSError, ImportError):
        return open(os.devnull, "w", encoding="utf-8")


def ensure_streams() -> None:
    log = None
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            log = log or _log_stream()
            setattr(sys, name, log)
        elif hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # a detached or closed stream: leave it
                pass
