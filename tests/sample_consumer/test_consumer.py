"""A consumer's own tests of its CreatorAudit client, against the ``mockserver`` fixture.

The fixture comes from the plugin the ``mockserver`` package installs; every test gets
its own session of one shared mock, so nothing here cleans up after itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from creator_client import CreatorAuditClient, CreatorAuditError

from mockserver.testing import MockServer

REEL = "https://www.instagram.com/reel/BqvsDleB3lV/"
TIKTOK = "https://www.tiktok.com/@scout2015/video/6718335390845095173"


@pytest.fixture
def waits() -> list[float]:
    """The waits the client asked for, instead of sleeping through them."""
    return []


@pytest.fixture
def creator(mockserver: MockServer, waits: list[float]) -> Iterator[CreatorAuditClient]:
    with CreatorAuditClient(
        mockserver.keys.full,
        base_url=mockserver.url,
        transport=mockserver.transport,
        max_wait=5.0,
        sleep=waits.append,
    ) as client:
        yield client


def test_tracking_sends_one_request_and_creates_one_video(
    creator: CreatorAuditClient, mockserver: MockServer
) -> None:
    video = creator.track("instagram", REEL, campaign="summer")

    assert creator.get(video.id) == video
    posts = mockserver.journal.entries(operation="trackVideo", body={"identifier": REEL})
    assert [(entry["method"], entry["status"]) for entry in posts] == [("POST", 201)]
    assert posts[0]["body"]["metadata"] == {"campaign": "summer"}


def test_a_503_is_retried_after_the_time_the_server_asks_for(mockserver: MockServer) -> None:
    # Every request fails, asking for 7 s; the first wait "heals" the upstream.
    mockserver.faults.set(errors={503: (1.0, 7)})
    waits: list[float] = []

    def wait_then_recover(seconds: float) -> None:
        waits.append(seconds)
        mockserver.faults.clear()

    with CreatorAuditClient(
        mockserver.keys.full,
        base_url=mockserver.url,
        transport=mockserver.transport,
        max_wait=5.0,
        sleep=wait_then_recover,
    ) as creator:
        video = creator.track("tiktok", TIKTOK)

    assert video.platform == "tiktok"
    assert waits == [5.0]  # Retry-After: 7, capped by max_wait
    attempts = mockserver.journal.entries(operation="trackVideo")
    assert [entry["status"] for entry in attempts] == [503, 201]
    assert [entry["fault"] for entry in attempts] == ["error", None]
    keys = {entry["headers"]["idempotency-key"] for entry in attempts}
    assert len(keys) == 1  # a retry is the same request, safe to repeat


def test_gives_up_after_three_retries(
    creator: CreatorAuditClient, mockserver: MockServer, waits: list[float]
) -> None:
    mockserver.faults.set(errors={502: 1.0})

    with pytest.raises(CreatorAuditError) as raised:
        creator.track("instagram", REEL)

    assert raised.value.status == 502
    assert mockserver.journal.count(operation="trackVideo", status=502) == 4
    assert len(waits) == 3


def test_a_day_later_the_video_has_been_refreshed(
    creator: CreatorAuditClient, mockserver: MockServer
) -> None:
    tracked = creator.track("instagram", REEL)
    assert tracked.last_scrape_time is not None

    mockserver.clock.advance(timedelta(days=1, minutes=1))
    later = creator.get(tracked.id)

    assert later.last_scrape_time is not None
    assert later.last_scrape_time > tracked.last_scrape_time
    assert later.view_count is not None
    assert tracked.view_count is not None
    assert later.view_count >= tracked.view_count


@pytest.mark.mockserver(empty=True)
@pytest.mark.parametrize("identifier", [REEL, "https://www.instagram.com/p/DViTm2NaLcx/"])
def test_each_test_sees_only_its_own_videos(creator: CreatorAuditClient, identifier: str) -> None:
    # Both cases share one server; in one session, the second would list two videos.
    video = creator.track("instagram", identifier)

    assert [v.id for v in creator.videos()] == [video.id]


def test_lists_every_page(creator: CreatorAuditClient, mockserver: MockServer) -> None:
    videos = list(creator.videos(page_size=10))

    assert len(videos) == len({v.id for v in videos}) > 10  # the preloaded dataset
    pages = -(-len(videos) // 10)
    assert mockserver.journal.count(operation="listVideos") == pages


def test_a_read_only_key_cannot_track(mockserver: MockServer) -> None:
    with (
        CreatorAuditClient(
            mockserver.keys.readonly, base_url=mockserver.url, transport=mockserver.transport
        ) as reader,
        pytest.raises(CreatorAuditError) as raised,
    ):
        reader.track("instagram", REEL)

    assert (raised.value.status, raised.value.code) == (403, "INSUFFICIENT_SCOPE")


@pytest.mark.mockserver(socket=True)
def test_works_over_a_real_socket(mockserver: MockServer) -> None:
    # No transport: the client connects like it would to the real API.
    with CreatorAuditClient(
        mockserver.keys.full, base_url=mockserver.url, headers=mockserver.headers
    ) as client:
        video = client.track("instagram", REEL)
        assert client.get(video.id).id == video.id

    assert mockserver.url.startswith("http://127.0.0.1:")
    assert mockserver.journal.count(operation="trackVideo", status=201) == 1
