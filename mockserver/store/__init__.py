"""State behind the handlers: one async interface, swappable backends.

The handlers only ever talk to :class:`~mockserver.store.base.Store`; the in-memory
backend is the default and the embedded choice for one process. The Redis backend
(:mod:`mockserver.store.redis`, shared by replicas) is imported only when chosen.
"""

from mockserver.store.base import (
    STORE_RETRY_AFTER,
    Backend,
    IdempotencyOutcome,
    IdempotencyState,
    QuotaExceeded,
    RateWindow,
    SessionControl,
    Store,
    StoredResponse,
    StoreUnavailable,
    TooManySessions,
)
from mockserver.store.memory import MemoryBackend, MemoryStore

__all__ = [
    "STORE_RETRY_AFTER",
    "Backend",
    "IdempotencyOutcome",
    "IdempotencyState",
    "MemoryBackend",
    "MemoryStore",
    "QuotaExceeded",
    "RateWindow",
    "SessionControl",
    "Store",
    "StoreUnavailable",
    "StoredResponse",
    "TooManySessions",
]
