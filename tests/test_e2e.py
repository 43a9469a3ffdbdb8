"""End to end: the real ``mockserver`` command, over a real socket, from another folder."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from mockserver.conformance import Conformance
from mockserver.settings import default_spec_path
from mockserver.spec import load_spec
from tests.checks import conforms_to

SCRIPT = Path(sys.executable).with_name("mockserver")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "mockserver"]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(
    tmp_path: Path, *args: str, ignore_sigint: bool = False
) -> tuple[subprocess.Popen[str], str]:
    """Start ``mockserver serve``; back after its first banner line, with its URL.

    ``ignore_sigint``: start it as a shell starts a background job (``&``).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", "0", "--log-level", "warning", *args],
        cwd=tmp_path,  # not the checkout: the installed package must find its own data
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ignore_sigint if ignore_sigint else None,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 20
    banner = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner += line
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            return process, found.group(1)
    process.kill()
    _, err = process.communicate()
    pytest.fail(f"the server did not start: {banner}{err}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process, url = _start(tmp_path, "--seed", "3")
    yield process, url
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def test_serves_the_api_over_a_socket(server: tuple[subprocess.Popen[str], str]) -> None:
    process, base = server
    full = {"Authorization": "Bearer ca_test_full"}
    conformance = Conformance(load_spec(default_spec_path()))

    hooks = {"response": [conforms_to(conformance)]}
    with httpx.Client(base_url=base, timeout=10, event_hooks=hooks) as client:
        assert client.get("/health").json()["status"] == "ok"
        created = client.post(
            "/videos",
            json={"platform": "instagram", "identifier": "https://www.instagram.com/p/aye83DjauH/"},
            headers=full,
        )
        assert created.status_code == 201
        video = created.json()["data"]
        assert video["external_id"] == "482584233761418119"
        assert created.headers["location"] == f"/v2/videos/{video['id']}"
        again = client.get(created.headers["location"].removeprefix("/v2"), headers=full)
        assert again.json()["data"] == video
        unauthorized = client.get("/whoami")
        assert unauthorized.status_code == 401
        assert unauthorized.headers["content-type"] == "application/problem+json"
        meta = client.get("/meta").json()["data"]
        assert meta["docs_url"] == f"{base}/docs"
        assert client.get("/docs").status_code == 200
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0


def test_banner_lists_the_persona_keys(tmp_path: Path) -> None:
    process, _ = _start(tmp_path)
    assert process.stdout is not None
    out = "".join(process.stdout.readline() for _ in range(11))
    process.send_signal(signal.SIGINT)
    process.wait(timeout=10)
    assert "/__mock (Authorization: Bearer <admin key>)" in out
    for key in ("ca_test_readonly", "ca_test_inactive", "ca_test_other", "ca_test_quota"):
        assert key in out


def test_sigint_right_after_the_banner_stops_a_background_server(tmp_path: Path) -> None:
    # A shell starts `mockserver serve &` with SIGINT ignored; the signal must still stop
    # it, even when it comes before uvicorn has installed its own handler.
    process, _ = _start(tmp_path, ignore_sigint=True)
    try:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--port", "99999"], {}, "--port='99999'"),
        (["--seed", "abc"], {}, "--seed='abc'"),
        ([], {"MOCKSERVER_LOG_LEVEL": "loud"}, "MOCKSERVER_LOG_LEVEL='loud'"),
        (["--spec", "missing.yaml"], {}, "no such file"),
        (["--freeze-time", "yesterday"], {}, "--freeze-time"),
    ],
)
def test_bad_settings_exit_2_with_a_clear_message(
    tmp_path: Path, args: list[str], env: dict[str, str], says: str
) -> None:
    result = subprocess.run(
        [*COMMAND, "serve", *args],
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_document_and_keys_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: x}\npaths: {}\n")
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "keys.yaml").write_text("organizations: {}\nkeys: [{key: short}]\n")
    broken_spec = subprocess.run(
        [*COMMAND, "serve", "--spec", str(spec)], capture_output=True, text=True, timeout=30
    )
    assert broken_spec.returncode == 2
    assert str(spec) in broken_spec.stderr
    assert "Traceback" not in broken_spec.stderr
    broken_keys = subprocess.run(
        [*COMMAND, "serve", "--fixtures", str(fixtures)], capture_output=True, text=True, timeout=30
    )
    assert broken_keys.returncode == 2
    assert "keys.yaml" in broken_keys.stderr
    assert "keys[0]" in broken_keys.stderr
    assert "Traceback" not in broken_keys.stderr


def test_port_in_use_is_a_clear_error(
    server: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    _, base = server
    port = base.rsplit(":", 1)[1].split("/")[0]
    result = subprocess.run(
        [*COMMAND, "serve", "--port", port],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "cannot listen" in result.stderr


def _outcomes(base: str, count: int) -> list[int | str]:
    """Status per request, or "dropped" when the connection was cut without an answer."""
    found: list[int | str] = []
    for _ in range(count):
        # A fresh connection per request: a dropped one must not poison the next.
        with httpx.Client(base_url=base, timeout=10) as client:
            try:
                found.append(client.get("/health").status_code)
            except (httpx.RemoteProtocolError, httpx.ReadError):
                found.append("dropped")
    return found


def test_dropped_connections_over_a_socket_are_seeded(tmp_path: Path) -> None:
    runs = []
    for _ in range(2):
        process, base = _start(tmp_path, "--seed", "3", "--drop-rate", "40%", "--latency", "1")
        try:
            runs.append(_outcomes(base, 20))
        finally:
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=10)
        # uvicorn saw the client go, not an application error.
        assert "Exception in ASGI application" not in err
        assert "returned without" not in err
    assert runs[0] == runs[1]
    assert set(runs[0]) == {200, "dropped"}


def test_upstream_down_over_a_socket(tmp_path: Path) -> None:
    process, base = _start(tmp_path, "--upstream-down", "--error-rate", "502:10%")
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            health = client.get("/health")
            assert health.status_code == 503
            assert health.json()["status"] == "unavailable"
            videos = client.get("/videos", headers={"Authorization": "Bearer ca_test_full"})
            assert videos.status_code == 503
            assert videos.headers["retry-after"] == "1"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
