"""Redis lost while the mock runs: 503s and a 503 /health, then recovery by itself.

The mock is a real ``mockserver serve`` process; its redis-server is private to this
test (stopped and started again on the same port) and durable (an append-only file
written before each answer), so what a restart keeps is what Redis acknowledged.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import time
from pathlib import Path

from starlette.testclient import TestClient

from mockserver.app import app_for, store_backend, with_backend
from mockserver.conformance import Conformance
from mockserver.context import Services
from tests.checks import conforms_to
from tests.redis_server import free_port, running_redis
from tests.test_replicas import COMMAND, FULL, Mock

RECOVERY_TIMEOUT = 30.0


def test_lost_redis_answers_503_and_recovers_with_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    with running_redis(tmp_path, durable=True) as server:
        mock = Mock(tmp_path, "--store", server.url, "--freeze-time", "2026-06-14T09:30:00Z")
        try:
            # The client's timeout bounds every answer: a hang fails the test.
            with mock.client() as client:
                acknowledged = []
                for n in range(5):
                    body = {"platform": "tiktok", "identifier": str(7301234567890123000 + n)}
                    created = client.post("/videos", json=body, headers=FULL)
                    assert created.status_code == 201
                    acknowledged.append(created.json()["data"])

                server.stop()
                for method, path in [("GET", "/videos"), ("POST", "/videos"), ("GET", "/whoami")]:
                    body = {"platform": "tiktok", "identifier": "7301234567890129999"}
                    # 4 s: about 2 s at worst, and slack for a busy machine
                    lost = client.request(method, path, json=body, headers=FULL, timeout=4)
                    assert lost.status_code == 503
                    assert lost.headers["retry-after"] == "1"
                    problem = lost.json()
                    assert problem["code"] == "SERVICE_UNAVAILABLE"
                    assert "store redis unreachable" in problem["detail"]
                health = client.get("/health")
                assert health.status_code == 503
                assert health.headers["retry-after"] == "1"
                assert health.json()["status"] == "unavailable"
                assert health.json()["store"] == "redis"
                assert health.json()["reason"].startswith("store redis unreachable")

                server.start()
                # Bounded polling: the mock notices by itself, nothing is restarted.
                deadline = time.monotonic() + RECOVERY_TIMEOUT
                while client.get("/health").status_code != 200:
                    assert time.monotonic() < deadline, "the mock did not recover"
                    time.sleep(0.05)
                for video in acknowledged:
                    found = client.get(f"/videos/{video['id']}", headers=FULL)
                    assert found.status_code == 200
                    assert found.json()["data"] == video
                listed = client.get("/videos?limit=200", headers=FULL).json()["data"]
                assert {v["id"] for v in acknowledged} <= {v["id"] for v in listed}
                assert len(listed) == 46 + len(acknowledged)  # the dataset, loaded once
        finally:
            assert mock.stop() == 0


def test_an_unreachable_store_at_start_is_a_clear_error(tmp_path: Path) -> None:
    with running_redis(tmp_path) as server:
        url = server.url  # stopped on the way out: nothing listens there now
    result = subprocess.run(
        [*COMMAND, "serve", "--port", "0", "--store", url],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"--store: cannot reach {url}: unreachable (" in result.stderr
    assert "start redis-server or fix --store" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_redis_every_operation_answers_503_in_process(
    base_services: Services, conformance: Conformance
) -> None:
    # Nothing listens there: the start-up ping fails too, and the requests still answer.
    settings = dataclasses.replace(
        base_services.settings, store=f"redis://127.0.0.1:{free_port()}/0"
    )
    services = with_backend(
        dataclasses.replace(base_services, settings=settings), store_backend(settings)
    )
    client = TestClient(app_for(services))
    client.event_hooks["response"] = [conforms_to(conformance)]
    for method, path in [("GET", "/v2/videos"), ("GET", "/v2/whoami"), ("GET", "/v2/meta")]:
        lost = client.request(method, path, headers=FULL)
        assert lost.status_code == 503
        assert lost.headers["retry-after"] == "1"
        assert lost.json()["detail"].startswith("The state store cannot be used: store redis")
    health = client.get("/v2/health")
    assert health.status_code == 503
    assert health.json()["store"] == "redis"
    assert health.json()["reason"].startswith("store redis unreachable (")


def test_without_redis_the_control_plane_answers_503(base_services: Services) -> None:
    settings = dataclasses.replace(
        base_services.settings, store=f"redis://127.0.0.1:{free_port()}/0"
    )
    services = with_backend(
        dataclasses.replace(base_services, settings=settings), store_backend(settings)
    )
    client = TestClient(app_for(services))
    admin = {"Authorization": f"Bearer {settings.admin_key}"}
    for method, path in [("GET", "/__mock/journal"), ("POST", "/__mock/reset")]:
        lost = client.request(method, path, headers=admin)
        assert lost.status_code == 503
        assert lost.headers["retry-after"] == "1"
        assert lost.json()["code"] == "SERVICE_UNAVAILABLE"
    # The control document needs no store.
    assert client.get("/__mock/openapi.json").status_code == 200
