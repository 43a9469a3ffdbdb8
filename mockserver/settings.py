"""The one frozen settings object, and where its defaults come from.

The CLI flags and the ``MOCKSERVER_*`` environment variables both map onto
:class:`Settings`; tests build it directly. Nothing here reads files: the document and
the fixtures are loaded by :func:`mockserver.create_app`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

from mockserver.faults import ErrorFault, FaultPlan

_PACKAGE_DATA = "_data"


def _bundled(name: str) -> Path:
    """A data file shipped in the wheel, or the source checkout's top-level copy."""
    packaged = Path(str(resources.files("mockserver"))) / _PACKAGE_DATA / name
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def default_spec_path() -> Path:
    """The bundled ``openapi.yaml``."""
    return _bundled("openapi.yaml")


def default_fixtures_path() -> Path:
    """The bundled ``fixtures/`` folder."""
    return _bundled("fixtures")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that shapes one server instance.

    ``frozen_time`` pins the clock (every timestamp, rate-limit window and refresh
    then repeats byte for byte); ``public_url`` is the base the mock puts into the
    absolute URLs it hands out (cover images, ``/meta`` links). ``rate_limit=False`` keeps
    counting and the headers but never answers 429 (for users' own load tests).
    ``time_scale`` is simulated seconds per real second; ``first_refresh_delay`` the
    simulated seconds before a new active video's first refresh (its metrics stay null
    until then); ``empty`` skips the preloaded videos of the fixtures.

    ``admin_key`` guards the control plane (``/__mock/``); ``journal_size`` bounds each
    session's request journal; ``max_sessions`` the sessions that may exist at once. The
    fault settings are every new session's :class:`~mockserver.faults.FaultPlan`.

    ``store`` is ``"memory"`` (this process only) or a Redis URL
    (``redis://host:port/db``) whose state every replica shares, under the key prefix
    ``store_prefix``; ``workers`` is how many server processes ``serve`` runs (more
    than one needs the shared store).
    """

    host: str = "127.0.0.1"
    port: int = 4010
    spec: Path = field(default_factory=default_spec_path)
    fixtures: Path = field(default_factory=default_fixtures_path)
    seed: int = 0
    log_level: str = "info"
    public_url: str | None = None
    frozen_time: datetime | None = None
    cors_origins: tuple[str, ...] = ("*",)
    validate_responses: bool = False
    rate_limit: bool = True
    time_scale: float = 1.0
    first_refresh_delay: float = 0.0
    empty: bool = False
    admin_key: str = "mock-admin"
    journal_size: int = 1000
    max_sessions: int = 1000
    latency_ms: tuple[int, int] | None = None
    error_faults: tuple[ErrorFault, ...] = ()
    drop_rate: float = 0.0
    upstream_down: bool = False
    store: str = "memory"
    store_prefix: str = "mockserver"
    workers: int = 1

    @property
    def faults(self) -> FaultPlan:
        """The fault plan a session starts with (and returns to on reset)."""
        return FaultPlan(self.latency_ms, self.error_faults, self.drop_rate, self.upstream_down)

    @property
    def base_url(self) -> str:
        """The mock's own origin, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"
