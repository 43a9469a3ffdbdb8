"""Unit tests for mockserver.store.memory: rate windows, videos and quota, idempotency.

CONTRACT sections 4 (fixed window), 2 (QUOTA_EXCEEDED), 5 (Idempotency-Key: scope,
window, fingerprint, replay, in-flight conflict, bounded store) and 7.3 (videos listed
in (added_at, id) order, replaced, untracked; each organization sees only its own).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mockserver.store.memory as memory
from mockserver.simulation import VideoState
from mockserver.store import (
    IdempotencyState,
    MemoryStore,
    QuotaExceeded,
    RateWindow,
    StoredResponse,
)
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


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def video(video_id: str, added_at: float = T0) -> VideoState:
    return factories.video(video_id, added_at=added_at)


def ids(videos: Sequence[VideoState]) -> list[str]:
    return [v.id for v in videos]


def listed(store: MemoryStore, org: str = ORG) -> list[str]:
    return ids(run(store.list_videos(org)))


def test_store_name(store: MemoryStore) -> None:
    assert store.name == "memory"


# --- rate windows --------------------------------------------------------------------


def hit(store: MemoryStore, now: float, bucket: str = "k", limit: int = 3) -> RateWindow:
    return run(store.hit_rate_limit(bucket, limit, 60, now))


def test_rate_window_counts_and_resets(store: MemoryStore) -> None:
    windows = [hit(store, T0 + i) for i in range(5)]
    assert [w.remaining for w in windows] == [2, 1, 0, 0, 0]
    assert [w.allowed for w in windows] == [True, True, True, False, False]
    assert {w.limit for w in windows} == {3}
    assert {w.reset for w in windows} == {int(T0) + 60}
    assert all(isinstance(w.reset, int) for w in windows)


def test_rate_window_reset_is_end_of_aligned_window(store: MemoryStore) -> None:
    assert hit(store, T0 + 59.9).reset == int(T0) + 60
    assert hit(store, T0 + 60).reset == int(T0) + 120


def test_new_window_starts_a_new_count(store: MemoryStore) -> None:
    for _ in range(4):
        hit(store, T0 + 10)
    assert not hit(store, T0 + 59).allowed
    fresh = hit(store, T0 + 60)
    assert fresh.allowed
    assert fresh.remaining == 2
    assert fresh.reset == int(T0) + 120


def test_rate_buckets_are_independent(store: MemoryStore) -> None:
    for _ in range(3):
        hit(store, T0, bucket="a")
    assert not hit(store, T0, bucket="a").allowed
    other = hit(store, T0, bucket="b")
    assert other.allowed
    assert other.remaining == 2


# --- videos and quota ----------------------------------------------------------------


def test_insert_new_then_existing(store: MemoryStore) -> None:
    first = video("v1")
    stored, new = run(store.insert_video(ORG, first, None))
    assert new is True
    assert stored is first
    changed = dataclasses.replace(first, metadata={"changed": "yes"}, added_at=T0 + 5)
    again, new = run(store.insert_video(ORG, changed, None))
    assert new is False
    assert again is first
    got = run(store.get_video(ORG, "v1"))
    assert got is first
    assert got is not None
    assert got.metadata == {}
    assert listed(store) == ["v1"]


def test_get_unknown_video_is_none(store: MemoryStore) -> None:
    assert run(store.get_video(ORG, "nope")) is None


def test_quota_blocks_only_new_videos(store: MemoryStore) -> None:
    for i in range(3):
        assert run(store.insert_video(ORG, video(f"v{i}"), 3))[1] is True
    with pytest.raises(QuotaExceeded) as caught:
        run(store.insert_video(ORG, video("v3"), 3))
    assert caught.value.quota == 3
    assert "3" in str(caught.value)
    assert run(store.get_video(ORG, "v3")) is None
    # an already tracked one is still answered
    stored, new = run(store.insert_video(ORG, video("v1"), 3))
    assert new is False
    assert stored.id == "v1"
    assert listed(store) == ["v0", "v1", "v2"]


def test_quota_zero_blocks_the_first(store: MemoryStore) -> None:
    with pytest.raises(QuotaExceeded):
        run(store.insert_video(ORG, video("v1"), 0))


def test_no_quota_means_unbounded(store: MemoryStore) -> None:
    for i in range(50):
        assert run(store.insert_video(ORG, video(f"v{i}"), None))[1] is True


def test_videos_are_isolated_per_organization(store: MemoryStore) -> None:
    run(store.insert_video(ORG, video("v1"), None))
    assert run(store.get_video(OTHER_ORG, "v1")) is None
    stored, new = run(store.insert_video(OTHER_ORG, video("v1"), None))
    assert new is True
    assert run(store.get_video(OTHER_ORG, "v1")) is stored


def test_quota_is_counted_per_organization(store: MemoryStore) -> None:
    for i in range(2):
        run(store.insert_video(ORG, video(f"v{i}"), 2))
    with pytest.raises(QuotaExceeded):
        run(store.insert_video(ORG, video("v9"), 2))
    assert run(store.insert_video(OTHER_ORG, video("v9"), 2))[1] is True


def test_insert_from_a_resolved_post_keeps_its_derived_id(store: MemoryStore) -> None:
    tracked = factories.video()
    assert run(store.insert_video(ORG, tracked, None)) == (tracked, True)
    assert run(store.get_video(ORG, tracked.id)) is tracked
    assert run(store.get_video(ORG, tracked.id.upper())) is None  # callers lower-case ids


# --- listing, replacing, untracking --------------------------------------------------


def test_list_of_an_unknown_organization_is_empty(store: MemoryStore) -> None:
    assert list(run(store.list_videos(ORG))) == []


def test_list_is_ordered_by_added_at_whatever_the_insert_order(store: MemoryStore) -> None:
    for name, added in [("c", T0 + 30), ("a", T0 + 10), ("d", T0 + 40), ("b", T0 + 20)]:
        run(store.insert_video(ORG, video(name, added), None))
    assert listed(store) == ["a", "b", "c", "d"]


def test_ties_in_added_at_are_broken_by_id(store: MemoryStore) -> None:
    for name, added in [("z", T0), ("m", T0 + 1), ("b", T0), ("y", T0 + 1), ("a", T0)]:
        run(store.insert_video(ORG, video(name, added), None))
    assert listed(store) == ["a", "b", "z", "m", "y"]


def test_delete_keeps_the_order_of_the_rest(store: MemoryStore) -> None:
    for name, added in [("a", T0), ("b", T0), ("c", T0 + 1), ("d", T0 + 1), ("e", T0 + 2)]:
        run(store.insert_video(ORG, video(name, added), None))
    assert run(store.delete_video(ORG, "b")) is True
    assert listed(store) == ["a", "c", "d", "e"]
    assert run(store.delete_video(ORG, "d")) is True
    assert listed(store) == ["a", "c", "e"]
    assert run(store.get_video(ORG, "b")) is None
    assert run(store.get_video(ORG, "c")) is not None


def test_delete_unknown_or_twice_is_false(store: MemoryStore) -> None:
    assert run(store.delete_video(ORG, "nope")) is False
    run(store.insert_video(ORG, video("v1"), None))
    assert run(store.delete_video(ORG, "v1")) is True
    assert run(store.delete_video(ORG, "v1")) is False
    assert listed(store) == []


def test_tracking_again_after_delete_is_new(store: MemoryStore) -> None:
    run(store.insert_video(ORG, video("v1"), None))
    run(store.delete_video(ORG, "v1"))
    again = video("v1", T0 + 100)
    assert run(store.insert_video(ORG, again, None)) == (again, True)
    assert run(store.get_video(ORG, "v1")) is again


def test_delete_frees_quota(store: MemoryStore) -> None:
    for i in range(2):
        run(store.insert_video(ORG, video(f"v{i}"), 2))
    run(store.delete_video(ORG, "v0"))
    assert run(store.insert_video(ORG, video("v9"), 2))[1] is True
    with pytest.raises(QuotaExceeded):
        run(store.insert_video(ORG, video("v8"), 2))


def test_save_replaces_by_id_in_place(store: MemoryStore) -> None:
    for name, added in [("a", T0), ("b", T0), ("c", T0)]:
        run(store.insert_video(ORG, video(name, added), None))
    replacement = dataclasses.replace(video("b"), metadata={"k": "v"}, updated_at=T0 + 50)
    assert run(store.save_video(ORG, replacement)) is True
    assert run(store.get_video(ORG, "b")) is replacement
    assert listed(store) == ["a", "b", "c"]
    assert run(store.list_videos(ORG))[1] is replacement


def test_save_of_the_same_object_after_mutation(store: MemoryStore) -> None:
    stored = video("a")
    run(store.insert_video(ORG, stored, None))
    stored.metadata = {"k": "v"}
    assert run(store.save_video(ORG, stored)) is True
    got = run(store.get_video(ORG, "a"))
    assert got is not None
    assert got.metadata == {"k": "v"}
    assert listed(store) == ["a"]


def test_save_of_an_untracked_video_is_false_and_inserts_nothing(store: MemoryStore) -> None:
    assert run(store.save_video(ORG, video("ghost"))) is False
    assert run(store.get_video(ORG, "ghost")) is None
    run(store.insert_video(ORG, video("a"), None))
    run(store.delete_video(ORG, "a"))
    assert run(store.save_video(ORG, video("a"))) is False
    assert listed(store) == []


def test_list_save_and_delete_are_per_organization(store: MemoryStore) -> None:
    run(store.insert_video(ORG, video("a", T0), None))
    run(store.insert_video(ORG, video("b", T0 + 1), None))
    run(store.insert_video(OTHER_ORG, video("b", T0 - 1), None))
    assert listed(store) == ["a", "b"]
    assert listed(store, OTHER_ORG) == ["b"]
    assert run(store.save_video(OTHER_ORG, video("a"))) is False
    assert run(store.delete_video(OTHER_ORG, "a")) is False
    assert run(store.delete_video(ORG, "b")) is True
    assert listed(store) == ["a"]
    assert listed(store, OTHER_ORG) == ["b"]
    other = run(store.get_video(OTHER_ORG, "b"))
    assert other is not None
    assert other.added_at == T0 - 1


# (op, organization, id, added_at offset): inserts, saves of fresh copies, deletes.
operation = st.tuples(
    st.sampled_from(["insert", "insert", "save", "delete"]),
    st.sampled_from([ORG, OTHER_ORG]),
    st.sampled_from([f"v{i}" for i in range(8)]),
    st.integers(min_value=0, max_value=3),  # few distinct times: many ties
)


@settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
)
@given(st.lists(operation, max_size=40))
def test_list_always_matches_a_model(ops: list[tuple[str, str, str, int]]) -> None:
    async def scenario() -> None:
        store = MemoryStore()
        model: dict[str, dict[str, VideoState]] = {ORG: {}, OTHER_ORG: {}}
        for op, org, name, offset in ops:
            videos = model[org]
            if op == "insert":
                _, new = await store.insert_video(org, video(name, T0 + offset), None)
                assert new is (name not in videos)
                videos.setdefault(name, video(name, T0 + offset))
            elif op == "save":
                if name in videos:
                    copy = dataclasses.replace(videos[name], updated_at=T0 + 99)
                    assert await store.save_video(org, copy) is True
                    videos[name] = copy
                else:
                    assert await store.save_video(org, video(name, T0 + offset)) is False
            else:
                deleted = await store.delete_video(org, name)
                assert deleted is (videos.pop(name, None) is not None)
            for each in (ORG, OTHER_ORG):
                expected = sorted(model[each].values(), key=lambda v: (v.added_at, v.id))
                got = await store.list_videos(each)
                assert ids(got) == ids(expected)
                assert [v.added_at for v in got] == [v.added_at for v in expected]
                for stored in got:
                    assert await store.get_video(each, stored.id) is stored

    run(scenario())


# --- idempotency ---------------------------------------------------------------------


def begin(
    store: MemoryStore, key: str, fingerprint: bytes, now: float, org: str = ORG
) -> IdempotencyState:
    return run(store.begin_idempotent(org, key, fingerprint, now)).state


def complete(
    store: MemoryStore,
    key: str,
    now: float,
    response: StoredResponse = CREATED,
    org: str = ORG,
    ttl: float = TTL,
) -> None:
    run(store.complete_idempotent(org, key, response, now, ttl))


def test_first_use_is_new(store: MemoryStore) -> None:
    outcome = run(store.begin_idempotent(ORG, "k", b"fp", T0))
    assert outcome.state is IdempotencyState.NEW
    assert outcome.response is None


def test_same_request_while_in_flight(store: MemoryStore) -> None:
    begin(store, "k", b"fp", T0)
    assert begin(store, "k", b"fp", T0 + 1) is IdempotencyState.IN_FLIGHT
    assert begin(store, "k", b"fp", T0 + 2) is IdempotencyState.IN_FLIGHT


def test_other_request_while_in_flight_is_mismatch(store: MemoryStore) -> None:
    begin(store, "k", b"fp", T0)
    assert begin(store, "k", b"other", T0 + 1) is IdempotencyState.MISMATCH


def test_replay_after_completion_returns_the_exact_response(store: MemoryStore) -> None:
    begin(store, "k", b"fp", T0)
    complete(store, "k", T0 + 1)
    outcome = run(store.begin_idempotent(ORG, "k", b"fp", T0 + 2))
    assert outcome.state is IdempotencyState.REPLAY
    assert outcome.response == CREATED
    assert outcome.response is not None
    assert outcome.response.body == b'{"data":{"id":"x"}}'
    assert dict(outcome.response.headers)["Location"] == "/v2/videos/x"
    assert outcome.response.status == 201


def test_other_request_after_completion_is_mismatch(store: MemoryStore) -> None:
    begin(store, "k", b"fp", T0)
    complete(store, "k", T0)
    assert begin(store, "k", b"other", T0 + 1) is IdempotencyState.MISMATCH
    # and the original still replays
    assert begin(store, "k", b"fp", T0 + 2) is IdempotencyState.REPLAY


def test_record_expires_after_ttl(store: MemoryStore) -> None:
    begin(store, "k", b"fp", T0)
    complete(store, "k", T0 + 10)
    assert begin(store, "k", b"fp", T0 + 10 + TTL - 1) is IdempotencyState.REPLAY
    assert begin(store, "k", b"fp", T0 + 10 + TTL + 1) is IdempotencyState.NEW


def test_expired_key_may_be_reused_for_another_request(store: MemoryStore) -> None:
    begin(store, "k", b"fp", T0)
    complete(store, "k", T0)
    assert begin(store, "k", b"other", T0 + TTL + 1) is IdempotencyState.NEW


def test_window_counts_from_completion_not_from_begin(store: MemoryStore) -> None:
    begin(store, "k", b"fp", T0)
    complete(store, "k", T0 + 300)
    assert begin(store, "k", b"fp", T0 + TTL + 100) is IdempotencyState.REPLAY


def test_release_lets_the_key_be_claimed_again(store: MemoryStore) -> None:
    begin(store, "k", b"fp", T0)
    run(store.release_idempotent(ORG, "k"))
    assert begin(store, "k", b"other", T0 + 1) is IdempotencyState.NEW


def test_release_of_unknown_key_is_harmless(store: MemoryStore) -> None:
    run(store.release_idempotent(ORG, "never"))
    assert begin(store, "never", b"fp", T0) is IdempotencyState.NEW


def test_complete_without_begin_stores_nothing(store: MemoryStore) -> None:
    complete(store, "k", T0)
    assert begin(store, "k", b"fp", T0 + 1) is IdempotencyState.NEW


def test_idempotency_keys_are_per_organization(store: MemoryStore) -> None:
    begin(store, "k", b"fp", T0)
    assert begin(store, "k", b"other", T0, org=OTHER_ORG) is IdempotencyState.NEW
    complete(store, "k", T0)
    assert begin(store, "k", b"other", T0 + 1, org=OTHER_ORG) is IdempotencyState.IN_FLIGHT
    assert begin(store, "k", b"fp", T0 + 1) is IdempotencyState.REPLAY


def test_completed_records_are_bounded(store: MemoryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "MAX_IDEMPOTENCY_RECORDS", 3)
    for i in range(6):
        assert begin(store, f"k{i}", b"fp", T0 + i) is IdempotencyState.NEW
        complete(store, f"k{i}", T0 + i)
    # nothing has expired: only the bound evicts; the newest three survive
    assert begin(store, "k5", b"fp", T0 + 10) is IdempotencyState.REPLAY
    assert begin(store, "k4", b"fp", T0 + 10) is IdempotencyState.REPLAY
    assert begin(store, "k3", b"fp", T0 + 10) is IdempotencyState.REPLAY
    for old in ("k0", "k1", "k2"):
        assert begin(store, old, b"fp", T0 + 10) is IdempotencyState.NEW, old


def test_expiry_holds_for_each_record(store: MemoryStore) -> None:
    begin(store, "long", b"fp", T0)
    complete(store, "long", T0, ttl=1000)
    begin(store, "short", b"fp", T0 + 1)
    complete(store, "short", T0 + 1, ttl=10)
    assert begin(store, "short", b"fp", T0 + 100) is IdempotencyState.NEW
