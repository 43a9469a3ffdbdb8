"""The command line: ``mockserver serve``. Flags and ``MOCKSERVER_*`` twins -> Settings.

A flag beats its environment twin, which beats the default. Every bad value, a broken
document or keys file, or a busy port is one clear message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import gc
import os
import pickle
import re
import signal
import socket
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mockserver.clock import parse_rfc3339
from mockserver.errors import StartupError
from mockserver.faults import parse_errors, parse_latency, parse_rate
from mockserver.settings import Settings

ENV_PREFIX = "MOCKSERVER_"
_FLOAT = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


def _port(text: str) -> int:
    port = int(text) if text.isascii() and text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise ValueError("must be between 0 and 65535 (0 picks a free port)")
    return port


def _seed(text: str) -> int:
    seed = int(text) if text.isascii() and text.isdigit() and len(text) < 20 else -1
    if not 0 <= seed < 2**63:
        raise ValueError("must be a whole number between 0 and 2**63-1")
    return seed


def _log_level(text: str) -> str:
    if text.lower() not in LOG_LEVELS:
        raise ValueError("must be one of " + ", ".join(LOG_LEVELS))
    return text.lower()


def _existing_file(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    return path


def _existing_dir(text: str) -> Path:
    path = Path(text).expanduser()
    if not path.is_dir():
        raise ValueError(f"no such folder: {path}")
    return path


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise ValueError("must be an absolute http(s) URL such as http://localhost:4010")
    return text.rstrip("/")


def _scale(text: str) -> float:
    scale = float(text) if _FLOAT.fullmatch(text) else -1.0
    if not 0 < scale <= 1_000_000:
        raise ValueError("must be a number above 0 and at most 1000000 (3600: an hour a second)")
    return scale


def _delay(text: str) -> float:
    delay = float(text) if _FLOAT.fullmatch(text) else -1.0
    if not 0 <= delay <= 31_536_000:
        raise ValueError("must be a number of seconds from 0 to 31536000 (a year)")
    return delay


def _origins(text: str) -> tuple[str, ...]:
    origins = tuple(o.strip() for o in text.split(",") if o.strip())
    if not origins:
        raise ValueError("must list at least one origin, or *")
    return origins


def _admin_key(text: str) -> str:
    if not re.fullmatch(r"[\x21-\x7e]{8,256}", text):
        raise ValueError("must be 8 to 256 printable ASCII characters without spaces")
    return text


def _count(low: int, high: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        value = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1
        if not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return convert


def _store(text: str) -> str:
    if text == "memory":
        return text
    example = "memory, or a Redis URL redis://HOST[:PORT][/DB] such as redis://127.0.0.1:6379/0"
    parts = urlsplit(text)
    try:
        port = parts.port  # a ValueError when it is not a number in 0..65535
    except ValueError:
        port = -1
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError(f"must be {example}")
    if port is not None and not 0 < port <= 65535:
        raise ValueError(f"has a bad port; it must be {example}")
    if parts.path not in ("", "/") and not re.fullmatch(r"/[0-9]{1,5}", parts.path):
        raise ValueError(f"names a bad database {parts.path[1:]!r}; it must be {example}")
    if parts.query or parts.fragment:
        raise ValueError(f"must have no query or fragment; it must be {example}")
    return text


def _store_prefix(text: str) -> str:
    # No ':' (keys are PREFIX:...; one mock's prefix must never start another's) and
    # no glob characters (reset finds its keys with SCAN MATCH PREFIX:*).
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", text):
        raise ValueError("must be 1 to 64 letters, digits, '.', '_' or '-'")
    return text


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


# setting name -> (flag, converter, help)
OPTIONS: Mapping[str, tuple[str, Callable[[str], Any], str]] = {
    "host": ("--host", str, "interface to listen on (default 127.0.0.1)"),
    "port": ("--port", _port, "port to listen on (default 4010; 0 picks a free one)"),
    "spec": ("--spec", _existing_file, "OpenAPI document (default: the bundled openapi.yaml)"),
    "fixtures": ("--fixtures", _existing_dir, "fixtures folder with keys.yaml (default: bundled)"),
    "seed": ("--seed", _seed, "seed of all generated content and ids (default 0)"),
    "log_level": ("--log-level", _log_level, "critical|error|warning|info|debug|trace"),
    "public_url": (
        "--public-url",
        _url,
        "origin put into absolute URLs (default http://HOST:PORT)",
    ),
    "frozen_time": (
        "--freeze-time",
        parse_rfc3339,
        "pin the clock, e.g. 2026-06-14T09:30:00Z (same requests, same bytes)",
    ),
    "cors_origins": ("--cors-origins", _origins, "comma-separated allowed origins (default *)"),
    "validate_responses": (
        "--validate-responses",
        _boolean,
        "check every response against the document; a violation becomes a 500",
    ),
    "time_scale": (
        "--time-scale",
        _scale,
        "simulated seconds per real second (default 1; 3600 = an hour a second)",
    ),
    "first_refresh_delay": (
        "--first-refresh-delay",
        _delay,
        "simulated seconds before a new video's first refresh (default 0)",
    ),
    "empty": ("--empty", _boolean, "start with no preloaded videos (--empty, or true|false)"),
    "rate_limit": (
        "--rate-limit",
        _boolean,
        "on|off: off never answers 429 (headers still sent), for load tests",
    ),
    "admin_key": (
        "--admin-key",
        _admin_key,
        "key of the control plane /__mock (default mock-admin)",
    ),
    "journal_size": (
        "--journal-size",
        _count(0, 1_000_000),
        "requests kept in each session's journal (default 1000; 0 turns it off)",
    ),
    "max_sessions": (
        "--max-sessions",
        _count(1, 100_000),
        "sessions (X-Mock-Session) that may exist at once (default 1000)",
    ),
    "latency_ms": (
        "--latency",
        parse_latency,
        "fault: added latency in ms, fixed (250) or a range (100-300)",
    ),
    "error_faults": (
        "--error-rate",
        parse_errors,
        "fault: STATUS:RATE[:RETRY_AFTER],... e.g. 503:2%,502:1% (500, 502, 503)",
    ),
    "drop_rate": ("--drop-rate", parse_rate, "fault: share of connections dropped, e.g. 0.5%"),
    "upstream_down": (
        "--upstream-down",
        _boolean,
        "fault: every operation answers 503 and /health reports it",
    ),
    "store": (
        "--store",
        _store,
        "memory (default), or redis://HOST:PORT/DB: state every replica and worker shares",
    ),
    "store_prefix": (
        "--store-prefix",
        _store_prefix,
        "prefix of every Redis key, so mocks can share one Redis (default mockserver)",
    ),
    "workers": (
        "--workers",
        _count(1, 256),
        "server processes on the one port (default 1; more need --store redis://...)",
    ),
}


def env_name(setting: str) -> str:
    """The environment twin of a setting's flag: ``--log-level`` -> ``MOCKSERVER_LOG_LEVEL``."""
    return ENV_PREFIX + OPTIONS[setting][0].removeprefix("--").upper().replace("-", "_")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="mockserver",
        description="A spec-driven, stateful mock of the CreatorAudit v2 API.",
    )
    commands = main.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the mock server")
    for setting, (flag, convert, text) in OPTIONS.items():
        # Boolean options also work as bare switches: `--empty` means `--empty true`.
        extra: dict[str, Any] = {"nargs": "?", "const": "true"} if convert is _boolean else {}
        serve.add_argument(
            flag, dest=setting, default=None, help=f"{text} [{env_name(setting)}]", **extra
        )
    return main


def settings_from(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """Settings from parsed flags over environment variables over defaults."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []
    for setting, (flag, convert, _) in OPTIONS.items():
        raw = getattr(args, setting)
        source = flag
        if raw is None:
            raw, source = environ.get(env_name(setting)), env_name(setting)
        if raw is None:
            continue
        sources[setting] = f"{source}={raw!r}"
        try:
            values[setting] = convert(raw)
        except ValueError as exc:
            problems.append(f"{source}={raw!r}: {exc}")
    if values.get("workers", 1) > 1 and values.get("store", "memory") == "memory":
        problems.append(
            f"{sources['workers']}: several workers need a shared store, e.g. --store "
            "redis://127.0.0.1:6379/0; with the memory store each worker would keep its own "
            "videos, Idempotency-Keys and rate limits"
        )
    if problems:
        raise StartupError("settings", problems)
    return Settings(**values)


def bind_socket(settings: Settings) -> socket.socket:
    """A listening TCP socket on the settings' host and port (0: a free one); StartupError
    when it is taken. Shared by ``serve`` and the pytest plugin's socket mode."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio turns Nagle off (TCP_NODELAY) only on sockets
    # whose proto says TCP, and accepted sockets inherit it. With proto 0, every
    # response waited ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        sock.close()
        where = f"{settings.host}:{settings.port}"
        raise StartupError("--port", f"cannot listen on {where}: {exc.strerror}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _banner(settings: Settings, personas: Sequence[tuple[str, str]], base_path: str) -> str:
    base = settings.base_url + base_path
    lines = [
        f"mockserver listening on {base}",
        f"  docs     {base}/docs",
        f"  document {base}/openapi.json",
        f"  seed     {settings.seed}",
        f"  control  {settings.base_url}/__mock (Authorization: Bearer <admin key>)",
        "  keys (Authorization: Bearer <key>):",
    ]
    width = max(len(key) for key, _ in personas)
    lines += [f"    {key.ljust(width)}  {name}" for key, name in personas]
    return "\n".join(lines)


def serve(settings: Settings) -> None:
    """Bind, build the app, print the banner, and run uvicorn until interrupted.

    With ``workers`` > 1, uvicorn's supervisor runs that many worker processes on the
    socket bound here; each builds the app from the same settings (:func:`worker_app`).
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from mockserver.app import create_app

    _stop_on_sigint()
    sock = bind_socket(settings)
    if settings.port == 0:
        settings = dataclasses.replace(settings, port=sock.getsockname()[1])
    try:
        app = create_app(settings)
        if settings.store != "memory":
            _check_store(app.state.services.sessions.backend, settings.store)
    except StartupError:
        sock.close()
        raise
    services = app.state.services
    print(_banner(settings, services.keyring.personas, services.spec.base_path), flush=True)
    # The access log costs throughput; it is on where a developer watches (info and below).
    access_log = settings.log_level in ("info", "debug", "trace")
    options: dict[str, Any] = {
        "log_level": settings.log_level,
        "access_log": access_log,
        "lifespan": "on",
    }
    if settings.workers == 1:
        _settle()
        uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=[sock])
        return
    # Workers are spawned, not forked: they import the app by name and read the
    # settings (port resolved) from the environment they inherit.
    os.environ[WORKER_SETTINGS] = base64.b64encode(pickle.dumps(settings)).decode()
    config = uvicorn.Config(
        f"{__name__}:worker_app", factory=True, workers=settings.workers, **options
    )
    Multiprocess(config, sockets=[sock]).run()


def _stop_on_sigint() -> None:
    """Let SIGINT (Ctrl-C) stop the server at any moment, start-up included.

    A shell starts background jobs (``mockserver serve &`` in a CI script) with SIGINT
    ignored. uvicorn handles SIGINT anyway once it runs, but one sent before that (right
    after the banner, say) was ignored and the server went on serving. With Python's
    own handler back, it raises KeyboardInterrupt, and :func:`main` exits with 0.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)


WORKER_SETTINGS = "_MOCKSERVER_WORKER_SETTINGS"


def worker_app() -> Any:
    """The app of one ``--workers`` process, from the settings its parent passed on."""
    from mockserver.app import create_app

    settings = pickle.loads(base64.b64decode(os.environ[WORKER_SETTINGS]))
    app = create_app(settings)
    _settle()
    return app


def _settle() -> None:
    """Take what start-up built out of the cyclic garbage collector's way.

    The document, its validators, the content pools and the fixtures (~40,000 objects)
    live as long as the process. Frozen, they are no longer traversed by every full
    collection, which grows with the tracked videos and pauses all requests meanwhile.
    """
    gc.collect()
    gc.freeze()


def _check_store(backend: Any, url: str) -> None:
    """A StartupError unless the state store answers now."""
    from mockserver.store import StoreUnavailable

    try:
        asyncio.run(backend.ping())
    except StoreUnavailable as exc:
        shown = urlsplit(url)._replace(netloc=urlsplit(url).netloc.rpartition("@")[2]).geturl()
        raise StartupError(
            "--store", f"cannot reach {shown}: {exc.reason}; start redis-server or fix --store"
        ) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mockserver`` command; returns the exit code."""
    args = parser().parse_args(argv)
    try:
        settings = settings_from(args, os.environ)
        if args.command == "serve":
            serve(settings)
    except StartupError as exc:
        print(f"mockserver: cannot start: {exc.render()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0
