"""Unit tests for mockserver.cli: flags over MOCKSERVER_* twins over defaults (README table)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mockserver.cli import OPTIONS, env_name, main, parser, settings_from
from mockserver.errors import StartupError
from mockserver.faults import ErrorFault
from mockserver.settings import Settings

FROZEN = datetime(2026, 6, 14, 9, 30, tzinfo=UTC)


def settings(args: list[str], environ: Mapping[str, str] | None = None) -> Settings:
    return settings_from(parser().parse_args(["serve", *args]), environ or {})


def startup_error(args: list[str], environ: Mapping[str, str] | None = None) -> StartupError:
    with pytest.raises(StartupError) as caught:
        settings(args, environ)
    return caught.value


# setting -> (flag value, its result, env value, its result); paths are made per test.
def option_cases(tmp_path: Path) -> dict[str, tuple[str, Any, str, Any]]:
    flag_spec, env_spec = tmp_path / "flag.yaml", tmp_path / "env.yaml"
    flag_spec.write_text("a: 1\n")
    env_spec.write_text("a: 2\n")
    flag_dir, env_dir = tmp_path / "flag-fixtures", tmp_path / "env-fixtures"
    flag_dir.mkdir()
    env_dir.mkdir()
    return {
        "host": ("0.0.0.0", "0.0.0.0", "::1", "::1"),
        "port": ("8080", 8080, "9090", 9090),
        "spec": (str(flag_spec), flag_spec, str(env_spec), env_spec),
        "fixtures": (str(flag_dir), flag_dir, str(env_dir), env_dir),
        "seed": ("42", 42, "7", 7),
        "log_level": ("DEBUG", "debug", "warning", "warning"),
        "public_url": ("http://flag.test:1/", "http://flag.test:1", "https://env.test", None),
        "frozen_time": (
            "2026-06-14T09:30:00Z",
            FROZEN,
            "2026-06-14T12:00:00+02:00",
            datetime(2026, 6, 14, 10, 0, tzinfo=UTC),
        ),
        "cors_origins": ("a, b", ("a", "b"), "http://x.test", ("http://x.test",)),
        "validate_responses": ("on", True, "false", False),
        "rate_limit": ("off", False, "yes", True),
        "time_scale": ("3600", 3600.0, "2.5", 2.5),
        "first_refresh_delay": ("90", 90.0, "0.5", 0.5),
        "empty": ("true", True, "no", False),
        "admin_key": ("s3cret-admin", "s3cret-admin", "env-admin-key", "env-admin-key"),
        "journal_size": ("0", 0, "50", 50),
        "max_sessions": ("10", 10, "1", 1),
        "latency_ms": ("250", (250, 250), "100-300", (100, 300)),
        "error_faults": (
            "503:2%,502:0.01",
            (ErrorFault(503, 0.02, 1), ErrorFault(502, 0.01, 1)),
            "500:1%:5",
            (ErrorFault(500, 0.01, 5),),
        ),
        "drop_rate": ("0.5%", 0.005, "0.1", 0.1),
        "upstream_down": ("on", True, "false", False),
        "store": (
            "redis://127.0.0.1:6379/0",
            "redis://127.0.0.1:6379/0",
            "redis://:secret@cache.internal",
            "redis://:secret@cache.internal",
        ),
        "store_prefix": ("ci-job-7", "ci-job-7", "staging.mock", "staging.mock"),
        # Several workers need the shared store, so both twins come with one.
        "workers": ("4", 4, "2", 2),
    }


def test_every_option_has_a_case(tmp_path: Path) -> None:
    assert set(option_cases(tmp_path)) == set(OPTIONS)
    assert {f.name for f in dataclasses.fields(Settings)} == set(OPTIONS)


def test_defaults() -> None:
    assert settings([]) == Settings()
    defaults = settings([])
    assert defaults.host == "127.0.0.1"
    assert defaults.port == 4010
    assert defaults.seed == 0
    assert defaults.log_level == "info"
    assert defaults.public_url is None
    assert defaults.frozen_time is None
    assert defaults.cors_origins == ("*",)
    assert defaults.rate_limit is True
    assert defaults.validate_responses is False
    assert defaults.time_scale == 1.0
    assert defaults.first_refresh_delay == 0.0
    assert defaults.empty is False
    assert defaults.spec.name == "openapi.yaml"
    assert (defaults.fixtures / "keys.yaml").is_file()


@pytest.mark.parametrize("setting", list(OPTIONS))
def test_flag_beats_env_beats_default(tmp_path: Path, setting: str) -> None:
    flag_value, flag_result, env_value, env_result = option_cases(tmp_path)[setting]
    if env_result is None:
        env_result = env_value
    flag = OPTIONS[setting][0]
    env = {env_name(setting): env_value}
    default = getattr(Settings(), setting)
    if setting == "workers":
        env["MOCKSERVER_STORE"] = "redis://127.0.0.1:6379/0"

    assert flag_result != default
    assert flag_result != env_result
    # the flag beats the default; so does its twin alone
    assert getattr(settings([flag, flag_value], env_store(setting)), setting) == flag_result
    alone = {env_name(setting): flag_value, **env_store(setting)}
    assert getattr(settings([], alone), setting) == flag_result
    # the twin is read; the flag beats it
    assert getattr(settings([], env), setting) == env_result
    assert getattr(settings([flag, flag_value], env), setting) == flag_result
    # neither: the default
    assert getattr(settings([], {"MOCKSERVER_OTHER": env_value}), setting) == default


def env_store(setting: str) -> dict[str, str]:
    """What a setting needs beside it: several workers need the shared store."""
    return {"MOCKSERVER_STORE": "redis://127.0.0.1:6379/0"} if setting == "workers" else {}


def test_valid_flag_hides_a_bad_env_twin() -> None:
    assert settings(["--port", "8080"], {"MOCKSERVER_PORT": "nope"}).port == 8080


def test_env_names() -> None:
    assert env_name("frozen_time") == "MOCKSERVER_FREEZE_TIME"
    assert env_name("log_level") == "MOCKSERVER_LOG_LEVEL"
    assert env_name("port") == "MOCKSERVER_PORT"
    assert {env_name(s) for s in OPTIONS} == {
        "MOCKSERVER_HOST",
        "MOCKSERVER_PORT",
        "MOCKSERVER_SPEC",
        "MOCKSERVER_FIXTURES",
        "MOCKSERVER_SEED",
        "MOCKSERVER_LOG_LEVEL",
        "MOCKSERVER_PUBLIC_URL",
        "MOCKSERVER_FREEZE_TIME",
        "MOCKSERVER_CORS_ORIGINS",
        "MOCKSERVER_RATE_LIMIT",
        "MOCKSERVER_VALIDATE_RESPONSES",
        "MOCKSERVER_TIME_SCALE",
        "MOCKSERVER_FIRST_REFRESH_DELAY",
        "MOCKSERVER_EMPTY",
        "MOCKSERVER_ADMIN_KEY",
        "MOCKSERVER_JOURNAL_SIZE",
        "MOCKSERVER_MAX_SESSIONS",
        "MOCKSERVER_LATENCY",
        "MOCKSERVER_ERROR_RATE",
        "MOCKSERVER_DROP_RATE",
        "MOCKSERVER_UPSTREAM_DOWN",
        "MOCKSERVER_STORE",
        "MOCKSERVER_STORE_PREFIX",
        "MOCKSERVER_WORKERS",
    }


def test_flag_names_match_the_readme() -> None:
    assert {flag for flag, _, _ in OPTIONS.values()} == {
        "--host",
        "--port",
        "--spec",
        "--fixtures",
        "--seed",
        "--log-level",
        "--public-url",
        "--freeze-time",
        "--cors-origins",
        "--rate-limit",
        "--validate-responses",
        "--time-scale",
        "--first-refresh-delay",
        "--empty",
        "--admin-key",
        "--journal-size",
        "--max-sessions",
        "--latency",
        "--error-rate",
        "--drop-rate",
        "--upstream-down",
        "--store",
        "--store-prefix",
        "--workers",
    }


# --- bad values ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--port", "x"),
        ("--port", "-1"),
        ("--port", "65536"),
        ("--seed", "-1"),
        ("--seed", str(2**63)),
        ("--seed", "1.5"),
        ("--log-level", "loud"),
        ("--public-url", "ftp://x.test"),
        ("--public-url", "localhost:4010"),
        ("--freeze-time", "yesterday"),
        ("--freeze-time", "2026-06-14T09:30:00"),
        ("--cors-origins", " , "),
        ("--rate-limit", "maybe"),
        ("--validate-responses", "2"),
        ("--empty", "maybe"),
        ("--empty", ""),
        ("--time-scale", "0"),
        ("--time-scale", "-1"),
        ("--time-scale", "fast"),
        ("--time-scale", "1e3"),
        ("--time-scale", "1000000.5"),
        ("--time-scale", "nan"),
        ("--time-scale", "inf"),
        ("--first-refresh-delay", "-1"),
        ("--first-refresh-delay", "31536001"),
        ("--first-refresh-delay", "soon"),
        ("--first-refresh-delay", "1_000"),
        ("--spec", "/nonexistent/openapi.yaml"),
        ("--fixtures", "/nonexistent/fixtures"),
        ("--admin-key", "short"),
        ("--admin-key", "has a space in it"),
        ("--journal-size", "-1"),
        ("--journal-size", "1000001"),
        ("--max-sessions", "0"),
        ("--max-sessions", "many"),
        ("--latency", "300-100"),
        ("--latency", "60001"),
        ("--latency", "fast"),
        ("--latency", "-5"),
        ("--error-rate", "404:1%"),
        ("--error-rate", "503"),
        ("--error-rate", "503:150%"),
        ("--error-rate", "503:60%,502:50%"),
        ("--error-rate", "503:1%,503:2%"),
        ("--error-rate", "503:1%:0"),
        ("--error-rate", ","),
        ("--drop-rate", "2"),
        ("--drop-rate", "some"),
        ("--upstream-down", "maybe"),
        ("--store", "redis"),
        ("--store", "localhost:6379"),
        ("--store", "http://127.0.0.1:6379"),
        ("--store", "redis://"),
        ("--store", "redis://127.0.0.1:notaport/0"),
        ("--store", "redis://127.0.0.1:0/0"),
        ("--store", "redis://127.0.0.1:6379/db1"),
        ("--store", "redis://127.0.0.1:6379/0?timeout=1"),
        ("--store", "Memory"),
        ("--store-prefix", ""),
        ("--store-prefix", "a:b"),
        ("--store-prefix", "mock*"),
        ("--store-prefix", "x" * 65),
        ("--workers", "0"),
        ("--workers", "two"),
        ("--workers", "257"),
    ],
)
def test_bad_value_is_a_startup_error(flag: str, value: str) -> None:
    error = startup_error([flag, value])
    assert error.source == "settings"
    assert len(error.problems) == 1
    assert error.problems[0].startswith(f"{flag}={value!r}: ")


def test_every_bad_value_is_collected(tmp_path: Path) -> None:
    error = startup_error(
        ["--port", "x", "--log-level", "loud", "--rate-limit", "maybe", "--spec", str(tmp_path)],
        {"MOCKSERVER_SEED": "-1", "MOCKSERVER_PUBLIC_URL": "nope", "MOCKSERVER_HOST": "h"},
    )
    assert len(error.problems) == 6
    sources = {p.split("=", 1)[0] for p in error.problems}
    assert sources == {
        "--port",
        "--log-level",
        "--rate-limit",
        "--spec",
        "MOCKSERVER_SEED",
        "MOCKSERVER_PUBLIC_URL",
    }
    rendered = error.render()
    assert "6 problems" in rendered
    assert rendered.count("\n  - ") == 6


def test_bad_env_value_names_the_variable() -> None:
    error = startup_error([], {"MOCKSERVER_LOG_LEVEL": "chatty"})
    assert error.problems[0].startswith("MOCKSERVER_LOG_LEVEL='chatty': ")
    assert "critical" in error.problems[0]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_freeze_time_out_of_range_is_a_startup_error(value: str) -> None:
    error = startup_error(["--freeze-time", value])
    assert error.problems[0].startswith("--freeze-time=")


# --- particular values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-06-14T09:30:00Z", FROZEN),
        ("2026-06-14T09:30:00z", FROZEN),
        ("2026-06-14T11:30:00+02:00", FROZEN),
        ("2026-06-14T04:30:00-05:00", FROZEN),
        ("2026-06-14T09:30:00.250Z", FROZEN.replace(microsecond=250_000)),
    ],
)
def test_freeze_time(value: str, expected: datetime) -> None:
    frozen = settings(["--freeze-time", value]).frozen_time
    assert frozen == expected
    assert frozen is not None
    assert frozen.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("off", False), ("OFF", False), ("0", False), ("false", False), ("on", True), ("1", True)],
)
def test_rate_limit_switch(value: str, expected: bool) -> None:
    assert settings(["--rate-limit", value]).rate_limit is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a, b", ("a", "b")),
        ("*", ("*",)),
        ("http://a.test,http://b.test:8080", ("http://a.test", "http://b.test:8080")),
        (" a ,, b ,", ("a", "b")),
    ],
)
def test_cors_origins(value: str, expected: tuple[str, ...]) -> None:
    assert settings(["--cors-origins", value]).cors_origins == expected


BOOLEAN_SETTINGS = ("validate_responses", "rate_limit", "empty")


@pytest.mark.parametrize("setting", BOOLEAN_SETTINGS)
def test_boolean_flag_alone_means_true(setting: str) -> None:
    flag = OPTIONS[setting][0]
    assert getattr(settings([flag]), setting) is True
    # a bare switch still beats a contrary environment twin
    assert getattr(settings([flag], {env_name(setting): "false"}), setting) is True


@pytest.mark.parametrize("setting", BOOLEAN_SETTINGS)
def test_bare_boolean_flag_does_not_swallow_the_next_flag(setting: str) -> None:
    configured = settings([OPTIONS[setting][0], "--port", "8080"])
    assert getattr(configured, setting) is True
    assert configured.port == 8080


@pytest.mark.parametrize("setting", BOOLEAN_SETTINGS)
@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("on", True), ("YES", True), ("false", False), ("0", False), ("Off", False)],
)
def test_boolean_flag_with_a_value(setting: str, value: str, expected: bool) -> None:
    assert getattr(settings([OPTIONS[setting][0], value]), setting) is expected


@pytest.mark.parametrize("flag", ["--port", "--seed", "--time-scale", "--first-refresh-delay"])
def test_valued_flag_alone_is_a_usage_error(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parser().parse_args(["serve", flag])
    assert caught.value.code == 2
    assert flag in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1.0), ("3600", 3600.0), ("0.5", 0.5), ("1000000", 1_000_000.0), ("0.000001", 1e-6)],
)
def test_time_scale(value: str, expected: float) -> None:
    assert settings(["--time-scale", value]).time_scale == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0.0), ("0.25", 0.25), ("3600", 3600.0), ("31536000", 31_536_000.0)],
)
def test_first_refresh_delay(value: str, expected: float) -> None:
    assert settings(["--first-refresh-delay", value]).first_refresh_delay == expected


def test_bad_new_options_are_collected_with_the_others() -> None:
    error = startup_error(
        ["--time-scale", "0", "--empty", "maybe"], {"MOCKSERVER_FIRST_REFRESH_DELAY": "-5"}
    )
    assert {p.split("=", 1)[0] for p in error.problems} == {
        "--time-scale",
        "--empty",
        "MOCKSERVER_FIRST_REFRESH_DELAY",
    }


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "redis://localhost",
        "redis://[::1]:6380/15",
        "rediss://user:pass@cache.internal:6380/2",
        "redis://cache.internal/",
    ],
)
def test_store_urls(url: str) -> None:
    assert settings(["--store", url]).store == url


@pytest.mark.parametrize(
    ("args", "environ", "source"),
    [
        (["--workers", "2"], {}, "--workers='2'"),
        ([], {"MOCKSERVER_WORKERS": "3"}, "MOCKSERVER_WORKERS='3'"),
        (["--workers", "2", "--store", "memory"], {}, "--workers='2'"),
    ],
)
def test_several_workers_on_the_memory_store_refuse_to_start(
    args: list[str], environ: dict[str, str], source: str
) -> None:
    error = startup_error(args, environ)
    assert len(error.problems) == 1
    assert error.problems[0].startswith(f"{source}: several workers need a shared store")
    assert "--store redis://" in error.problems[0]


def test_several_workers_on_redis_and_one_on_memory_are_fine() -> None:
    assert settings(["--workers", "2", "--store", "redis://127.0.0.1:6379/0"]).workers == 2
    assert settings(["--workers", "1"]).workers == 1


def test_port_zero_is_allowed() -> None:
    assert settings(["--port", "0"]).port == 0


def test_public_url_drives_base_url() -> None:
    configured = settings(["--public-url", "https://mock.test/"])
    assert configured.public_url == "https://mock.test"
    assert configured.base_url == "https://mock.test"
    assert settings(["--host", "::1", "--port", "5"]).base_url == "http://[::1]:5"


# --- main ----------------------------------------------------------------------------


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for setting in OPTIONS:
        monkeypatch.delenv(env_name(setting), raising=False)


@pytest.mark.usefixtures("clean_environ")
def test_main_bad_port_exits_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "x"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cannot start" in captured.err
    assert "--port='x'" in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.usefixtures("clean_environ")
def test_main_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MOCKSERVER_SEED", "minus one")
    assert main(["serve"]) == 2
    assert "MOCKSERVER_SEED='minus one'" in capsys.readouterr().err


@pytest.mark.usefixtures("clean_environ")
def test_main_out_of_range_freeze_time_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    # --port x keeps the server from ever starting, whatever happens to --freeze-time
    args = ["serve", "--port", "x", "--freeze-time", "0001-01-01T00:00:00+01:00"]
    assert main(args) == 2
    assert "--freeze-time" in capsys.readouterr().err


@pytest.mark.usefixtures("clean_environ")
def test_main_unreachable_store_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.redis_server import free_port

    url = f"redis://:hush@127.0.0.1:{free_port()}/0"
    assert main(["serve", "--port", "0", "--store", url]) == 2
    err = capsys.readouterr().err
    assert f"--store: cannot reach redis://127.0.0.1:{url.rsplit(':', 1)[1]}" in err
    assert "start redis-server" in err
    assert "hush" not in err  # the password is never shown
    assert "Traceback" not in err


@pytest.mark.usefixtures("clean_environ")
def test_main_workers_on_memory_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--workers", "2"]) == 2
    assert "several workers need a shared store" in capsys.readouterr().err


def test_bound_socket_says_tcp_so_asyncio_turns_nagle_off() -> None:
    # asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP; without it
    # every keep-alive response waited ~40 ms for the client's delayed ACK.
    import socket

    from mockserver.cli import bind_socket

    sock = bind_socket(Settings(host="127.0.0.1", port=0))
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_the_readme_table_lists_every_flag_and_twin() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {
        (flag, env)
        for flag, env in re.findall(r"^\| `(--[a-z-]+)` \| `(MOCKSERVER_[A-Z_]+)` \|", readme, re.M)
    }
    assert rows == {(flag, env_name(setting)) for setting, (flag, _, _) in OPTIONS.items()}
