"""The one SQLite store: ``Store`` and the shapes it hands out, behind one import.

``from core.store import Store, StoreError`` is all most callers need; the rest of the package
(schema files, migration runner, ingest, row conversions) is its inside.
"""

from core.store.errors import StoreError
from core.store.rows import IngestResult, SourceRow, StoredMention
from core.store.store import BUSY_TIMEOUT_MS, LockPatience, Store

__all__ = ["BUSY_TIMEOUT_MS", "IngestResult", "LockPatience", "SourceRow", "Store", "StoreError",
           "StoredMention"]
