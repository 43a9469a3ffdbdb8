"""What only the Redis store has: its codec, its keys, its atomicity across processes,
its dataset claim, its connections per event loop, and what it does when Redis is gone.

"Replicas" here are separate RedisBackend objects on one prefix, each with its own
connections: to Redis they are as separate as two processes. The real processes are
in tests/test_replicas.py.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import signal
import struct
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.faults import ErrorFault, FaultPlan
from mockserver.store import QuotaExceeded, SessionControl, StoreUnavailable, codec
from mockserver.store import redis_session as redis_store
from mockserver.store.redis import RedisBackend
from tests.redis_server import RedisServer, delete_prefix, free_port, running_redis
from tests.unit import factories
from tests.unit.test_store_contract import CREATED, ORG, T0, entry, video

_prefixes = itertools.count(1)


@pytest.fixture
def prefix(redis_server: RedisServer) -> Iterator[str]:
    name = f"unit{next(_prefixes)}"
    yield name
    delete_prefix(redis_server, name)


def backend(server: RedisServer, prefix: str, **options: object) -> RedisBackend:
    return RedisBackend(server.url, prefix, **options)  # type: ignore[arg-type]


def keys(server: RedisServer, pattern: str = "*") -> set[str]:
    with server.client() as client:
        return {key.decode() for key in client.scan_iter(match=pattern, count=1000)}


# --- codec ---------------------------------------------------------------------------


@given(st.floats(allow_nan=False), st.floats(allow_nan=False))
def test_order_keys_sort_as_the_numbers_do(a: float, b: float) -> None:
    key_a, key_b = codec.order_key(a), codec.order_key(b)
    assert len(key_a) == codec.ORDER_KEY_LENGTH
    assert (key_a < key_b) == (a < b)
    assert (key_a == key_b) == (a == b)  # -0.0 and 0.0 too


def test_order_key_is_the_sign_folded_bits() -> None:
    (bits,) = struct.unpack(">Q", struct.pack(">d", 1.0))
    assert codec.order_key(1.0) == f"{bits | 1 << 63:016x}"
    assert codec.order_key(-math.inf) < codec.order_key(-1e300) < codec.order_key(0.0)


def test_records_round_trip() -> None:
    tracked = factories.video(post=factories.tiktok_post(T0 - 5, 3, username="a.b"))
    assert codec.decode_video(codec.encode_video(tracked)) == tracked
    assert codec.encode_video(tracked).startswith(codec.order_key(tracked.added_at).encode())
    assert codec.decode_entry(codec.encode_entry(entry(2))) == entry(2)
    assert codec.decode_response(codec.encode_response(CREATED)) == CREATED
    # a page comes back as encodings joined by newlines: JSON escapes those in text
    lines = factories.video("v2", metadata={"note": "one\ntwo,\n"})
    joined = b"\n".join([codec.encode_video(tracked), codec.encode_video(lines)])
    assert codec.decode_videos(joined) == [tracked, lines]
    assert codec.decode_videos(b"") == []
    control = SessionControl(FaultPlan((1, 2), (ErrorFault(502, 0.5, 3),), 0.1, True), 1.5, None)
    assert codec.decode_control(codec.encode_control(control)) == control


# --- keys ----------------------------------------------------------------------------


def test_every_key_is_under_the_prefix_and_reset_keeps_neighbours(
    redis_server: RedisServer, prefix: str
) -> None:
    async def scenario() -> None:
        mine, neighbour = backend(redis_server, prefix), backend(redis_server, prefix + "x")
        for each in (mine, neighbour):
            for session in ("default", "other"):
                store = await each.session(session)
                await store.claim_preload()
                await store.insert_video(ORG, video("v1"), None)
                await store.hit_rate_limit("k", 5, 60, T0)
                await store.begin_idempotent(ORG, "key", b"fp", T0)
                await store.record(entry(1), 10)
                await store.set_control(SessionControl(offset=1.0))
                await store.next_sequence()
        await (await mine.session("default")).reset()

    asyncio.run(scenario())
    found = keys(redis_server, f"{prefix}*")
    assert all(key.startswith((f"{prefix}:", f"{prefix}x:")) for key in found)
    base = f"{prefix}:s:default:"
    assert {key for key in found if key.startswith(base)} == {
        base + "seq",
        base + "control",
        base + "journal",
    }
    # the other session and the neighbour's keys are all there
    assert len([k for k in found if k.startswith(f"{prefix}:s:other:")]) == 8
    assert len([k for k in found if k.startswith(f"{prefix}x:")]) == 17


def test_a_prefix_sees_nothing_of_another(redis_server: RedisServer, prefix: str) -> None:
    async def scenario() -> None:
        one = await backend(redis_server, prefix).session("default")
        await one.insert_video(ORG, video("v1"), None)
        other = backend(redis_server, prefix + "y")
        assert await (await other.session("default")).get_video(ORG, "v1") is None
        assert list(await other.sessions()) == ["default"]
        await other.drop("default")
        assert await one.get_video(ORG, "v1") is not None

    asyncio.run(scenario())
    delete_prefix(redis_server, prefix + "y")


# --- atomic across replicas ----------------------------------------------------------


def test_concurrent_inserts_of_one_post_make_one_video(
    redis_server: RedisServer, prefix: str
) -> None:
    async def scenario() -> list[bool]:
        replicas = [await backend(redis_server, prefix).session("s") for _ in range(4)]
        tracked = video("v1")
        found = await asyncio.gather(
            *(replicas[n % 4].insert_video(ORG, tracked, None) for n in range(40))
        )
        assert all(stored == tracked for stored, _ in found)
        return [new for _, new in found]

    assert sorted(asyncio.run(scenario())) == [False] * 39 + [True]


def test_the_quota_holds_for_concurrent_inserts(redis_server: RedisServer, prefix: str) -> None:
    async def insert(store: redis_store.RedisStore, name: str) -> bool:
        try:
            return (await store.insert_video(ORG, video(name), 3))[1]
        except QuotaExceeded:
            return False

    async def scenario() -> list[bool]:
        replicas = [await backend(redis_server, prefix).session("s") for _ in range(2)]
        return await asyncio.gather(*(insert(replicas[n % 2], f"v{n}") for n in range(12)))

    assert sum(asyncio.run(scenario())) == 3


def test_one_claim_per_idempotency_key_and_one_shared_window(
    redis_server: RedisServer, prefix: str
) -> None:
    async def scenario() -> None:
        a = await backend(redis_server, prefix).session("s")
        b = await backend(redis_server, prefix).session("s")
        states = await asyncio.gather(
            *((a, b)[n % 2].begin_idempotent(ORG, "k", b"fp", T0) for n in range(20))
        )
        assert sorted(s.state.value for s in states) == ["in_flight"] * 19 + ["new"]
        windows = await asyncio.gather(
            *((a, b)[n % 2].hit_rate_limit("key", 5, 60, T0) for n in range(8))
        )
        assert sorted(w.remaining for w in windows) == [0, 0, 0, 0, 1, 2, 3, 4]
        assert sum(w.allowed for w in windows) == 5

    asyncio.run(scenario())


# --- the dataset claim ---------------------------------------------------------------


def test_other_replicas_wait_for_a_claimed_dataset(redis_server: RedisServer, prefix: str) -> None:
    async def scenario() -> None:
        loader = await backend(redis_server, prefix).session("s")
        waiter = await backend(redis_server, prefix).session("s")
        assert await loader.claim_preload() is True
        waiting = asyncio.create_task(waiter.claim_preload())
        await asyncio.sleep(0.1)  # several polls of the waiter
        assert not waiting.done()
        await loader.finish_preload()
        assert await asyncio.wait_for(waiting, timeout=5) is False

    asyncio.run(scenario())


def test_a_claim_never_finished_counts_as_loaded(
    redis_server: RedisServer, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A control-plane dataset claims the session and loads its own videos, without
    # finishing: in its own process, the claim counts as loaded once its request is
    # over; elsewhere, at its deadline.
    async def claim(store: redis_store.RedisStore) -> bool:
        return await store.claim_preload()

    same = backend(redis_server, prefix)
    store = asyncio.run(same.session("s"))
    assert asyncio.run(claim(store)) is True
    assert asyncio.run(claim(store)) is False
    monkeypatch.setattr(redis_store, "PRELOAD_LEASE_MS", 1)
    other = asyncio.run(backend(redis_server, prefix).session("t"))
    assert asyncio.run(claim(other)) is True
    elsewhere = asyncio.run(backend(redis_server, prefix).session("t"))
    assert asyncio.run(claim(elsewhere)) is False


def test_a_session_dropped_elsewhere_is_registered_again_when_used(
    redis_server: RedisServer, prefix: str
) -> None:
    async def scenario() -> None:
        a, b = backend(redis_server, prefix), backend(redis_server, prefix)
        store = await a.session("s")
        assert await b.drop("s") is True
        assert list(await a.sessions()) == []
        await store.claim_preload()
        assert list(await b.sessions()) == ["s"]

    asyncio.run(scenario())


# --- connections ---------------------------------------------------------------------


def test_one_backend_serves_loop_after_loop(redis_server: RedisServer, prefix: str) -> None:
    # As TestClient does outside a with block: every request on a new event loop.
    with redis_server.client() as client:
        before = len(client.client_list())
        shared = backend(redis_server, prefix)
        for n in range(5):
            store = asyncio.run(shared.session("default"))
            assert asyncio.run(store.next_sequence()) == n + 1
        # each loop's client was closed when its loop shut down
        assert len(shared._connections._clients) == 0
        assert len(client.client_list()) == before


# --- when Redis is gone --------------------------------------------------------------


def test_an_unreachable_redis_is_store_unavailable() -> None:
    gone = RedisBackend(f"redis://127.0.0.1:{free_port()}/0", "gone")

    async def scenario() -> None:
        with pytest.raises(StoreUnavailable) as caught:
            await gone.ping()
        assert caught.value.store == "redis"
        assert str(caught.value).startswith("store redis unreachable (")
        with pytest.raises(StoreUnavailable):
            await gone.session("default")

    asyncio.run(scenario())


def test_a_store_whose_redis_went_away_raises_and_then_recovers(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    async def scenario(server: RedisServer) -> None:
        # One loop throughout: the pooled connection of before the restart is stale.
        store = await RedisBackend(server.url, "lost").session("default")
        assert (await store.begin_idempotent(ORG, "k", b"fp", T0)).state.value == "new"
        server.stop()
        with pytest.raises(StoreUnavailable):
            await store.next_sequence()
        server.start()
        # acknowledged before the loss, so still there; the stale connection is replaced
        assert (await store.begin_idempotent(ORG, "k", b"fp", T0)).state.value == "in_flight"
        assert await store.next_sequence() == 1

    with running_redis(tmp_path_factory.mktemp("lost"), durable=True) as server:
        asyncio.run(scenario(server))


def test_a_hung_redis_is_store_unavailable_in_bounded_time_then_recovers(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    async def scenario(server: RedisServer) -> None:
        store = await RedisBackend(server.url, "hung").session("default")
        assert await store.next_sequence() == 1
        assert server.process is not None
        server.process.send_signal(signal.SIGSTOP)  # up, connected, and silent
        try:
            # The bound is the store's own (about a second); wait_for only keeps a
            # broken bound from hanging the test.
            with pytest.raises(StoreUnavailable) as caught:
                await asyncio.wait_for(store.next_sequence(), timeout=10)
            assert "no answer within" in str(caught.value)
        finally:
            server.process.send_signal(signal.SIGCONT)
        # the timed-out INCR may have run: it is not sent again, and nothing hangs
        assert await store.next_sequence() in (2, 3)

    with running_redis(tmp_path_factory.mktemp("hung")) as server:
        asyncio.run(scenario(server))


def test_a_caller_that_gives_up_leaves_the_link_in_step(
    redis_server: RedisServer, prefix: str
) -> None:
    async def scenario() -> None:
        store = await backend(redis_server, prefix).session("default")
        await store.set_control(SessionControl(offset=1.0))
        given_up = asyncio.ensure_future(store.get_control())
        await asyncio.sleep(0)  # it has sent its GET and waits for the reply
        assert not given_up.done()
        given_up.cancel()
        answers = await asyncio.gather(store.next_sequence(), store.get_control())
        assert answers == [1, SessionControl(offset=1.0)]
        with pytest.raises(asyncio.CancelledError):
            await given_up

    asyncio.run(scenario())


def test_commands_are_packed_as_resp() -> None:
    from mockserver.store.pipelining import pack

    assert (
        b"".join(pack(("SET", b"k\r\n", 12))) == b"*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$2\r\n12\r\n"
    )
    with pytest.raises(TypeError):
        pack(("SET", "k", 1.5))
    with pytest.raises(TypeError):
        pack(("SET", "k", True))
