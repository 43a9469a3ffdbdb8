"""Tests for mockserver.identifiers: CONTRACT section 8, and agreement with the JSON Schema.

The HTTP layer validates ``identifier`` against ``InstagramIdentifier`` / ``TikTokIdentifier``
before calling :func:`resolve`, and a schema fuzzer fails the build on any schema-valid
identifier that gets a 422. So besides the forms themselves, these tests hold the schema (read
from ``openapi.yaml`` once it carries the real schemas, else from the fragment) and the
resolver to the same language: textually, on every table row, and by property tests that
generate strings from each pattern and from one-character mutations of them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mockserver.identifiers import (
    IdentifierError,
    ResolvedPost,
    decode_shortcode,
    encode_shortcode,
    identifier_schema,
    resolve,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_NAMES = {"instagram": "InstagramIdentifier", "tiktok": "TikTokIdentifier"}
MAX_ID = (1 << 63) - 1
FAKE_WINDOW = (datetime(2023, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC))

PROPERTY = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _load_schemas() -> tuple[str, dict[str, dict[str, Any]]]:
    """The identifier schemas: from openapi.yaml once it has the real ones, else the fragment."""
    openapi = ROOT / "openapi.yaml"
    if openapi.exists():
        document = yaml.safe_load(openapi.read_text(encoding="utf-8"))
        schemas = (document.get("components") or {}).get("schemas") or {}
        found = {name: schemas.get(name) for name in SCHEMA_NAMES.values()}
        # Until the fragment is pasted in, openapi.yaml holds bare {type: string} placeholders.
        if all(isinstance(s, dict) and "anyOf" in s for s in found.values()):
            return "openapi.yaml", found  # type: ignore[return-value]
    fragment = ROOT / "spec-fragments" / "identifiers.yaml"
    return "spec-fragments/identifiers.yaml", yaml.safe_load(fragment.read_text(encoding="utf-8"))


SCHEMA_SOURCE, SCHEMAS = _load_schemas()
VALIDATORS = {
    platform: Draft202012Validator(SCHEMAS[name]) for platform, name in SCHEMA_NAMES.items()
}


def schema_valid(platform: str, text: str) -> bool:
    return bool(VALIDATORS[platform].is_valid(text))


def try_resolve(platform: str, text: str) -> ResolvedPost | None:
    try:
        return resolve(platform, text)
    except IdentifierError:
        return None


# --- Accepted forms ---------------------------------------------------------------------------

IG_PK = "1922949326347663701"  # BqvsDleB3lV
IG_CODE = "BqvsDleB3lV"
PRIVATE = "CA0YnOonSfS98BGEO8qRUEqmSFtVVPv1CnX_7E0"
TT_ID = "6718335390845095173"

# (identifier, external_id, shortcode, username, form)
INSTAGRAM_ACCEPTED: list[tuple[str, str, str, str | None, str]] = [
    (f"https://www.instagram.com/p/{IG_CODE}/", IG_PK, IG_CODE, None, "url"),
    (f"https://www.instagram.com/p/{IG_CODE}", IG_PK, IG_CODE, None, "url"),
    (f"http://instagram.com/p/{IG_CODE}/", IG_PK, IG_CODE, None, "url"),
    (f"https://m.instagram.com/p/{IG_CODE}/", IG_PK, IG_CODE, None, "url"),
    (f"https://instagr.am/p/{IG_CODE}/", IG_PK, IG_CODE, None, "url"),
    (f"instagram.com/p/{IG_CODE}", IG_PK, IG_CODE, None, "url"),
    (f"www.instagram.com/reel/{IG_CODE}/", IG_PK, IG_CODE, None, "url"),
    (f"https://www.instagram.com/reels/{IG_CODE}/", IG_PK, IG_CODE, None, "url"),
    (f"https://www.instagram.com/tv/{IG_CODE}", IG_PK, IG_CODE, None, "url"),
    (
        f"https://www.instagram.com/reel/{IG_CODE}/?igsh=MWQ1ZGUxMzBkMA==",
        IG_PK,
        IG_CODE,
        None,
        "url",
    ),
    (f"https://www.instagram.com/p/{IG_CODE}/?img_index=2#comments", IG_PK, IG_CODE, None, "url"),
    (f"https://www.instagram.com/p/{IG_CODE}#x", IG_PK, IG_CODE, None, "url"),
    (f"https://www.instagram.com/p/{IG_CODE}/embed/captioned/", IG_PK, IG_CODE, None, "url"),
    (f"https://www.instagram.com/p/{IG_CODE}/c/17890123456789012/", IG_PK, IG_CODE, None, "url"),
    (f"https://www.instagram.com/natgeo/p/{IG_CODE}/", IG_PK, IG_CODE, "natgeo", "url"),
    (f"https://www.instagram.com/Nat.Geo_1/reel/{IG_CODE}", IG_PK, IG_CODE, "Nat.Geo_1", "url"),
    (f"https://www.instagram.com/natgeo/tv/{IG_CODE}/", IG_PK, IG_CODE, "natgeo", "url"),
    ("https://www.instagram.com/p/aye83DjauH/", "482584233761418119", "aye83DjauH", None, "url"),
    # A leading "A" is a zero digit: same post, canonical code without it.
    ("https://www.instagram.com/p/Aaye83DjauH/", "482584233761418119", "aye83DjauH", None, "url"),
    (f"https://www.instagram.com/p/{PRIVATE}/", "2320587956892280786", "CA0YnOonSfS", None, "url"),
    # A kind word right after /p/ with nothing after it is just a (short) shortcode.
    ("https://www.instagram.com/p/tv/", str(decode_shortcode("tv")), "tv", None, "url"),
    (IG_CODE, IG_PK, IG_CODE, None, "shortcode"),
    ("aye83DjauH", "482584233761418119", "aye83DjauH", None, "shortcode"),
    ("Aaye83DjauH", "482584233761418119", "aye83DjauH", None, "shortcode"),
    (PRIVATE, "2320587956892280786", "CA0YnOonSfS", None, "shortcode"),
    ("B", "1", "B", None, "shortcode"),
    ("H__________", str(MAX_ID), "H__________", None, "shortcode"),
    (IG_PK, IG_PK, IG_CODE, None, "numeric_id"),
    ("1", "1", "B", None, "numeric_id"),
    ("12345678901", "12345678901", encode_shortcode(12345678901), None, "numeric_id"),
    (str(MAX_ID), str(MAX_ID), "H__________", None, "numeric_id"),
    (f"{IG_PK}_25025320", IG_PK, IG_CODE, None, "pk_owner"),
    ("123_456", "123", encode_shortcode(123), None, "pk_owner"),
    (f"{MAX_ID}_{MAX_ID}", str(MAX_ID), "H__________", None, "pk_owner"),
]

# (identifier, external_id, username, form)
TIKTOK_ACCEPTED: list[tuple[str, str, str | None, str]] = [
    (f"https://www.tiktok.com/@scout2015/video/{TT_ID}", TT_ID, "scout2015", "url"),
    (f"https://www.tiktok.com/@scout2015/video/{TT_ID}/", TT_ID, "scout2015", "url"),
    (
        f"https://www.tiktok.com/@scout2015/video/{TT_ID}?is_from_webapp=1&sender_device=pc",
        TT_ID,
        "scout2015",
        "url",
    ),
    (f"https://www.tiktok.com/@scout2015/video/{TT_ID}/?lang=en#t=3", TT_ID, "scout2015", "url"),
    (f"http://tiktok.com/@Scout.2015_/video/{TT_ID}", TT_ID, "Scout.2015_", "url"),
    (f"tiktok.com/@scout2015/video/{TT_ID}", TT_ID, "scout2015", "url"),
    (f"https://m.tiktok.com/@scout2015/video/{TT_ID}", TT_ID, "scout2015", "url"),
    (f"https://www.tiktok.com/@scout2015/photo/{TT_ID}", TT_ID, "scout2015", "url"),
    (f"https://www.tiktok.com/@/photo/{TT_ID}", TT_ID, None, "url"),
    (f"https://www.tiktok.com/embed/{TT_ID}", TT_ID, None, "url"),
    (f"https://www.tiktok.com/embed/v2/{TT_ID}/", TT_ID, None, "url"),
    (f"www.tiktok.com/player/v1/{TT_ID}?autoplay=1", TT_ID, None, "url"),
    (f"https://m.tiktok.com/v/{TT_ID}.html", TT_ID, None, "url"),
    (f"https://m.tiktok.com/v/{TT_ID}.html?u_code=abc", TT_ID, None, "url"),
    (f"https://www.tiktokv.com/share/video/{TT_ID}/", TT_ID, None, "url"),
    (TT_ID, TT_ID, None, "numeric_id"),
    ("1", "1", None, "numeric_id"),
    (str(MAX_ID), str(MAX_ID), None, "numeric_id"),
]

INSTAGRAM_SHARE = [
    "https://www.instagram.com/share/BAEnrPZGxX",
    "https://www.instagram.com/share/p/BAEnrPZGxX/",
    "https://www.instagram.com/share/reel/_cA5K3Kxf?igsh=abc",
    "instagram.com/share/reel/BAEnrPZGxY",
    "https://www.instagram.com/share/reels/BAEnrPZGxZ",
]
TIKTOK_SHORT = [
    "https://vm.tiktok.com/ZMeAbCdEf/",
    "https://vt.tiktok.com/ZSabc123",
    "vm.tiktok.com/ZMeAbCdEg",
    "https://www.tiktok.com/t/ZTRabc123/?k=1",
    "tiktok.com/t/ZTRabc124",
]


@pytest.mark.parametrize(
    ("identifier", "external_id", "shortcode", "username", "form"), INSTAGRAM_ACCEPTED
)
def test_instagram_accepted(
    identifier: str, external_id: str, shortcode: str, username: str | None, form: str
) -> None:
    post = resolve("instagram", identifier)
    assert (post.platform, post.external_id, post.shortcode, post.username, post.form) == (
        "instagram",
        external_id,
        shortcode,
        username,
        form,
    )


@pytest.mark.parametrize(("identifier", "external_id", "username", "form"), TIKTOK_ACCEPTED)
def test_tiktok_accepted(
    identifier: str, external_id: str, username: str | None, form: str
) -> None:
    post = resolve("tiktok", identifier)
    assert (post.platform, post.external_id, post.shortcode, post.username, post.form) == (
        "tiktok",
        external_id,
        None,
        username,
        form,
    )


VERIFIED = [
    ("aye83DjauH", 482584233761418119, "aye83DjauH"),
    ("BqvsDleB3lV", 1922949326347663701, "BqvsDleB3lV"),
    (PRIVATE, 2320587956892280786, "CA0YnOonSfS"),
]


@pytest.mark.parametrize(("code", "pk", "canonical"), VERIFIED)
def test_verified_shortcode_pairs_round_trip(code: str, pk: int, canonical: str) -> None:
    assert decode_shortcode(code) == pk
    assert encode_shortcode(pk) == canonical
    assert decode_shortcode(encode_shortcode(pk)) == pk
    assert resolve("instagram", code).external_id == str(pk)


def test_private_code_drops_its_last_28_characters() -> None:
    public = PRIVATE[:-28]
    assert public == "CA0YnOonSfS"
    assert decode_shortcode(PRIVATE) == decode_shortcode(public)
    # Any 28-char suffix is accepted: the pk comes from the prefix alone.
    assert resolve("instagram", public + "_" * 28).external_id == "2320587956892280786"
    # 12 to 28 characters is neither a public nor a private code.
    for length in (12, 20, 28):
        with pytest.raises(IdentifierError, match=f"has {length} characters"):
            resolve("instagram", PRIVATE[:length])


def test_encode_and_decode_edges() -> None:
    assert encode_shortcode(0) == "A"
    assert encode_shortcode(63) == "_"
    assert encode_shortcode(64) == "BA"
    assert decode_shortcode("AAAB") == 1
    assert encode_shortcode(MAX_ID) == "H__________"
    with pytest.raises(ValueError, match="negative"):
        encode_shortcode(-1)
    with pytest.raises(IdentifierError, match="not in the shortcode alphabet"):
        decode_shortcode("abc.def")
    with pytest.raises(IdentifierError):
        decode_shortcode("")


def test_created_at_is_derived_from_the_id() -> None:
    ig = resolve("instagram", IG_CODE)
    # (pk >> 23) + 1314220021721 = Unix ms.
    assert ig.created_at == datetime(2018, 11, 29, 1, 4, 4, 757000, tzinfo=UTC)
    tt = resolve("tiktok", TT_ID)
    # id >> 32 = Unix seconds.
    assert tt.created_at == datetime(2019, 7, 27, 13, 32, 33, tzinfo=UTC)
    # Not clamped: pk 1 is Instagram's epoch itself, id 1 is the Unix epoch.
    assert resolve("instagram", "1").created_at == datetime(
        2011, 8, 24, 21, 7, 1, 721000, tzinfo=UTC
    )
    assert resolve("tiktok", "1").created_at == datetime(1970, 1, 1, tzinfo=UTC)
    for post in (ig, tt):
        assert post.created_at.utcoffset() is not None
        assert post.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_resolved_post_is_frozen() -> None:
    post = resolve("tiktok", TT_ID)
    with pytest.raises(AttributeError):
        post.external_id = "1"  # type: ignore[misc]


def test_share_links_map_deterministically_to_believable_pks() -> None:
    posts = [resolve("instagram", url) for url in INSTAGRAM_SHARE]
    assert {p.form for p in posts} == {"share_link"}
    assert [p.external_id for p in posts] == [
        resolve("instagram", url).external_id for url in INSTAGRAM_SHARE
    ]
    # The first two carry the same code: same post. The others are different codes.
    assert posts[0].external_id == posts[1].external_id
    assert len({p.external_id for p in posts}) == len(posts) - 1
    for post in posts:
        assert FAKE_WINDOW[0] <= post.created_at < FAKE_WINDOW[1]
        assert 0 < int(post.external_id) <= MAX_ID
        assert post.shortcode == encode_shortcode(int(post.external_id))
        assert post.username is None
        # A share code is never decoded as a shortcode.
        assert post.external_id != str(decode_shortcode("BAEnrPZGxX"))
    # Share codes are case-sensitive, like shortcodes.
    upper = resolve("instagram", "https://www.instagram.com/share/BAENRPZGXX")
    assert upper.external_id != posts[0].external_id


def test_short_links_map_deterministically_to_19_digit_ids() -> None:
    posts = [resolve("tiktok", url) for url in TIKTOK_SHORT]
    assert {p.form for p in posts} == {"short_link"}
    assert [p.external_id for p in posts] == [
        resolve("tiktok", url).external_id for url in TIKTOK_SHORT
    ]
    assert len({p.external_id for p in posts}) == len(posts)
    for post in posts:
        assert len(post.external_id) == 19
        assert int(post.external_id) <= MAX_ID
        assert FAKE_WINDOW[0] <= post.created_at < FAKE_WINDOW[1]
        assert post.shortcode is None
        assert post.username is None
    # Only the code is hashed: the same code on another short-link host is the same post.
    same = {
        resolve("tiktok", f"https://{host}/ZMeAbCdEf").external_id
        for host in ("vm.tiktok.com", "vt.tiktok.com", "www.tiktok.com/t")
    }
    assert same == {posts[0].external_id}


# --- Rejections -------------------------------------------------------------------------------

IG_FORMS = "accepted forms: a post URL such as https://www.instagram.com/p/"
TT_FORMS = "accepted forms: a post URL such as https://www.tiktok.com/@"

# (identifier, a substring the message must contain)
INSTAGRAM_REJECTED: list[tuple[str, str]] = [
    ("", "the identifier is empty; " + IG_FORMS),
    ("B" * 513, "at most 512"),
    ("https://www.instagram.com/natgeo/", "is an Instagram profile, not a post; " + IG_FORMS),
    ("https://www.instagram.com/natgeo", "is an Instagram profile, not a post"),
    ("https://www.instagram.com/natgeo/reels/", "is an Instagram profile, not a post"),
    ("https://www.instagram.com/natgeo/tagged/", "is an Instagram profile, not a post"),
    ("https://www.instagram.com/", "is the Instagram home page, not a post"),
    ("https://www.instagram.com/explore/", "is an Instagram explore page, not a post"),
    ("https://www.instagram.com/explore/tags/cats/", "is an Instagram explore page"),
    ("https://www.instagram.com/stories/natgeo/3412345678901234567/", "is an Instagram story"),
    ("https://www.instagram.com/stories/reel/3412345678901234567/", "is an Instagram story"),
    ("https://www.instagram.com/reels/audio/1234567890123456/", "is an Instagram audio page"),
    ("https://www.instagram.com/reels/audio", "is an Instagram audio page"),
    ("https://www.instagram.com/natgeo/reels/audio/123/", "is an Instagram audio page"),
    ("https://www.instagram.com/reels/", "is the Instagram reels feed, not a post"),
    ("https://www.instagram.com/p/", "has no shortcode after /p/"),
    (f"https://www.instagram.com/explore/p/{IG_CODE}/", "'explore' is a reserved Instagram path"),
    (f"https://www.instagram.com/p/reel/{IG_CODE}/", "'p' is a reserved Instagram path"),
    (f"https://www.instagram.com/reels/p/{IG_CODE}", "'reels' is a reserved Instagram path"),
    (f"https://www.instagram.com/accounts/p/{IG_CODE}", "'accounts' is a reserved Instagram"),
    ("https://www.instagram.com/accounts/login/", "is an Instagram account page, not a post"),
    ("https://www.instagram.com/share/p/", "is a share link without a code"),
    ("https://www.instagram.com/share/reel?x=1", "is a share link without a code"),
    ("https://www.instagram.com/share/", "is a share link without a code"),
    ("https://www.instagram.com/share/a.b", "share code 'a.b'"),
    ("https://www.instagram.com/p/AAAAAAA/", "decodes to media id 0, which is not a post"),
    ("https://www.instagram.com/p/IAAAAAAAAAA/", "out of range (the largest is"),
    (f"https://www.instagram.com/p/{IG_CODE}x/", "has 12 characters"),
    ("https://www.instagram.com/p/Bqvs.DleB3lV/", "not in the shortcode alphabet"),
    ("https://www.instagram.com/natgeo/p/AAAA/", "decodes to media id 0"),
    ("https://www.instagram.com/nat-geo/p/BqvsDleB3lV/", "'nat-geo' is not an Instagram username"),
    ("0", "out of range; it must be between 1 and 9223372036854775807"),
    ("000", "out of range"),
    ("00123", "has a leading zero"),
    ("9223372036854775808", "out of range"),
    ("99999999999999999999", "out of range"),
    # 32 digits would be a well-formed private shortcode, but digits are always a pk.
    ("12345678901234567890123456789012", "out of range"),
    ("0123_456", "media id '0123' has a leading zero"),
    ("123_9223372036854775808", "owner id '9223372036854775808' is out of range"),
    (f"{IG_PK}_{'1' * 20}", "owner id"),
    ("AAAAAAAAAAA", "decodes to media id 0"),
    ("A", "decodes to media id 0"),
    ("IAAAAAAAAAA", "out of range"),
    ("BqvsDleB3lVxyz", "has 14 characters"),
    ("Bqvs!DleB3l", "not in the shortcode alphabet"),
    ("@natgeo", "is an Instagram username, not a post"),
    (f"ftp://www.instagram.com/p/{IG_CODE}/", "uses the scheme 'ftp'; only http and https"),
    ("javascript:alert(1)", "uses the scheme 'javascript'"),
    (f"https://evilinstagram.com/p/{IG_CODE}/", "which is not an Instagram host"),
    (f"https://instagram.com.evil.net/p/{IG_CODE}/", "which is not an Instagram host"),
    (f"https://www.instagram.com.evil.net/p/{IG_CODE}/", "which is not an Instagram host"),
    (f"https://help.instagram.com/p/{IG_CODE}/", "which is not an Instagram host"),
    (f"https://www.instagram.com./p/{IG_CODE}/", "which is not an Instagram host"),
    (f"https://example.com/p/{IG_CODE}/", "is not an Instagram URL (host 'example.com')"),
    (f"HTTPS://WWW.INSTAGRAM.COM/p/{IG_CODE}/", "must have a lowercase scheme and host"),
    (f"https://www.Instagram.com/p/{IG_CODE}/", "must have a lowercase scheme and host"),
    (f"https://user@www.instagram.com/p/{IG_CODE}/", "has user info before the host"),
    (f"https://www.instagram.com:443/p/{IG_CODE}/", "has a port"),
    (f"www.instagram.com:443/p/{IG_CODE}/", "has a port"),
    (f"//www.instagram.com/p/{IG_CODE}/", "starts with '//'"),
    (f" https://www.instagram.com/p/{IG_CODE}/", "contains whitespace (' ' at position 0)"),
    (f"https://www.instagram.com/p/{IG_CODE}/\n", "contains whitespace ('\\n' at position"),
    (f"{IG_CODE}\n", "contains whitespace"),
    (f"{IG_PK}\n", "contains whitespace"),
    (f"{IG_CODE}\t", "contains whitespace"),
    ("Bqvs DleB3lV", "contains whitespace"),
    (f"\u00a0{IG_CODE}", "contains whitespace"),
    (f"https://www.instagram.com/p/{IG_CODE}/?q=caf\u00e9", "printable ASCII"),
    ("\uff11\uff12\uff13", "printable ASCII"),  # fullwidth digits are not digits here
    ("\u0661\u0662\u0663", "printable ASCII"),  # nor are Arabic-Indic ones
    (
        f"https://www.tiktok.com/@scout2015/video/{TT_ID}",
        "this is a TikTok URL but platform is instagram",
    ),
    ("https://vm.tiktok.com/ZMeAbCdEf/", "this is a TikTok URL but platform is instagram"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "(host 'www.youtube.com'); " + IG_FORMS),
]

TIKTOK_REJECTED: list[tuple[str, str]] = [
    ("", "the identifier is empty; " + TT_FORMS),
    ("1" * 513, "at most 512"),
    ("https://www.tiktok.com/@scout2015", "is a TikTok profile, not a video; " + TT_FORMS),
    ("https://www.tiktok.com/@scout2015/", "is a TikTok profile, not a video"),
    ("https://www.tiktok.com/@scout2015/playlist/x", "is a TikTok profile page"),
    ("https://www.tiktok.com/@scout2015/live", "is a TikTok live page, not a video"),
    ("https://www.tiktok.com/live", "is a TikTok live page, not a video"),
    ("https://www.tiktok.com/music/original-sound-6718335390845095173", "TikTok music page"),
    ("https://www.tiktok.com/tag/cats", "is a TikTok hashtag page, not a video"),
    ("https://www.tiktok.com/", "is the TikTok home page, not a video"),
    ("https://www.tiktok.com/@scout2015/video/", "has no video id after /video/"),
    ("https://www.tiktok.com/@scout2015/video/abc", "'abc' where the numeric video id belongs"),
    ("https://www.tiktok.com/@scout2015/video/9223372036854775808", "out of range"),
    (f"https://www.tiktok.com/@scout2015/video/0{TT_ID}", "has a leading zero"),
    ("https://www.tiktok.com/@scout2015/video/0", "out of range"),
    (f"https://www.tiktok.com/@/video/{TT_ID}", "has no username after '@'"),
    (f"https://www.tiktok.com/@a-b/video/{TT_ID}", "'a-b' is not a TikTok username"),
    (f"https://www.tiktok.com/@{'a' * 25}/video/{TT_ID}", "is not a TikTok username"),
    (f"https://www.tiktok.com/@scout2015/video/{TT_ID}/comments", "more path after the video"),
    (f"https://www.tiktok.com/v/{TT_ID}", "without '.html'"),
    ("https://www.tiktok.com/embed/v2/", "has no video id after /embed/"),
    ("https://vm.tiktok.com/", "is a short link without a code"),
    ("https://www.tiktok.com/t/", "is a short link without a code"),
    ("https://vm.tiktok.com/ZM-abc/", "which is not 1 to 32 letters and digits"),
    (f"https://vm.tiktok.com/{'Z' * 33}", "which is not 1 to 32 letters and digits"),
    ("https://vm.tiktok.com/ZMabc/extra", "only one path segment"),
    ("https://m.tiktok.com/t/ZMabc/", "/t/{code} links are on tiktok.com and www.tiktok.com"),
    ("scout2015", "is not a TikTok identifier"),
    (IG_CODE, "is not a TikTok identifier (a bare string must be a numeric video id)"),
    ("@scout2015", "is a TikTok username, not a video"),
    ("0", "out of range"),
    ("0123", "has a leading zero"),
    ("9223372036854775808", "out of range"),
    (f"{TT_ID}_123", "is not a TikTok identifier"),
    (f"{TT_ID}\n", "contains whitespace"),
    (f"https://www.tiktok.com/@scout2015/video/{TT_ID} ", "contains whitespace"),
    (f"https://www.tiktok.com/@scout2015/video/{TT_ID}?q=\u00fc", "printable ASCII"),
    (f"https://www.instagram.com/p/{IG_CODE}/", "this is an Instagram URL but platform is tiktok"),
    (f"https://instagr.am/p/{IG_CODE}/", "this is an Instagram URL but platform is tiktok"),
    (f"https://eviltiktok.com/@a/video/{TT_ID}", "which is not a TikTok host"),
    (f"https://www.tiktok.com.evil.net/@a/video/{TT_ID}", "which is not a TikTok host"),
    (f"https://tiktokv.com/share/video/{TT_ID}", "which is not a TikTok host"),
    (f"https://WWW.TIKTOK.COM/@a/video/{TT_ID}", "must have a lowercase scheme and host"),
    (f"Https://www.tiktok.com/@a/video/{TT_ID}", "must have a lowercase scheme and host"),
    (f"ftp://www.tiktok.com/@a/video/{TT_ID}", "uses the scheme 'ftp'"),
    (f"https://www.tiktok.com:8443/@a/video/{TT_ID}", "has a port"),
    (f"https://u:p@www.tiktok.com/@a/video/{TT_ID}", "has user info before the host"),
    ("https://example.com/@a/video/1", "is not a TikTok URL (host 'example.com')"),
]


@pytest.mark.parametrize(("identifier", "expected"), INSTAGRAM_REJECTED)
def test_instagram_rejected(identifier: str, expected: str) -> None:
    with pytest.raises(IdentifierError) as info:
        resolve("instagram", identifier)
    assert expected in info.value.message
    assert str(info.value) == info.value.message
    assert "\n" not in info.value.message


@pytest.mark.parametrize(("identifier", "expected"), TIKTOK_REJECTED)
def test_tiktok_rejected(identifier: str, expected: str) -> None:
    with pytest.raises(IdentifierError) as info:
        resolve("tiktok", identifier)
    assert expected in info.value.message
    assert "\n" not in info.value.message


def test_identifier_error_is_a_value_error() -> None:
    assert issubclass(IdentifierError, ValueError)
    with pytest.raises(IdentifierError, match="unknown platform 'youtube'"):
        resolve("youtube", TT_ID)


# --- Schema agreement -------------------------------------------------------------------------


def _strip_docs(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("description", "examples")}


@pytest.mark.parametrize("platform", sorted(SCHEMA_NAMES))
def test_schema_is_the_module_grammar(platform: str) -> None:
    """The YAML carries exactly the module's patterns (plus description and examples)."""
    schema = SCHEMAS[SCHEMA_NAMES[platform]]
    assert _strip_docs(schema) == identifier_schema(platform), SCHEMA_SOURCE
    Draft202012Validator.check_schema(schema)
    assert schema["description"].strip()
    assert len(schema["examples"]) >= 3


def _all_patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if "pattern" in node else []
        return found + [p for value in node.values() for p in _all_patterns(value)]
    if isinstance(node, list):
        return [p for item in node for p in _all_patterns(item)]
    return []


@pytest.mark.parametrize("platform", sorted(SCHEMA_NAMES))
def test_patterns_are_portable(platform: str) -> None:
    schema = SCHEMAS[SCHEMA_NAMES[platform]]
    for pattern in _all_patterns(schema):
        # No lookaround, named groups or inline flags; no \d or \w (Unicode-wide in Python).
        for banned in ("(?=", "(?!", "(?<", "(?P", "(?i", "(?s", "(?m", "(?x", "\\d", "\\w"):
            assert banned not in pattern, (banned, pattern)
        # No bare "." (engines differ on line terminators): only "\." and dots in classes.
        assert "." not in re.sub(r"\[[^\]]*\]", "", pattern.replace("\\.", "")), pattern
        re.compile(pattern)
    for sub in schema["anyOf"]:
        assert sub["pattern"].startswith("^"), sub
        assert sub["pattern"].endswith("$"), sub


def _id_alternation(bound: int) -> str:
    """1..bound without leading zeros, by digit-by-digit comparison with ``bound``."""
    digits = str(bound)
    width = len(digits)
    parts = [f"[1-9][0-9]{{0,{width - 2}}}"]
    for i, ch in enumerate(digits):
        last = i == width - 1
        lo, hi = (1 if i == 0 else 0), (int(ch) if last else int(ch) - 1)
        if hi < lo:
            continue
        rest = width - 1 - i
        tail = "" if rest == 0 else "[0-9]" if rest == 1 else f"[0-9]{{{rest}}}"
        parts.append(digits[:i] + (str(lo) if lo == hi else f"[{lo}-{hi}]") + tail)
    return "(?:" + "|".join(parts) + ")"


def test_numeric_pattern_is_exactly_1_to_2_63_minus_1() -> None:
    expected = "^(" + _id_alternation(MAX_ID) + ")$"
    numeric = SCHEMAS["TikTokIdentifier"]["anyOf"][0]["pattern"]
    assert numeric == expected
    assert SCHEMAS["InstagramIdentifier"]["anyOf"][0]["pattern"] == expected
    regex = re.compile(expected)
    inside = [1, 9, 10, 99, 10**17, 10**18 - 1, 10**18, MAX_ID, MAX_ID - 1, 9223372036854775799]
    outside = [0, MAX_ID + 1, MAX_ID + 10, 9223372036854775810, 9300000000000000000, 10**19]
    for n in inside:
        assert regex.match(str(n)), n
    for n in outside:
        assert not regex.match(str(n)), n
    for text in ("01", "007", "", "1e3", "+1", "-1"):
        assert not regex.match(text), text


@PROPERTY
@given(st.integers(min_value=0, max_value=10**20))
def test_numeric_pattern_matches_the_range(n: int) -> None:
    regex = re.compile(SCHEMAS["TikTokIdentifier"]["anyOf"][0]["pattern"])
    assert bool(regex.match(str(n))) == (0 < n <= MAX_ID)


CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@PROPERTY
@given(
    st.one_of(
        st.text(alphabet="AB_H", min_size=1, max_size=12),
        st.text(alphabet="AHIa9-_", min_size=10, max_size=12),
        st.text(alphabet=CODE_ALPHABET, min_size=1, max_size=40),
        st.text(alphabet="A", min_size=1, max_size=12).map(lambda s: s + "A" * 28),
    )
)
def test_shortcode_pattern_is_exactly_the_valid_pks(code: str) -> None:
    regex = re.compile(SCHEMAS["InstagramIdentifier"]["anyOf"][2]["pattern"])
    public = code[:-28] if len(code) > 28 else code
    expected = 1 <= len(public) <= 11 and 0 < decode_shortcode(public) <= MAX_ID
    assert bool(regex.match(code)) == expected
    if code.isdigit():
        return  # all-digit strings are pks (checked by the schema tests)
    assert (try_resolve("instagram", code) is not None) == expected


def test_tables_agree_with_the_schema() -> None:
    for identifier, *_ in INSTAGRAM_ACCEPTED:
        assert schema_valid("instagram", identifier), identifier
    for identifier, *_ in TIKTOK_ACCEPTED:
        assert schema_valid("tiktok", identifier), identifier
    for identifier in INSTAGRAM_SHARE:
        assert schema_valid("instagram", identifier), identifier
    for identifier in TIKTOK_SHORT:
        assert schema_valid("tiktok", identifier), identifier
    for identifier, _ in INSTAGRAM_REJECTED:
        assert not schema_valid("instagram", identifier), identifier
    for identifier, _ in TIKTOK_REJECTED:
        assert not schema_valid("tiktok", identifier), identifier


@pytest.mark.parametrize("platform", sorted(SCHEMA_NAMES))
def test_schema_examples_resolve(platform: str) -> None:
    for example in SCHEMAS[SCHEMA_NAMES[platform]]["examples"]:
        assert schema_valid(platform, example), example
        assert resolve(platform, example).platform == platform


BARE_NUMBERS = re.compile("^[0-9]+(?:_[0-9]+)?$")


def check_agreement(text: str) -> None:
    """Schema-valid exactly when resolve() accepts, on both platforms; results are stable."""
    for platform in SCHEMA_NAMES:
        valid = schema_valid(platform, text)
        post = try_resolve(platform, text)
        assert valid == (post is not None), (platform, text, valid)
        if post is None:
            continue
        assert post.platform == platform
        number = int(post.external_id)
        assert 0 < number <= MAX_ID
        assert post.external_id == str(number)
        assert post.created_at.utcoffset() is not None
        if platform == "instagram":
            assert post.shortcode == encode_shortcode(number)
            canonical = resolve(platform, f"https://www.instagram.com/p/{post.shortcode}/")
            if BARE_NUMBERS.match(post.shortcode) is None:  # those read as a pk, by design
                assert resolve(platform, post.shortcode).external_id == post.external_id
        else:
            assert post.shortcode is None
            canonical = resolve(platform, f"https://www.tiktok.com/@x/video/{post.external_id}")
        assert canonical.external_id == post.external_id
        assert canonical.created_at == post.created_at
        assert resolve(platform, post.external_id).external_id == post.external_id


PATTERNS: list[str] = sorted({p for schema in SCHEMAS.values() for p in _all_patterns(schema)})
ANY_OF_PATTERNS: list[str] = sorted(
    {sub["pattern"] for schema in SCHEMAS.values() for sub in schema["anyOf"]}
)
# Generating from these regexes costs hypothesis ~2.5 ms an example, so 50 per pattern (16
# patterns) plus 300 for each combined test keeps this file at a few seconds. The same
# checks have been run with 3,000 examples per pattern and 15,000 edits, and the schemas
# against ECMA-262 (node, "u" flag) on ~13,000 strings, without a disagreement.
PER_PATTERN = settings(PROPERTY, max_examples=50)


@pytest.mark.parametrize("pattern", PATTERNS, ids=range(len(PATTERNS)))
def test_strings_from_each_pattern_agree(pattern: str) -> None:
    """Strings from every pattern, the exclusions too (search semantics, so with context)."""

    @PER_PATTERN
    @given(st.from_regex(pattern, fullmatch=False))
    def check(text: str) -> None:
        check_agreement(text)

    check()


# Characters that sit on the boundaries of the grammar.
EDGE_CHARS = "A0189HI_-./?#@:%=\\ \n\t\u00a0\u0661Zaz"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A string from one of the accepted forms with one character inserted, deleted or replaced."""
    pattern = draw(st.sampled_from(ANY_OF_PATTERNS))
    text: str = draw(st.from_regex(pattern, fullmatch=True))
    at = draw(st.integers(min_value=0, max_value=len(text)))
    edit = draw(st.sampled_from(["insert", "delete", "replace"]))
    ch = draw(st.sampled_from(EDGE_CHARS))
    if edit == "insert":
        return text[:at] + ch + text[at:]
    if edit == "delete":
        return text[:at] + text[at + 1 :]
    return text[:at] + ch + text[at + 1 :]


@PROPERTY
@given(mutated())
def test_one_character_edits_agree(text: str) -> None:
    check_agreement(text)


@PROPERTY
@given(st.text(alphabet=EDGE_CHARS + "ptvrelsh", max_size=20))
def test_arbitrary_short_strings_agree(text: str) -> None:
    check_agreement(text)
