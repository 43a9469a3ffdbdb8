"""Unit tests for mockserver.responses: strong ETags and If-None-Match (CONTRACT section 6)."""

from __future__ import annotations

import re

import pytest

from mockserver.responses import Reply, etag, matches

ETAG = re.compile(r'^"[A-Za-z0-9_-]+"$')  # the document's ETag header pattern


@pytest.mark.parametrize("body", [b"", b"{}", b'{"data":{"id":"x"}}', bytes(range(256)) * 40])
def test_etag_is_strong_quoted_and_opaque(body: bytes) -> None:
    tag = etag(body)
    assert ETAG.match(tag), tag
    assert not tag.startswith("W/")


def test_etag_is_stable() -> None:
    assert etag(b'{"a":1}') == etag(bytes(bytearray(b'{"a":1}')))
    # the same bytes give the same tag in every process (no per-process salt)
    assert etag(b"") == '"yuZpQdnvvUBOTYh1jqZ2cA"'
    assert etag(b'{"data":{}}') == '"Tl0YYaxvduv6hgCFJ6GIuw"'


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (b'{"a":1}', b'{"a":2}'),
        (b'{"a":1}', b'{"a": 1}'),
        (b"", b" "),
        (b'{"a":1,"b":2}', b'{"b":2,"a":1}'),
    ],
)
def test_etag_differs_per_body(first: bytes, second: bytes) -> None:
    assert etag(first) != etag(second)


def test_etags_of_many_bodies_are_distinct() -> None:
    tags = {etag(str(i).encode()) for i in range(2000)}
    assert len(tags) == 2000


TAG = etag(b'{"data":{}}')
OTHER = etag(b'{"data":[]}')


@pytest.mark.parametrize(
    "header",
    [
        TAG,
        f" {TAG} ",
        f"W/{TAG}",
        f"{OTHER}, {TAG}",
        f"{OTHER},{TAG}",
        f"  {OTHER} ,   W/{TAG}  ",
        "*",
        " * ",
    ],
)
def test_matches(header: str) -> None:
    assert matches(header, TAG) is True


@pytest.mark.parametrize(
    "header",
    [
        OTHER,
        f"W/{OTHER}",
        TAG.strip('"'),
        f'"{TAG}"',
        f"{OTHER}, {OTHER}",
        "",
        ",",
        f"w/{TAG}",
    ],
)
def test_does_not_match(header: str) -> None:
    assert matches(header, TAG) is False


def test_reply_encodes_json_bytes_and_text() -> None:
    assert Reply(200, {"data": {"a": 1}}).encode() == b'{"data":{"a":1}}'
    assert Reply(200, b"raw").encode() == b"raw"
    assert Reply(200, "caf\u00e9", media_type="text/html").encode() == "caf\u00e9".encode()
    assert Reply(204).encode() == b""
    assert etag(Reply(200, {"x": 1}).encode()) == etag(b'{"x":1}')
