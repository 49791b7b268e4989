"""The package dialogs' jobs are perfdesk.ui.jobs; this name stays while office_desk.py imports it."""

from ..jobs import Job, JobContext

__all__ = ["Job", "JobContext"]
