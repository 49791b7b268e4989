"""PerfDesk storage: SQLite (or any SQLAlchemy URL) behind a small API of plain records.

No business rules live here; the domain layer validates and converts before calling."""

from .engine import default_url
from .errors import StoreError
from .packages import Received
from .records import FormRecord, FormSummary, IdentityRecord, InboxRecord, RevisionRecord, TrustRecord, UnitRecord
from .store import ROLES, SETTING_ROLE, SETTING_UNIT_ID, Store

__all__ = ["Store", "StoreError", "default_url", "UnitRecord", "FormRecord", "FormSummary", "RevisionRecord",
           "IdentityRecord", "TrustRecord", "InboxRecord", "Received",
           "SETTING_UNIT_ID", "SETTING_ROLE", "ROLES"]
