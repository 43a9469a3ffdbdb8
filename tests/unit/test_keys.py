"""Unit tests for mockserver.keys: the keys file (CONTRACT section 3, README persona table)."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

import pytest

from mockserver.errors import StartupError
from mockserver.keys import ApiKey, KeyRing, Organization, digest, load_keys
from tests.unit.factories import write_yaml

ACME_ID = "5d1f7a52-3c1e-4f0b-9a57-2f6c1e0b8a01"
PERSONAS = {
    "ca_test_full",
    "ca_test_readonly",
    "ca_test_inactive",
    "ca_test_other",
    "ca_test_ratelimited",
    "ca_test_quota",
}


def lookup(keyring: KeyRing, plain: str) -> ApiKey:
    return keyring.by_digest[hashlib.sha256(plain.encode()).digest()]


def entry(key: Any = "abcdefgh1", **fields: Any) -> dict[str, Any]:
    return {"key": key, "name": "a key", "organization": "acme", "scopes": ["read"], **fields}


def document(*keys: dict[str, Any], **top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "organizations": {"acme": {"id": ACME_ID, "name": "Acme"}},
        "keys": list(keys) or [entry()],
    }
    doc.update(top)
    return doc


def write(tmp_path: Path, content: dict[str, Any] | str | bytes) -> Path:
    return write_yaml(tmp_path / "keys.yaml", content)


def startup_error(path: Path) -> StartupError:
    with pytest.raises(StartupError) as caught:
        load_keys(path)
    return caught.value


# --- the bundled personas ------------------------------------------------------------


def test_bundled_file_has_exactly_the_six_personas(keyring: KeyRing) -> None:
    assert {plain for plain, _ in keyring.personas} == PERSONAS
    assert len(keyring.by_digest) == 6
    for plain in PERSONAS:
        assert lookup(keyring, plain).digest == hashlib.sha256(plain.encode()).digest()


def test_bundled_full_key(keyring: KeyRing) -> None:
    key = lookup(keyring, "ca_test_full")
    assert key.scopes == frozenset({"admin"})
    assert key.active is True
    assert key.organization.name == "Acme Media"
    assert key.organization.video_quota is None
    assert key.rate_limit_requests is None
    assert key.rate_limit_window_seconds is None


def test_bundled_readonly_key(keyring: KeyRing) -> None:
    key = lookup(keyring, "ca_test_readonly")
    assert key.scopes == frozenset({"read"})
    assert key.active is True
    assert key.organization.name == "Acme Media"


def test_bundled_inactive_key(keyring: KeyRing) -> None:
    key = lookup(keyring, "ca_test_inactive")
    assert key.active is False
    assert key.organization.name == "Acme Media"


def test_bundled_other_organization_key(keyring: KeyRing) -> None:
    other = lookup(keyring, "ca_test_other")
    full = lookup(keyring, "ca_test_full")
    assert other.organization.name == "Globex"
    assert other.organization.id != full.organization.id
    assert other.active is True


def test_bundled_ratelimited_key(keyring: KeyRing) -> None:
    key = lookup(keyring, "ca_test_ratelimited")
    assert key.rate_limit_requests == 5
    assert key.rate_limit_window_seconds == 60
    assert key.organization.name == "Acme Media"


def test_bundled_quota_key(keyring: KeyRing) -> None:
    key = lookup(keyring, "ca_test_quota")
    assert key.organization.name == "Initech"
    assert key.organization.video_quota == 3
    assert key.active is True


def test_bundled_organizations_are_uuids_and_shared(keyring: KeyRing) -> None:
    assert set(keyring.organizations) == {"acme", "globex", "initech"}
    acme = [k for k in keyring.by_digest.values() if k.organization.slug == "acme"]
    assert len(acme) == 4
    assert all(k.organization is keyring.organizations["acme"] for k in acme)


def test_digest_is_sha256_of_the_utf8_key() -> None:
    assert digest("ca_test_full") == hashlib.sha256(b"ca_test_full").digest()
    assert digest("ca_test_full") != digest("ca_test_Full")


# --- scopes --------------------------------------------------------------------------


def api_key(*scopes: str) -> ApiKey:
    org = Organization("acme", ACME_ID, "Acme", None)
    return ApiKey(b"d" * 32, "k", "n", org, frozenset(scopes), True, None, None)


@pytest.mark.parametrize(
    ("scopes", "read", "write", "admin"),
    [
        (("read",), True, False, False),
        (("write",), True, True, False),
        (("admin",), True, True, True),
        (("read", "write"), True, True, False),
        (("read", "admin"), True, True, True),
    ],
)
def test_scope_hierarchy(scopes: tuple[str, ...], read: bool, write: bool, admin: bool) -> None:
    key = api_key(*scopes)
    assert key.allows("read") is read
    assert key.allows("write") is write
    assert key.allows("admin") is admin


def test_bundled_scopes_follow_the_hierarchy(keyring: KeyRing) -> None:
    readonly = lookup(keyring, "ca_test_readonly")
    full = lookup(keyring, "ca_test_full")
    assert readonly.allows("read")
    assert not readonly.allows("write")
    assert full.allows("write")
    assert full.allows("admin")


# --- the plain key is never kept -----------------------------------------------------


def test_plain_key_is_not_stored_on_api_keys(keyring: KeyRing) -> None:
    for plain in PERSONAS:
        key = lookup(keyring, plain)
        assert key.digest == hashlib.sha256(plain.encode()).digest()
        assert key.key_id == key.digest[:8].hex()
        for field in dataclasses.fields(key):
            value = getattr(key, field.name)
            assert value != plain, field.name
            assert plain not in repr(value), field.name
        assert plain not in repr(key)


def test_loaded_key_is_found_by_digest_only(tmp_path: Path) -> None:
    ring = load_keys(write(tmp_path, document(entry("s3cr3t-value", name="mine"))))
    (key,) = ring.by_digest.values()
    assert key.name == "mine"
    assert "s3cr3t-value" not in repr(key)
    assert ring.by_digest[digest("s3cr3t-value")] is key


def test_optional_fields_default(tmp_path: Path) -> None:
    ring = load_keys(write(tmp_path, document(entry())))
    (key,) = ring.by_digest.values()
    assert key.active is True
    assert key.rate_limit_requests is None
    assert key.rate_limit_window_seconds is None
    assert key.organization.video_quota is None
    assert key.organization.id == ACME_ID


# --- StartupError: names the file and the field --------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    error = startup_error(path)
    assert error.source == str(path)
    assert str(path) in error.render()
    assert "cannot read" in error.render()


def test_invalid_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, "organizations: [\n  keys: {\n")
    error = startup_error(path)
    assert error.source == str(path)
    assert "not valid YAML" in error.render()


def test_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xff\xfe\x00garbage")
    error = startup_error(path)
    assert error.source == str(path)


def test_empty_file(tmp_path: Path) -> None:
    error = startup_error(write(tmp_path, ""))
    assert error.problems
    assert "(top level)" in error.problems[0]


BAD_DOCUMENTS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "scopes not a list": (document(entry(scopes="read")), ["keys[0].scopes", "array"]),
    "key not a string": (document(entry(key=12345678)), ["keys[0].key", "string"]),
    "active not a boolean": (document(entry(active="no")), ["keys[0].active", "boolean"]),
    "quota not an integer": (
        {
            "organizations": {"acme": {"id": ACME_ID, "name": "Acme", "video_quota": "three"}},
            "keys": [entry()],
        },
        ["organizations.acme.video_quota"],
    ),
    "rate limit not an integer": (
        document(entry(rate_limit={"requests": "five", "window_seconds": 60})),
        ["keys[0].rate_limit.requests"],
    ),
    "organizations a list": (
        {"organizations": ["acme"], "keys": [entry()]},
        ["organizations", "object"],
    ),
    "unknown organization": (
        document(entry(organization="nope")),
        ["keys[0].organization", "'nope'", "acme"],
    ),
    "duplicate key": (
        document(entry("same-key-1"), entry("same-key-1", name="again")),
        ["keys[1].key", "twice"],
    ),
    "bad scope": (document(entry(scopes=["root"])), ["keys[0].scopes[0]", "'root'"]),
    "bad uuid": (
        {"organizations": {"acme": {"id": "not-a-uuid", "name": "A"}}, "keys": [entry()]},
        ["organizations.acme.id", "uuid"],
    ),
    "uuid without dashes": (
        {
            "organizations": {"acme": {"id": ACME_ID.replace("-", ""), "name": "A"}},
            "keys": [entry()],
        },
        ["organizations.acme.id", "uuid"],
    ),
    "unknown top-level field": (document(extra=1), ["(top level)", "'extra'"]),
    "unknown key field": (document(entry(scope=["read"])), ["keys[0]", "'scope'"]),
    "missing required field": (
        document({"key": "abcdefgh1", "organization": "acme", "scopes": ["read"]}),
        ["keys[0]", "'name'"],
    ),
    "key too short": (document(entry(key="short")), ["keys[0].key"]),
}


@pytest.mark.parametrize("case", list(BAD_DOCUMENTS))
def test_broken_file_names_file_and_field(tmp_path: Path, case: str) -> None:
    content, expected = BAD_DOCUMENTS[case]
    path = write(tmp_path, content)
    error = startup_error(path)
    assert error.source == str(path)
    rendered = error.render()
    assert rendered.startswith(str(path))
    assert len(error.problems) == 1, error.problems
    for fragment in expected:
        assert fragment in error.problems[0], (fragment, error.problems)


def test_two_schema_errors_are_listed_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, document(entry(scopes=["root"]), entry("abcdefgh2", active="yes")))
    error = startup_error(path)
    assert len(error.problems) == 2
    assert any("keys[0].scopes[0]" in p for p in error.problems)
    assert any("keys[1].active" in p for p in error.problems)
    assert "2 problems" in error.render()


def test_two_unknown_organizations_are_listed_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        document(entry(organization="nope"), entry("abcdefgh2", organization="nada")),
    )
    error = startup_error(path)
    assert len(error.problems) == 2
    assert "keys[0].organization" in error.problems[0]
    assert "keys[1].organization" in error.problems[1]


def test_schema_and_reference_errors_are_listed_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        document(entry(organization="nope"), entry("abcdefgh2", scopes=["god"])),
    )
    error = startup_error(path)
    assert any("keys[0].organization" in p for p in error.problems), error.problems
    assert any("keys[1].scopes[0]" in p for p in error.problems), error.problems


def test_whole_float_rate_limit_is_an_int_or_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "organizations:\n"
        f"  acme: {{id: {ACME_ID}, name: Acme}}\n"
        "keys:\n"
        "  - {key: abcdefgh1, name: n, organization: acme, scopes: [read],"
        " rate_limit: {requests: 5.0, window_seconds: 60.0}}\n",
    )
    try:
        ring = load_keys(path)
    except StartupError:
        return
    (key,) = ring.by_digest.values()
    assert type(key.rate_limit_requests) is int
    assert type(key.rate_limit_window_seconds) is int
