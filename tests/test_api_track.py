"""POST /v2/videos and GET /v2/videos/{id}: CONTRACT 7.1, 7.2, 8 through HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import FULL, OTHER, QUOTA, READONLY, MockClient

IG_URL = "https://www.instagram.com/p/BqvsDleB3lV/"
IG_PK = "1922949326347663701"
TT_URL = "https://www.tiktok.com/@scout2015/video/6718335390845095173"
TT_ID = "6718335390845095173"


def track(client: MockClient, headers: dict[str, str] | None = None, **body: Any) -> Any:
    return client.post("/v2/videos", json=body, headers=headers or FULL)


def test_new_video_is_201_with_location_and_full_record(client: MockClient) -> None:
    response = track(client, platform="instagram", identifier=IG_URL, metadata={"campaign": "x"})
    assert response.status_code == 201
    video = response.json()["data"]
    assert response.headers["location"] == f"/v2/videos/{video['id']}"
    assert video["external_id"] == IG_PK
    assert video["shortcode"] == "BqvsDleB3lV"
    assert video["platform"] == "instagram"
    assert video["type"] == "video"
    assert video["metadata"] == {"campaign": "x"}
    assert video["is_active"] is True
    assert video["scrape_interval_hours"] == 24
    # Active: refreshed once at tracking time, so content and metrics are there.
    assert video["added_at"] == "2026-06-14T09:30:00Z"
    assert video["first_scrape_time"] == video["last_scrape_time"] == video["added_at"]
    if not video["is_unavailable"]:
        assert video["view_count"] is not None
        assert video["like_count"] <= video["view_count"]
    assert video["create_time"] <= video["added_at"]
    assert list(video)[:4] == ["id", "external_id", "type", "platform"]


def test_every_url_form_of_one_post_is_the_same_video(client: MockClient) -> None:
    first = track(client, platform="instagram", identifier=IG_URL)
    assert first.status_code == 201
    for form in (
        "BqvsDleB3lV",
        IG_PK,
        "instagram.com/reel/BqvsDleB3lV",
        "https://instagram.com/natgeo/p/BqvsDleB3lV/?igsh=abc#x",
        "https://m.instagram.com/tv/BqvsDleB3lV/embed/",
        f"{IG_PK}_123456",
    ):
        again = track(client, platform="instagram", identifier=form, metadata={"other": "y"})
        assert again.status_code == 200, form
        assert again.json() == first.json(), form  # unchanged, metadata included
        assert "location" not in again.headers


def test_tiktok_video_by_url(client: MockClient) -> None:
    response = track(client, platform="tiktok", identifier=TT_URL, scrape_interval_hours=12)
    assert response.status_code == 201
    video = response.json()["data"]
    assert video["external_id"] == TT_ID
    assert video["shortcode"] is None
    assert video["scrape_interval_hours"] == 12
    assert video["create_time"] == "2019-07-27T13:32:33Z"  # id >> 32
    if not video["is_unavailable"]:
        assert video["saved_count"] is None
        assert video["play_count"] == video["view_count"]
        assert video["media_type"] in ("video", "photo")


def test_inactive_video_keeps_null_metrics(client: MockClient) -> None:
    response = track(client, platform="tiktok", identifier=TT_ID, is_active=False)
    assert response.status_code == 201
    video = response.json()["data"]
    assert video["is_active"] is False
    for field in (
        "first_scrape_time",
        "last_scrape_time",
        "description",
        "view_count",
        "like_count",
        "play_count",
        "total_views",
    ):
        assert video[field] is None, field


def test_same_seed_same_content_across_apps(make_client: Any) -> None:
    bodies = []
    for _ in range(2):
        client = make_client()
        bodies.append(track(client, platform="tiktok", identifier=TT_URL).content)
    assert bodies[0] == bodies[1]
    other_seed = make_client(seed=7)
    assert track(other_seed, platform="tiktok", identifier=TT_URL).content != bodies[0]


def test_scrape_interval_accepts_integral_number_rejects_string_and_fraction(
    client: MockClient,
) -> None:
    ok = track(client, platform="tiktok", identifier=TT_ID, scrape_interval_hours=24.0)
    assert ok.status_code == 201
    assert ok.json()["data"]["scrape_interval_hours"] == 24
    for bad in ("24", 24.5, True, None, 5, 721):
        response = track(client, platform="tiktok", identifier="1", scrape_interval_hours=bad)
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "scrape_interval_hours"


def test_every_violation_is_listed(client: MockClient) -> None:
    response = track(
        client,
        platform="myspace",
        identifier="",
        is_active="yes",
        metadata={"k": 1},
        extra_field=True,
    )
    assert response.status_code == 422
    problem = response.json()
    fields = {e["field"] for e in problem["errors"]}
    assert {"platform", "identifier", "is_active", "metadata.k", "extra_field"} <= fields
    assert problem["code"] == "VALIDATION_ERROR"
    assert problem["type"] == "urn:creatoraudit:error:validation-error"
    assert problem["title"] == "Unprocessable Entity"


def test_missing_required_fields(client: MockClient) -> None:
    response = track(client)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["platform", "identifier"]


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({f"k{i}": "v" for i in range(21)}, "metadata"),
        ({"k": "v" * 256}, "metadata.k"),
        ({"": "v"}, "metadata"),
        ({"k" * 256: "v"}, "metadata"),
        ([], "metadata"),
        (None, "metadata"),
    ],
)
def test_metadata_bounds(client: MockClient, metadata: Any, field: str) -> None:
    response = track(client, platform="tiktok", identifier=TT_ID, metadata=metadata)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_metadata_at_its_documented_caps_is_accepted(client: MockClient) -> None:
    metadata = {f"{i:0>255}": "v" * 255 for i in range(20)}
    response = track(client, platform="tiktok", identifier=TT_ID, metadata=metadata)
    assert response.status_code == 201
    assert response.json()["data"]["metadata"] == metadata


@pytest.mark.parametrize(
    ("platform", "identifier", "says"),
    [
        ("instagram", TT_URL, "TikTok"),
        ("tiktok", IG_URL, "Instagram"),
        ("instagram", "https://www.instagram.com/natgeo/", "profile"),
        ("instagram", "https://evilinstagram.com/p/BqvsDleB3lV/", ""),
        ("tiktok", "not-a-number", ""),
        ("tiktok", "https://www.tiktok.com/music/original-sound-123", ""),
    ],
)
def test_identifier_rejections_explain_themselves(
    client: MockClient, platform: str, identifier: str, says: str
) -> None:
    response = track(client, platform=platform, identifier=identifier)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert len(errors) == 1
    assert errors[0]["field"] == "identifier"
    assert says in errors[0]["message"]


def test_get_returns_the_tracked_video(client: MockClient) -> None:
    created = track(client, platform="instagram", identifier=IG_URL).json()["data"]
    response = client.get(f"/v2/videos/{created['id']}", headers=FULL)
    assert response.status_code == 200
    assert response.json()["data"] == created
    upper = client.get(f"/v2/videos/{created['id'].upper()}", headers=READONLY)
    assert upper.status_code == 200


def test_get_is_isolated_per_organization(client: MockClient) -> None:
    created = track(client, platform="instagram", identifier=IG_URL).json()["data"]
    response = client.get(f"/v2/videos/{created['id']}", headers=OTHER)
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    # The other organization tracking the same post gets its own video.
    theirs = track(client, OTHER, platform="instagram", identifier=IG_URL)
    assert theirs.status_code == 201
    assert theirs.json()["data"]["id"] != created["id"]


def test_get_unknown_and_malformed_ids(client: MockClient) -> None:
    assert client.get(f"/v2/videos/{uuid.uuid4()}", headers=FULL).status_code == 404
    response = client.get("/v2/videos/not-a-uuid", headers=FULL)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "video_id"


def test_quota_counts_new_videos_only(client: MockClient) -> None:
    for pk in ("1", "2", "3"):
        assert track(client, QUOTA, platform="tiktok", identifier=pk).status_code == 201
    fourth = track(client, QUOTA, platform="tiktok", identifier="4")
    assert fourth.status_code == 403
    assert fourth.json()["code"] == "QUOTA_EXCEEDED"
    assert fourth.json()["type"] == "urn:creatoraudit:error:quota-exceeded"
    # Re-tracking a video already tracked is not a new one.
    assert track(client, QUOTA, platform="tiktok", identifier="3").status_code == 200


def test_readonly_key_cannot_track(client: MockClient) -> None:
    response = track(client, READONLY, platform="tiktok", identifier=TT_ID)
    assert response.status_code == 403
    assert response.json()["code"] == "INSUFFICIENT_SCOPE"
    assert "x-ratelimit-remaining" in response.headers
