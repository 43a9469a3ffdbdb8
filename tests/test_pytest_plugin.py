"""The pytest plugin: the sample consumer suite end to end, and the plugin's own rules."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from mockserver.pytest_plugin import session_name, settings_from
from mockserver.testing import INSTALL_HINT, MockServer, MockServerError

pytest_plugins = ["pytester"]

SAMPLE = Path(__file__).resolve().parent / "sample_consumer"
SAMPLE_TESTS = 9  # the tests of tests/sample_consumer/test_consumer.py, parameters counted
SESSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def test_the_sample_consumer_suite_passes(pytester: pytest.Pytester) -> None:
    # A run of its own, as a user's project would: the plugin comes from the entry point.
    result = pytester.runpytest_subprocess(str(SAMPLE), timeout=120)

    result.assert_outcomes(passed=SAMPLE_TESTS)


def test_the_socket_option_serves_every_test_over_tcp(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_url(mockserver):
            assert mockserver.url.startswith("http://127.0.0.1:")
            assert mockserver.client.get("/v2/health").status_code == 200
        """
    )
    pytester.runpytest_inprocess("--mockserver-socket").assert_outcomes(passed=1)


def test_teardown_deletes_the_test_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        SEEN = []

        def test_first(mockserver):
            mockserver.journal.clear()  # any request on the session brings it into being
            assert mockserver.session in mockserver.sessions()
            SEEN.append(mockserver.session)

        def test_second(mockserver):
            mockserver.journal.clear()
            sessions = mockserver.sessions()
            assert SEEN and SEEN[0] not in sessions
            assert mockserver.session in sessions
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=2)


def test_an_unknown_marker_setting_is_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.mockserver(sed=1)
        def test_typo(mockserver):
            pass

        @pytest.mark.mockserver(port=8080)
        def test_managed(mockserver):
            pass
        """
    )
    result = pytester.runpytest_inprocess()

    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*test_typo*unknown mockserver setting(s) 'sed'; known: socket, admin_key,*",
            "*test_managed*'port' is managed: the plugin picks a free port*",
        ]
    )


def test_settings_from_the_marker() -> None:
    settings = settings_from({"seed": 3, "empty": True, "frozen_time": "2026-06-14T09:30:00Z"})

    assert (settings.seed, settings.empty, settings.log_level) == (3, True, "warning")
    assert settings.frozen_time is not None
    assert settings.frozen_time.isoformat() == "2026-06-14T09:30:00+00:00"
    with pytest.raises(ValueError, match=r"unknown mockserver setting.*'bogus', 'other'"):
        settings_from({"other": 1, "bogus": 2})


@pytest.mark.parametrize(
    "nodeid",
    [
        "tests/test_a.py::test_x",
        "tests/test_a.py::TestClass::test_x[param-1]",
        "tests/test_a.py::test_x[a/b c]",
        "t.py::test_" + "long_name_" * 20,
        "t.py::test_ünïcode[🙂]",
        "t.py::___",
        "t.py::[]",
    ],
)
def test_session_names_are_valid(nodeid: str) -> None:
    name = session_name(nodeid)

    assert SESSION_PATTERN.fullmatch(name), name
    assert session_name(nodeid) == name  # deterministic


def test_session_names_are_unique() -> None:
    nodeids = [f"t.py::test_x[{i}]" for i in range(2000)]
    nodeids += ["t.py::test_x[a b]", "t.py::test_x[a-b]", "t.py::test_x[a/b]"]
    nodeids += [f"t.py::test_{'y' * 80}{i}" for i in range(50)]  # same readable prefix

    assert len({session_name(nodeid) for nodeid in nodeids}) == len(nodeids)


def test_session_name_keeps_the_test_name() -> None:
    assert session_name("tests/test_a.py::test_tracks[ig]").startswith("test_tracks-ig-")


def test_each_test_has_its_own_session(
    mockserver: MockServer, request: pytest.FixtureRequest
) -> None:
    assert mockserver.session == session_name(request.node.nodeid)
    assert mockserver.headers == {"X-Mock-Session": mockserver.session}


def test_refusals_raise_with_the_problem(mockserver: MockServer) -> None:
    with pytest.raises(MockServerError) as raised:
        mockserver.clock.advance(10 * 365 * 86_400 + 86_400)

    assert raised.value.status == 422
    assert raised.value.problem["code"] == "VALIDATION_ERROR"
    assert "seconds" in str(raised.value)


def test_the_transport_adds_the_session_header(mockserver: MockServer) -> None:
    import httpx2

    key = mockserver.keys.full
    with httpx2.Client(transport=mockserver.transport, base_url=mockserver.url) as own:
        response = own.get("/whoami", headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 200
    (entry,) = mockserver.journal.entries(operation="getWhoami")
    assert entry["headers"]["x-mock-session"] == mockserver.session


@pytest.mark.mockserver(socket=True)
def test_socket_mode_listens_on_a_tcp_port(mockserver: MockServer) -> None:
    found = re.fullmatch(r"http://127\.0\.0\.1:([0-9]+)/v2", mockserver.url)
    assert found, mockserver.url
    # A plain socket and a hand-written request: nothing in-process can answer this.
    with socket.create_connection(("127.0.0.1", int(found[1])), timeout=5) as raw:
        raw.sendall(b"GET /v2/health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk

    assert reply.startswith(b"HTTP/1.1 200 ")


@pytest.mark.parametrize(
    "mode",
    ["in-process", pytest.param("socket", marks=pytest.mark.mockserver(socket=True))],
)
def test_both_modes_answer_alike(mockserver: MockServer, mode: str) -> None:
    key = {"Authorization": f"Bearer {mockserver.keys.other}"}
    response = mockserver.client.get("/v2/videos", headers=key)

    assert response.status_code == 200
    assert mockserver.url.startswith("http://testserver" if mode == "in-process" else "http://127")
    assert mockserver.journal.count(operation="listVideos", status=200) == 1
    mockserver.reset()
    assert mockserver.journal.count() == 0


def test_without_an_http_client_the_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['httpx2'] = sys.modules['httpx'] = None\n"
        "import mockserver.pytest_plugin  # the plugin itself must still load\n"
        "import mockserver.testing\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 1
    assert INSTALL_HINT in result.stderr


def test_the_handle_loads_datasets_and_freezes_time(mockserver: MockServer) -> None:
    seed = {"organization": "acme", "platform": "instagram", "identifier": "BqvsDleB3lV"}
    assert mockserver.load_dataset([{**seed, "added_days_ago": 1}]) == 1
    frozen = mockserver.clock.set("2030-01-01T00:00:00Z", frozen=True)

    assert mockserver.clock.advance(timedelta(minutes=1)) == frozen + timedelta(minutes=1)
    assert mockserver.clock.now() == frozen + timedelta(minutes=1)
    key = {"Authorization": f"Bearer {mockserver.keys.full}"}
    listed = mockserver.client.get("/v2/videos", headers=key).json()["data"]
    assert [video["shortcode"] for video in listed] == ["BqvsDleB3lV"]
    assert mockserver.reset() == ["state", "journal", "faults", "clock"]
    assert mockserver.clock.state()["frozen"] is False
