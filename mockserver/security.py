"""Who is calling and what they may do: keys -> 401/403, scopes -> 403, limits -> 429.

Every authenticated request counts against its key's fixed window, whatever its
outcome afterwards; the rate-limit headers ride on every response from then on.
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Mapping

from mockserver.keys import ApiKey, KeyRing, digest
from mockserver.problems import Problem
from mockserver.spec import Limits
from mockserver.store import Store

WWW_AUTHENTICATE = 'Bearer realm="creatoraudit"'
_CHALLENGE = {"WWW-Authenticate": WWW_AUTHENTICATE}
_RECOGNISED_KEPT = 1024


class Security:
    """Authenticates requests against the key ring and counts them."""

    def __init__(self, keyring: KeyRing, limits: Limits, *, rate_limit: bool = True) -> None:
        self._keyring = keyring
        self._limits = limits
        self._rate_limit = rate_limit
        # Authorization values already recognised -> their key: hashing the token is
        # most of authenticate(). Only recognised keys get in, so unknown tokens cannot
        # grow it; the bound covers odd spellings of known ones.
        self._recognised: dict[str, ApiKey] = {}

    def authenticate(self, authorization: str | None) -> ApiKey:
        """The active key behind an ``Authorization`` header, or a 401/403 Problem."""
        known = self._recognised.get(authorization or "")  # "" is never recognised
        if known is not None:
            return known
        if not authorization:
            raise Problem(
                401,
                "The request has no Authorization header; send 'Authorization: Bearer <key>'.",
                headers=_CHALLENGE,
            )
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Problem(
                401,
                "The Authorization header is malformed; expected 'Bearer <key>'.",
                headers=_CHALLENGE,
            )
        token_digest = digest(token)
        key = self._keyring.by_digest.get(token_digest)
        if key is None or not hmac.compare_digest(key.digest, token_digest):
            raise Problem(401, "The API key is not recognised.", headers=_CHALLENGE)
        if not key.active:
            raise Problem(403, "This API key is inactive.", code="FORBIDDEN")
        if len(self._recognised) < _RECOGNISED_KEPT:
            self._recognised[authorization] = key
        return key

    async def admit(self, key: ApiKey, scope: str, now: float, store: Store) -> Mapping[str, str]:
        """Count the request in the session's ``store``; check scope then limit.

        Returns the rate-limit headers."""
        requests = key.rate_limit_requests or self._limits.rate_limit_requests
        window_seconds = key.rate_limit_window_seconds or self._limits.rate_limit_window_seconds
        window = await store.hit_rate_limit(key.key_id, requests, window_seconds, now)
        headers = {
            "X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(window.remaining),
            "X-RateLimit-Reset": str(window.reset),
        }
        if not key.allows(scope):
            raise Problem(
                403,
                f"This API key lacks the '{scope}' scope this operation needs.",
                code="INSUFFICIENT_SCOPE",
                headers=headers,
            )
        if self._rate_limit and not window.allowed:
            retry_after = max(1, math.ceil(window.reset - now))
            raise Problem(
                429,
                f"Rate limit of {window.limit} requests per {window_seconds} s exceeded; "
                f"retry in {retry_after} s.",
                headers={**headers, "Retry-After": str(retry_after)},
            )
        return headers
