"""post_new's floor (bench/baseline.py --floor) must look like the mock's 201 on the wire.

The floor row tells how much of the gap between the baseline and the mock's new-video POST
is the shape of the exchange (headers, body size) rather than the mock's own work. That
holds only while the floor sends what the mock sends; this test fails when they drift.
"""

from __future__ import annotations

from starlette.testclient import TestClient

from bench.baseline import FLOOR_BODY, FLOOR_HEADERS
from mockserver import Settings, create_app


def test_the_floor_sends_the_headers_and_size_of_a_new_videos_201() -> None:
    with TestClient(create_app(Settings(rate_limit=False))) as client:
        response = client.post(
            "/v2/videos",
            json={"platform": "tiktok", "identifier": "7300000000000000123"},
            headers={"Authorization": "Bearer ca_test_full"},
        )
    assert response.status_code == 201, response.text
    # uvicorn adds date and server to both; the test client adds neither.
    assert sorted(response.headers) == sorted(name.decode() for name, _ in FLOOR_HEADERS)
    floor_length = dict(FLOOR_HEADERS)[b"content-length"]
    assert int(floor_length) == len(FLOOR_BODY)
    # Bodies of new videos vary by platform and content; the floor's is within 10%.
    assert abs(len(FLOOR_BODY) - len(response.content)) <= len(response.content) // 10
