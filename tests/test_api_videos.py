"""The videos resource beyond tracking: list, update, untrack, metrics, deltas (CONTRACT 7.3)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from mockserver.responses import etag
from tests.conftest import FULL, NOW, OTHER, READONLY, MockClient

DAY = 86_400
# A TikTok post published a day before the tests' clock: young posts still grow fast
# (ids carry their creation second in the high 32 bits).
FRESH = str(((int(NOW.timestamp()) - DAY) << 32) | 0x2A2A)


@pytest.fixture
def empty(make_client: Callable[..., MockClient]) -> MockClient:
    return make_client(empty=True)


def track(client: MockClient, identifier: str, platform: str = "tiktok", **body: Any) -> Any:
    response = client.post(
        "/v2/videos", json={"platform": platform, "identifier": identifier, **body}, headers=FULL
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


def walk(client: MockClient, query: str, headers: dict[str, str] = FULL) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url = f"/v2/videos?{query}"
    while True:
        page = client.get(url, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["data"]
        cursor = body["pagination"]["next_cursor"]
        assert body["pagination"]["has_next"] is (cursor is not None)
        if cursor is None:
            assert 'rel="next"' not in page.headers["link"]
            return items
        assert 'rel="next"' in page.headers["link"]
        url = f"/v2/videos?{query}&cursor={cursor}"


# --- list ----------------------------------------------------------------------------


def test_list_defaults_newest_first(empty: MockClient) -> None:
    ids = []
    for n in range(1, 4):
        ids.append(track(empty, str(n))["id"])
        empty.clock.advance(60)
    page = empty.get("/v2/videos", headers=FULL)
    body = page.json()
    assert [v["id"] for v in body["data"]] == ids[::-1]
    assert body["pagination"] == {"next_cursor": None, "has_next": False, "limit": 50}
    assert body["filters"] == {"order_by": "added_at", "order_direction": "desc"}
    assert page.headers["link"] == (
        "<http://127.0.0.1:4010/v2/videos?limit=50&order_by=added_at&order_direction=desc>;"
        ' rel="first"'
    )


def test_walk_with_limit_one_visits_each_once_in_order(empty: MockClient) -> None:
    for n in range(1, 8):
        track(empty, str(n))  # frozen clock: all tie on added_at, broken by id
    everything = empty.get("/v2/videos?limit=200", headers=FULL).json()["data"]
    walked = walk(empty, "limit=1")
    assert [v["id"] for v in walked] == [v["id"] for v in everything]
    assert [v["id"] for v in walked] == sorted((v["id"] for v in walked), reverse=True)


@pytest.mark.parametrize(
    "order_by", ["added_at", "create_time", "view_count", "like_count", "play_count"]
)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_sort_walks_completely(client: MockClient, order_by: str, direction: str) -> None:
    query = f"order_by={order_by}&order_direction={direction}&limit=7"
    walked = walk(client, query)
    assert len(walked) == len({v["id"] for v in walked})
    whole = client.get(f"/v2/videos?{query.replace('limit=7', 'limit=200')}", headers=FULL)
    assert [v["id"] for v in walked] == [v["id"] for v in whole.json()["data"]]
    values = [(-1 if v[order_by] is None else v[order_by], v["id"]) for v in walked]
    assert values == sorted(values, reverse=direction == "desc")


def test_legacy_sort_and_order_by_precedence(client: MockClient) -> None:
    legacy = client.get("/v2/videos?sort=-view_count&limit=200", headers=FULL).json()
    modern = client.get("/v2/videos?order_by=view_count&limit=200", headers=FULL).json()
    assert legacy["data"] == modern["data"]
    assert legacy["filters"] == {"order_by": "view_count", "order_direction": "desc"}
    both = client.get("/v2/videos?sort=view_count&order_by=added_at", headers=FULL).json()
    assert both["filters"]["order_by"] == "added_at"
    ascending = client.get("/v2/videos?sort=create_time&limit=200", headers=FULL).json()
    assert ascending["filters"]["order_direction"] == "asc"


def test_filters_combine(client: MockClient) -> None:
    everything = walk(client, "limit=200")
    tiktok_inactive = walk(client, "platform=tiktok&is_active=false")
    expected = [v for v in everything if v["platform"] == "tiktok" and not v["is_active"]]
    assert tiktok_inactive == expected
    page = client.get("/v2/videos?platform=tiktok&is_active=false", headers=FULL).json()
    assert page["filters"]["platform"] == "tiktok"
    assert page["filters"]["is_active"] is False


def test_q_matches_caption_or_username_case_insensitively(empty: MockClient) -> None:
    video = track(empty, "https://www.tiktok.com/@Scout.Dog/video/6718335390845095173")
    username = video["account_username"]
    for q in (username.upper(), username[1:4]):
        response = empty.get("/v2/videos", params={"q": q}, headers=FULL)
        assert response.status_code == 200, response.text
        assert [v["id"] for v in response.json()["data"]] == [video["id"]], q
    assert empty.get("/v2/videos?q=zzzzzz-nothing", headers=FULL).json()["data"] == []


def test_include_total(client: MockClient) -> None:
    page = client.get("/v2/videos?limit=2&include_total=true", headers=FULL).json()
    assert page["pagination"]["total_count"] == len(walk(client, "limit=200"))
    assert "total_count" not in client.get("/v2/videos", headers=FULL).json()["pagination"]


def test_empty_result(empty: MockClient) -> None:
    body = empty.get("/v2/videos", headers=FULL).json()
    assert body["data"] == []
    assert body["pagination"]["has_next"] is False


def test_cursor_is_bound_to_filters_and_sort(empty: MockClient) -> None:
    for n in range(1, 4):
        track(empty, str(n))
    cursor = empty.get("/v2/videos?limit=1", headers=FULL).json()["pagination"]["next_cursor"]
    for other in ("platform=tiktok", "order_by=view_count", "sort=added_at", "is_active=true"):
        response = empty.get(f"/v2/videos?limit=1&{other}&cursor={cursor}", headers=FULL)
        assert response.status_code == 422, other
        assert response.json()["errors"][0]["field"] == "cursor"
    # A different limit is fine.
    assert empty.get(f"/v2/videos?limit=5&cursor={cursor}", headers=FULL).status_code == 200


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),
        lambda c: ("A" if c[0] != "A" else "B") + c[1:],
        lambda c: c.split(".")[0],
        lambda c: "not-a-cursor",
        lambda c: "%%%",
    ],
)
def test_corrupted_cursor_is_422(empty: MockClient, mangle: Callable[[str], str]) -> None:
    for n in range(1, 3):
        track(empty, str(n))
    cursor = empty.get("/v2/videos?limit=1", headers=FULL).json()["pagination"]["next_cursor"]
    response = empty.get("/v2/videos", params={"cursor": mangle(cursor)}, headers=FULL)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_foreign_cursor_never_leaks(client: MockClient) -> None:
    cursor = client.get("/v2/videos?limit=1", headers=FULL).json()["pagination"]["next_cursor"]
    response = client.get("/v2/videos", params={"cursor": cursor}, headers=OTHER)
    assert response.status_code == 422


def test_walk_is_a_snapshot(empty: MockClient) -> None:
    for n in range(1, 4):
        track(empty, str(n))
    first = empty.get("/v2/videos?limit=2", headers=FULL).json()
    empty.clock.advance(10)
    track(empty, "4")  # added after the walk began: not in this walk
    rest = empty.get(
        f"/v2/videos?limit=2&cursor={first['pagination']['next_cursor']}", headers=FULL
    ).json()
    seen = [v["id"] for v in first["data"] + rest["data"]]
    assert len(seen) == len(set(seen)) == 3


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=201",
        "limit=x",
        "platform=myspace",
        "is_active=maybe",
        "order_by=title",
        "order_direction=up",
        "sort=-title",
        "account_id=nope",
        "q=",
    ],
)
def test_bad_list_parameters_are_422(client: MockClient, query: str) -> None:
    response = client.get(f"/v2/videos?{query}", headers=FULL)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == query.split("=")[0]


def test_list_limits_200_and_etag(client: MockClient) -> None:
    page = client.get("/v2/videos?limit=200", headers=FULL)
    assert page.status_code == 200
    again = client.get(
        "/v2/videos?limit=200", headers={**FULL, "If-None-Match": page.headers["etag"]}
    )
    assert again.status_code == 304


def test_list_is_isolated(client: MockClient) -> None:
    acme = {v["id"] for v in walk(client, "limit=200")}
    globex = {v["id"] for v in walk(client, "limit=200", OTHER)}
    assert acme
    assert not acme & globex


def test_one_videos_etag_is_its_bodys_and_follows_every_change(empty: MockClient) -> None:
    # The tag of a single video is cached with its rendering: it must still be the hash
    # of the exact bytes sent, and a new one whenever the video shows something new.
    video = track(empty, FRESH)
    url = f"/v2/videos/{video['id']}"

    def get() -> tuple[str, bytes]:
        response = empty.get(url, headers=FULL)
        assert response.status_code == 200
        assert response.headers["etag"] == etag(response.content)
        return response.headers["etag"], response.content

    first, body = get()
    assert get() == (first, body)  # served from the cache: the same tag and bytes
    replay = empty.get(url, headers={**FULL, "If-None-Match": first})
    assert replay.status_code == 304
    assert replay.headers["etag"] == first
    empty.clock.advance(DAY)  # a refresh: new counts
    refreshed, _ = get()
    assert refreshed != first
    patched = empty.patch(url, json={"metadata": {"k": "v"}}, headers=FULL)
    assert patched.status_code == 200
    changed, _ = get()
    assert changed not in (first, refreshed)
    stale = empty.get(url, headers={**FULL, "If-None-Match": refreshed})
    assert stale.status_code == 200


# --- update --------------------------------------------------------------------------


def test_patch_changes_fields_and_updated_at(empty: MockClient) -> None:
    video = track(empty, "1", metadata={"a": "1"})
    empty.clock.advance(3600)
    response = empty.patch(
        f"/v2/videos/{video['id']}",
        json={"scrape_interval_hours": 12, "metadata": {"b": "2"}},
        headers=FULL,
    )
    assert response.status_code == 200
    updated = response.json()["data"]
    assert updated["scrape_interval_hours"] == 12
    assert updated["metadata"] == {"b": "2"}
    assert updated["updated_at"] == "2026-06-14T10:30:00Z"
    assert updated["added_at"] == video["added_at"]
    assert empty.get(f"/v2/videos/{video['id']}", headers=FULL).json()["data"] == updated


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"is_active": "no"},
        {"scrape_interval_hours": 5},
        {"title": "x"},
        {"metadata": {"k": 1}},
        [],
    ],
)
def test_patch_validation(empty: MockClient, body: Any) -> None:
    video = track(empty, "1")
    response = empty.patch(f"/v2/videos/{video['id']}", json=body, headers=FULL)
    assert response.status_code == 422


def test_patch_isolation_and_scope(empty: MockClient) -> None:
    video = track(empty, "1")
    path = f"/v2/videos/{video['id']}"
    assert empty.patch(path, json={"is_active": False}, headers=OTHER).status_code == 404
    assert empty.patch(path, json={"is_active": False}, headers=READONLY).status_code == 403
    assert empty.get(path, headers=FULL).json()["data"]["is_active"] is True
    missing = empty.patch(f"/v2/videos/{uuid.uuid4()}", json={"is_active": False}, headers=FULL)
    assert missing.status_code == 404


# --- untrack -------------------------------------------------------------------------


def test_delete_then_404_then_retrack_is_201(empty: MockClient) -> None:
    video = track(empty, "1")
    path = f"/v2/videos/{video['id']}"
    assert empty.delete(path, headers=OTHER).status_code == 404
    assert empty.delete(path, headers=READONLY).status_code == 403
    deleted = empty.delete(path, headers=FULL)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert empty.get(path, headers=FULL).status_code == 404
    assert empty.delete(path, headers=FULL).status_code == 404
    empty.clock.advance(60)
    again = track(empty, "1")
    assert again["id"] == video["id"]
    assert again["added_at"] != video["added_at"]


# --- the living dataset --------------------------------------------------------------


def test_counts_grow_on_refresh_and_freeze_when_inactive(empty: MockClient) -> None:
    video = track(empty, f"https://www.tiktok.com/@a/video/{FRESH}", scrape_interval_hours=6)
    path = f"/v2/videos/{video['id']}"
    seen = [video]
    for _ in range(6):
        empty.clock.advance(6 * 3600)
        seen.append(empty.get(path, headers=FULL).json()["data"])
    views = [v["view_count"] for v in seen]
    assert views == sorted(views)
    assert views[-1] > views[0]
    assert [v["last_scrape_time"] for v in seen] == sorted({v["last_scrape_time"] for v in seen})
    # Between refreshes nothing moves.
    empty.clock.advance(3600)
    assert empty.get(path, headers=FULL).json()["data"]["view_count"] == views[-1]
    paused = empty.patch(path, json={"is_active": False}, headers=FULL).json()["data"]
    empty.clock.advance(30 * DAY)
    frozen = empty.get(path, headers=FULL).json()["data"]
    assert frozen["view_count"] == paused["view_count"]
    assert frozen["last_scrape_time"] == paused["last_scrape_time"]


def test_first_refresh_delay_keeps_metrics_pending(make_client: Callable[..., MockClient]) -> None:
    client = make_client(empty=True, first_refresh_delay=120.0)
    video = track(client, "7301234567890123456")
    assert video["last_scrape_time"] is None
    assert video["view_count"] is None
    assert video["description"] is None
    client.clock.advance(119)
    assert (
        client.get(f"/v2/videos/{video['id']}", headers=FULL).json()["data"]["view_count"] is None
    )
    client.clock.advance(1)
    ready = client.get(f"/v2/videos/{video['id']}", headers=FULL).json()["data"]
    assert ready["last_scrape_time"] == "2026-06-14T09:32:00Z"
    assert ready["first_scrape_time"] == ready["last_scrape_time"]


# --- metrics and deltas --------------------------------------------------------------


def test_deltas_equal_view_count_differences(empty: MockClient) -> None:
    video = track(empty, FRESH, scrape_interval_hours=6)
    path = f"/v2/videos/{video['id']}"
    readings = {}
    for day in range(0, 9):
        readings[day] = empty.get(path, headers=FULL).json()["data"]["view_count"]
        if day < 8:
            empty.clock.advance(DAY)
    unknown = str(uuid.uuid4())
    response = empty.post(
        "/v2/videos/deltas",
        json={"video_ids": [video["id"], unknown, video["id"]], "windows": [7, 1, 7]},
        headers=READONLY,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"windows": [1, 7], "video_count": 1, "not_found": [unknown]}
    assert body["data"][video["id"]] == {
        "1d": readings[8] - readings[7],
        "7d": readings[8] - readings[1],
    }


def test_metrics_over_a_custom_period(empty: MockClient) -> None:
    video = track(empty, FRESH)  # 2026-06-14 09:30, refreshed daily at 09:30
    path = f"/v2/videos/{video['id']}"
    readings = {}
    for moment in ("2026-06-15T00:00:00", "2026-06-21T00:00:00"):
        target = datetime.fromisoformat(moment).replace(tzinfo=UTC).timestamp()
        empty.clock.advance(target - empty.clock.now())
        readings[moment] = empty.get(path, headers=FULL).json()["data"]
    empty.clock.advance(3 * DAY)
    response = empty.post(
        "/v2/videos/metrics",
        json={
            "video_ids": [video["id"]],
            "period": "custom",
            "start_date": "2026-06-15",
            "end_date": "2026-06-20",
        },
        headers=READONLY,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {
        "period": "custom",
        "start_date": "2026-06-15",
        "end_date": "2026-06-20",
        "days": 6,
        "not_found": [],
    }
    before, after = readings["2026-06-15T00:00:00"], readings["2026-06-21T00:00:00"]
    summary = body["data"][video["id"]]
    assert summary["views"] == after["view_count"] - before["view_count"] > 0
    assert summary["likes"] == after["like_count"] - before["like_count"]
    assert summary["plays"] == after["play_count"] - before["play_count"]
    engaged = summary["likes"] + summary["comments"] + summary["shares"]
    assert summary["engagement"] == round(engaged / summary["views"], 6)
    default = empty.post("/v2/videos/metrics", json={"video_ids": [video["id"]]}, headers=FULL)
    assert default.json()["meta"]["period"] == "30d"
    assert default.json()["meta"]["end_date"] == "2026-06-24"
    assert default.json()["meta"]["days"] == 30


@pytest.mark.parametrize(
    "body",
    [
        {"video_ids": []},
        {"video_ids": ["nope"]},
        {"video_ids": [str(uuid.uuid4())], "period": "1y"},
        {"video_ids": [str(uuid.uuid4())], "period": "custom"},
        {"video_ids": [str(uuid.uuid4())], "period": "7d", "start_date": "2026-01-01"},
        {"video_ids": [str(uuid.uuid4())] * 201},
    ],
)
def test_metrics_validation(client: MockClient, body: Any) -> None:
    assert client.post("/v2/videos/metrics", json=body, headers=FULL).status_code == 422


@pytest.mark.parametrize("windows", [[], [0], [366], list(range(1, 12)), ["7"]])
def test_deltas_validation(client: MockClient, windows: Any) -> None:
    body = {"video_ids": [str(uuid.uuid4())], "windows": windows}
    assert client.post("/v2/videos/deltas", json=body, headers=FULL).status_code == 422


# --- the preloaded dataset -----------------------------------------------------------


def test_preloaded_dataset_is_rich(client: MockClient) -> None:
    videos = walk(client, "limit=200")
    assert len(videos) >= 40
    assert {v["platform"] for v in videos} == {"instagram", "tiktok"}
    assert len({v["media_type"] for v in videos if v["media_type"]}) >= 3
    assert any(not v["is_active"] for v in videos)
    assert any(v["is_unavailable"] for v in videos)
    assert max(v["view_count"] or 0 for v in videos) > 1_000_000
    assert any(v["description"] and not v["description"].isascii() for v in videos)
    assert all(v["added_at"] <= "2026-06-14T09:30:00Z" for v in videos)


def test_empty_starts_with_nothing(empty: MockClient) -> None:
    assert empty.get("/v2/videos", headers=FULL).json()["data"] == []


def test_retracked_video_shows_its_new_request_under_a_frozen_clock(empty: MockClient) -> None:
    video = track(empty, "1", metadata={"first": "a"})
    path = f"/v2/videos/{video['id']}"
    assert empty.get(path, headers=FULL).json()["data"]["metadata"] == {"first": "a"}
    assert empty.delete(path, headers=FULL).status_code == 204
    again = track(empty, "1", metadata={"second": "b"}, is_active=False)
    shown = empty.get(path, headers=FULL).json()["data"]
    assert shown == again
    assert shown["metadata"] == {"second": "b"}
    assert shown["is_active"] is False


def test_patch_under_a_frozen_clock_is_visible_at_once(empty: MockClient) -> None:
    video = track(empty, "1", metadata={"v": "1"})
    path = f"/v2/videos/{video['id']}"
    empty.get(path, headers=FULL)
    for value in ("2", "3"):
        empty.patch(path, json={"metadata": {"v": value}}, headers=FULL)
        assert empty.get(path, headers=FULL).json()["data"]["metadata"] == {"v": value}


def test_metrics_and_deltas_never_see_another_organization(empty: MockClient) -> None:
    video = track(empty, FRESH)
    for path, extra in (("/v2/videos/metrics", {}), ("/v2/videos/deltas", {"windows": [1]})):
        response = empty.post(path, json={"video_ids": [video["id"]], **extra}, headers=OTHER)
        assert response.status_code == 200
        assert response.json()["data"] == {}
        assert response.json()["meta"]["not_found"] == [video["id"]]
