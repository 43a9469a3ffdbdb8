"""Simulated faults, sessions and the journal's recording, through the whole app.

Faults here come from the run's settings (the CLI's flags); the control plane that
changes them at run time has its own tests (tests/test_control.py).
"""

from __future__ import annotations

import asyncio

import pytest

from mockserver.faults import ErrorFault
from mockserver.journal import JournalEntry
from tests.conftest import FULL, MockClient

TRACK = {"platform": "tiktok", "identifier": "https://www.tiktok.com/@a/video/7301234567890123456"}
SESSION = "X-Mock-Session"


def journal(client: MockClient, session: str = "default") -> list[JournalEntry]:
    store = asyncio.run(client.services.sessions.backend.session(session))
    return list(asyncio.run(store.journal()))


def statuses(client: MockClient, count: int) -> list[int]:
    return [client.get("/v2/whoami", headers=FULL).status_code for _ in range(count)]


def test_upstream_down_answers_503_after_auth(make_client) -> None:  # type: ignore[no-untyped-def]
    client: MockClient = make_client(upstream_down=True)
    response = client.get("/v2/videos", headers=FULL)
    assert response.status_code == 503
    assert response.json()["code"] == "SERVICE_UNAVAILABLE"
    assert response.headers["retry-after"] == "1"
    assert client.get("/v2/videos").status_code == 401  # no key: still a 401
    assert journal(client)[-2].fault == "upstream_down"


def test_health_reports_upstream_down(make_client) -> None:  # type: ignore[no-untyped-def]
    client: MockClient = make_client(upstream_down=True)
    response = client.get("/v2/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "upstream" in body["reason"]


@pytest.mark.parametrize(
    ("status", "code"), [(503, "SERVICE_UNAVAILABLE"), (502, "UPSTREAM_ERROR")]
)
def test_an_error_rate_of_one_fails_every_request(
    make_client,  # type: ignore[no-untyped-def]
    status: int,
    code: str,
) -> None:
    client: MockClient = make_client(error_faults=(ErrorFault(status, 1.0, 7),))
    response = client.post("/v2/videos", json=TRACK, headers=FULL)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert ("retry-after" in response.headers) is (status == 503)
    if status == 503:
        assert response.headers["retry-after"] == "7"
    assert client.get("/v2/videos/" + "0" * 8 + "-0000-4000-8000-" + "0" * 12, headers=FULL)
    assert journal(client)[0].fault == "error"


def test_a_seeded_error_rate_fails_the_same_requests(make_client) -> None:  # type: ignore[no-untyped-def]
    faults = (ErrorFault(503, 0.3, 1),)
    first = statuses(make_client(error_faults=faults, seed=5), 200)
    again = statuses(make_client(error_faults=faults, seed=5), 200)
    other = statuses(make_client(error_faults=faults, seed=6), 200)
    assert first == again
    assert first != other
    failed = first.count(503)
    assert 30 <= failed <= 90  # about 30% of 200, as drawn for seed 5
    assert set(first) == {200, 503}


def test_latency_is_recorded(make_client) -> None:  # type: ignore[no-untyped-def]
    client: MockClient = make_client(latency_ms=(1, 2))
    assert client.get("/v2/whoami", headers=FULL).status_code == 200
    assert journal(client)[-1].fault == "latency"


def test_a_dropped_connection_in_process_is_an_error(make_client) -> None:  # type: ignore[no-untyped-def]
    client: MockClient = make_client(drop_rate=1.0)
    with pytest.raises(ConnectionResetError):
        client.get("/v2/whoami", headers=FULL)
    entry = journal(client)[-1]
    assert (entry.status, entry.fault) == (0, "drop")


def test_sessions_do_not_see_each_other(client: MockClient) -> None:
    created = client.post("/v2/videos", json=TRACK, headers={**FULL, SESSION: "worker-1"})
    assert created.status_code == 201
    video = "/v2/videos/" + created.json()["data"]["id"]
    assert client.get(video, headers={**FULL, SESSION: "worker-1"}).status_code == 200
    assert client.get(video, headers={**FULL, SESSION: "worker-2"}).status_code == 404
    assert client.get(video, headers=FULL).status_code == 404
    # Each session starts from the preloaded dataset.
    listed = client.get("/v2/videos?include_total=true", headers={**FULL, SESSION: "worker-2"})
    default = client.get("/v2/videos?include_total=true", headers=FULL)
    assert listed.json()["pagination"] == default.json()["pagination"]
    assert [e.path for e in journal(client, "worker-1")] == ["/v2/videos", video]


def test_rate_limits_count_per_session(client: MockClient) -> None:
    limited = {"Authorization": "Bearer ca_test_ratelimited"}
    codes = [client.get("/v2/whoami", headers=limited).status_code for _ in range(6)]
    assert codes[-1] == 429
    fresh = client.get("/v2/whoami", headers={**limited, SESSION: "other"})
    assert fresh.status_code == 200


@pytest.mark.parametrize("name", ["", "-leading-dash", "has space", "x" * 65, "na\xefve", "a/b"])
def test_a_malformed_session_is_a_400(client: MockClient, name: str) -> None:
    headers = {**FULL, SESSION: name.encode("latin-1")}  # type: ignore[dict-item]
    response = client.get("/v2/whoami", headers=headers)
    assert response.status_code == 400
    assert "X-Mock-Session" in response.json()["detail"]


def test_sessions_are_capped(make_client) -> None:  # type: ignore[no-untyped-def]
    client: MockClient = make_client(max_sessions=2)
    assert client.get("/v2/whoami", headers=FULL).status_code == 200
    assert client.get("/v2/whoami", headers={**FULL, SESSION: "b"}).status_code == 200
    refused = client.get("/v2/whoami", headers={**FULL, SESSION: "c"})
    assert refused.status_code == 400
    assert "at most 2 sessions" in refused.json()["detail"]
    assert client.get("/v2/whoami", headers={**FULL, SESSION: "b"}).status_code == 200


def test_the_journal_records_request_and_outcome(client: MockClient) -> None:
    client.post("/v2/videos?x=1", json=TRACK, headers={**FULL, "X-Request-ID": "req-1"})
    entry = journal(client)[-1]
    assert (entry.method, entry.path, entry.query, entry.status) == (
        "POST",
        "/v2/videos",
        "x=1",
        201,
    )
    assert entry.operation_id == "trackVideo"
    assert entry.request_id == "req-1"
    assert dict(entry.headers)["authorization"] == "Bearer [redacted]…full"
    assert entry.to_json()["body"] == TRACK


def test_the_journal_keeps_bodies_of_refused_requests(client: MockClient) -> None:
    client.post("/v2/videos", json=TRACK)  # no key: 401 before the body is read
    entry = journal(client)[-1]
    assert entry.status == 401
    assert entry.to_json()["body"] == TRACK


def test_the_journal_keeps_validation_errors(client: MockClient) -> None:
    client.post("/v2/videos", json={"platform": "tiktok"}, headers=FULL)
    entry = journal(client)[-1]
    assert entry.status == 422
    assert entry.errors
    assert entry.errors[0]["field"] == "identifier"


def test_the_journal_is_bounded(make_client) -> None:  # type: ignore[no-untyped-def]
    client: MockClient = make_client(journal_size=3)
    for number in range(5):
        client.get("/v2/whoami", headers={**FULL, "X-Request-ID": f"r{number}"})
    assert [e.request_id for e in journal(client)] == ["r2", "r3", "r4"]
    assert [e.sequence for e in journal(client)] == [3, 4, 5]


def test_a_journal_size_of_zero_records_nothing(make_client) -> None:  # type: ignore[no-untyped-def]
    client: MockClient = make_client(journal_size=0)
    client.get("/v2/whoami", headers=FULL)
    assert journal(client) == []


def test_the_journal_keeps_the_order_headers_were_sent_in(client: MockClient) -> None:
    client.get("/v2/whoami", headers={**FULL, "X-First": "1", "X-Second": "2"})
    names = [name for name, _ in journal(client)[-1].headers]
    assert names.index("authorization") < names.index("x-first") < names.index("x-second")
