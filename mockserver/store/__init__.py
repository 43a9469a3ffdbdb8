"""State behind the handlers: one async interface, swappable backends.

The handlers only ever talk to :class:`~mockserver.store.base.Store`; the in-memory
backend is the default and the embedded choice for one process.
"""

from mockserver.store.base import (
    IdempotencyOutcome,
    IdempotencyState,
    QuotaExceeded,
    RateWindow,
    Store,
    StoredResponse,
)
from mockserver.store.memory import MemoryStore

__all__ = [
    "IdempotencyOutcome",
    "IdempotencyState",
    "MemoryStore",
    "QuotaExceeded",
    "RateWindow",
    "Store",
    "StoredResponse",
]
