"""Idempotency-Key on POST /v2/videos through HTTP (CONTRACT 5)."""

from __future__ import annotations

import asyncio

import httpx2 as httpx
import pytest

from tests.conftest import FULL, OTHER, QUOTA, MockClient

BODY = {"platform": "tiktok", "identifier": "https://www.tiktok.com/@a/video/6718335390845095173"}


def post(
    client: MockClient, key: str, body: object = BODY, headers: dict[str, str] = FULL
) -> httpx.Response:
    return client.post("/v2/videos", json=body, headers={**headers, "Idempotency-Key": key})


def test_replay_is_byte_for_byte(client: MockClient) -> None:
    first = post(client, "k-1")
    assert first.status_code == 201
    assert "idempotency-replayed" not in first.headers
    client.clock.advance(30)
    again = post(client, "k-1")
    assert again.status_code == 201
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotency-replayed"] == "true"
    assert again.headers["x-request-id"] != first.headers["x-request-id"]


def test_key_order_in_the_body_does_not_matter(client: MockClient) -> None:
    post(client, "k-2", {"platform": "tiktok", "identifier": "1", "is_active": True})
    again = post(client, "k-2", {"is_active": True, "identifier": "1", "platform": "tiktok"})
    assert again.headers["idempotency-replayed"] == "true"


def test_same_key_different_body_is_422(client: MockClient) -> None:
    post(client, "k-3")
    other = post(client, "k-3", {**BODY, "scrape_interval_hours": 12})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_keys_are_scoped_per_organization(client: MockClient) -> None:
    post(client, "shared")
    theirs = post(client, "shared", headers=OTHER)
    assert theirs.status_code == 201
    assert "idempotency-replayed" not in theirs.headers


def test_window_is_ten_minutes_from_completion(client: MockClient) -> None:
    post(client, "k-4")
    client.clock.advance(599)
    assert post(client, "k-4").headers.get("idempotency-replayed") == "true"
    client.clock.advance(2)
    expired = post(client, "k-4")
    # A fresh execution: the video exists already, so 200 with the record.
    assert expired.status_code == 200
    assert "idempotency-replayed" not in expired.headers


@pytest.mark.store("memory")  # it reads the memory store's private records
def test_in_flight_is_409(client: MockClient) -> None:
    store = asyncio.run(client.services.sessions.backend.session("default"))
    org = "5d1f7a52-3c1e-4f0b-9a57-2f6c1e0b8a01"  # Acme Media, fixtures/keys.yaml
    # Claim the key the way a concurrent first request would, with this request's
    # fingerprint, and leave it unfinished.
    first = post(client, "probe")
    assert first.status_code == 201
    fingerprint = next(iter(store._completed.values()))[0]  # type: ignore[attr-defined]
    asyncio.run(store.begin_idempotent(org, "busy", fingerprint, client.clock.now()))
    busy = post(client, "busy")
    assert busy.status_code == 409
    assert busy.json()["code"] == "CONFLICT"


def test_failures_are_not_stored(client: MockClient) -> None:
    for pk in ("1", "2", "3"):
        post(client, f"q-{pk}", {"platform": "tiktok", "identifier": pk}, QUOTA)
    refused = post(client, "q-4", {"platform": "tiktok", "identifier": "4"}, QUOTA)
    assert refused.status_code == 403
    # The key was released: the same request runs again (and fails again), never 409.
    again = post(client, "q-4", {"platform": "tiktok", "identifier": "4"}, QUOTA)
    assert again.status_code == 403


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "tab\tkey"])
def test_malformed_keys_are_422(client: MockClient, key: str) -> None:
    response = post(client, key)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_longest_key_is_fine(client: MockClient) -> None:
    assert post(client, "~" * 255).status_code == 201
