"""Cursor pagination of the videos list: filters, sorts, snapshot cursors.

A walk is a snapshot at the time its first page was served (``as_of``): every page
evaluates counts at that time and leaves out videos added later, so pages never skip
or repeat while the set is unchanged. A cursor carries (organization, filters, sort,
as_of, last sort key) and an HMAC over them: altered, foreign or reused with other
filters, it is refused.

The default walk (no filter, by ``added_at``) is read from the store's own index, a
page at a time (:func:`page_from_index`): O(log n + limit) however many videos there
are. Filters and the other orders need every video (counts are derived at the
snapshot's time), so :func:`paginate` scans them all.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import hmac
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from mockserver.problems import Problem, validation_problem
from mockserver.simulation import Simulator, VideoState
from mockserver.store import Store

COUNT_KEYS = ("view_count", "like_count", "play_count")


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The validated list parameters that shape a walk (limit excluded)."""

    platform: str | None
    is_active: bool | None
    account_id: str | None
    q: str | None
    order_by: str
    direction: str  # "asc" | "desc"

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> ListQuery:
        """``order_by``/``order_direction`` win over the legacy ``sort``."""
        if "order_by" in params:
            order_by, direction = params["order_by"], params["order_direction"]
        else:
            sort: str = params["sort"]
            order_by, direction = sort.lstrip("-"), "desc" if sort.startswith("-") else "asc"
        q = params.get("q")
        return cls(
            platform=params.get("platform"),
            is_active=params.get("is_active"),
            account_id=params["account_id"].lower() if "account_id" in params else None,
            q=q.casefold() if q is not None else None,
            order_by=order_by,
            direction=direction,
        )

    def echo(self, raw_q: str | None) -> dict[str, Any]:
        """The ``filters`` object: active filters and the sort in effect."""
        filters: dict[str, Any] = {}
        if self.platform is not None:
            filters["platform"] = self.platform
        if self.is_active is not None:
            filters["is_active"] = self.is_active
        if self.account_id is not None:
            filters["account_id"] = self.account_id
        if raw_q is not None:
            filters["q"] = raw_q
        filters["order_by"] = self.order_by
        filters["order_direction"] = self.direction
        return filters

    def binding(self) -> list[Any]:
        """What a cursor is bound to."""
        return [
            self.platform,
            self.is_active,
            self.account_id,
            self.q,
            self.order_by,
            self.direction,
        ]


@dataclass(frozen=True, slots=True)
class Page:
    items: list[VideoState]
    next_key: tuple[Any, str] | None  # sort key of the last item when there is more
    total: int | None


class Cursors:
    """Encodes and checks tamper-evident cursors."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: bytes) -> str:
        digest = hmac.new(self._secret, payload, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def encode(self, organization_id: str, query: ListQuery, as_of: float, key: Any) -> str:
        payload = orjson.dumps([1, organization_id, query.binding(), as_of, list(key)])
        body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        return f"{body}.{self._mac(payload)}"

    def decode(self, cursor: str, organization_id: str, query: ListQuery) -> tuple[float, Any]:
        """(as_of, last key) of a valid cursor; a 422 Problem otherwise."""
        body, _, mac = cursor.partition(".")
        try:
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError:
            raise _cursor_problem("is malformed; use pagination.next_cursor as given") from None
        # Only the exact bytes this server issued pass: base64 decoding forgives unused
        # bits and padding, so the body is compared in its canonical form too.
        canonical = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        expected = self._mac(payload).encode()
        if body != canonical or not hmac.compare_digest(mac.encode(), expected):
            raise _cursor_problem("was altered or was not issued by this server")
        try:
            version, organization, binding, as_of, key = orjson.loads(payload)
        except (ValueError, TypeError):
            raise _cursor_problem("is malformed; use pagination.next_cursor as given") from None
        if version != 1:
            raise _cursor_problem("was altered or was not issued by this server")
        if organization != organization_id:
            raise _cursor_problem("was issued to another organization")
        if binding != query.binding():
            raise _cursor_problem(
                "was issued for other filters or another sort; start again without it"
            )
        return float(as_of), tuple(key)


def _cursor_problem(message: str) -> Problem:
    return validation_problem([{"field": "cursor", "message": message}])


def sort_key(query: ListQuery, simulator: Simulator, at: float) -> Callable[[VideoState], Any]:
    """The (value, id) key of the query's order; null counts sort below every number."""
    if query.order_by == "added_at":
        return lambda v: (v.added_at, v.id)
    if query.order_by == "create_time":
        return lambda v: (v.created_at, v.id)
    field = query.order_by

    def count(video: VideoState) -> tuple[int, str]:
        metrics = simulator.counts_at(video, at)
        value = None if metrics is None else getattr(metrics, field)
        return (-1 if value is None else value, video.id)

    return count


def matcher(query: ListQuery, simulator: Simulator, at: float) -> Callable[[VideoState], bool]:
    """The AND of the query's filters, plus the snapshot's 'already added by as_of'."""

    def matches(video: VideoState) -> bool:
        if video.added_at > at:
            return False
        if query.platform is not None and video.post.platform != query.platform:
            return False
        if query.is_active is not None and video.is_active != query.is_active:
            return False
        if query.account_id is not None:
            return False  # no tracked accounts yet: no video has an account_id
        if query.q is not None:
            texts = simulator.searchable(video, at)
            return any(t is not None and query.q in t.casefold() for t in texts)
        return True

    return matches


def paginate(
    videos: Sequence[VideoState],
    query: ListQuery,
    simulator: Simulator,
    at: float,
    after: Any | None,
    limit: int,
    include_total: bool,
) -> Page:
    """One page of ``videos`` (ordered by (added_at, id)) after the key ``after``."""
    key = sort_key(query, simulator, at)
    matches = matcher(query, simulator, at)
    descending = query.direction == "desc"
    ordered: Iterable[VideoState]
    if query.order_by == "added_at":
        # Already in order: start at the cursor by bisection, no sort.
        ordered = _walk_presorted(videos, after, descending)
    else:
        ordered = _sorted_after(videos, key, after, descending)
    items: list[VideoState] = []
    has_more = False
    for video in ordered:
        if not matches(video):
            continue
        if len(items) == limit:
            has_more = True
            break
        items.append(video)
    total = sum(1 for v in videos if matches(v)) if include_total else None
    next_key = key(items[-1]) if has_more and items else None
    return Page(items, next_key, total)


def indexed(query: ListQuery) -> bool:
    """Whether the store's index serves the walk: no filter, ordered by ``added_at``."""
    return (
        query.order_by == "added_at"
        and query.platform is None
        and query.is_active is None
        and query.account_id is None
        and query.q is None
    )


async def page_from_index(
    store: Store,
    organization_id: str,
    query: ListQuery,
    at: float,
    after: Any | None,
    limit: int,
    include_total: bool,
) -> Page:
    """:func:`paginate` of an :func:`indexed` query, one page read from the store."""
    descending = query.direction == "desc"
    start: tuple[float, str] | None = None
    if after is not None:
        start = (float(after[0]), str(after[1]))
    elif descending:
        # The snapshot leaves out videos added after ``at``: start below every key of
        # the next instant (no id is empty).
        start = (math.nextafter(at, math.inf), "")
    found = await store.page_videos(organization_id, start, limit + 1, descending=descending)
    # Ascending, the walk ends where the snapshot does.
    items = [video for video in found if video.added_at <= at]
    has_more = len(items) > limit
    del items[limit:]
    total = await store.count_videos(organization_id, at) if include_total else None
    next_key = (items[-1].added_at, items[-1].id) if has_more else None
    return Page(items, next_key, total)


def _walk_presorted(
    videos: Sequence[VideoState], after: Any | None, descending: bool
) -> Iterator[VideoState]:
    def order(v: VideoState) -> tuple[float, str]:
        return (v.added_at, v.id)

    if descending:
        end = len(videos) if after is None else bisect.bisect_left(videos, after, key=order)
        for index in range(end - 1, -1, -1):
            yield videos[index]
    else:
        start = 0 if after is None else bisect.bisect_right(videos, after, key=order)
        for index in range(start, len(videos)):
            yield videos[index]


def _sorted_after(
    videos: Sequence[VideoState],
    key: Callable[[VideoState], Any],
    after: Any | None,
    descending: bool,
) -> Iterator[VideoState]:
    # Each key is computed once (a count sort evaluates the simulation per video).
    keyed = sorted(((key(v), v) for v in videos), key=lambda pair: pair[0], reverse=descending)
    for value, video in keyed:
        if after is not None and ((value >= after) if descending else (value <= after)):
            continue
        yield video
