"""CONTRACT 1-6 through HTTP: errors, auth, limits, negotiation, request ids, CORS, ETags."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx2 as httpx
import pytest

from tests.conftest import FULL, INACTIVE, OTHER, RATELIMITED, READONLY, MockClient

TRACK = {"platform": "tiktok", "identifier": "6718335390845095173"}
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["instance"] == response.request.url.path
    assert body["request_id"] == response.headers["x-request-id"]
    return body


# --- routing -------------------------------------------------------------------------


def test_unknown_path_is_404_problem(client: MockClient) -> None:
    for path in ("/v2/nope", "/", "/v1/videos", "/v2/videos/"):
        assert_problem(client.get(path, headers=FULL), 404, "NOT_FOUND")


def test_wrong_method_is_405_with_allow(client: MockClient) -> None:
    response = client.delete("/v2/videos", headers=FULL)
    assert_problem(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET, POST"
    assert client.put("/v2/health").headers["allow"] == "GET"
    # An OPTIONS that is not a CORS preflight is an ordinary 405.
    assert_problem(client.options("/v2/videos"), 405, "METHOD_NOT_ALLOWED")


# --- negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "application/*",
        "*/*",
        "application/problem+json",
        "text/html;q=0.9, application/json",
        "APPLICATION/JSON",
    ],
)
def test_json_accepts(client: MockClient, accept: str) -> None:
    assert client.get("/v2/whoami", headers={**FULL, "Accept": accept}).status_code == 200


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/json;q=0"])
def test_406_when_accept_excludes_json(client: MockClient, accept: str) -> None:
    response = client.get("/v2/whoami", headers={**FULL, "Accept": accept})
    assert_problem(response, 406, "NOT_ACCEPTABLE")
    assert "x-ratelimit-limit" not in response.headers  # 406 comes before auth


def test_docs_page_negotiates_html(client: MockClient) -> None:
    assert client.get("/v2/docs", headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/v2/docs", headers={"Accept": "application/json"}).status_code == 406


# --- auth ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic Y2FfdGVzdF9mdWxsOg==",
        "ca_test_full",
        "Bearer ca_test_unknown",
        "Bearer ca_test_full extra",
    ],
)
def test_401_with_challenge(client: MockClient, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get("/v2/whoami", headers=headers)
    body = assert_problem(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == 'Bearer realm="creatoraudit"'
    assert "x-ratelimit-limit" not in response.headers
    assert "ca_test" not in str(body)  # the key is never echoed


def test_bearer_word_is_case_insensitive(client: MockClient) -> None:
    for scheme in ("bearer", "BEARER", "Bearer"):
        response = client.get("/v2/whoami", headers={"Authorization": f"{scheme} ca_test_full"})
        assert response.status_code == 200


def test_inactive_key_is_403_forbidden(client: MockClient) -> None:
    response = client.get("/v2/whoami", headers=INACTIVE)
    assert_problem(response, 403, "FORBIDDEN")
    assert "x-ratelimit-limit" not in response.headers


def test_whoami_names_the_caller(client: MockClient) -> None:
    acme = client.get("/v2/whoami", headers=READONLY).json()["data"]
    globex = client.get("/v2/whoami", headers=OTHER).json()["data"]
    assert acme["type"] == "whoami"
    assert acme["organization_name"] == "Acme Media"
    assert acme["api_key_name"] == "Acme read only"
    assert acme["scopes"] == ["read"]
    assert globex["organization_id"] != acme["organization_id"]


def test_health_and_meta_need_no_key_and_carry_no_rate_limit(client: MockClient) -> None:
    health = client.get("/v2/health")
    assert health.json() == {"status": "ok", "store": client.services.sessions.backend.name}
    meta = client.get("/v2/meta")
    assert meta.json()["data"]["openapi_url"] == "http://127.0.0.1:4010/v2/openapi.json"
    assert meta.json()["data"]["deprecation"] is None
    for response in (health, meta):
        assert response.status_code == 200
        assert "x-ratelimit-limit" not in response.headers


# --- rate limits ---------------------------------------------------------------------


def test_rate_limit_window(client: MockClient) -> None:
    window_end = str(int(client.clock.now()) // 60 * 60 + 60)
    for remaining in (4, 3, 2, 1, 0):
        response = client.get("/v2/whoami", headers=RATELIMITED)
        assert response.status_code == 200
        assert response.headers["x-ratelimit-limit"] == "5"
        assert response.headers["x-ratelimit-remaining"] == str(remaining)
        assert response.headers["x-ratelimit-reset"] == window_end
    limited = client.get("/v2/whoami", headers=RATELIMITED)
    assert_problem(limited, 429, "RATE_LIMITED")
    assert limited.headers["retry-after"] == str(int(window_end) - int(client.clock.now()))
    # Other keys have their own windows; the next window starts afresh.
    assert client.get("/v2/whoami", headers=FULL).headers["x-ratelimit-remaining"] == "599"
    client.clock.advance(60)
    assert client.get("/v2/whoami", headers=RATELIMITED).status_code == 200


def test_rate_limit_off_never_429s(make_client: Callable[..., MockClient]) -> None:
    client = make_client(rate_limit=False)
    statuses = {client.get("/v2/whoami", headers=RATELIMITED).status_code for _ in range(8)}
    assert statuses == {200}


def test_errors_after_auth_carry_rate_limit_headers(client: MockClient) -> None:
    response = client.post("/v2/videos", json={}, headers=FULL)
    assert response.status_code == 422
    assert response.headers["x-ratelimit-remaining"] == "599"


# --- bodies --------------------------------------------------------------------------


def test_413_on_declared_or_streamed_size(client: MockClient) -> None:
    big = b'{"platform": "tiktok", "identifier": "' + b"1" * (1024 * 1024) + b'"}'
    response = client.post(
        "/v2/videos", content=big, headers={**FULL, "Content-Type": "application/json"}
    )
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")

    def chunks():  # no Content-Length: the limit holds while streaming
        for _ in range(17):
            yield b" " * 65536

    streamed = client.post(
        "/v2/videos", content=chunks(), headers={**FULL, "Content-Type": "application/json"}
    )
    assert_problem(streamed, 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin-1",
        "application/jsonx",
        None,
    ],
)
def test_415_for_non_json_bodies(client: MockClient, content_type: str | None) -> None:
    headers = dict(FULL)
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = client.post("/v2/videos", content=b'{"platform": "tiktok"}', headers=headers)
    assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_json_with_charset_is_fine(client: MockClient) -> None:
    response = client.post(
        "/v2/videos",
        content=b'{"platform": "tiktok", "identifier": "1"}',
        headers={**FULL, "Content-Type": "Application/JSON; charset=UTF-8"},
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "content", [b"{", b"{'a': 1}", b'{"a": NaN}', b"\xff\xfe{}", b'{"a": "\xc3"}', b"[1,]"]
)
def test_400_for_unparseable_bodies(client: MockClient, content: bytes) -> None:
    response = client.post(
        "/v2/videos", content=content, headers={**FULL, "Content-Type": "application/json"}
    )
    assert_problem(response, 400, "BAD_REQUEST")


def test_empty_body_is_a_missing_body(client: MockClient) -> None:
    response = client.post("/v2/videos", headers=FULL)
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    assert body["errors"] == [{"field": "body", "message": "a JSON request body is required"}]


def test_huge_integers_are_422_not_400(client: MockClient) -> None:
    response = client.post(
        "/v2/videos",
        content=b'{"platform": "tiktok", "identifier": "1", "scrape_interval_hours": 1'
        + b"0" * 30
        + b"}",
        headers={**FULL, "Content-Type": "application/json"},
    )
    assert_problem(response, 422, "VALIDATION_ERROR")


def test_body_must_be_an_object(client: MockClient) -> None:
    response = client.post("/v2/videos", json=["tiktok"], headers=FULL)
    body = assert_problem(response, 422, "VALIDATION_ERROR")
    assert body["errors"][0]["field"] == "body"


def test_check_order_scope_before_body(client: MockClient) -> None:
    # A read-only key with a broken body: the scope is checked first (403, not 400).
    response = client.post(
        "/v2/videos", content=b"{", headers={**READONLY, "Content-Type": "application/json"}
    )
    assert_problem(response, 403, "INSUFFICIENT_SCOPE")


# --- request ids ---------------------------------------------------------------------


def test_request_id_echoed_when_valid_else_generated(client: MockClient) -> None:
    echoed = client.get("/v2/health", headers={"X-Request-ID": "trace-1.2:abc_X"})
    assert echoed.headers["x-request-id"] == "trace-1.2:abc_X"
    for bad in ("has space", "x" * 129, "ünïcode"):
        response = client.get("/v2/health", headers={"X-Request-ID": bad.encode()})
        assert UUID4.match(response.headers["x-request-id"]), bad
    assert UUID4.match(client.get("/v2/nope").headers["x-request-id"])


def test_generated_request_ids_repeat_with_the_seed(make_client: Callable[..., MockClient]) -> None:
    runs = []
    for _ in range(2):
        client = make_client()
        runs.append([client.get("/v2/health").headers["x-request-id"] for _ in range(3)])
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 3


# --- CORS ----------------------------------------------------------------------------


def test_cors_preflight_and_exposed_headers(client: MockClient) -> None:
    preflight = client.options(
        "/v2/videos",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "http://localhost:5173")
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "x-request-id" in preflight.headers
    actual = client.get("/v2/whoami", headers={**FULL, "Origin": "http://localhost:5173"})
    assert actual.headers["access-control-allow-origin"] == "*"
    exposed = actual.headers["access-control-expose-headers"].lower()
    for name in (
        "x-request-id",
        "x-ratelimit-remaining",
        "etag",
        "location",
        "idempotency-replayed",
    ):
        assert name in exposed


def test_cors_origins_can_be_narrowed(make_client: Callable[..., MockClient]) -> None:
    client = make_client(cors_origins=("http://app.local",))
    allowed = client.get("/v2/health", headers={"Origin": "http://app.local"})
    assert allowed.headers["access-control-allow-origin"] == "http://app.local"
    denied = client.get("/v2/health", headers={"Origin": "http://evil.local"})
    assert "access-control-allow-origin" not in denied.headers


# --- conditional GET -----------------------------------------------------------------


def test_etag_and_304(client: MockClient) -> None:
    first = client.get("/v2/whoami", headers=FULL)
    tag = first.headers["etag"]
    assert tag.startswith('"')
    for value in (tag, f'"nope", {tag}', f"W/{tag}", "*"):
        response = client.get("/v2/whoami", headers={**FULL, "If-None-Match": value})
        assert response.status_code == 304, value
        assert response.content == b""
        assert response.headers["etag"] == tag
        assert "x-ratelimit-remaining" in response.headers
    changed = client.get("/v2/whoami", headers={**FULL, "If-None-Match": '"other"'})
    assert changed.status_code == 200


def test_etag_differs_per_body(client: MockClient) -> None:
    acme = client.get("/v2/whoami", headers=FULL).headers["etag"]
    globex = client.get("/v2/whoami", headers=OTHER).headers["etag"]
    assert acme != globex


# --- the document and the docs -------------------------------------------------------


def test_serves_its_own_document(client: MockClient) -> None:
    as_json = client.get("/v2/openapi.json")
    assert as_json.json()["openapi"].startswith("3.1")
    as_yaml = client.get("/v2/openapi.yaml")
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert as_yaml.text == client.services.spec.text


def test_docs_page_is_offline_html(client: MockClient) -> None:
    page = client.get("/v2/docs")
    assert page.headers["content-type"].startswith("text/html")
    assert "trackVideo" in page.text or "Track a video" in page.text
    assert "<script src=" not in page.text
    assert 'rel="stylesheet"' not in page.text


def test_cover_placeholder_is_served_without_a_key(client: MockClient) -> None:
    urls = [
        client.post(
            "/v2/videos", json={"platform": "tiktok", "identifier": str(n)}, headers=FULL
        ).json()["data"]["cover_image_url"]
        for n in range(1, 6)
    ]
    url = next(u for u in urls if u is not None)  # unavailable posts have no cover
    path = url.removeprefix("http://127.0.0.1:4010")
    image = client.get(path)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/svg+xml"
    assert image.content.startswith(b"<svg")
    assert client.get(path).content == image.content
    assert client.get("/_assets/covers/myspace/1.svg").status_code == 404
    assert client.get("/_assets/covers/tiktok/abc.svg").status_code == 404
