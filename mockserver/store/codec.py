"""Compact bytes for the records a shared store keeps: positional JSON arrays (orjson).

Each record is an array in field order, so a video costs about half of a keyed object;
byte strings travel as base64, datetimes as integer microseconds (a float would round
some of them). ``decode_*(encode_*(x)) == x`` for every record (the tests check it).

Videos also get an *order key*: 16 hex digits that sort, as text, exactly like their
``added_at`` as a number. A listing index whose members are ``order key + id`` is then
ordered by (added_at, id) byte for byte, ties included, with no score at all.
"""

from __future__ import annotations

import base64
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from mockserver.faults import ErrorFault, FaultPlan
from mockserver.identifiers import ResolvedPost
from mockserver.journal import JournalEntry
from mockserver.simulation import Segment, VideoState
from mockserver.store.base import SessionControl, StoredResponse

ORDER_KEY_LENGTH = 16
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DOUBLE = struct.Struct(">d")
_UNSIGNED = struct.Struct(">Q")
_SIGN = 1 << 63
_ALL_BITS = (1 << 64) - 1


def order_key(added_at: float) -> str:
    """16 hex digits ordered as ``added_at`` is: IEEE 754 bits, sign-folded.

    Positive numbers get their sign bit set, negative ones all bits flipped, so the
    unsigned integers (and their fixed-width hex) sort like the doubles did.
    """
    (bits,) = _UNSIGNED.unpack(_DOUBLE.pack(added_at + 0.0))  # + 0.0: -0.0 is 0.0
    bits = bits ^ _ALL_BITS if bits & _SIGN else bits | _SIGN
    return f"{bits:016x}"


def encode_video(video: VideoState) -> bytes:
    """The order key, then the video as a JSON array."""
    post = video.post
    body = orjson.dumps(
        [
            video.id,
            [
                post.platform,
                post.external_id,
                post.shortcode,
                post.username,
                (post.created_at - _EPOCH) // _MICROSECOND,
                post.form,
            ],
            video.created_at,
            video.added_at,
            video.updated_at,
            video.is_active,
            video.scrape_interval_hours,
            video.metadata,
            [[s.start, s.anchor, s.interval] for s in video.schedule],
            video.version,
        ]
    )
    return order_key(video.added_at).encode() + body


def decode_video(raw: bytes) -> VideoState:
    """The video of :func:`encode_video`'s bytes (the order key is skipped)."""
    return _video(orjson.loads(raw[ORDER_KEY_LENGTH:]))


def decode_videos(joined: bytes) -> list[VideoState]:
    """The videos of :func:`encode_video` encodings joined by newlines: one parse for all.

    orjson never writes a raw newline (it escapes them inside strings).
    """
    if not joined:
        return []
    arrays = b",".join(line[ORDER_KEY_LENGTH:] for line in joined.split(b"\n"))
    return [_video(fields) for fields in orjson.loads(b"[" + arrays + b"]")]


# Posts are immutable and few compared with reads: a page of 50 shares them with the
# last page instead of building 50 again. Bounded: cleared when full.
_POSTS: dict[tuple[Any, ...], ResolvedPost] = {}
_POSTS_KEPT = 8192


def _post(fields: list[Any]) -> ResolvedPost:
    key = tuple(fields)
    post = _POSTS.get(key)
    if post is None:
        platform, external_id, shortcode, username, created_us, form = fields
        created = _EPOCH + timedelta(microseconds=created_us)
        post = ResolvedPost(platform, external_id, shortcode, username, created, form)
        if len(_POSTS) >= _POSTS_KEPT:
            _POSTS.clear()
        _POSTS[key] = post
    return post


def _video(fields: list[Any]) -> VideoState:
    (
        identifier,
        post,
        created_at,
        added_at,
        updated_at,
        is_active,
        interval,
        metadata,
        schedule,
        version,
    ) = fields
    return VideoState(
        id=identifier,
        post=_post(post),
        created_at=created_at,
        added_at=added_at,
        updated_at=updated_at,
        is_active=is_active,
        scrape_interval_hours=interval,
        metadata=metadata,
        schedule=tuple(Segment(start, anchor, every) for start, anchor, every in schedule),
        version=version,
    )


def encode_entry(entry: JournalEntry) -> bytes:
    return orjson.dumps(
        [
            entry.sequence,
            entry.time,
            entry.request_id,
            entry.method,
            entry.path,
            entry.query,
            entry.headers,
            _b64(entry.body),
            entry.body_truncated,
            entry.status,
            entry.operation_id,
            entry.errors,
            entry.fault,
            entry.preference_applied,
        ]
    )


def decode_entry(raw: bytes) -> JournalEntry:
    (
        sequence,
        time,
        request_id,
        method,
        path,
        query,
        headers,
        body,
        truncated,
        status,
        operation_id,
        errors,
        fault,
        preference,
    ) = orjson.loads(raw)
    return JournalEntry(
        sequence=sequence,
        time=time,
        request_id=request_id,
        method=method,
        path=path,
        query=query,
        headers=tuple((name, value) for name, value in headers),
        body=base64.b64decode(body),
        body_truncated=truncated,
        status=status,
        operation_id=operation_id,
        errors=tuple(errors),
        fault=fault,
        preference_applied=preference,
    )


def encode_control(control: SessionControl) -> bytes:
    faults = control.faults
    return orjson.dumps(
        [
            [
                faults.latency_ms,
                [[e.status, e.rate, e.retry_after] for e in faults.errors],
                faults.drop_rate,
                faults.upstream_down,
            ],
            control.offset,
            control.frozen_at,
        ]
    )


def decode_control(raw: bytes) -> SessionControl:
    (latency, errors, drop_rate, upstream_down), offset, frozen_at = orjson.loads(raw)
    faults = FaultPlan(
        latency_ms=None if latency is None else (latency[0], latency[1]),
        errors=tuple(ErrorFault(status, rate, retry) for status, rate, retry in errors),
        drop_rate=drop_rate,
        upstream_down=upstream_down,
    )
    return SessionControl(faults=faults, offset=offset, frozen_at=frozen_at)


def encode_response(response: StoredResponse) -> bytes:
    return orjson.dumps([response.status, _b64(response.body), response.headers])


def decode_response(raw: bytes) -> StoredResponse:
    status, body, headers = orjson.loads(raw)
    return StoredResponse(status, base64.b64decode(body), _pairs(headers))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _pairs(items: Any) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, value in items)
