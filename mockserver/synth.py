"""Deterministic, schema-valid example values for operations without hand-written behaviour.

An operation that no resource module handles is still served: its response body is
synthesized from the JSON Schema in the OpenAPI 3.1 document. Two promises matter:

* **Valid**: the value validates against the schema, formats included (RFC 3339 date-times
  with ``Z``, hyphenated UUIDs, absolute URIs), because the server's own output is checked
  against the document.
* **Deterministic**: the value is a pure function of ``(schema, key)``. Every choice at a node
  is drawn from ``blake2b(key + NUL + json-pointer-of-the-node)``, never from ``hash()`` (salted
  per process) or the global ``random`` module, so a failing contract test replays exactly.

The pointer used for hashing is the *instance* location (``/data/items/0/id``), not the
schema location, so moving an inline schema into ``components`` does not change the data.

Choice order at each node, after resolving ``$ref`` and merging ``allOf``:
``examples`` (one, by hash) > ``example`` > ``const`` > ``enum`` (by hash) > a scalar
``default`` > ``anyOf``/``oneOf`` (first non-null branch) > ``type``.

A string schema with a ``pattern`` and no ``example``/``examples``/``enum``/``const``/``default``
is refused with :class:`SynthesisError`: guessing a match for an arbitrary regex (in a dialect
Python's ``re`` does not fully share) would produce invalid data at request time, so the
document must supply an example and the server fails at start instead. Which nodes are
visited does not depend on the key (only which example, member or number is drawn), so one
``generate`` call per schema at start surfaces every problem that a request could meet.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import blake2b
from typing import Any, Final, TypeGuard
from urllib.parse import unquote
from uuid import UUID

__all__ = ["SynthesisError", "Synthesizer"]

# Date-times fall in a fixed window rather than around "now": a clock-dependent value would
# break determinism. The window is recent enough to look plausible in a 2025/2026 API.
_EPOCH_START: Final = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
_EPOCH_SPAN: Final = int(datetime(2026, 7, 1, tzinfo=UTC).timestamp()) - _EPOCH_START

# Unbounded numbers get a small, non-negative range: most API numbers are counts or sizes.
_DEFAULT_SPAN: Final = 1000

# A readable vocabulary for free text; a hex suffix makes distinct keys give distinct strings.
_WORDS: Final = (
    "amber", "brisk", "cedar", "delta", "ember", "fable", "grove", "harbor",
    "ivory", "juniper", "kestrel", "lumen", "maple", "nectar", "orbit", "pebble",
    "quartz", "ripple", "sierra", "tundra", "umber", "velvet", "willow", "zephyr",
)  # fmt: skip

# Keywords that describe a schema without constraining values; a `$ref` or combinator
# whose siblings are only these needs no merge (and keeps its document identity).
_ANNOTATIONS: Final = frozenset(
    {
        "$comment", "$id", "$schema", "$anchor", "$defs", "title", "description",
        "deprecated", "readOnly", "writeOnly", "externalDocs", "xml", "nullable",
        "discriminator",
    }
)  # fmt: skip

_LOWER_BOUNDS: Final = frozenset(
    {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"}
)
_UPPER_BOUNDS: Final = frozenset(
    {"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"}
)

# Used to guess a missing `type` from the keywords present, so `{"minimum": 1}` is a number.
_TYPE_HINTS: Final = (
    ("object", ("properties", "required", "additionalProperties", "minProperties")),
    ("array", ("items", "prefixItems", "minItems", "maxItems", "uniqueItems")),
    ("string", ("minLength", "maxLength", "pattern", "format")),
    ("number", ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")),
)

# Resolutions are cached by object identity; the cap only guards against a caller that builds
# a fresh schema per request (document schemas are a few hundred objects).
_CACHE_LIMIT: Final = 8192


class SynthesisError(Exception):
    """The document does not allow a value to be synthesized for a schema.

    Raised at the first call for a schema (the server makes that call at start), listing every
    problem found in the schema, each naming its location in the document when it is known.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"cannot synthesize a value ({len(self.problems)} problem(s)):\n{lines}")


class _Cycle(Exception):
    """A schema recurses into itself; the nearest optional place drops the branch."""


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A schema with `$ref` followed and `allOf` merged, and where it lives in the document."""

    schema: Mapping[str, Any]
    location: str | None


@dataclass(slots=True)
class _Context:
    """State of one `generate` call."""

    hasher: blake2b  # primed with the key; copied per node (cheaper than rehashing the key)
    root: str  # names the schema given to `generate` when it is not a node of the document
    problems: list[str] = field(default_factory=list)
    active: set[int] = field(default_factory=set)  # ids of schemas being generated: recursion


class Synthesizer:
    """Generate example values for JSON Schemas of one OpenAPI 3.1 document.

    Build it once at start; ``generate`` is cheap and safe to call per request.
    """

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = document
        # Where every mapping of the document lives, so problems can name a JSON pointer even
        # for inline schemas that the caller passes in directly.
        self._locations: dict[int, str] = {}
        self._index(document, "#")
        self._targets: dict[str, Mapping[str, Any]] = {}
        self._resolved: dict[int, tuple[Mapping[str, Any], _Resolved]] = {}
        self._branches: dict[int, tuple[Mapping[str, Any], tuple[Mapping[str, Any], ...]]] = {}

    def generate(self, schema: Mapping[str, Any], key: str, *, location: str | None = None) -> Any:
        """Return a value valid against ``schema``, a pure function of ``(schema, key)``.

        ``location`` names the schema in problem messages when it is not itself a node of
        the document (e.g. a dereferenced copy); nodes of the document are named by their
        JSON pointer automatically.

        Raises :class:`SynthesisError` when the schema cannot be satisfied by construction
        (a ``pattern`` without an example, contradictory bounds, an unresolvable ``$ref``).
        """
        hasher = blake2b(key.encode("utf-8") + b"\x00", digest_size=16)
        context = _Context(hasher=hasher, root=location or "<schema given to generate()>")
        try:
            value = self._generate(schema, context, "")
        except _Cycle:
            location = self._locations.get(id(schema)) or context.root
            context.problems.append(
                f"schema at {location} is recursive with no optional exit "
                "(make a recursive property optional, nullable or allow an empty array)"
            )
            value = None
        if context.problems:
            raise SynthesisError(context.problems)
        return value

    # -- resolution -------------------------------------------------------------------------

    def _index(self, node: Any, pointer: str) -> None:
        if isinstance(node, Mapping):
            self._locations.setdefault(id(node), pointer)
            for name, child in node.items():
                self._index(child, f"{pointer}/{_escape(str(name))}")
        elif isinstance(node, list):
            for position, child in enumerate(node):
                self._index(child, f"{pointer}/{position}")

    def _target(self, ref: str) -> Mapping[str, Any]:
        target = self._targets.get(ref)
        if target is not None:
            return target
        if not ref.startswith("#"):
            raise SynthesisError([f"$ref {ref!r} is not local to the document"])
        node: Any = self._document
        for token in ref[1:].split("/")[1:]:
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise SynthesisError([f"$ref {ref!r} does not resolve in the document"])
        if not isinstance(node, Mapping):
            raise SynthesisError([f"$ref {ref!r} resolves to a {type(node).__name__}"])
        self._targets[ref] = node
        return node

    def _resolve(self, schema: Mapping[str, Any], following: tuple[str, ...] = ()) -> _Resolved:
        if "$ref" not in schema and "allOf" not in schema:
            # The common case: nothing to follow, no allocation.
            return _Resolved(schema, self._locations.get(id(schema)))
        # Identity check: an id can be reused once its object is gone; holding the object in
        # the cache entry keeps it alive, so a hit is always the same schema.
        cached = self._resolved.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        resolved = self._resolve_uncached(schema, following)
        if len(self._resolved) >= _CACHE_LIMIT:
            self._resolved.clear()
        self._resolved[id(schema)] = (schema, resolved)
        return resolved

    def _resolve_uncached(self, schema: Mapping[str, Any], following: tuple[str, ...]) -> _Resolved:
        location = self._locations.get(id(schema))
        if "$ref" in schema:
            ref = str(schema["$ref"])
            if ref in following:
                raise SynthesisError([f"$ref {ref!r} refers to itself through {following}"])
            inner = self._resolve(self._target(ref), (*following, ref))
            siblings = {k: v for k, v in schema.items() if k != "$ref" and k not in _ANNOTATIONS}
            if not siblings:
                return inner
            # OpenAPI 3.1 applies a $ref's siblings too; they are the more specific part.
            rest = self._resolve(siblings, (*following, ref)).schema
            return _Resolved(self._merge([inner.schema, rest]), location or inner.location)
        parts = [self._resolve(part, following).schema for part in schema["allOf"]]
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        if rest.keys() - _ANNOTATIONS:
            parts.append(self._resolve(rest, following).schema)
        return _Resolved(self._merge(parts), location)

    @staticmethod
    def _merge(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Merge resolved `allOf` parts into one schema, later parts winning plain keywords."""
        merged: dict[str, Any] = {}
        for part in parts:
            for name, value in part.items():
                if name not in merged:
                    merged[name] = dict(value) if name == "properties" else value
                elif name == "properties":
                    properties = merged[name]
                    for prop, sub in value.items():
                        # A property named by two parts must satisfy both; resolved lazily.
                        properties[prop] = (
                            {"allOf": [properties[prop], sub]} if prop in properties else sub
                        )
                elif name == "required":
                    merged[name] = list(dict.fromkeys([*merged[name], *value]))
                elif name == "type":
                    mine, theirs = _types(merged[name]), _types(value)
                    common = [
                        t for t in mine if t in theirs or (t == "integer" and "number" in theirs)
                    ]
                    merged[name] = common or theirs
                elif name == "enum":
                    merged[name] = [v for v in merged[name] if v in value]
                elif name == "additionalProperties":
                    merged[name] = False if merged[name] is False else value
                elif name in _LOWER_BOUNDS and _is_number(merged[name]) and _is_number(value):
                    merged[name] = max(merged[name], value)
                elif name in _UPPER_BOUNDS and _is_number(merged[name]) and _is_number(value):
                    merged[name] = min(merged[name], value)
                else:
                    merged[name] = value
        return merged

    def _branches_of(
        self, schema: Mapping[str, Any], keyword: str
    ) -> tuple[Mapping[str, Any], ...]:
        """The `anyOf`/`oneOf` branches to try in order: non-null first, then null ones."""
        cached = self._branches.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        rest = {k: v for k, v in schema.items() if k != keyword}
        constrained = bool(rest.keys() - _ANNOTATIONS)
        plain: list[Mapping[str, Any]] = []
        nulls: list[Mapping[str, Any]] = []
        for branch in schema[keyword]:
            # The parent's own constraints (type, properties, ...) apply to every branch.
            candidate = {"allOf": [rest, branch]} if constrained else branch
            is_null = isinstance(branch, Mapping) and _is_null(self._resolve(branch).schema)
            (nulls if is_null else plain).append(candidate)
        branches = (*plain, *nulls)
        if len(self._branches) >= _CACHE_LIMIT:
            self._branches.clear()
        self._branches[id(schema)] = (schema, branches)
        return branches

    # -- generation -------------------------------------------------------------------------

    def _digest(self, context: _Context, pointer: str) -> bytes:
        hasher = context.hasher.copy()
        hasher.update(pointer.encode("utf-8"))
        digest: bytes = hasher.digest()
        return digest

    def _generate(self, schema: Any, context: _Context, pointer: str) -> Any:
        if schema is True:
            return {}
        if not isinstance(schema, Mapping):
            context.problems.append(
                f"{context.root}, instance path {pointer or '/'}: admits no value"
            )
            return None
        resolved = self._resolve(schema)
        effective = resolved.schema
        if id(effective) in context.active:
            raise _Cycle
        context.active.add(id(effective))
        try:
            return self._generate_resolved(effective, resolved.location, context, pointer)
        finally:
            context.active.discard(id(effective))

    def _generate_resolved(
        self, schema: Mapping[str, Any], location: str | None, context: _Context, pointer: str
    ) -> Any:
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return _copy(examples[_pick(self._digest(context, pointer), len(examples))])
        for keyword in ("example", "const"):
            if keyword in schema:
                return _copy(schema[keyword])
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            # Prefer non-null members, as for `type: [..., "null"]`: data reads better.
            members = [member for member in enum if member is not None] or enum
            return _copy(members[_pick(self._digest(context, pointer), len(members))])
        if "default" in schema and not isinstance(schema["default"], (Mapping, list)):
            return schema["default"]
        for keyword in ("anyOf", "oneOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                for branch in self._branches_of(schema, keyword):
                    try:
                        return self._generate(branch, context, pointer)
                    except _Cycle:
                        continue
                raise _Cycle

        kind = _type_of(schema)
        where = location or f"{context.root}, instance path {pointer or '/'}"
        if kind == "object":
            return self._object(schema, context, pointer)
        if kind == "array":
            return self._array(schema, context, pointer, where)
        if kind == "null":
            return None
        digest = self._digest(context, pointer)
        if kind == "string":
            return self._string(schema, digest, context, where)
        if kind == "boolean":
            return bool(digest[0] & 1)
        if kind == "integer":
            return self._integer(schema, digest, context, where)
        return self._number(schema, digest, context, where)

    def _object(self, schema: Mapping[str, Any], context: _Context, pointer: str) -> dict[str, Any]:
        required = schema.get("required") or ()
        properties: Mapping[str, Any] = schema.get("properties") or {}
        value: dict[str, Any] = {}
        for name, sub in properties.items():
            if sub is False:
                continue  # a property that must not appear
            try:
                value[name] = self._generate(sub, context, f"{pointer}/{_escape(name)}")
            except _Cycle:
                if name in required:
                    raise
        # Extra names only where the schema demands them (required but unlisted, or a
        # minProperties floor); they take the additionalProperties schema.
        extra = schema.get("additionalProperties", True)
        extra_schema: Any = {} if extra is True else extra
        for name in required:
            if name not in value:
                value[name] = self._generate(extra_schema, context, f"{pointer}/{_escape(name)}")
        counter = 1
        while len(value) < schema.get("minProperties", 0) and extra is not False:
            name = f"key_{counter}"
            if name not in value:
                value[name] = self._generate(extra_schema, context, f"{pointer}/{name}")
            counter += 1
        maximum = schema.get("maxProperties")
        if maximum is not None and len(value) > maximum:
            # Drop optional properties from the end: schemas tend to list essentials first.
            for name in reversed(list(value)):
                if len(value) <= maximum:
                    break
                if name not in required:
                    del value[name]
        return value

    def _array(
        self, schema: Mapping[str, Any], context: _Context, pointer: str, where: str
    ) -> list[Any]:
        prefix: Sequence[Any] = schema.get("prefixItems") or ()
        items: Any = schema.get("items", {})
        min_items = int(schema.get("minItems", 0))
        max_items = schema.get("maxItems")
        if max_items == 0:
            return []
        low = max(min_items, 1)
        high = min_items + 2 if max_items is None else min(int(max_items), min_items + 2)
        high = max(high, low)
        if items is False:
            high = min(high, len(prefix))
            low = min(low, high)
        count = low + _pick(self._digest(context, pointer), high - low + 1)
        unique = bool(schema.get("uniqueItems"))
        value: list[Any] = []
        seen: set[str] = set()
        try:
            # uniqueItems: a few spare positions give enums and booleans room to differ.
            for position in range(count + (8 if unique else 0)):
                if len(value) == count:
                    break
                sub = prefix[position] if position < len(prefix) else items
                element = self._generate(sub, context, f"{pointer}/{position}")
                if unique:
                    fingerprint = json.dumps(element, sort_keys=True, default=str)
                    if fingerprint in seen:
                        continue
                    seen.add(fingerprint)
                value.append(element)
        except _Cycle:
            if min_items > 0:
                raise
            return []
        if len(value) < min_items:
            context.problems.append(f"array at {where} cannot hold {min_items} unique items")
        return value

    def _string(
        self, schema: Mapping[str, Any], digest: bytes, context: _Context, where: str
    ) -> str:
        if "pattern" in schema:
            context.problems.append(
                f"string schema at {where} has a 'pattern' ({schema['pattern']!r}) but no "
                "'example', 'examples', 'enum', 'const' or 'default'; add an example that "
                "matches it to the document"
            )
            return ""
        formatted = _formatted(schema.get("format"), digest)
        if formatted is not None:
            return formatted
        min_length = int(schema.get("minLength", 0))
        max_length = schema.get("maxLength")
        if max_length is not None and min_length > int(max_length):
            context.problems.append(f"string schema at {where} has minLength > maxLength")
            return ""
        hexdigest = digest.hex()
        text = (
            f"{_WORDS[digest[0] % len(_WORDS)]}-{_WORDS[digest[1] % len(_WORDS)]}-{hexdigest[4:10]}"
        )
        while len(text) < min_length:
            text = f"{text}-{hexdigest}"
        if max_length is not None:
            text = text[: int(max_length)]
        return text

    def _integer(
        self, schema: Mapping[str, Any], digest: bytes, context: _Context, where: str
    ) -> int:
        low, high = _integer_bounds(schema)
        step = schema.get("multipleOf")
        if step is not None and not (isinstance(step, int) and not isinstance(step, bool)):
            # A fractional step over integers: search integral multiples near a hashed start.
            for candidate in _stepped(low, high, float(step), digest):
                if candidate.is_integer():
                    return int(candidate)
            context.problems.append(f"integer schema at {where}: no multiple of {step} in bounds")
            return low
        step = step or 1
        first, last = -(-low // step), high // step  # multiples k*step with low <= k*step <= high
        if first > last:
            context.problems.append(f"integer schema at {where}: no valid value in [{low}, {high}]")
            return low
        return int((first + _pick(digest, last - first + 1)) * step)

    def _number(
        self, schema: Mapping[str, Any], digest: bytes, context: _Context, where: str
    ) -> float | int:
        low, low_open, high, high_open = _number_bounds(schema)
        step = schema.get("multipleOf")
        if step is not None:
            for candidate in _stepped(low, high, float(step), digest):
                if _inside(candidate, low, low_open, high, high_open):
                    return int(candidate) if isinstance(step, int) else candidate
            context.problems.append(f"number schema at {where}: no multiple of {step} in bounds")
            return low
        fraction = _pick(digest, 1_000_001) / 1_000_000
        exact = low + (high - low) * fraction
        for candidate in (round(exact, 2), exact, (low + high) / 2):
            if _inside(candidate, low, low_open, high, high_open):
                return candidate
        context.problems.append(f"number schema at {where}: no valid value in ({low}, {high})")
        return low


# -- helpers --------------------------------------------------------------------------------


def _escape(token: str) -> str:
    """RFC 6901 escaping of one JSON pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def _pick(digest: bytes, count: int) -> int:
    return int.from_bytes(digest, "big") % count


def _copy(value: Any) -> Any:
    # Values from the document are shared; a caller that edits the result must not edit it.
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value


def _types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _is_number(value: Any) -> TypeGuard[float]:
    # bool is an int in Python, and OpenAPI 3.0's boolean exclusiveMinimum is no bound.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_null(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return (
        kind == "null"
        or kind == ["null"]
        or ("const" in schema and schema["const"] is None)
        or schema.get("enum") == [None]
    )


def _type_of(schema: Mapping[str, Any]) -> str:
    declared = schema.get("type")
    if declared is not None:
        candidates = _types(declared)
        # OpenAPI 3.1 nullability is `type: [T, "null"]`; a value reads better than null.
        return next((kind for kind in candidates if kind != "null"), "null")
    for kind, keywords in _TYPE_HINTS:
        if any(keyword in schema for keyword in keywords):
            return kind
    return "object"  # `{}` admits anything; an empty object is the least surprising value


def _formatted(kind: Any, digest: bytes) -> str | None:
    token = digest.hex()[:12]
    if kind == "uuid":
        return str(UUID(bytes=digest[:16], version=4))
    if kind in ("date-time", "date", "time"):
        moment = datetime.fromtimestamp(_EPOCH_START + _pick(digest, _EPOCH_SPAN), tz=UTC)
        pattern = {"date-time": "%Y-%m-%dT%H:%M:%SZ", "date": "%Y-%m-%d", "time": "%H:%M:%SZ"}[kind]
        return moment.strftime(pattern)
    if kind in ("uri", "url", "iri", "uri-reference", "iri-reference"):
        return f"https://example.com/{_WORDS[digest[0] % len(_WORDS)]}/{token}"
    if kind in ("email", "idn-email"):
        return f"{_WORDS[digest[0] % len(_WORDS)]}.{token[:6]}@example.com"
    if kind in ("hostname", "idn-hostname"):
        return f"{_WORDS[digest[0] % len(_WORDS)]}-{token[:6]}.example.com"
    if kind == "ipv4":
        return f"192.0.2.{digest[0] % 254 + 1}"  # TEST-NET-1 (RFC 5737)
    if kind == "ipv6":
        return f"2001:db8::{digest[0]:x}:{digest[1]:x}"  # documentation prefix (RFC 3849)
    return None


def _integer_bounds(schema: Mapping[str, Any]) -> tuple[int, int]:
    low, low_open, high, high_open = _number_bounds(schema)
    first = math.floor(low) + 1 if low_open or low != math.floor(low) else int(low)
    last = math.ceil(high) - 1 if high_open or high != math.ceil(high) else int(high)
    return first, last


def _number_bounds(schema: Mapping[str, Any]) -> tuple[float, bool, float, bool]:
    """Return ``(low, low_exclusive, high, high_exclusive)``, defaulting a missing side."""
    low: float | None = None
    high: float | None = None
    low_open = high_open = False
    minimum, maximum = schema.get("minimum"), schema.get("maximum")
    exclusive_min, exclusive_max = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if _is_number(minimum):
        low, low_open = minimum, exclusive_min is True  # `True`: OpenAPI 3.0 spelling, tolerated
    if _is_number(exclusive_min) and (low is None or exclusive_min >= low):
        low, low_open = exclusive_min, True
    if _is_number(maximum):
        high, high_open = maximum, exclusive_max is True
    if _is_number(exclusive_max) and (high is None or exclusive_max <= high):
        high, high_open = exclusive_max, True
    if low is None:
        low = (0 if high > 0 else high - _DEFAULT_SPAN) if high is not None else 0
    if high is None:
        high = low + _DEFAULT_SPAN
    return low, low_open, high, high_open


def _inside(value: float, low: float, low_open: bool, high: float, high_open: bool) -> bool:
    above = value > low if low_open else value >= low
    below = value < high if high_open else value <= high
    return above and below


def _stepped(low: float, high: float, step: float, digest: bytes) -> Iterator[float]:
    """Multiples of ``step`` within ``[low, high]``, from a hashed start, that pass the float
    check validators apply (``(v / step).is_integer()``); ``3 * 0.1`` does not, so some
    multiples are skipped, and a narrow range may have none that passes."""
    if step <= 0:
        return
    first, last = math.ceil(low / step), math.floor(high / step)
    if first > last:
        return
    count = last - first + 1
    start = _pick(digest, count)
    for offset in range(min(count, 64)):
        candidate = (first + (start + offset) % count) * step
        if low <= candidate <= high and (candidate / step).is_integer():
            yield candidate
