"""POST /videos/deltas and /videos/metrics against the videos' own history, over HTTP.

CONTRACT 7.3 and openapi.yaml ``getVideoDeltas``/``getVideoMetrics``: a delta of N days
is the change of ``view_count`` between now and N days ago, as the refreshes saw it (so
exactly the difference of two GETs N days apart); a period's metrics are the count at
its end minus the count at its start; before a video's first refresh its first refreshed
count stands in; never refreshed: null delta. The app runs on a manual clock, empty.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import app_for, create_app, with_backend
from mockserver.clock import ManualClock
from mockserver.conformance import Conformance
from mockserver.context import Services
from mockserver.generation import ContentGenerator
from mockserver.settings import Settings
from mockserver.store import MemoryBackend
from tests.checks import conforms_to
from tests.unit.factories import DAY, HOUR, NOW, NOW_DT, find_post

FULL = {"Authorization": "Bearer ca_test_full"}  # Acme, admin (fixtures/keys.yaml)
OTHER = {"Authorization": "Bearer ca_test_other"}  # Globex
TODAY = NOW_DT.date()  # 2026-06-14; NOW is 09:30 UTC
MISSING = "00000000-0000-4000-8000-000000000000"
GENERATOR = ContentGenerator(Settings().seed)  # the app's own content


class Client:
    """A TestClient on a fresh empty app, with its clock and the document's checks."""

    def __init__(self, services: Services) -> None:
        self.clock = ManualClock(NOW_DT)
        # One compiled build per module; each client gets a fresh store and clock.
        fresh = with_backend(dataclasses.replace(services, clock=self.clock), MemoryBackend())
        app = app_for(fresh)
        self.http = TestClient(app, raise_server_exceptions=True)
        conformance = Conformance(services.spec)

        check = conforms_to(conformance)
        self.http.event_hooks["response"] = [check]

    def track(self, identifier: str, platform: str = "tiktok", **fields: Any) -> dict[str, Any]:
        body = {"platform": platform, "identifier": identifier, **fields}
        response = self.http.post("/v2/videos", json=body, headers=FULL)
        assert response.status_code == 201, response.text
        return dict(response.json()["data"])

    def video(self, video_id: str) -> dict[str, Any]:
        response = self.http.get(f"/v2/videos/{video_id}", headers=FULL)
        assert response.status_code == 200, response.text
        return dict(response.json()["data"])

    def deltas(self, ids: list[str], windows: list[int]) -> dict[str, Any]:
        body = {"video_ids": ids, "windows": windows}
        response = self.http.post("/v2/videos/deltas", json=body, headers=FULL)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def metrics(self, ids: list[str], **fields: Any) -> dict[str, Any]:
        body = {"video_ids": ids, **fields}
        response = self.http.post("/v2/videos/metrics", json=body, headers=FULL)
        assert response.status_code == 200, response.text
        return dict(response.json())


MakeClient = Callable[..., Client]


@pytest.fixture(scope="module")
def services() -> Services:
    app = create_app(Settings(empty=True), clock=ManualClock(NOW_DT))
    built: Services = app.state.services
    return built


@pytest.fixture
def make_client(services: Services) -> Iterator[MakeClient]:
    made: list[Client] = []

    def make(**settings: Any) -> Client:
        changed = dataclasses.replace(services.settings, **settings)
        client = Client(dataclasses.replace(services, settings=changed))
        made.append(client)
        return client

    yield make
    for client in made:
        client.http.close()


def fresh_tiktok(n: int, hours_old: float = 2) -> str:
    """The id of an available TikTok video published ``hours_old`` before NOW (so it still
    gains views for days); ``n`` tells such posts apart."""
    post = find_post(GENERATOR, created=NOW - hours_old * HOUR, media_type="video", start=n * 100)
    return post.external_id


def day_of(offset_days: int) -> date:
    return TODAY + timedelta(days=offset_days)


def follow(client: Client, video_id: str, days: int, step: float = DAY) -> dict[float, int]:
    """``view_count`` read by GET every ``step`` for ``days`` days, by seconds since NOW."""
    seen: dict[float, int] = {}
    elapsed = 0.0
    while elapsed <= days * DAY:
        seen[elapsed] = client.video(video_id)["view_count"]
        client.clock.advance(step)
        elapsed += step
    client.clock.advance(-step)  # stay at the last reading
    return seen


def test_deltas_are_differences_of_view_count(make_client: MakeClient) -> None:
    client = make_client()
    tracked = client.track(fresh_tiktok(1))
    video_id = tracked["id"]
    seen = follow(client, video_id, 12, step=DAY / 2)
    now = 12 * DAY
    assert seen[now] > seen[0], "pick a post that still grows"
    answer = client.deltas([video_id], [7, 1, 10, 7, 3])
    assert answer["meta"] == {"windows": [1, 3, 7, 10], "video_count": 1, "not_found": []}
    assert answer["data"] == {
        video_id: {f"{n}d": seen[now] - seen[now - n * DAY] for n in (1, 3, 7, 10)}
    }


def test_deltas_between_refreshes(make_client: MakeClient) -> None:
    client = make_client()
    video_id = client.track(fresh_tiktok(2), scrape_interval_hours=36)["id"]
    seen = follow(client, video_id, 9, step=6 * HOUR)
    for now in (9 * DAY, 9 * DAY - 6 * HOUR):
        client.clock.advance(now - (client.clock.now() - NOW))
        answer = client.deltas([video_id], [1, 2, 7])
        assert answer["data"][video_id] == {
            f"{n}d": seen[now] - seen[now - n * DAY] for n in (1, 2, 7)
        }, now


def test_before_the_first_refresh_its_count_stands_in(make_client: MakeClient) -> None:
    client = make_client(first_refresh_delay=3 * HOUR)
    video_id = client.track(fresh_tiktok(3))["id"]
    assert client.deltas([video_id], [1])["data"] == {video_id: {"1d": None}}
    client.clock.advance(3 * HOUR)
    first = client.video(video_id)
    assert first["first_scrape_time"] is not None
    client.clock.advance(5 * DAY)
    now = client.video(video_id)["view_count"]
    answer = client.deltas([video_id], [1, 30, 365])
    yesterday = now - answer["data"][video_id]["1d"]
    assert answer["data"][video_id]["30d"] == now - first["view_count"]
    assert answer["data"][video_id]["365d"] == now - first["view_count"]
    assert first["view_count"] <= yesterday <= now


def test_never_refreshed_video_has_null_deltas(make_client: MakeClient) -> None:
    client = make_client()
    video_id = client.track(fresh_tiktok(4), is_active=False)["id"]
    client.clock.advance(10 * DAY)
    answer = client.deltas([video_id], [1, 7])
    assert answer["data"] == {video_id: {"1d": None, "7d": None}}


def test_unknown_foreign_and_repeated_ids(make_client: MakeClient) -> None:
    client = make_client()
    mine = client.track(fresh_tiktok(5))["id"]
    foreign = client.http.post(
        "/v2/videos", json={"platform": "tiktok", "identifier": fresh_tiktok(6)}, headers=OTHER
    ).json()["data"]["id"]
    client.clock.advance(DAY)
    ids = [mine.upper(), MISSING, foreign, mine]
    deltas = client.deltas(ids, [1])
    assert list(deltas["data"]) == [mine]
    assert deltas["meta"] == {"windows": [1], "video_count": 1, "not_found": [MISSING, foreign]}
    metrics = client.metrics(ids, period="7d")
    assert list(metrics["data"]) == [mine]
    assert metrics["meta"]["not_found"] == [MISSING, foreign]


def daily_counts(client: Client, video_id: str, days: int) -> dict[date, dict[str, Any]]:
    """Each day's video as read right after its 09:30 refresh: the counts of its end."""
    counts: dict[date, dict[str, Any]] = {}
    for offset in range(days + 1):
        if offset:
            client.clock.advance(DAY)
        counts[day_of(offset)] = client.video(video_id)
    return counts


def gain(counts: dict[date, dict[str, Any]], start: date, end: date, field: str) -> int:
    """The count at the end of ``end`` minus the count at the end of the day before
    ``start``; before tracking, the first refreshed count stands in."""

    def at_end_of(day: date) -> int:
        return int(counts[max(day, min(counts))][field])

    return at_end_of(end) - at_end_of(start - timedelta(days=1))


METRIC_FIELDS = {
    "views": "view_count",
    "plays": "play_count",
    "likes": "like_count",
    "comments": "comment_count",
    "shares": "share_count",
}
# (first, last) day of a custom period, in days after the tracking day
PERIODS = [(3, 6), (1, 1), (5, 12), (-5, 4), (0, 12), (-30, -10), (12, 12), (0, 0), (-1, 0)]


def test_custom_period_is_the_gain_between_the_days_counts(make_client: MakeClient) -> None:
    client = make_client()
    video_id = client.track(fresh_tiktok(7))["id"]
    counts = daily_counts(client, video_id, 12)
    client.clock.advance(2 * HOUR)  # later on the last day: nothing new until tomorrow
    assert counts[day_of(12)]["view_count"] > counts[day_of(0)]["view_count"]
    for start, end in PERIODS:
        first, last = day_of(start), day_of(end)
        answer = client.metrics(
            [video_id], period="custom", start_date=first.isoformat(), end_date=last.isoformat()
        )
        assert answer["meta"] == {
            "period": "custom",
            "start_date": first.isoformat(),
            "end_date": last.isoformat(),
            "days": end - start + 1,
            "not_found": [],
        }
        got = answer["data"][video_id]
        for name, field in METRIC_FIELDS.items():
            assert got[name] == gain(counts, first, last, field), (start, end, name)
        engaged = got["likes"] + got["comments"] + got["shares"]
        expected = round(engaged / got["views"], 6) if got["views"] else 0.0
        assert got["engagement"] == pytest.approx(expected), (start, end)


def test_seven_days_ending_today_equal_the_seven_day_delta(make_client: MakeClient) -> None:
    client = make_client()
    video_id = client.track(fresh_tiktok(8))["id"]
    counts = daily_counts(client, video_id, 10)
    answer = client.metrics([video_id], period="7d")
    assert answer["meta"]["start_date"] == day_of(4).isoformat()
    assert answer["meta"]["end_date"] == day_of(10).isoformat()
    assert answer["meta"]["days"] == 7
    views = answer["data"][video_id]["views"]
    assert views == gain(counts, day_of(4), day_of(10), "view_count")
    assert views == client.deltas([video_id], [7])["data"][video_id]["7d"]


def test_instagram_image_has_no_plays(make_client: MakeClient) -> None:
    client = make_client()
    post = find_post(GENERATOR, "instagram", NOW - 2 * HOUR, media_type="IMAGE")
    video_id = client.track(post.external_id, platform="instagram")["id"]
    counts = daily_counts(client, video_id, 3)
    first, last = day_of(1).isoformat(), day_of(3).isoformat()
    answer = client.metrics([video_id], period="custom", start_date=first, end_date=last)
    got = answer["data"][video_id]
    assert got["plays"] is None
    assert got["views"] == gain(counts, day_of(1), day_of(3), "view_count")
    assert got["likes"] == gain(counts, day_of(1), day_of(3), "like_count")


# --- history as the API shows it around a PATCH ----------------------------------------


@pytest.mark.parametrize(
    ("days_later", "change"),
    [(0, {"scrape_interval_hours": 12}), (0, {"is_active": False}), (3, {"is_active": False})],
    ids=["interval-right-after-tracking", "pause-right-after-tracking", "pause-at-a-refresh"],
)
def test_patch_never_changes_what_was_already_shown(
    make_client: MakeClient, days_later: int, change: dict[str, Any]
) -> None:
    client = make_client()
    video_id = client.track(fresh_tiktok(9, hours_old=1))["id"]
    client.clock.advance(days_later * DAY)
    shown = client.video(video_id)
    response = client.http.patch(f"/v2/videos/{video_id}", json=change, headers=FULL)
    assert response.status_code == 200
    patched = response.json()["data"]
    for field in ("first_scrape_time", "last_scrape_time", "view_count", "like_count"):
        assert patched[field] == shown[field], field


def test_patch_off_the_refresh_grid_keeps_the_counts(make_client: MakeClient) -> None:
    client = make_client()
    video_id = client.track(fresh_tiktok(10, hours_old=1))["id"]
    client.clock.advance(3 * DAY + HOUR)
    shown = client.video(video_id)
    paused = client.http.patch(f"/v2/videos/{video_id}", json={"is_active": False}, headers=FULL)
    assert paused.status_code == 200
    for field in ("last_scrape_time", "view_count", "like_count"):
        assert paused.json()["data"][field] == shown[field], field
    client.clock.advance(5 * DAY)
    later = client.video(video_id)
    assert later["view_count"] == shown["view_count"]
    assert client.deltas([video_id], [1, 5])["data"][video_id] == {"1d": 0, "5d": 0}
