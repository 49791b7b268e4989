"""PerfDesk storage: SQLite (or any SQLAlchemy URL) behind a small API of plain records.

No business rules live here; the domain layer validates and converts before calling."""

from .engine import default_url
from .errors import StoreError
from .records import FormRecord, RevisionRecord, UnitRecord
from .store import Store

__all__ = ["Store", "StoreError", "default_url", "UnitRecord", "FormRecord", "RevisionRecord"]
