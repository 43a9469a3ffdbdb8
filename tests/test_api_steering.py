"""Prefer (RFC 7240): forced statuses, named examples, generated bodies, delays.

Every response here also passes the document's checks (the conftest hook), so a forced
answer that broke openapi.yaml would fail the test that asked for it.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.prefer import _examples
from tests.conftest import FULL, MockClient

TRACK = {"platform": "tiktok", "identifier": "https://www.tiktok.com/@a/video/7301234567890123456"}
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def prefer(value: str, **headers: str) -> dict[str, str]:
    return {**FULL, "Prefer": value, **headers}


def total(client: MockClient) -> int:
    body: dict[str, Any] = client.get("/v2/videos?include_total=true", headers=FULL).json()
    return int(body["pagination"]["total_count"])


def test_a_forced_error_status_is_a_problem_with_its_headers(client: MockClient) -> None:
    response = client.get("/v2/videos", headers=prefer("code=503"))
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "SERVICE_UNAVAILABLE"
    assert response.headers["retry-after"] == "1"
    assert response.headers["preference-applied"] == "code=503"
    assert "x-ratelimit-remaining" in response.headers  # the key was admitted first


def test_a_forced_status_does_not_run_the_operation(client: MockClient) -> None:
    before = total(client)
    for code in ("201", "503", "422"):
        response = client.post("/v2/videos", json=TRACK, headers=prefer(f"code={code}"))
        assert response.status_code == int(code)
    assert total(client) == before
    assert client.get("/v2/videos/" + UNKNOWN_ID, headers=FULL).status_code == 404


def test_a_forced_201_carries_a_location_to_its_body(client: MockClient) -> None:
    response = client.post("/v2/videos", json=TRACK, headers=prefer("code=201"))
    assert response.status_code == 201
    assert response.headers["location"] == "/v2/videos/" + response.json()["data"]["id"]


def test_a_named_example_is_answered_verbatim(client: MockClient) -> None:
    spec = client.services.spec
    operation = next(op for op in spec.operations.values() if op.operation_id == "trackVideo")
    expected = _examples(spec, operation)["tiktokVideo"].value
    response = client.post("/v2/videos", json=TRACK, headers=prefer("example=tiktokVideo"))
    assert response.status_code == 201
    assert response.json() == expected
    assert response.headers["preference-applied"] == "example=tiktokVideo"


def test_example_and_code_together_must_agree(client: MockClient) -> None:
    ok = client.post("/v2/videos", json=TRACK, headers=prefer("code=201, example=tiktokVideo"))
    assert ok.status_code == 201
    clash = client.post(
        "/v2/videos", json=TRACK, headers=prefer("code=200; x, example=tiktokVideo")
    )
    assert clash.status_code == 422
    assert "not a 200 one" in clash.json()["errors"][0]["message"]


def test_dynamic_answers_a_generated_body_without_state(client: MockClient) -> None:
    response = client.get("/v2/videos/" + UNKNOWN_ID, headers=prefer("dynamic=true"))
    assert response.status_code == 200
    assert set(response.json()) == {"data"}
    assert response.headers["preference-applied"] == "dynamic=true"
    assert "etag" in response.headers
    again = client.get("/v2/videos/" + UNKNOWN_ID, headers=prefer("dynamic=true"))
    # Keyed by the request id, which differs per request: different content each time.
    assert again.json() != response.json()


def test_dynamic_false_is_the_normal_answer(client: MockClient) -> None:
    response = client.get("/v2/videos/" + UNKNOWN_ID, headers=prefer("dynamic=false"))
    assert response.status_code == 404


def test_a_delay_runs_the_operation_and_says_so(client: MockClient) -> None:
    response = client.post("/v2/videos", json=TRACK, headers=prefer("delay=5"))
    assert response.status_code == 201
    assert response.headers["preference-applied"] == "delay=5"


def test_a_delay_is_kept_on_errors_after_it(client: MockClient) -> None:
    response = client.post("/v2/videos", json={"platform": "x"}, headers=prefer("delay=1"))
    assert response.status_code == 422
    assert response.headers["preference-applied"] == "delay=1"


def test_auth_comes_before_any_preference(client: MockClient) -> None:
    response = client.get("/v2/videos", headers={"Prefer": "code=200"})
    assert response.status_code == 401
    assert "preference-applied" not in response.headers


def test_system_operations_can_be_forced_too(client: MockClient) -> None:
    down = client.get("/v2/health", headers={"Prefer": "code=503"})
    assert down.status_code == 503
    assert down.json()["status"] == "unavailable"
    assert down.headers["retry-after"] == "1"
    assert client.get("/v2/health").json()["status"] == "ok"


def test_other_preferences_are_ignored(client: MockClient) -> None:
    response = client.get("/v2/videos", headers=prefer("return=minimal, respond-async"))
    assert response.status_code == 200
    assert "preference-applied" not in response.headers


def test_the_first_of_a_repeated_preference_counts(client: MockClient) -> None:
    response = client.get("/v2/videos", headers=prefer("code=503, code=502"))
    assert response.status_code == 503


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("code=418", "documents only"),
        ("code=abc", "documents only"),
        ("code=2000", "documents only"),
        ("code", "needs a value"),
        ("example=nope", "named examples are: instagramReel, tiktokVideo"),
        ("dynamic=maybe", "true or false"),
        ("dynamic=true, example=tiktokVideo", "pick one"),
        ("delay=60001", "from 0 to 60000"),
        ("delay=-1", "from 0 to 60000"),
        ("delay=1.5", "from 0 to 60000"),
        ("=503", "not a valid Prefer header"),
        ("code=503 junk", "not a valid Prefer header"),
        ('example="unterminated', "has no valid value"),
        ("code=", "has no valid value"),
        ("code=503,,", "not a valid Prefer header"),
    ],
)
def test_a_bad_preference_is_a_422_and_changes_nothing(
    client: MockClient, value: str, message: str
) -> None:
    before = total(client)
    response = client.post("/v2/videos", json=TRACK, headers=prefer(value))
    assert response.status_code == 422, value
    error = response.json()["errors"][0]
    assert error["field"] == "Prefer"
    assert message in error["message"]
    assert total(client) == before


def test_a_bad_preference_on_a_system_operation_is_a_422(client: MockClient) -> None:
    response = client.get("/v2/meta", headers={"Prefer": "code=201"})
    assert response.status_code == 422
    assert "documents only 200, 304, 400, 406, 422, 500, 502, 503" in response.json()["detail"]


def test_quoted_values_are_read(client: MockClient) -> None:
    response = client.post("/v2/videos", json=TRACK, headers=prefer('example="instagramReel"'))
    assert response.status_code == 201
    assert response.json()["data"]["platform"] == "instagram"


def test_every_named_example_is_valid(client: MockClient) -> None:
    """Each example is answered through the conformance hook, which checks it."""
    spec = client.services.spec
    for operation in spec.operations.values():
        for name, example in _examples(spec, operation).items():
            path = operation.path.replace("{video_id}", UNKNOWN_ID)
            headers = prefer(f"example={name}")
            response = client.request(operation.method, "/v2" + path, headers=headers, json=TRACK)
            assert response.status_code == example.status, (operation.operation_id, name)
