"""Unit tests for mockserver.listing: list parameters, snapshot cursors, pagination.

CONTRACT 7.3 (``GET /videos``: ``order_by`` wins over the legacy ``sort``; filters AND;
``filters`` echoes the filters and sort; a cursor is bound to the filters and sort it came
from, reuse with others is a 422; no page skips or repeats an item while the set is
unchanged) and openapi.yaml ``listVideos`` (a walk is a snapshot of its first page's
time; ties broken by id; null counts sort below every number; altering a cursor is a 422).
"""

from __future__ import annotations

import base64
import bisect
import dataclasses
import itertools
import re
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.generation import ContentGenerator
from mockserver.listing import Cursors, ListQuery, Page, paginate
from mockserver.problems import Problem
from mockserver.simulation import Simulator, VideoState, reschedule
from mockserver.spec import Spec
from mockserver.validation import check_parameters
from tests.unit.factories import DAY, HOUR, NOW, ORG_ID, instagram_post, tiktok_post, video

OTHER_ORG_ID = "8b3e2c14-7d5a-4e9f-b1c2-6a0d9f3e4b02"
SIM = Simulator(ContentGenerator(0), "http://x", {})
CURSORS = Cursors(b"unit-test-secret")
ORDER_BYS = ("added_at", "create_time", "view_count", "like_count", "play_count")
DEFAULT = ListQuery(None, None, None, None, "added_at", "desc")
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def list_params(spec: Spec, **query: str) -> dict[str, Any]:
    """``listVideos`` query parameters as the pipeline hands them over (defaults applied)."""
    errors: list[Any] = []
    values = check_parameters(
        spec.operations["listVideos"], {}, {k: [v] for k, v in query.items()}, {}, errors
    )
    assert not errors
    return values


def query_of(spec: Spec, **query: str) -> ListQuery:
    return ListQuery.from_params(list_params(spec, **query))


def cursor_problem(cursor: str, org: str = ORG_ID, query: ListQuery = DEFAULT) -> Problem:
    with pytest.raises(Problem) as caught:
        CURSORS.decode(cursor, org, query)
    problem = caught.value
    assert problem.status == 422
    assert problem.code == "VALIDATION_ERROR"
    assert problem.errors is not None
    assert [e["field"] for e in problem.errors] == ["cursor"]
    return problem


def ids(videos: Sequence[VideoState]) -> list[str]:
    return [v.id for v in videos]


# --- ListQuery.from_params -----------------------------------------------------------


def test_defaults(spec: Spec) -> None:
    query = query_of(spec)
    assert query == DEFAULT
    assert query.echo(None) == {"order_by": "added_at", "order_direction": "desc"}


@pytest.mark.parametrize(
    ("sort", "order_by", "direction"),
    [
        ("-added_at", "added_at", "desc"),
        ("added_at", "added_at", "asc"),
        ("create_time", "create_time", "asc"),
        ("-create_time", "create_time", "desc"),
        ("view_count", "view_count", "asc"),
        ("-view_count", "view_count", "desc"),
        ("like_count", "like_count", "asc"),
        ("-like_count", "like_count", "desc"),
        ("play_count", "play_count", "asc"),
        ("-play_count", "play_count", "desc"),
    ],
)
def test_legacy_sort(spec: Spec, sort: str, order_by: str, direction: str) -> None:
    query = query_of(spec, sort=sort)
    assert (query.order_by, query.direction) == (order_by, direction)
    assert query.echo(None) == {"order_by": order_by, "order_direction": direction}


@pytest.mark.parametrize("order_by", ORDER_BYS)
def test_order_by_defaults_to_descending(spec: Spec, order_by: str) -> None:
    query = query_of(spec, order_by=order_by)
    assert (query.order_by, query.direction) == (order_by, "desc")


@pytest.mark.parametrize(
    ("given_params", "order_by", "direction"),
    [
        ({"order_by": "like_count", "sort": "-view_count"}, "like_count", "desc"),
        ({"order_by": "like_count", "sort": "view_count"}, "like_count", "desc"),
        (
            {"order_by": "play_count", "order_direction": "asc", "sort": "-added_at"},
            "play_count",
            "asc",
        ),
        (
            {"order_by": "added_at", "order_direction": "asc", "sort": "-create_time"},
            "added_at",
            "asc",
        ),
    ],
)
def test_order_by_wins_over_sort(
    spec: Spec, given_params: dict[str, str], order_by: str, direction: str
) -> None:
    query = query_of(spec, **given_params)
    assert (query.order_by, query.direction) == (order_by, direction)


def test_filters_are_read_and_echoed(spec: Spec) -> None:
    account = "5D1F7A52-3C1E-4F0B-9A57-2F6C1E0B8A01"
    raw_q = "Straße CAKE"
    query = query_of(
        spec, platform="tiktok", is_active="false", account_id=account, q=raw_q, sort="view_count"
    )
    assert query.platform == "tiktok"
    assert query.is_active is False
    assert query.account_id == account.lower()
    assert query.q == raw_q.casefold()
    assert query.echo(raw_q) == {
        "platform": "tiktok",
        "is_active": False,
        "account_id": account.lower(),
        "q": raw_q,
        "order_by": "view_count",
        "order_direction": "asc",
    }


def test_echo_leaves_out_filters_not_given(spec: Spec) -> None:
    assert query_of(spec, is_active="true").echo(None) == {
        "is_active": True,
        "order_by": "added_at",
        "order_direction": "desc",
    }


def test_binding_differs_for_every_field() -> None:
    variants = [
        DEFAULT,
        dataclasses.replace(DEFAULT, platform="tiktok"),
        dataclasses.replace(DEFAULT, is_active=True),
        dataclasses.replace(DEFAULT, is_active=False),
        dataclasses.replace(DEFAULT, account_id=ORG_ID),
        dataclasses.replace(DEFAULT, q="a"),
        dataclasses.replace(DEFAULT, order_by="view_count"),
        dataclasses.replace(DEFAULT, direction="asc"),
    ]
    bindings = [repr(v.binding()) for v in variants]
    assert len(set(bindings)) == len(bindings)


# --- Cursors -------------------------------------------------------------------------

AS_OF = NOW + 0.123456


@pytest.mark.parametrize(
    "key",
    [(NOW - DAY + 0.5, "7b1c9e0e-3d5f-5a4e-8a8c-1f2b3c4d5e6f"), (-1, "a"), (123_456_789, "z")],
)
@pytest.mark.parametrize(
    "query", [DEFAULT, ListQuery("tiktok", False, None, "é", "view_count", "asc")]
)
def test_cursor_round_trip(key: tuple[Any, str], query: ListQuery) -> None:
    cursor = CURSORS.encode(ORG_ID, query, AS_OF, key)
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", cursor)
    assert len(cursor) <= 2048  # the document's maxLength of `cursor`
    as_of, after = CURSORS.decode(cursor, ORG_ID, query)
    assert as_of == AS_OF
    assert isinstance(as_of, float)
    assert after == key
    assert isinstance(after, tuple)


def test_cursors_are_deterministic() -> None:
    key = (NOW, "x")
    assert CURSORS.encode(ORG_ID, DEFAULT, AS_OF, key) == Cursors(b"unit-test-secret").encode(
        ORG_ID, DEFAULT, AS_OF, key
    )


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        ".",
        "x",
        "!!!",
        "abc.def",
        "not a cursor at all",
        base64.urlsafe_b64encode(b'{"a": 1}').decode() + ".AAAA",
        base64.urlsafe_b64encode(b"[1, 2, 3]").decode() + ".AAAA",
        base64.urlsafe_b64encode(b"42").decode() + ".AAAA",
        base64.urlsafe_b64encode(b"\xff\xfe").decode() + ".AAAA",
    ],
)
def test_malformed_cursor(cursor: str) -> None:
    cursor_problem(cursor)


def test_cursor_of_another_server_is_refused() -> None:
    cursor = Cursors(b"another-secret").encode(ORG_ID, DEFAULT, AS_OF, (NOW, "x"))
    assert "altered" in cursor_problem(cursor).errors[0]["message"]  # type: ignore[index]


def _flip(text: str, index: int) -> str:
    """``text`` with the character at ``index`` replaced by another base64url character."""
    replacement = B64URL[(B64URL.index(text[index]) + 1) % 64]
    return text[:index] + replacement + text[index + 1 :]


def test_flipping_any_character_of_the_mac_is_refused() -> None:
    cursor = CURSORS.encode(ORG_ID, DEFAULT, AS_OF, (NOW, "x"))
    body, mac = cursor.split(".")
    for index in range(len(mac)):
        cursor_problem(f"{body}.{_flip(mac, index)}")
    cursor_problem(body)  # no MAC at all
    cursor_problem(f"{body}.")
    cursor_problem(f"{body}.{mac}x")
    cursor_problem(f"{body}.{mac[:-1]}")


def test_flipping_any_character_of_the_body_is_refused() -> None:
    cursor = CURSORS.encode(ORG_ID, DEFAULT, AS_OF, (NOW, "x"))
    body, mac = cursor.split(".")
    for index in range(len(body)):
        cursor_problem(f"{_flip(body, index)}.{mac}")
    cursor_problem(f"{body[1:]}.{mac}")
    cursor_problem(f"A{body}.{mac}")


@pytest.mark.parametrize("mac", ["é", "AAAAAAAAAAAAAAAAAAAAAé", "\u00a0"])
def test_non_ascii_mac_is_refused_as_altered(mac: str) -> None:
    body = CURSORS.encode(ORG_ID, DEFAULT, AS_OF, (NOW, "x")).split(".")[0]
    cursor_problem(f"{body}.{mac}")


def test_non_ascii_body_is_refused_as_malformed() -> None:
    mac = CURSORS.encode(ORG_ID, DEFAULT, AS_OF, (NOW, "x")).split(".")[1]
    assert "malformed" in cursor_problem(f"é.{mac}").errors[0]["message"]  # type: ignore[index]


def _malleable_cursor() -> tuple[str, str]:
    """A cursor whose body length leaves unused bits in its last character."""
    cursor = CURSORS.encode(ORG_ID, DEFAULT, AS_OF, (NOW, "x"))
    body, mac = cursor.split(".")
    assert len(body) % 4 in (2, 3)
    return body, mac


@pytest.mark.parametrize("alteration", ["last-character", "padding"])
def test_any_altered_cursor_string_is_refused(alteration: str) -> None:
    body, mac = _malleable_cursor()
    if alteration == "padding":
        altered = body + "="
    else:
        original = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        altered = next(
            body[:-1] + ch
            for ch in B64URL
            if ch != body[-1]
            and base64.urlsafe_b64decode(body[:-1] + ch + "=" * (-len(body) % 4)) == original
        )
    assert altered != body
    cursor_problem(f"{altered}.{mac}")


def test_cursor_of_another_organization_is_refused() -> None:
    cursor = CURSORS.encode(OTHER_ORG_ID, DEFAULT, AS_OF, (NOW, "x"))
    problem = cursor_problem(cursor, org=ORG_ID)
    assert "another organization" in problem.errors[0]["message"]  # type: ignore[index]


@pytest.mark.parametrize(
    "other",
    [
        dataclasses.replace(DEFAULT, platform="instagram"),
        dataclasses.replace(DEFAULT, is_active=True),
        dataclasses.replace(DEFAULT, account_id=ORG_ID),
        dataclasses.replace(DEFAULT, q="cake"),
        dataclasses.replace(DEFAULT, order_by="view_count"),
        dataclasses.replace(DEFAULT, direction="asc"),
    ],
)
def test_cursor_reused_with_other_filters_or_sort_is_refused(other: ListQuery) -> None:
    cursor = CURSORS.encode(ORG_ID, DEFAULT, AS_OF, (NOW, "x"))
    problem = cursor_problem(cursor, query=other)
    assert "other filters" in problem.errors[0]["message"]  # type: ignore[index]
    # and the other way round
    cursor_problem(CURSORS.encode(ORG_ID, other, AS_OF, (NOW, "x")), query=DEFAULT)


# --- paginate: examples --------------------------------------------------------------


def store_order(videos: list[VideoState]) -> list[VideoState]:
    return sorted(videos, key=lambda v: (v.added_at, v.id))


def walk(
    videos: Sequence[VideoState],
    query: ListQuery,
    at: float,
    limit: int,
    include_total: bool = False,
) -> tuple[list[VideoState], list[Page]]:
    """Every page of a walk, each after the previous one's cursor (as the handler does)."""
    items: list[VideoState] = []
    pages: list[Page] = []
    as_of, after = at, None
    while True:
        page = paginate(videos, query, SIM, as_of, after, limit, include_total)
        pages.append(page)
        items.extend(page.items)
        assert len(page.items) <= limit
        if page.next_key is None:
            return items, pages
        assert len(page.items) == limit
        assert len(pages) <= len(videos) + 1, "the walk does not end"
        cursor = CURSORS.encode(ORG_ID, query, as_of, page.next_key)
        as_of, after = CURSORS.decode(cursor, ORG_ID, query)


def test_empty_set() -> None:
    page = paginate([], DEFAULT, SIM, NOW, None, 50, True)
    assert page == Page([], None, 0)


def test_one_page_when_everything_fits() -> None:
    videos = store_order([video(f"v{i}", added_at=NOW - i) for i in range(3)])
    page = paginate(videos, DEFAULT, SIM, NOW, None, 3, False)
    assert ids(page.items) == ["v0", "v1", "v2"]
    assert page.next_key is None
    assert page.total is None


def test_ties_in_added_at_are_broken_by_id_both_ways() -> None:
    videos = store_order([video(name, added_at=NOW - HOUR) for name in "cadb"])
    desc, _ = walk(videos, DEFAULT, NOW, 1)
    asc, _ = walk(videos, dataclasses.replace(DEFAULT, direction="asc"), NOW, 3)
    assert ids(desc) == ["d", "c", "b", "a"]
    assert ids(asc) == ["a", "b", "c", "d"]


def test_null_counts_sort_below_every_number() -> None:
    post = tiktok_post(NOW - 10 * DAY, 5)
    refreshed = [
        video(name, post=tiktok_post(NOW - 10 * DAY, n), added_at=NOW - DAY)
        for name, n in (("r1", 1), ("r2", 2))
    ]
    never = [
        video("n1", post=post, added_at=NOW - DAY, active=False),
        video("n2", post=post, added_at=NOW - DAY, delay=2 * DAY),
    ]
    videos = store_order(refreshed + never)
    query = dataclasses.replace(DEFAULT, order_by="view_count", direction="asc")
    asc, _ = walk(videos, query, NOW, 2)
    assert ids(asc)[:2] == ["n1", "n2"]
    desc, _ = walk(videos, dataclasses.replace(query, direction="desc"), NOW, 2)
    assert ids(desc)[2:] == ["n2", "n1"]


def test_a_walk_is_a_snapshot_of_its_first_page() -> None:
    videos = store_order([video(f"v{i}", added_at=NOW - i * HOUR) for i in range(6)])
    first = paginate(videos, DEFAULT, SIM, NOW, None, 2, True)
    assert ids(first.items) == ["v0", "v1"]
    assert first.total == 6
    # tracked after the walk began (the clock moved on): not part of this walk
    newer = video("v-new", added_at=NOW + 60)
    bisect.insort(videos, newer, key=lambda v: (v.added_at, v.id))
    assert first.next_key is not None
    cursor = CURSORS.encode(ORG_ID, DEFAULT, NOW, first.next_key)
    as_of, after = CURSORS.decode(cursor, ORG_ID, DEFAULT)
    rest = paginate(videos, DEFAULT, SIM, as_of, after, 10, True)
    assert ids(rest.items) == ["v2", "v3", "v4", "v5"]
    assert rest.total == 6
    # a new walk sees it
    assert ids(paginate(videos, DEFAULT, SIM, NOW + 60, None, 1, False).items) == ["v-new"]


@pytest.mark.parametrize("order_by", ORDER_BYS)
def test_deleting_the_last_item_of_a_page_skips_nothing(order_by: str) -> None:
    videos = store_order(
        [
            video(f"v{i}", post=tiktok_post(NOW - (10 + i) * DAY, i), added_at=NOW - i * HOUR)
            for i in range(6)
        ]
    )
    query = dataclasses.replace(DEFAULT, order_by=order_by)
    expected, _ = walk(videos, query, NOW, 6)
    first = paginate(videos, query, SIM, NOW, None, 2, False)
    assert ids(first.items) == ids(expected[:2])
    remaining = [v for v in videos if v.id != first.items[-1].id]
    rest = paginate(remaining, query, SIM, NOW, first.next_key, 10, False)
    assert ids(rest.items) == ids(expected[2:])


def test_account_id_filter_matches_nothing_yet() -> None:
    videos = store_order([video(f"v{i}", added_at=NOW - i) for i in range(3)])
    query = dataclasses.replace(DEFAULT, account_id=ORG_ID)
    assert paginate(videos, query, SIM, NOW, None, 10, True) == Page([], None, 0)


def test_q_matches_the_username_of_the_url_before_the_first_refresh() -> None:
    post = tiktok_post(NOW - DAY, 3, username="Baker.Anna")
    videos = [video("v", post=post, added_at=NOW, delay=DAY)]
    for q in ("baker", "ANNA", "r.a"):
        query = dataclasses.replace(DEFAULT, q=q.casefold())
        assert ids(paginate(videos, query, SIM, NOW, None, 10, False).items) == ["v"], q
    query = dataclasses.replace(DEFAULT, q="zzz-no-such-text")
    assert paginate(videos, query, SIM, NOW, None, 10, True).total == 0


# --- paginate: the walk equals filtering and sorting the whole set ----------------------

USERNAMES = (None, None, "Baker.Anna", "dj_kofi", "ELODIE.cuisine")


@st.composite
def video_sets(draw: st.DrawFn) -> list[VideoState]:
    count = draw(st.integers(min_value=2, max_value=20))
    names = draw(
        st.lists(
            st.text("abcdef0123", min_size=1, max_size=3),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    videos = []
    for n, name in enumerate(names):
        platform = draw(st.sampled_from(["tiktok", "instagram"]))
        added_at = NOW - draw(st.integers(min_value=-2, max_value=5)) * DAY  # many ties
        # age 0 at the first refresh: counts of exactly 0, which must still beat null
        published = added_at - draw(st.sampled_from([0, 0, 1, 2, 8, 30, 120])) * 6 * HOUR
        if platform == "tiktok":
            post = tiktok_post(published, n, draw(st.sampled_from(USERNAMES)))
        else:
            post = instagram_post(published, n)
        state = video(
            name,
            post=post,
            added_at=added_at,
            active=draw(st.booleans()),
            interval_hours=draw(st.sampled_from([6, 24, 72])),
            delay=draw(st.sampled_from([0.0, 0.0, HOUR, 4 * DAY])),
        )
        if state.is_active and draw(st.booleans()):
            # refreshed for a while, then deactivated: inactive but with counts
            reschedule(state, added_at + draw(st.sampled_from([0.5, 1.5, 30.5])) * HOUR, False, 24)
        videos.append(state)
    return store_order(videos)


def matches(v: VideoState, query: ListQuery, at: float) -> bool:
    if v.added_at > at or query.account_id is not None:
        return False
    if query.platform is not None and v.post.platform != query.platform:
        return False
    if query.is_active is not None and v.is_active != query.is_active:
        return False
    if query.q is None:
        return True
    rendered = SIM.render(v, at)
    texts = [rendered["description"] or "", rendered["account_username"] or ""]
    return any(query.q in text.casefold() for text in texts)


def expected_order(videos: Sequence[VideoState], query: ListQuery, at: float) -> list[VideoState]:
    def value(v: VideoState) -> tuple[int, float]:
        if query.order_by == "added_at":
            return (1, v.added_at)
        if query.order_by == "create_time":
            return (1, v.created_at)
        rendered = SIM.render(v, at)[query.order_by]
        return (0, 0) if rendered is None else (1, rendered)

    found = [v for v in videos if matches(v, query, at)]
    return sorted(found, key=lambda v: (value(v), v.id), reverse=query.direction == "desc")


# Weighted towards walks of several pages: few filters that leave nothing.
filters = st.fixed_dictionaries(
    {
        "platform": st.sampled_from([None, None, "tiktok", "instagram"]),
        "is_active": st.sampled_from([None, None, True, False]),
        "account_id": st.sampled_from([None] * 9 + [ORG_ID]),
        "q": st.sampled_from([None, None, None, "a", "e", "baker", "elodie", "#", "zzz-none"]),
    }
)


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(
    videos=video_sets(),
    chosen=filters,
    at_days=st.integers(min_value=-3, max_value=6),
    limit=st.integers(min_value=1, max_value=4),
    include_total=st.booleans(),
)
def test_walking_every_page_equals_filtering_and_sorting_the_whole_set(
    videos: list[VideoState],
    chosen: dict[str, Any],
    at_days: int,
    limit: int,
    include_total: bool,
) -> None:
    at = NOW + at_days * DAY + 0.5
    # Every sort, both ways, on the same set (desc must reverse asc exactly).
    for order_by, direction in itertools.product(ORDER_BYS, ("asc", "desc")):
        query = ListQuery(**chosen, order_by=order_by, direction=direction)
        expected = expected_order(videos, query, at)
        items, pages = walk(videos, query, at, limit, include_total)
        assert ids(items) == ids(expected)
        assert len(set(ids(items))) == len(items)
        assert all(v.added_at <= at for v in items)
        for page in pages:
            assert page.total == (len(expected) if include_total else None)
        for page in pages[1:]:
            assert page.items, "has_next promised more, but the next page was empty"
        assert len(pages) == max(1, -(-len(expected) // limit))
        if direction == "asc":
            ascending = ids(items)
        else:
            assert ids(items) == ascending[::-1]
