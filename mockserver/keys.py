"""The keys file: organizations and API keys, loaded and checked once at start.

Keys are held by their SHA-256 digest only; the plain key is never kept or logged.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from mockserver.errors import StartupError
from mockserver.spec import parse_yaml

SCOPE_ORDER = ("read", "write", "admin")  # each implies the ones before it
_RANK = {scope: rank for rank, scope in enumerate(SCOPE_ORDER)}

_KEYS_SCHEMA: Mapping[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["organizations", "keys"],
    "properties": {
        "organizations": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^[A-Za-z0-9_-]{1,64}$"},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "video_quota": {"type": ["integer", "null"], "minimum": 0},
                },
            },
        },
        "keys": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["key", "name", "organization", "scopes"],
                "properties": {
                    "key": {"type": "string", "pattern": "^[!-~]{8,200}$"},
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "organization": {"type": "string"},
                    "scopes": {
                        "type": "array",
                        "minItems": 1,
                        "uniqueItems": True,
                        "items": {"enum": list(SCOPE_ORDER)},
                    },
                    "active": {"type": "boolean"},
                    "rate_limit": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["requests", "window_seconds"],
                        "properties": {
                            "requests": {"type": "integer", "minimum": 1},
                            "window_seconds": {"type": "integer", "minimum": 1, "maximum": 86400},
                        },
                    },
                },
            },
        },
    },
}
_VALIDATOR = Draft202012Validator(_KEYS_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


@dataclass(frozen=True, slots=True)
class Organization:
    """A customer organization: the unit of data isolation and quota."""

    slug: str
    id: str
    name: str
    video_quota: int | None


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One key, without its plain text."""

    digest: bytes
    key_id: str  # a stable, non-secret handle (for rate-limit buckets and logs)
    name: str
    organization: Organization
    scopes: frozenset[str]
    active: bool
    rate_limit_requests: int | None
    rate_limit_window_seconds: int | None

    def allows(self, scope: str) -> bool:
        """Whether the key's scopes include ``scope`` (admin > write > read)."""
        return _RANK[scope] <= _highest(self.scopes)


@lru_cache(maxsize=16)  # a key ring holds a few distinct scope sets; asked per request
def _highest(scopes: frozenset[str]) -> int:
    return max((_RANK[s] for s in scopes), default=-1)


@dataclass(frozen=True, slots=True)
class KeyRing:
    """Every organization and key of the keys file."""

    organizations: Mapping[str, Organization]
    by_digest: Mapping[bytes, ApiKey]
    personas: tuple[tuple[str, str], ...]  # (plain key, name) for the start-up banner


def digest(key: str) -> bytes:
    """The SHA-256 digest keys are looked up by."""
    return hashlib.sha256(key.encode("utf-8")).digest()


def load_keys(path: Path) -> KeyRing:
    """Read and check ``keys.yaml``; a StartupError lists every problem found."""
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StartupError(path, f"cannot read the keys file ({exc.strerror})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise StartupError(path, f"not valid YAML: {exc}") from None
    problems = [
        f"{_where(error.absolute_path)}: {error.message}"
        for error in sorted(_VALIDATOR.iter_errors(raw), key=lambda e: list(map(str, e.path)))
    ]
    problems += _reference_problems(raw)
    if problems:
        raise StartupError(path, problems)

    # Integral floats (5.0) pass the schema's "integer"; headers must say 5, not 5.0.
    organizations = {
        slug: Organization(
            slug,
            str(uuid.UUID(org["id"])),
            org["name"],
            None if org.get("video_quota") is None else int(org["video_quota"]),
        )
        for slug, org in raw["organizations"].items()
    }
    by_digest: dict[bytes, ApiKey] = {}
    personas: list[tuple[str, str]] = []
    for entry in raw["keys"]:
        key_digest = digest(entry["key"])
        limit = entry.get("rate_limit") or {}
        by_digest[key_digest] = ApiKey(
            digest=key_digest,
            key_id=key_digest[:8].hex(),
            name=entry["name"],
            organization=organizations[entry["organization"]],
            scopes=frozenset(entry["scopes"]),
            active=entry.get("active", True),
            rate_limit_requests=int(limit["requests"]) if limit else None,
            rate_limit_window_seconds=int(limit["window_seconds"]) if limit else None,
        )
        personas.append((entry["key"], entry["name"]))
    return KeyRing(organizations, by_digest, tuple(personas))


def _reference_problems(raw: Any) -> list[str]:
    """Unknown organizations and repeated keys, found even beside schema problems."""
    if not isinstance(raw, Mapping):
        return []
    organizations = raw.get("organizations")
    known = set(organizations) if isinstance(organizations, Mapping) else None
    entries = raw.get("keys")
    problems: list[str] = []
    seen: set[bytes] = set()
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, Mapping):
            continue
        organization = entry.get("organization")
        if known is not None and isinstance(organization, str) and organization not in known:
            names = ", ".join(sorted(known)) or "none"
            problems.append(
                f"keys[{index}].organization: unknown organization {organization!r}"
                f" (known: {names})"
            )
        key = entry.get("key")
        if isinstance(key, str):
            key_digest = digest(key)
            if key_digest in seen:
                problems.append(f"keys[{index}].key: the same key is listed twice")
            seen.add(key_digest)
    return problems


def _where(path: Any) -> str:
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in path]
    return "".join(parts).lstrip(".") or "(top level)"
