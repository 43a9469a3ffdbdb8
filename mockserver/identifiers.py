"""Resolve a post identifier (URL, numeric id, shortcode, short link) to one post.

CONTRACT section 8: every identifier a client may send for ``POST /videos`` is reduced to
``(platform, external_id)``, so two identifiers of the same post are the same video.
:func:`resolve` returns a :class:`ResolvedPost` or raises :class:`IdentifierError` with a
message that says what was found and which forms are accepted.

One grammar, two consumers. The HTTP layer validates the body against the
``InstagramIdentifier`` / ``TikTokIdentifier`` JSON Schemas in ``openapi.yaml`` *before*
calling :func:`resolve`, and a schema fuzzer fails the build if a schema-valid identifier
gets a 422. So the accepted language is written once, here, as regular expressions that are
portable between ECMA-262 and Python ``re`` (no lookaround, no ``\\d``, no flags, no named
groups), and :func:`identifier_schema` renders exactly those patterns as the schema that the
YAML must equal (a test holds the two together). :func:`resolve` accepts a string if and
only if it is valid under that schema:

* ``anyOf`` of the form patterns: the string matches one of them (``re.search``, which is
  what ``jsonschema`` uses; every form pattern is anchored with ``^...$``);
* ``not`` of the exclusions: it matches none of the exclusions.

Everything that must hold for an accepted identifier (range of ids, shortcode length, no
pk 0) is inside the patterns, so once a string passes, building the result cannot fail.
When it does not pass, a slower diagnosis explains why; it always raises.

Decisions where the contract is silent:

* Scheme and host must be lowercase, with no user info and no port; identifiers are
  printable ASCII without whitespace (a pasted trailing newline is rejected, not trimmed).
* Numeric ids have no leading zeros and lie in 1..2**63-1 (both platforms, and both halves
  of Instagram's ``{pk}_{owner}``); an all-digit Instagram string is always read as a pk,
  never as a shortcode, and ``digits_digits`` always as ``{pk}_{owner}``.
* Instagram: a username segment before ``/p/`` etc. must not be a reserved top-level path
  (``p``, ``reel``, ``reels``, ``tv``, ``explore``, ``stories``, ...); ``/reels/audio/`` is
  an audio page. ``/share/`` links also accept ``/share/reels/`` and ``/share/tv/``, and
  anything after the share code is ignored as after a shortcode.
* TikTok: after the id only one trailing slash, a query and a fragment are allowed.
* Share codes and short-link codes are hashed (SHA-256, no seed) to a fake id whose
  embedded time lies in 2023-01-01..2026-06-01; only the code is hashed, not the host, so
  the same code on ``vm.`` and ``vt.`` is the same post.
"""

from __future__ import annotations

import hashlib
import re
from binascii import a2b_base64, b2a_base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple

__all__ = [
    "IdentifierError",
    "ResolvedPost",
    "decode_shortcode",
    "encode_shortcode",
    "identifier_schema",
    "resolve",
]

INSTAGRAM: Final = "instagram"
TIKTOK: Final = "tiktok"
MAX_LENGTH: Final = 512
_MAX_ID: Final = (1 << 63) - 1

# Instagram media pk: the top bits are milliseconds since Instagram's epoch.
_IG_EPOCH_MS: Final = 1314220021721
_UNIX_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

# Fake ids for share links / short links fall in this window (half-open), so they look real.
_FAKE_START_S: Final = 1672531200  # 2023-01-01T00:00:00Z
_FAKE_END_S: Final = 1780272000  # 2026-06-01T00:00:00Z

_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_ALPHABET_INDEX: Final = {ch: i for i, ch in enumerate(_ALPHABET)}
_PRIVATE_SUFFIX: Final = 28  # a code longer than this carries a 28-char private suffix


# A named tuple, not a frozen dataclass: every POST /videos builds one, and one
# tuple.__new__ is far cheaper than setting each field through object.__setattr__.
class ResolvedPost(NamedTuple):
    """One post, as named by an accepted identifier."""

    platform: str  # "instagram" | "tiktok"
    external_id: str  # decimal: Instagram media pk, or TikTok item id
    shortcode: str | None  # canonical Instagram shortcode (re-encoded from the pk); None for TikTok
    username: str | None  # the author's username when the URL carries it, without "@"
    created_at: datetime  # UTC publication time derived from the id; not clamped
    form: str  # "url", "short_link", "share_link", "numeric_id", "shortcode", "pk_owner"


class IdentifierError(ValueError):
    """An identifier that names no post; ``message`` says what was found and what is accepted."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Pattern building blocks ---------------------------------------------------------------
#
# These strings are the schema. Keep them portable: the same text must mean the same thing
# to Python's ``re`` (jsonschema, this module) and to ECMA-262 (other validators, fuzzers).
# Every character class is explicit ASCII, so Unicode digits or letters never slip in.

# 1..2**63-1 without leading zeros: up to 18 digits freely, 19 digits bounded digit by digit
# by 9223372036854775807 (the test regenerates this alternation).
_ID: Final = (
    "(?:[1-9][0-9]{0,17}|[1-8][0-9]{18}|9[0-1][0-9]{17}|92[0-1][0-9]{16}"
    "|922[0-2][0-9]{15}|9223[0-2][0-9]{14}|92233[0-6][0-9]{13}|922337[0-1][0-9]{12}"
    "|92233720[0-2][0-9]{10}|922337203[0-5][0-9]{9}|9223372036[0-7][0-9]{8}"
    "|92233720368[0-4][0-9]{7}|922337203685[0-3][0-9]{6}|9223372036854[0-6][0-9]{5}"
    "|92233720368547[0-6][0-9]{4}|922337203685477[0-4][0-9]{3}"
    "|9223372036854775[0-7][0-9]{2}|922337203685477580[0-7])"
)

# A shortcode whose pk is in 1..2**63-1: leading "A"s are zeros, then m significant digits
# (first one not "A"), at most 11 characters in all; 11 significant digits only from "B".."H"
# (64**10 * 8 == 2**63). Written per m because the total length couples the two parts and a
# negative lookahead for "all A" is not allowed.
_SHORT: Final = (
    "(?:[B-H][A-Za-z0-9_-]{10}|A?[B-Za-z0-9_-][A-Za-z0-9_-]{9}"
    "|A{0,2}[B-Za-z0-9_-][A-Za-z0-9_-]{8}|A{0,3}[B-Za-z0-9_-][A-Za-z0-9_-]{7}"
    "|A{0,4}[B-Za-z0-9_-][A-Za-z0-9_-]{6}|A{0,5}[B-Za-z0-9_-][A-Za-z0-9_-]{5}"
    "|A{0,6}[B-Za-z0-9_-][A-Za-z0-9_-]{4}|A{0,7}[B-Za-z0-9_-][A-Za-z0-9_-]{3}"
    "|A{0,8}[B-Za-z0-9_-][A-Za-z0-9_-]{2}|A{0,9}[B-Za-z0-9_-][A-Za-z0-9_-]"
    "|A{0,10}[B-Za-z0-9_-])"
)
# A private post's code is the public one plus 28 characters (dropped when decoding).
_CODE: Final = _SHORT + "(?:[A-Za-z0-9_-]{28})?"

_SCHEME: Final = "(?:https?://)?"
_IG_ORIGIN: Final = "^" + _SCHEME + "(?:(?:www\\.|m\\.)?instagram\\.com|instagr\\.am)"
_TT_ORIGIN: Final = "^" + _SCHEME + "(?:(?:www\\.|m\\.)?tiktok\\.com|www\\.tiktokv\\.com)"
_IG_USER: Final = "[A-Za-z0-9._]{1,30}"
_IG_KIND: Final = "(?:p|reels?|tv)"
# Instagram: anything after the code is ignored, but it must start a new part of the URL,
# so the code itself is always a whole path segment.
_IG_REST: Final = "(?:[/?#][!-~]*)?$"
# TikTok: one optional trailing slash, then only a query and/or a fragment.
_TT_REST: Final = "/?(?:[?#][!-~]*)?$"

# Path words that are Instagram routes, never a username before /p/, /reel/, /tv/.
_IG_RESERVED: Final = (
    "p",
    "reel",
    "reels",
    "tv",
    "explore",
    "stories",
    "accounts",
    "direct",
    "about",
    "legal",
    "developer",
    "api",
    "web",
)
_IG_RESERVED_SET: Final = frozenset(_IG_RESERVED)

P_IG_NUMERIC: Final = "^(" + _ID + ")$"
P_IG_PK_OWNER: Final = "^(" + _ID + ")_(" + _ID + ")$"
P_IG_SHORTCODE: Final = "^(" + _CODE + ")$"
# Tried before P_IG_URL: "/share/p/{code}" also reads as user "share" + "/p/{code}", and a
# share code must never be decoded as a shortcode. The share code's length range covers every
# shortcode, so every such double reading is caught here first.
P_IG_SHARE: Final = _IG_ORIGIN + "/share/(?:(?:p|reels?|tv)/)?([A-Za-z0-9_-]{1,64})" + _IG_REST
P_IG_URL: Final = (
    _IG_ORIGIN + "/(?:(" + _IG_USER + ")/)?" + _IG_KIND + "/(" + _CODE + ")" + _IG_REST
)

P_TT_NUMERIC: Final = "^(" + _ID + ")$"
P_TT_VIDEO: Final = _TT_ORIGIN + "/@([A-Za-z0-9._]{1,24})/video/(" + _ID + ")" + _TT_REST
P_TT_PHOTO: Final = _TT_ORIGIN + "/@([A-Za-z0-9._]{0,24})/photo/(" + _ID + ")" + _TT_REST
P_TT_EMBED: Final = (
    _TT_ORIGIN + "/(?:embed|embed/v2|player/v1|share/video)/(" + _ID + ")" + _TT_REST
)
P_TT_V_HTML: Final = _TT_ORIGIN + "/v/(" + _ID + ")\\.html" + _TT_REST
P_TT_SHORT: Final = (
    "^"
    + _SCHEME
    + "(?:(?:vm|vt)\\.tiktok\\.com|(?:www\\.)?tiktok\\.com/t)/([A-Za-z0-9]{1,32})"
    + _TT_REST
)

# Exclusions (the schema's "not"). Python's "$" also matches before a trailing "\n", so the
# whitespace exclusion is what keeps "...\n" out; it also rejects pasted spaces and tabs.
X_WHITESPACE: Final = "[\\s]"
X_IG_RESERVED_USER: Final = (
    _IG_ORIGIN + "/(?:" + "|".join(_IG_RESERVED) + ")/" + _IG_KIND + "/[A-Za-z0-9_-]"
)
X_IG_REELS_AUDIO: Final = _IG_ORIGIN + "/(?:" + _IG_USER + "/)?reels/audio(?:[/?#]|$)"
# "/share/p/" would otherwise read as share code "p".
X_IG_SHARE_NO_CODE: Final = _IG_ORIGIN + "/share/(?:p|reels?|tv)(?:/?[?#]|//|/?$)"
# All-digit strings are pks and digits_digits are {pk}_{owner}; those out of range (or with
# leading zeros) must not fall through to the shortcode reading.
X_IG_DIGITS: Final = "^[0-9]+$"
X_IG_DIGITS_PAIR: Final = "^[0-9]+_[0-9]+$"


@dataclass(frozen=True, slots=True)
class _Form:
    """One accepted form: its pattern and how a match becomes a ResolvedPost.

    ``exclusions`` are those of the platform's exclusions that a string matching
    ``pattern`` can hit at all; :func:`resolve` checks only these (the others cannot
    match such a string, see where the forms are listed).
    """

    pattern: str
    regex: re.Pattern[str]
    build: Callable[[re.Match[str]], ResolvedPost]
    exclusions: tuple[_Exclusion, ...]


@dataclass(frozen=True, slots=True)
class _Exclusion:
    """Reject a string matching ``pattern``, unless it also matches ``unless``."""

    pattern: str
    regex: re.Pattern[str]
    unless: str | None
    unless_regex: re.Pattern[str] | None

    def hits(self, text: str) -> bool:
        if self.regex.search(text) is None:
            return False
        return self.unless_regex is None or self.unless_regex.search(text) is None

    def schema(self) -> dict[str, Any]:
        if self.unless is None:
            return {"pattern": self.pattern}
        return {"allOf": [{"pattern": self.pattern}, {"not": {"pattern": self.unless}}]}


def _form(
    pattern: str,
    build: Callable[[re.Match[str]], ResolvedPost],
    exclusions: tuple[_Exclusion, ...],
) -> _Form:
    return _Form(pattern, re.compile(pattern), build, exclusions)


def _exclusion(pattern: str, unless: str | None = None) -> _Exclusion:
    unless_regex = None if unless is None else re.compile(unless)
    return _Exclusion(pattern, re.compile(pattern), unless, unless_regex)


# --- Ids, codes and times -------------------------------------------------------------------


def encode_shortcode(pk: int) -> str:
    """The canonical shortcode of a media pk: base 64, big-endian, no leading ``A``.

    ``0`` encodes as ``"A"``; a negative pk raises ValueError.
    """
    if pk < 0:
        raise ValueError(f"a media pk is not negative, got {pk}")
    if pk < _B64_LIMIT:
        # The shortcode alphabet is base64url's, in the same order, so 9 big-endian
        # bytes encode to the 12-digit code with leading zeros ("A") to strip: a C call
        # instead of a Python loop per character (this runs on every new Instagram post).
        code = b2a_base64(pk.to_bytes(9, "big"), newline=False).translate(_URLSAFE)
        return code.decode("ascii").lstrip("A") or "A"
    chars: list[str] = []
    while pk:
        chars.append(_ALPHABET[pk & 63])
        pk >>= 6
    return "".join(reversed(chars))


_B64_LIMIT: Final = 1 << 72  # what 9 bytes hold
_URLSAFE: Final = bytes.maketrans(b"+/", b"-_")
_STANDARD: Final = bytes.maketrans(b"-_", b"+/")


def _pk_of(code: str) -> int:
    """:func:`decode_shortcode` of a public code (1 to 11 characters) a pattern accepted.

    The pattern guarantees the alphabet, so this decodes in C, as base64 with leading
    zeros ("A") up to a whole number of 4-character groups.
    """
    padded = ("A" * (-len(code) % 4) + code).encode("ascii").translate(_STANDARD)
    return int.from_bytes(a2b_base64(padded), "big")


def decode_shortcode(code: str) -> int:
    """The media pk of a shortcode; a private code (over 28 chars) loses its last 28 first.

    A pure decoder: it checks the alphabet, not the range (see :func:`resolve` for that).
    Raises IdentifierError on an empty code or a character outside ``A-Za-z0-9-_``.
    """
    if len(code) > _PRIVATE_SUFFIX:
        code = code[:-_PRIVATE_SUFFIX]
    if not code:
        raise IdentifierError("a shortcode is 1 or more characters from A-Z, a-z, 0-9, - and _")
    pk = 0
    for ch in code:
        value = _ALPHABET_INDEX.get(ch)
        if value is None:
            raise IdentifierError(
                f"shortcode {_show(code)} contains {ch!r}, which is not in the shortcode "
                "alphabet (A-Z, a-z, 0-9, - and _)"
            )
        pk = (pk << 6) | value
    return pk


def _instagram_time(pk: int) -> datetime:
    # Integer milliseconds: a float timestamp would round the last digit of some pks.
    # timedelta's positional (days, seconds, microseconds) skips its keyword arithmetic.
    seconds, millis = divmod((pk >> 23) + _IG_EPOCH_MS, 1000)
    return _UNIX_EPOCH + timedelta(0, seconds, millis * 1000)


def _tiktok_time(item_id: int) -> datetime:
    return _UNIX_EPOCH + timedelta(0, item_id >> 32)


def _digest(kind: str, code: str) -> int:
    # SHA-256 rather than hash(): stable across processes, versions and --seed values.
    data = f"creatoraudit-mock/{kind}/{code}".encode()
    return int.from_bytes(hashlib.sha256(data).digest(), "big")


def _fake_instagram_pk(share_code: str) -> int:
    """A believable pk for a share code: time in the fake window, low 23 bits hashed."""
    h = _digest("instagram-share", share_code)
    span_ms = (_FAKE_END_S - _FAKE_START_S) * 1000
    unix_ms = _FAKE_START_S * 1000 + (h >> 128) % span_ms
    return ((unix_ms - _IG_EPOCH_MS) << 23) | (h & 0x7FFFFF)


def _fake_tiktok_id(short_code: str) -> int:
    """A believable 19-digit item id for a short-link code (seconds in the top 32 bits)."""
    h = _digest("tiktok-short-link", short_code)
    seconds = _FAKE_START_S + (h >> 128) % (_FAKE_END_S - _FAKE_START_S)
    return (seconds << 32) | (h & 0xFFFFFFFF)


def _instagram_post(pk: int, username: str | None, form: str) -> ResolvedPost:
    return ResolvedPost(
        INSTAGRAM, str(pk), encode_shortcode(pk), username, _instagram_time(pk), form
    )


def _instagram_code_post(code: str, username: str | None, form: str) -> ResolvedPost:
    """The post of a shortcode a form pattern accepted.

    Its pk is in 1..2**63-1 (the pattern says so), so the canonical code is the public
    part without its leading zeros ("A"): no need to encode the pk again.
    """
    if len(code) > _PRIVATE_SUFFIX:
        code = code[:-_PRIVATE_SUFFIX]
    pk = _pk_of(code)
    return ResolvedPost(INSTAGRAM, str(pk), code.lstrip("A"), username, _instagram_time(pk), form)


def _tiktok_post(item_id: int, username: str | None, form: str) -> ResolvedPost:
    return ResolvedPost(TIKTOK, str(item_id), None, username, _tiktok_time(item_id), form)


# --- The forms, in the order they are tried -------------------------------------------------

# Which exclusions each form's matches can hit: every form is checked against fewer
# (each search costs about as much as a form's own match). The exclusions skipped for a
# form cannot match any string of it:
# * the Instagram URL exclusions all start with the Instagram origin, which has a "." that
#   the bare forms (digits, "_", shortcode characters) never contain;
# * "^[0-9]+$" and "^[0-9]+_[0-9]+$" admit only digits and "_" (and a final newline);
#   a URL always has a "."; a numeric or pk_owner match satisfies the exclusion's own
#   "unless"; only a shortcode can be all digits (a leading zero, say) or digits_digits.
# * whitespace can end any form (Python's "$" also matches before a final newline).
# tests/unit/test_identifier_forms.py checks this against strings drawn from each pattern.
_X_WHITESPACE: Final = _exclusion(X_WHITESPACE)
_X_IG_RESERVED_USER: Final = _exclusion(X_IG_RESERVED_USER)
_X_IG_REELS_AUDIO: Final = _exclusion(X_IG_REELS_AUDIO)
_X_IG_SHARE_NO_CODE: Final = _exclusion(X_IG_SHARE_NO_CODE)
_X_IG_DIGITS: Final = _exclusion(X_IG_DIGITS, unless=P_IG_NUMERIC)
_X_IG_DIGITS_PAIR: Final = _exclusion(X_IG_DIGITS_PAIR, unless=P_IG_PK_OWNER)
_IG_BARE_X: Final = (_X_WHITESPACE,)
_IG_CODE_X: Final = (_X_WHITESPACE, _X_IG_DIGITS, _X_IG_DIGITS_PAIR)
_IG_URL_X: Final = (_X_WHITESPACE, _X_IG_RESERVED_USER, _X_IG_REELS_AUDIO, _X_IG_SHARE_NO_CODE)

_INSTAGRAM_FORMS: Final = (
    _form(P_IG_NUMERIC, lambda m: _instagram_post(int(m[1]), None, "numeric_id"), _IG_BARE_X),
    _form(P_IG_PK_OWNER, lambda m: _instagram_post(int(m[1]), None, "pk_owner"), _IG_BARE_X),
    _form(P_IG_SHORTCODE, lambda m: _instagram_code_post(m[1], None, "shortcode"), _IG_CODE_X),
    _form(
        P_IG_SHARE,
        lambda m: _instagram_post(_fake_instagram_pk(m[1]), None, "share_link"),
        _IG_URL_X,
    ),
    _form(P_IG_URL, lambda m: _instagram_code_post(m[2], m[1], "url"), _IG_URL_X),
)
# The schema's "not": all of them, in this order.
_INSTAGRAM_EXCLUSIONS: Final = (
    _X_WHITESPACE,
    _X_IG_RESERVED_USER,
    _X_IG_REELS_AUDIO,
    _X_IG_SHARE_NO_CODE,
    _X_IG_DIGITS,
    _X_IG_DIGITS_PAIR,
)
_TT_X: Final = (_X_WHITESPACE,)
_TIKTOK_FORMS: Final = (
    _form(P_TT_NUMERIC, lambda m: _tiktok_post(int(m[1]), None, "numeric_id"), _TT_X),
    _form(P_TT_VIDEO, lambda m: _tiktok_post(int(m[2]), m[1], "url"), _TT_X),
    _form(P_TT_PHOTO, lambda m: _tiktok_post(int(m[2]), m[1] or None, "url"), _TT_X),
    _form(P_TT_EMBED, lambda m: _tiktok_post(int(m[1]), None, "url"), _TT_X),
    _form(P_TT_V_HTML, lambda m: _tiktok_post(int(m[1]), None, "url"), _TT_X),
    _form(P_TT_SHORT, lambda m: _tiktok_post(_fake_tiktok_id(m[1]), None, "short_link"), _TT_X),
)
_TIKTOK_EXCLUSIONS: Final = _TT_X

_TABLES: Final = {
    INSTAGRAM: (_INSTAGRAM_FORMS, _INSTAGRAM_EXCLUSIONS),
    TIKTOK: (_TIKTOK_FORMS, _TIKTOK_EXCLUSIONS),
}


def _split_by_dot(forms: tuple[_Form, ...]) -> tuple[tuple[_Form, ...], tuple[_Form, ...]]:
    """(forms without a ".", forms with one): every URL form's host has a dot, no bare
    form admits one, so a string can match only the forms of its side, and trying that
    side in order finds the same first match (a failed match of a URL against the
    shortcode pattern alone cost more than a microsecond)."""
    bare = tuple(form for form in forms if not form.pattern.startswith(_SCHEME, 1))
    return bare, tuple(form for form in forms if form not in bare)


_FORMS_BY_DOT: Final = {
    INSTAGRAM: _split_by_dot(_INSTAGRAM_FORMS),
    TIKTOK: _split_by_dot(_TIKTOK_FORMS),
}


def identifier_schema(platform: str) -> dict[str, Any]:
    """The JSON Schema (2020-12) that :func:`resolve` implements for ``platform``.

    ``openapi.yaml`` holds it as ``InstagramIdentifier`` / ``TikTokIdentifier``, with a
    ``description`` and ``examples`` added; everything else must be equal to this.
    """
    forms, exclusions = _TABLES[platform]
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_LENGTH,
        "anyOf": [{"pattern": form.pattern} for form in forms],
        "not": {"anyOf": [exclusion.schema() for exclusion in exclusions]},
    }


def resolve(platform: str, identifier: str) -> ResolvedPost:
    """Resolve ``identifier`` of ``platform`` to one post, or raise IdentifierError.

    Accepts exactly the strings valid under :func:`identifier_schema` for the platform.
    """
    table = _FORMS_BY_DOT.get(platform)
    if table is None:
        raise IdentifierError(f"unknown platform {platform!r}; expected 'instagram' or 'tiktok'")
    if not isinstance(identifier, str):
        raise IdentifierError(f"the identifier must be a string, got {type(identifier).__name__}")
    if 0 < len(identifier) <= MAX_LENGTH:
        for form in table["." in identifier]:
            match = form.regex.match(identifier)
            if match is not None:
                for exclusion in form.exclusions:
                    if exclusion.hits(identifier):
                        break
                else:
                    return form.build(match)
                break
    raise IdentifierError(_diagnose(platform, identifier))


# --- Diagnosis: only on the way to an error -------------------------------------------------
#
# Nothing below decides acceptance; it only finds the most helpful thing to say about a
# string the patterns above rejected.

_IG_HOSTS: Final = ("instagram.com", "www.instagram.com", "m.instagram.com", "instagr.am")
_TT_HOSTS: Final = ("tiktok.com", "www.tiktok.com", "m.tiktok.com", "www.tiktokv.com")
_TT_SHORT_HOSTS: Final = ("vm.tiktok.com", "vt.tiktok.com")

_IG_ACCEPTED: Final = (
    "accepted forms: a post URL such as https://www.instagram.com/p/{shortcode}/ "
    "(also /reel/, /reels/ or /tv/, optionally after /{username}, or a /share/ link; "
    "hosts instagram.com, www.instagram.com, m.instagram.com or instagr.am; "
    "http, https or no scheme; lowercase), a numeric media id, {media_id}_{owner_id}, "
    "or a bare shortcode"
)
_TT_ACCEPTED: Final = (
    "accepted forms: a post URL such as https://www.tiktok.com/@{user}/video/{id} "
    "(also /@{user}/photo/{id}, /embed/{id}, /embed/v2/{id}, /player/v1/{id}, /v/{id}.html "
    "or /share/video/{id}; hosts tiktok.com, www.tiktok.com, m.tiktok.com or www.tiktokv.com; "
    "http, https or no scheme; lowercase), a short link (https://vm.tiktok.com/{code}, "
    "https://vt.tiktok.com/{code} or https://www.tiktok.com/t/{code}), or a numeric video id"
)
_ACCEPTED: Final = {INSTAGRAM: _IG_ACCEPTED, TIKTOK: _TT_ACCEPTED}
_NAME: Final = {INSTAGRAM: "Instagram", TIKTOK: "TikTok"}

_WS_RE: Final = re.compile(X_WHITESPACE)
_NOT_VISIBLE_ASCII_RE: Final = re.compile("[^!-~]")
_SCHEME_RE: Final = re.compile("^([A-Za-z][A-Za-z0-9+.-]*)://")
_OPAQUE_SCHEME_RE: Final = re.compile("^([A-Za-z][A-Za-z0-9+.-]*):([^0-9]|$)")
_DIGITS_RE: Final = re.compile("^[0-9]+$")
_DIGITS_PAIR_RE: Final = re.compile("^([0-9]+)_([0-9]+)$")
_CODE_CHARS_RE: Final = re.compile("^[A-Za-z0-9_-]+$")
_IG_USER_RE: Final = re.compile("^" + _IG_USER + "$")
_TT_USER_RE: Final = re.compile("^[A-Za-z0-9._]{0,24}$")
_SHORT_LINK_CODE_RE: Final = re.compile("^[A-Za-z0-9]{1,32}$")
_SHARE_CODE_RE: Final = re.compile("^[A-Za-z0-9_-]{1,64}$")

_IG_PAGES: Final = {
    "explore": "an Instagram explore page",
    "stories": "an Instagram story",
    "accounts": "an Instagram account page",
    "direct": "an Instagram direct message page",
    "about": "an Instagram about page",
    "legal": "an Instagram legal page",
    "developer": "an Instagram developer page",
    "api": "an Instagram API address",
    "web": "an Instagram web page",
}
_TT_PAGES: Final = {
    "music": "a TikTok music page",
    "tag": "a TikTok hashtag page",
    "live": "a TikTok live page",
    "discover": "a TikTok discover page",
    "explore": "a TikTok explore page",
    "foryou": "the TikTok For You feed",
    "following": "the TikTok following feed",
    "search": "a TikTok search page",
    "login": "the TikTok login page",
}


def _show(text: str) -> str:
    """The identifier quoted for a message (repr shows stray whitespace), cut if long."""
    return repr(text if len(text) <= 100 else text[:97] + "...")


def _number_problem(text: str, what: str) -> str | None:
    """Why a run of digits is not a valid id, or None if it is one."""
    if text.startswith("0") and text.strip("0"):
        return f"{what} {_show(text)} has a leading zero; write it without leading zeros"
    if not text.strip("0") or int(text) > _MAX_ID:
        return f"{what} {_show(text)} is out of range; it must be between 1 and {_MAX_ID}"
    return None


def _shortcode_problem(code: str) -> str | None:
    """Why ``code`` is not a valid Instagram shortcode (a clause about "it"), or None."""
    if not code:
        return "it is empty"
    if _CODE_CHARS_RE.match(code) is None:
        bad = next(ch for ch in code if ch not in _ALPHABET_INDEX)
        return f"it contains {bad!r}, which is not in the shortcode alphabet (A-Z a-z 0-9 - _)"
    if 11 < len(code) <= _PRIVATE_SUFFIX or len(code) > _PRIVATE_SUFFIX + 11:
        return (
            f"it has {len(code)} characters; a shortcode has 1 to 11, "
            "or 29 to 39 for a private post"
        )
    pk = decode_shortcode(code)
    if pk == 0:
        return "it decodes to media id 0, which is not a post"
    if pk > _MAX_ID:
        return f"it decodes to media id {pk}, which is out of range (the largest is {_MAX_ID})"
    return None


def _diagnose(platform: str, text: str) -> str:
    """The message for an identifier that :func:`resolve` rejected."""
    name = _NAME[platform]
    accepted = _ACCEPTED[platform]
    shown = _show(text)
    if not text:
        return f"the identifier is empty; {accepted}"
    if len(text) > MAX_LENGTH:
        return f"the identifier has {len(text)} characters; at most {MAX_LENGTH} are allowed"
    ws = _WS_RE.search(text)
    if ws is not None:
        return (
            f"{shown} contains whitespace ({ws.group()!r} at position {ws.start()}); "
            "identifiers must not contain spaces, tabs or line breaks, so trim the value"
        )
    odd = _NOT_VISIBLE_ASCII_RE.search(text)
    if odd is not None:
        return (
            f"{shown} contains {odd.group()!r} (U+{ord(odd.group()):04X}); identifiers are "
            "printable ASCII, so percent-encode anything else in a URL"
        )
    if any(ch in text for ch in "/.:") or text.startswith("//"):
        return _diagnose_url(platform, text)
    if platform == INSTAGRAM:
        return _diagnose_instagram_bare(text)
    if _DIGITS_RE.match(text):
        return _number_problem(text, "video id") or f"{shown} is not a valid video id; {accepted}"
    if text.startswith("@"):
        return f"{shown} is a TikTok username, not a video; {accepted}"
    return (
        f"{shown} is not a {name} identifier (a bare string must be a numeric video id); {accepted}"
    )


def _diagnose_instagram_bare(text: str) -> str:
    shown = _show(text)
    if _DIGITS_RE.match(text):
        return _number_problem(text, "media id") or f"{shown} is not a valid media id"
    pair = _DIGITS_PAIR_RE.match(text)
    if pair is not None:
        problem = _number_problem(pair[1], "media id") or _number_problem(pair[2], "owner id")
        return f"{shown} is not a valid {{media_id}}_{{owner_id}}: {problem}"
    if text.startswith("@"):
        return f"{shown} is an Instagram username, not a post; {_IG_ACCEPTED}"
    problem = _shortcode_problem(text)
    if problem is not None:
        return f"{shown} is not a valid shortcode: {problem}"
    return f"{shown} is not an Instagram identifier; {_IG_ACCEPTED}"  # pragma: no cover


def _platform_of_host(host: str) -> str | None:
    """Which platform a (lowercased) host belongs to, for the wrong-platform message."""
    if host in _IG_HOSTS or host.endswith((".instagram.com", ".instagr.am")):
        return INSTAGRAM
    if (
        host in _TT_HOSTS
        or host in _TT_SHORT_HOSTS
        or host.endswith((".tiktok.com", ".tiktokv.com"))
    ):
        return TIKTOK
    return None


def _diagnose_url(platform: str, text: str) -> str:
    name = _NAME[platform]
    accepted = _ACCEPTED[platform]
    shown = _show(text)
    scheme: str | None = None
    rest = text
    found = _SCHEME_RE.match(text)
    if found is not None:
        scheme = found[1]
        rest = text[found.end() :]
    elif text.startswith("//"):
        return f"{shown} starts with '//'; write https:// or leave the scheme out; {accepted}"
    else:
        opaque = _OPAQUE_SCHEME_RE.match(text)
        if opaque is not None and "." not in opaque[1]:
            return f"{shown} uses the scheme {opaque[1]!r}; only http and https URLs are accepted"
    # Drop query and fragment: they never decide anything.
    for mark in "?#":
        rest = rest.split(mark, 1)[0]
    authority, slash, path = rest.partition("/")
    host = authority.rpartition("@")[2]
    host_only = host.split(":", 1)[0]
    owner = _platform_of_host(host_only.lower())
    if owner is not None and owner != platform:
        other = _NAME[owner]
        article = "an" if owner == INSTAGRAM else "a"
        return (
            f"this is {article} {other} URL but platform is {platform}: {shown} "
            f"(send platform {owner!r}, or a {name} identifier)"
        )
    if scheme is not None and scheme.lower() not in ("http", "https"):
        return f"{shown} uses the scheme {scheme!r}; only http and https URLs are accepted"
    if "@" in authority:
        return f"{shown} has user info before the host; send the URL without it"
    if ":" in host:
        return f"{shown} has a port in the host; send the URL without a port"
    known = _IG_HOSTS if platform == INSTAGRAM else _TT_HOSTS + _TT_SHORT_HOSTS
    lower_ok = (scheme is None or scheme == scheme.lower()) and host == host.lower()
    if host.lower() in known and not lower_ok:
        return f"{shown} must have a lowercase scheme and host; {accepted}"
    if host not in known:
        hosts = ", ".join(known)
        brand = ("instagram", "instagr.am") if platform == INSTAGRAM else ("tiktok",)
        article = "an" if platform == INSTAGRAM else "a"
        if any(word in host.lower() for word in brand):
            return (
                f"{shown} has the host {host!r}, which is not {article} {name} host even "
                f"though it looks like one; the host must be exactly one of: {hosts}"
            )
        return f"{shown} is not {article} {name} URL (host {host!r}); {accepted}"
    segments = [part for part in path.split("/") if part] if slash else []
    if platform == INSTAGRAM:
        return _diagnose_instagram_path(shown, segments)
    return _diagnose_tiktok_path(shown, host, segments)


def _diagnose_instagram_path(shown: str, segments: list[str]) -> str:
    if not segments:
        return f"{shown} is the Instagram home page, not a post; {_IG_ACCEPTED}"
    first = segments[0]
    kinds = ("p", "reel", "reels", "tv")
    if first == "share":
        codes = segments[2:] if len(segments) > 1 and segments[1] in kinds else segments[1:]
        if not codes:
            return f"{shown} is a share link without a code; {_IG_ACCEPTED}"
        if _SHARE_CODE_RE.match(codes[0]) is None:
            return (
                f"{shown} has the share code {codes[0]!r}, which is not 1 to 64 characters "
                "from A-Z, a-z, 0-9, - and _"
            )
    if (len(segments) >= 2 and (first, segments[1]) == ("reels", "audio")) or (
        len(segments) >= 3 and segments[1:3] == ["reels", "audio"]
    ):
        return f"{shown} is an Instagram audio page, not a post; {_IG_ACCEPTED}"
    if first in _IG_PAGES:
        if first != "stories" and len(segments) >= 3 and segments[1] in kinds:
            return (
                f"{shown} is not a post URL: {first!r} is a reserved Instagram path, "
                f"not a username; {_IG_ACCEPTED}"
            )
        return f"{shown} is {_IG_PAGES[first]}, not a post; {_IG_ACCEPTED}"
    if first in kinds:
        if len(segments) == 1:
            if first == "reels":
                return f"{shown} is the Instagram reels feed, not a post; {_IG_ACCEPTED}"
            return f"{shown} has no shortcode after /{first}/; {_IG_ACCEPTED}"
        if len(segments) >= 3 and segments[1] in kinds:
            return (
                f"{shown} is not a post URL: {first!r} is a reserved Instagram path, "
                f"not a username; {_IG_ACCEPTED}"
            )
        problem = _shortcode_problem(segments[1])
        if problem is not None:
            return f"{shown} has an invalid shortcode {segments[1]!r}: {problem}"
        return f"{shown} is not a valid Instagram post URL; {_IG_ACCEPTED}"
    if _IG_USER_RE.match(first) is None:
        return (
            f"{shown} is not a post URL: {first!r} is not an Instagram username "
            f"(1 to 30 letters, digits, . and _); {_IG_ACCEPTED}"
        )
    if len(segments) >= 3 and segments[1] in kinds:
        problem = _shortcode_problem(segments[2])
        if problem is not None:
            return f"{shown} has an invalid shortcode {segments[2]!r}: {problem}"
    if len(segments) == 1 or (len(segments) == 2 and segments[1] in (*kinds, "tagged", "saved")):
        return f"{shown} is an Instagram profile, not a post; {_IG_ACCEPTED}"
    return f"{shown} is not an Instagram post URL; {_IG_ACCEPTED}"


def _diagnose_tiktok_path(shown: str, host: str, segments: list[str]) -> str:
    if segments[:1] == ["t"] and host not in ("tiktok.com", "www.tiktok.com", *_TT_SHORT_HOSTS):
        return (
            f"{shown} is not a short link: /t/{{code}} links are on tiktok.com and "
            f"www.tiktok.com only; {_TT_ACCEPTED}"
        )
    if host in _TT_SHORT_HOSTS or (segments[:1] == ["t"]):
        codes = segments[1:] if segments[:1] == ["t"] and host not in _TT_SHORT_HOSTS else segments
        if not codes:
            return f"{shown} is a short link without a code; {_TT_ACCEPTED}"
        if _SHORT_LINK_CODE_RE.match(codes[0]) is None:
            return (
                f"{shown} has the short-link code {codes[0]!r}, which is not 1 to 32 "
                "letters and digits"
            )
        return f"{shown} is not a valid TikTok short link (only one path segment); {_TT_ACCEPTED}"
    if not segments:
        return f"{shown} is the TikTok home page, not a video; {_TT_ACCEPTED}"
    first = segments[0]
    if first.startswith("@"):
        user = first[1:]
        if _TT_USER_RE.match(user) is None:
            return (
                f"{shown} is not a video URL: {user!r} is not a TikTok username "
                f"(1 to 24 letters, digits, . and _); {_TT_ACCEPTED}"
            )
        if len(segments) == 1:
            return f"{shown} is a TikTok profile, not a video; {_TT_ACCEPTED}"
        if segments[1] == "live":
            return f"{shown} is a TikTok live page, not a video; {_TT_ACCEPTED}"
        if segments[1] in ("video", "photo"):
            if not user and segments[1] == "video":
                return f"{shown} has no username after '@'; {_TT_ACCEPTED}"
            return _diagnose_tiktok_id(shown, segments[2:], f"/{segments[1]}/")
        return f"{shown} is a TikTok profile page, not a video; {_TT_ACCEPTED}"
    if first in _TT_PAGES:
        return f"{shown} is {_TT_PAGES[first]}, not a video; {_TT_ACCEPTED}"
    if first == "embed":
        rest = segments[2:] if segments[1:2] == ["v2"] else segments[1:]
        return _diagnose_tiktok_id(shown, rest, "/embed/")
    if segments[:2] in (["player", "v1"], ["share", "video"]):
        return _diagnose_tiktok_id(shown, segments[2:], f"/{first}/{segments[1]}/")
    if first == "v" and len(segments) >= 2:
        item = segments[1].removesuffix(".html")
        if item == segments[1]:
            return f"{shown} is a /v/ URL without '.html' after the id; {_TT_ACCEPTED}"
        return _diagnose_tiktok_id(shown, [item, *segments[2:]], "/v/")
    return f"{shown} is not a TikTok video URL; {_TT_ACCEPTED}"


def _diagnose_tiktok_id(shown: str, rest: list[str], after: str) -> str:
    if not rest:
        return f"{shown} has no video id after {after}; {_TT_ACCEPTED}"
    item = rest[0]
    if _DIGITS_RE.match(item) is None:
        return f"{shown} has {item!r} where the numeric video id belongs; {_TT_ACCEPTED}"
    problem = _number_problem(item, "video id")
    if problem is not None:
        return f"{shown} is not a valid video URL: {problem}"
    if len(rest) > 1:
        return (
            f"{shown} has more path after the video id; only a trailing slash, a query "
            f"and a fragment may follow it"
        )
    return f"{shown} is not a valid TikTok video URL; {_TT_ACCEPTED}"
