"""Unit tests for mockserver.security: keys -> 401/403, scopes -> 403, limits -> 429.

CONTRACT sections 2 (401 with WWW-Authenticate, 403 FORBIDDEN / INSUFFICIENT_SCOPE, 429 with
Retry-After), 3 (Bearer in any case) and 4 (fixed window, headers after auth).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from mockserver.keys import ApiKey, KeyRing, digest, load_keys
from mockserver.problems import Problem
from mockserver.security import Security
from mockserver.spec import Limits
from mockserver.store import MemoryStore, Store

T0 = 1_800_000_000.0  # a multiple of 60: the start of a fixed window
CHALLENGE = 'Bearer realm="creatoraudit"'
RATE_HEADERS = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}


class BoundSecurity(Security):
    """The tests' Security: every admission counts into one store of its own."""

    def __init__(self, keyring: KeyRing, store: MemoryStore, limits: Limits, **options: Any):
        super().__init__(keyring, limits, **options)
        self.store = store

    async def admit(
        self, key: ApiKey, scope: str, now: float, store: Store | None = None
    ) -> Mapping[str, str]:
        return await super().admit(key, scope, now, store or self.store)


@pytest.fixture
def security(keyring: KeyRing, limits: Limits) -> Security:
    return BoundSecurity(keyring, MemoryStore(), limits)


def key_of(keyring: KeyRing, plain: str) -> ApiKey:
    return keyring.by_digest[digest(plain)]


def admit(security: Security, key: ApiKey, scope: str, now: float) -> Mapping[str, str]:
    return asyncio.run(security.admit(key, scope, now))


def admit_problem(security: Security, key: ApiKey, scope: str, now: float) -> Problem:
    with pytest.raises(Problem) as caught:
        admit(security, key, scope, now)
    return caught.value


def test_limits_come_from_the_document(limits: Limits) -> None:
    assert limits.rate_limit_requests == 600
    assert limits.rate_limit_window_seconds == 60


# --- authenticate --------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "   ",
        "Bearer",
        "Bearer ",
        "Bearer    ",
        "ca_test_full",
        "Basic Y2FfdGVzdF9mdWxsOg==",
        "Token ca_test_full",
        "Bearer: ca_test_full",
        "Bearer ca_test_unknown",
        "Bearer ca_test_full extra",
        "Bearer CA_TEST_FULL",
    ],
)
def test_unauthenticated_is_401_with_challenge(
    security: Security, authorization: str | None
) -> None:
    with pytest.raises(Problem) as caught:
        security.authenticate(authorization)
    problem = caught.value
    assert problem.status == 401
    assert problem.code == "UNAUTHORIZED"
    assert problem.headers is not None
    assert problem.headers["WWW-Authenticate"] == CHALLENGE
    assert problem.detail


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer ca_test_full",
        "bearer ca_test_full",
        "BEARER ca_test_full",
        "BeArEr ca_test_full",
        "Bearer   ca_test_full",
        "  Bearer ca_test_full  ",
    ],
)
def test_bearer_word_in_any_case(security: Security, authorization: str) -> None:
    key = security.authenticate(authorization)
    assert key.name == "Acme full access"
    assert key.organization.name == "Acme Media"


def test_each_persona_authenticates_as_itself(security: Security, keyring: KeyRing) -> None:
    for plain in ("ca_test_readonly", "ca_test_other", "ca_test_ratelimited", "ca_test_quota"):
        assert security.authenticate(f"Bearer {plain}") is key_of(keyring, plain)


def test_inactive_key_is_403_forbidden(security: Security) -> None:
    with pytest.raises(Problem) as caught:
        security.authenticate("Bearer ca_test_inactive")
    assert caught.value.status == 403
    assert caught.value.code == "FORBIDDEN"
    assert "WWW-Authenticate" not in (caught.value.headers or {})


def test_a_second_ask_answers_the_same(security: Security, keyring: KeyRing) -> None:
    # Recognised Authorization values are remembered; refused ones must stay refused.
    for _ in range(2):
        assert security.authenticate("Bearer ca_test_full") is key_of(keyring, "ca_test_full")
        for refused, status in (("Bearer ca_test_inactive", 403), ("Bearer nope", 401)):
            with pytest.raises(Problem) as caught:
                security.authenticate(refused)
            assert caught.value.status == status
    with pytest.raises(Problem):
        security.authenticate("")  # the empty value is never remembered either


# --- admit: headers, scope, rate limit -----------------------------------------------


def test_admit_returns_rate_limit_headers(security: Security, keyring: KeyRing) -> None:
    headers = admit(security, key_of(keyring, "ca_test_full"), "read", T0 + 5)
    assert dict(headers) == {
        "X-RateLimit-Limit": "600",
        "X-RateLimit-Remaining": "599",
        "X-RateLimit-Reset": str(int(T0) + 60),
    }
    headers = admit(security, key_of(keyring, "ca_test_full"), "write", T0 + 6)
    assert headers["X-RateLimit-Remaining"] == "598"


def test_per_key_limit_overrides_the_default(security: Security, keyring: KeyRing) -> None:
    headers = admit(security, key_of(keyring, "ca_test_ratelimited"), "read", T0)
    assert headers["X-RateLimit-Limit"] == "5"
    assert headers["X-RateLimit-Remaining"] == "4"


def test_buckets_are_per_key(security: Security, keyring: KeyRing) -> None:
    admit(security, key_of(keyring, "ca_test_full"), "read", T0)
    admit(security, key_of(keyring, "ca_test_full"), "read", T0)
    headers = admit(security, key_of(keyring, "ca_test_readonly"), "read", T0)
    assert headers["X-RateLimit-Remaining"] == "599"


def test_insufficient_scope_carries_rate_limit_headers(
    security: Security, keyring: KeyRing
) -> None:
    readonly = key_of(keyring, "ca_test_readonly")
    problem = admit_problem(security, readonly, "write", T0)
    assert problem.status == 403
    assert problem.code == "INSUFFICIENT_SCOPE"
    assert problem.headers is not None
    assert set(problem.headers) >= RATE_HEADERS
    assert problem.headers["X-RateLimit-Remaining"] == "599"
    assert "write" in problem.detail
    # the refused request counted
    assert admit(security, readonly, "read", T0)["X-RateLimit-Remaining"] == "598"


def test_read_only_key_may_read(security: Security, keyring: KeyRing) -> None:
    assert admit(security, key_of(keyring, "ca_test_readonly"), "read", T0)


def test_sixth_request_in_window_is_429(security: Security, keyring: KeyRing) -> None:
    key = key_of(keyring, "ca_test_ratelimited")
    remaining = [admit(security, key, "read", T0 + i)["X-RateLimit-Remaining"] for i in range(5)]
    assert remaining == ["4", "3", "2", "1", "0"]
    problem = admit_problem(security, key, "read", T0 + 45.5)
    assert problem.status == 429
    assert problem.code == "RATE_LIMITED"
    assert problem.headers is not None
    assert problem.headers["Retry-After"] == "15"  # ceil(60 - 45.5)
    assert problem.headers["X-RateLimit-Limit"] == "5"
    assert problem.headers["X-RateLimit-Remaining"] == "0"
    assert problem.headers["X-RateLimit-Reset"] == str(int(T0) + 60)


def test_retry_after_is_at_least_one_second(security: Security, keyring: KeyRing) -> None:
    key = key_of(keyring, "ca_test_ratelimited")
    for _ in range(5):
        admit(security, key, "read", T0)
    problem = admit_problem(security, key, "read", T0 + 59.99)
    assert problem.headers is not None
    assert problem.headers["Retry-After"] == "1"


def test_window_resets_after_window_seconds(security: Security, keyring: KeyRing) -> None:
    key = key_of(keyring, "ca_test_ratelimited")
    for _ in range(5):
        admit(security, key, "read", T0 + 1)
    assert admit_problem(security, key, "read", T0 + 59).status == 429
    headers = admit(security, key, "read", T0 + 60)
    assert headers["X-RateLimit-Remaining"] == "4"
    assert headers["X-RateLimit-Reset"] == str(int(T0) + 120)


def test_rate_limit_off_never_429_but_counts(
    keyring: KeyRing, limits: Limits, security: Security
) -> None:
    relaxed = BoundSecurity(keyring, MemoryStore(), limits, rate_limit=False)
    key = key_of(keyring, "ca_test_ratelimited")
    seen = [admit(relaxed, key, "read", T0)["X-RateLimit-Remaining"] for _ in range(8)]
    assert seen == ["4", "3", "2", "1", "0", "0", "0", "0"]
    # the same sequence with limiting on does answer 429
    for _ in range(5):
        admit(security, key, "read", T0)
    assert admit_problem(security, key, "read", T0).status == 429


def test_rate_limit_off_still_checks_scope(keyring: KeyRing, limits: Limits) -> None:
    relaxed = BoundSecurity(keyring, MemoryStore(), limits, rate_limit=False)
    problem = admit_problem(relaxed, key_of(keyring, "ca_test_readonly"), "write", T0)
    assert problem.code == "INSUFFICIENT_SCOPE"


def test_scope_is_checked_before_rate_limit(tmp_path: Path, limits: Limits) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(
        "organizations:\n"
        "  acme: {id: 5d1f7a52-3c1e-4f0b-9a57-2f6c1e0b8a01, name: Acme}\n"
        "keys:\n"
        "  - {key: tiny-read-key, name: tiny, organization: acme, scopes: [read],"
        " rate_limit: {requests: 1, window_seconds: 10}}\n",
        encoding="utf-8",
    )
    ring = load_keys(path)
    security = BoundSecurity(ring, MemoryStore(), limits)
    key = ring.by_digest[digest("tiny-read-key")]
    headers = admit(security, key, "read", T0)
    assert headers["X-RateLimit-Reset"] == str(int(T0) + 10)
    assert admit_problem(security, key, "write", T0).code == "INSUFFICIENT_SCOPE"
    assert admit_problem(security, key, "read", T0).code == "RATE_LIMITED"
