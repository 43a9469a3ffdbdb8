"""The Store contract (mockserver/store/base.py), held by every backend: memory and Redis.

Each test runs once per store, the Redis one on the session's real redis-server under a
key prefix of its own. What only one store has (the memory store's bound on records,
Redis' keys and cross-process behaviour) is tested in that store's own module.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.faults import ErrorFault, FaultPlan
from mockserver.journal import JournalEntry
from mockserver.listing import ListQuery, page_from_index, paginate
from mockserver.simulation import Segment, VideoState
from mockserver.store import (
    Backend,
    IdempotencyState,
    MemoryBackend,
    QuotaExceeded,
    RateWindow,
    SessionControl,
    Store,
    StoredResponse,
    TooManySessions,
)
from mockserver.store.redis import RedisBackend
from tests.redis_server import RedisServer, delete_prefix
from tests.unit import factories

T = TypeVar("T")
T0 = 1_800_000_000.0  # a multiple of 60
TTL = 600.0
ORG = "org-a"
OTHER_ORG = "org-b"
CREATED = StoredResponse(
    201,
    b'{"data":{"id":"x"}}',
    (("Location", "/v2/videos/x"), ("Content-Type", "application/json")),
)
_prefixes = itertools.count(1)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


MakeBackend = Callable[..., Backend]


@pytest.fixture(params=["memory", "redis"])
def make_backend(request: pytest.FixtureRequest) -> Iterator[MakeBackend]:
    """Backends of one kind; the Redis ones on fresh prefixes, deleted afterwards."""
    server: RedisServer | None = None
    prefixes: list[str] = []
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")

    def make(control: SessionControl | None = None, max_sessions: int = 1000) -> Backend:
        if server is None:
            return MemoryBackend(control, max_sessions)
        prefixes.append(f"contract{next(_prefixes)}")
        return RedisBackend(server.url, prefixes[-1], control, max_sessions)

    yield make
    if server is not None:
        for prefix in prefixes:
            delete_prefix(server, prefix)


@pytest.fixture
def store(make_backend: MakeBackend) -> Store:
    return run(make_backend().session("default"))


def video(video_id: str, added_at: float = T0) -> VideoState:
    return factories.video(video_id, added_at=added_at)


def ids(videos: Sequence[VideoState]) -> list[str]:
    return [v.id for v in videos]


def listed(store: Store, org: str = ORG) -> list[str]:
    return ids(run(store.list_videos(org)))


# --- rate windows --------------------------------------------------------------------


def hit(store: Store, now: float, bucket: str = "k", limit: int = 3) -> RateWindow:
    return run(store.hit_rate_limit(bucket, limit, 60, now))


def test_rate_window_counts_and_resets(store: Store) -> None:
    windows = [hit(store, T0 + i) for i in range(5)]
    assert [w.remaining for w in windows] == [2, 1, 0, 0, 0]
    assert [w.allowed for w in windows] == [True, True, True, False, False]
    assert {w.reset for w in windows} == {int(T0) + 60}
    fresh = hit(store, T0 + 60)
    assert (fresh.allowed, fresh.remaining, fresh.reset) == (True, 2, int(T0) + 120)


def test_rate_buckets_are_independent(store: Store) -> None:
    for _ in range(4):
        hit(store, T0, bucket="a")
    assert hit(store, T0, bucket="b").remaining == 2


# --- videos and quota ----------------------------------------------------------------


def test_a_video_comes_back_as_it_went_in(store: Store) -> None:
    post = factories.tiktok_post(T0 - 86_400, 7, username="some_one")
    tracked = dataclasses.replace(
        factories.video(post=post, added_at=T0, metadata={"campaign": "été ☀", "k": ""}),
        schedule=(Segment(T0, T0 + 0.5, 3600.0), Segment(T0 + 10, None, 7200.0)),
        updated_at=T0 + 10.25,
        is_active=False,
    )
    assert run(store.insert_video(ORG, tracked, None)) == (tracked, True)
    assert run(store.get_video(ORG, tracked.id)) == tracked
    instagram = factories.video(post=factories.instagram_post(T0 - 3600.125, 3))
    run(store.insert_video(ORG, instagram, None))
    assert run(store.get_video(ORG, instagram.id)) == instagram


def test_insert_new_then_existing(store: Store) -> None:
    first = video("v1")
    assert run(store.insert_video(ORG, first, None)) == (first, True)
    changed = dataclasses.replace(first, metadata={"changed": "yes"}, added_at=T0 + 5)
    again, new = run(store.insert_video(ORG, changed, None))
    assert (again, new) == (first, False)
    assert run(store.get_video(ORG, "v1")) == first
    assert listed(store) == ["v1"]


def test_get_unknown_video_is_none(store: Store) -> None:
    assert run(store.get_video(ORG, "nope")) is None


def test_quota_blocks_only_new_videos(store: Store) -> None:
    for i in range(3):
        assert run(store.insert_video(ORG, video(f"v{i}"), 3))[1] is True
    with pytest.raises(QuotaExceeded) as caught:
        run(store.insert_video(ORG, video("v3"), 3))
    assert caught.value.quota == 3
    assert run(store.get_video(ORG, "v3")) is None
    assert run(store.insert_video(ORG, video("v1"), 3))[1] is False
    assert listed(store) == ["v0", "v1", "v2"]


def test_quota_zero_blocks_the_first(store: Store) -> None:
    with pytest.raises(QuotaExceeded):
        run(store.insert_video(ORG, video("v1"), 0))


def test_quota_and_videos_are_per_organization(store: Store) -> None:
    for i in range(2):
        run(store.insert_video(ORG, video(f"v{i}"), 2))
    with pytest.raises(QuotaExceeded):
        run(store.insert_video(ORG, video("v9"), 2))
    assert run(store.get_video(OTHER_ORG, "v1")) is None
    assert run(store.insert_video(OTHER_ORG, video("v9"), 2))[1] is True
    assert run(store.save_video(OTHER_ORG, video("v0"))) is False
    assert run(store.delete_video(OTHER_ORG, "v0")) is False
    assert listed(store) == ["v0", "v1"]
    assert listed(store, OTHER_ORG) == ["v9"]


def test_delete_frees_quota_and_forgets(store: Store) -> None:
    for i in range(2):
        run(store.insert_video(ORG, video(f"v{i}"), 2))
    assert run(store.delete_video(ORG, "v0")) is True
    assert run(store.delete_video(ORG, "v0")) is False
    assert run(store.get_video(ORG, "v0")) is None
    assert run(store.insert_video(ORG, video("v9"), 2))[1] is True
    with pytest.raises(QuotaExceeded):
        run(store.insert_video(ORG, video("v8"), 2))


def test_ties_in_added_at_are_broken_by_id(store: Store) -> None:
    for name, added in [("z", T0), ("m", T0 + 1), ("b", T0), ("y", T0 + 1), ("a", T0)]:
        run(store.insert_video(ORG, video(name, added), None))
    assert listed(store) == ["a", "b", "z", "m", "y"]
    run(store.delete_video(ORG, "b"))
    assert listed(store) == ["a", "z", "m", "y"]


def test_save_replaces_by_id(store: Store) -> None:
    for name in "abc":
        run(store.insert_video(ORG, video(name), None))
    replacement = dataclasses.replace(video("b"), metadata={"k": "v"}, updated_at=T0 + 50)
    assert run(store.save_video(ORG, replacement)) is True
    assert run(store.get_video(ORG, "b")) == replacement
    assert run(store.list_videos(ORG))[1] == replacement
    assert run(store.save_video(ORG, video("ghost"))) is False
    assert run(store.get_video(ORG, "ghost")) is None


# (op, organization, id, added_at offset): inserts, saves of fresh copies, deletes.
operation = st.tuples(
    st.sampled_from(["insert", "insert", "save", "delete"]),
    st.sampled_from([ORG, OTHER_ORG]),
    st.sampled_from([f"v{i}" for i in range(8)]),
    st.integers(min_value=0, max_value=3),  # few distinct times: many ties
)


@settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(operation, max_size=25))
def test_videos_always_match_a_model(
    make_backend: MakeBackend, ops: list[tuple[str, str, str, int]]
) -> None:
    async def scenario() -> None:
        store = await make_backend().session("default")
        model: dict[str, dict[str, VideoState]] = {ORG: {}, OTHER_ORG: {}}
        for op, org, name, offset in ops:
            videos = model[org]
            if op == "insert":
                fresh = video(name, T0 + offset)
                _, new = await store.insert_video(org, fresh, None)
                assert new is (name not in videos)
                videos.setdefault(name, fresh)
            elif op == "save":
                # A save changes what a PATCH changes, never added_at.
                copy = dataclasses.replace(
                    videos.get(name) or video(name, T0 + offset), updated_at=T0 + 99, version=7
                )
                assert await store.save_video(org, copy) is (name in videos)
                if name in videos:
                    videos[name] = copy
            else:
                deleted = await store.delete_video(org, name)
                assert deleted is (videos.pop(name, None) is not None)
        for each in (ORG, OTHER_ORG):
            expected = sorted(model[each].values(), key=lambda v: (v.added_at, v.id))
            assert list(await store.list_videos(each)) == expected
            assert await store.count_videos(each, T0 + 1) == sum(
                v.added_at <= T0 + 1 for v in expected
            )

    run(scenario())


# --- pages of the default order --------------------------------------------------------


def test_pages_start_strictly_after_a_key_that_need_not_exist(store: Store) -> None:
    for name, added in [("a", T0), ("c", T0), ("e", T0), ("b", T0 + 1), ("d", T0 + 2)]:
        run(store.insert_video(ORG, video(name, added), None))

    def page(after: tuple[float, str] | None, limit: int, descending: bool) -> list[str]:
        return ids(run(store.page_videos(ORG, after, limit, descending=descending)))

    assert page(None, 10, False) == ["a", "c", "e", "b", "d"]
    assert page(None, 2, True) == ["d", "b"]
    assert page((T0, "a"), 2, False) == ["c", "e"]
    assert page((T0, "b"), 10, False) == ["c", "e", "b", "d"]  # no video "b" at T0
    assert page((T0 + 1, "b"), 10, True) == ["e", "c", "a"]
    assert page((T0, "d"), 10, True) == ["c", "a"]
    assert page((T0 + 0.5, ""), 10, True) == ["e", "c", "a"]
    assert page((T0 + 2, "d"), 10, False) == []
    assert page(None, 10, False) == listed(store)
    assert run(store.page_videos(OTHER_ORG, None, 5, descending=True)) == []
    assert run(store.count_videos(ORG, T0)) == 3
    assert run(store.count_videos(ORG, T0 - 1)) == 0
    assert run(store.count_videos(ORG, T0 + 5)) == 5


@settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    added=st.lists(st.integers(min_value=-2, max_value=4), min_size=0, max_size=30),
    limit=st.integers(min_value=1, max_value=7),
    direction=st.sampled_from(["asc", "desc"]),
    include_total=st.booleans(),
    as_of=st.integers(min_value=-3, max_value=5),
)
def test_indexed_walks_match_the_full_scan(
    make_backend: MakeBackend,
    added: list[int],
    limit: int,
    direction: str,
    include_total: bool,
    as_of: int,
) -> None:
    """Page after page, the store's index gives what sorting every video gives."""
    query = ListQuery(None, None, None, None, "added_at", direction)
    at = T0 + as_of

    async def scenario() -> None:
        store = await make_backend().session("default")
        for n, offset in enumerate(added):
            await store.insert_video(ORG, video(f"v{n % 11}-{n}", T0 + offset), None)
        everything = await store.list_videos(ORG)
        after: Any = None
        while True:
            indexed = await page_from_index(store, ORG, query, at, after, limit, include_total)
            scanned = paginate(everything, query, None, at, after, limit, include_total)
            assert ids(indexed.items) == ids(scanned.items)
            assert (indexed.next_key, indexed.total) == (scanned.next_key, scanned.total)
            if indexed.next_key is None:
                return
            after = indexed.next_key

    run(scenario())


# --- idempotency ---------------------------------------------------------------------


def begin(store: Store, key: str, fingerprint: bytes, now: float, org: str = ORG) -> Any:
    return run(store.begin_idempotent(org, key, fingerprint, now)).state


def complete(store: Store, key: str, now: float, org: str = ORG, ttl: float = TTL) -> None:
    run(store.complete_idempotent(org, key, CREATED, now, ttl))


def test_claim_then_in_flight_then_replay(store: Store) -> None:
    outcome = run(store.begin_idempotent(ORG, "k", b"fp\x00\xff", T0))
    assert (outcome.state, outcome.response) == (IdempotencyState.NEW, None)
    assert begin(store, "k", b"fp\x00\xff", T0 + 1) is IdempotencyState.IN_FLIGHT
    assert begin(store, "k", b"other", T0 + 1) is IdempotencyState.MISMATCH
    complete(store, "k", T0 + 1)
    replay = run(store.begin_idempotent(ORG, "k", b"fp\x00\xff", T0 + 2))
    assert (replay.state, replay.response) == (IdempotencyState.REPLAY, CREATED)
    assert begin(store, "k", b"other", T0 + 2) is IdempotencyState.MISMATCH


def test_expiry_is_judged_by_the_given_time(store: Store) -> None:
    begin(store, "k", b"fp", T0)
    complete(store, "k", T0 + 10)
    assert begin(store, "k", b"fp", T0 + 10 + TTL - 1) is IdempotencyState.REPLAY
    assert begin(store, "k", b"other", T0 + 10 + TTL) is IdempotencyState.NEW
    assert begin(store, "k", b"other", T0 + 10 + TTL) is IdempotencyState.IN_FLIGHT


def test_release_and_complete_only_touch_a_claim(store: Store) -> None:
    begin(store, "k", b"fp", T0)
    run(store.release_idempotent(ORG, "k"))
    assert begin(store, "k", b"other", T0 + 1) is IdempotencyState.NEW
    run(store.release_idempotent(ORG, "never"))
    complete(store, "unclaimed", T0)
    assert begin(store, "unclaimed", b"fp", T0 + 1) is IdempotencyState.NEW
    complete(store, "k", T0 + 1)
    run(store.release_idempotent(ORG, "k"))  # a completed record stays for replay
    assert begin(store, "k", b"other", T0 + 2) is IdempotencyState.REPLAY


def test_idempotency_keys_are_per_organization(store: Store) -> None:
    begin(store, "k", b"fp", T0)
    assert begin(store, "k", b"other", T0, org=OTHER_ORG) is IdempotencyState.NEW
    complete(store, "k", T0)
    assert begin(store, "k", b"other", T0 + 1, org=OTHER_ORG) is IdempotencyState.IN_FLIGHT
    assert begin(store, "k", b"fp", T0 + 1) is IdempotencyState.REPLAY


def test_each_record_expires_on_its_own(store: Store) -> None:
    begin(store, "long", b"fp", T0)
    complete(store, "long", T0, ttl=1000)
    begin(store, "short", b"fp", T0 + 1)
    complete(store, "short", T0 + 1, ttl=10)
    assert begin(store, "short", b"fp", T0 + 100) is IdempotencyState.NEW
    assert begin(store, "long", b"fp", T0 + 100) is IdempotencyState.REPLAY


# --- the session: journal, control, sequence, preload, reset --------------------------


def entry(sequence: int) -> JournalEntry:
    return JournalEntry(
        sequence=sequence,
        time=T0 + sequence / 4,
        request_id=f"req-{sequence}",
        method="POST",
        path="/v2/videos",
        query="a=1&a=2&b=",
        headers=(("content-type", "application/json"), ("authorization", "Bearer [redacted]")),
        body=b'{"x": "\xc3\xa9"}\x00\xff',
        body_truncated=sequence % 2 == 0,
        status=422,
        operation_id="trackVideo" if sequence % 2 else None,
        errors=({"field": "identifier", "message": "bad"}, "detail"),
        fault="latency" if sequence % 3 else None,
        preference_applied=None,
    )


def test_the_journal_keeps_the_most_recent_entries(store: Store) -> None:
    assert list(run(store.journal())) == []
    for sequence in range(1, 6):
        run(store.record(entry(sequence), 3))
    assert list(run(store.journal())) == [entry(3), entry(4), entry(5)]
    run(store.clear_journal())
    assert list(run(store.journal())) == []


def test_control_starts_at_the_backends_default(make_backend: MakeBackend) -> None:
    default = SessionControl(faults=FaultPlan(upstream_down=True))
    store = run(make_backend(default).session("s"))
    assert run(store.get_control()) == default
    changed = SessionControl(
        faults=FaultPlan((5, 50), (ErrorFault(503, 0.25, 7), ErrorFault(500, 0.1)), 0.125),
        offset=-3600.5,
        frozen_at=T0 + 0.25,
    )
    run(store.set_control(changed))
    assert run(store.get_control()) == changed


def test_sequence_counts_from_one(store: Store) -> None:
    assert [run(store.next_sequence()) for _ in range(3)] == [1, 2, 3]


def test_preload_is_claimed_once_until_a_reset(store: Store) -> None:
    assert run(store.claim_preload()) is True
    run(store.finish_preload())
    assert run(store.claim_preload()) is False
    run(store.insert_video(ORG, video("v1"), None))
    hit(store, T0)
    begin(store, "k", b"fp", T0)
    run(store.record(entry(1), 10))
    control = SessionControl(offset=60.0)
    run(store.set_control(control))
    sequence = run(store.next_sequence())
    run(store.reset())
    assert listed(store) == []
    assert hit(store, T0).remaining == 2  # a fresh window
    assert begin(store, "k", b"other", T0) is IdempotencyState.NEW
    # the journal, the control and the counter survive a reset
    assert list(run(store.journal())) == [entry(1)]
    assert run(store.get_control()) == control
    assert run(store.next_sequence()) == sequence + 1
    assert run(store.claim_preload()) is True


# --- the backend: sessions -----------------------------------------------------------


def test_sessions_are_isolated_and_listed(make_backend: MakeBackend) -> None:
    backend = make_backend()
    one, two = run(backend.session("one")), run(backend.session("two"))
    run(one.insert_video(ORG, video("v1"), None))
    assert run(two.get_video(ORG, "v1")) is None
    assert run(backend.session("one")).session == "one"
    assert list(run(backend.sessions())) == ["one", "two"]
    run(backend.ping())


def test_sessions_are_capped(make_backend: MakeBackend) -> None:
    backend = make_backend(max_sessions=2)
    run(backend.session("a"))
    run(backend.session("b"))
    with pytest.raises(TooManySessions) as caught:
        run(backend.session("c"))
    assert caught.value.limit == 2
    run(backend.session("a"))  # an existing one is still handed out


def test_drop_forgets_a_session_entirely(make_backend: MakeBackend) -> None:
    backend = make_backend(max_sessions=1)
    store = run(backend.session("a"))
    run(store.insert_video(ORG, video("v1"), None))
    run(store.record(entry(1), 10))
    run(store.set_control(SessionControl(offset=5.0)))
    assert run(backend.drop("a")) is True
    assert run(backend.drop("a")) is False
    assert list(run(backend.sessions())) == []
    again = run(backend.session("b"))  # the cap counts what exists
    assert again.session == "b"
    fresh = run(backend.drop("b")) and run(backend.session("a"))
    assert run(fresh.get_video(ORG, "v1")) is None
    assert list(run(fresh.journal())) == []
    assert run(fresh.get_control()) == SessionControl()
    run(backend.close())
