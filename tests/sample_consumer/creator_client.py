"""A client for the CreatorAudit v2 API, as a consumer of the API would write it.

It is the code under test of this sample suite: nothing here knows about the mock.
Tests point it at the mock with ``base_url=mockserver.url`` and
``transport=mockserver.transport``; production code leaves both at their defaults.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx2

API_ROOT = "https://api.creatoraudit.com/v2"
RETRYABLE = frozenset({502, 503})


class CreatorAuditError(Exception):
    """The API answered with an error (its problem+json ``code`` and ``detail``)."""

    def __init__(self, status: int, code: str | None, detail: str | None) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code


@dataclass(frozen=True, slots=True)
class Video:
    """The fields of a tracked video this application uses."""

    id: str
    platform: str
    external_id: str
    view_count: int | None
    last_scrape_time: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Video:
        return cls(
            id=data["id"],
            platform=data["platform"],
            external_id=data["external_id"],
            view_count=data["view_count"],
            last_scrape_time=data["last_scrape_time"],
        )


class CreatorAuditClient:
    """Track and read videos; retries 502/503 a few times, honoring ``Retry-After``.

    ``headers`` are sent with every request (a proxy's, a tenant's, a mock's session);
    ``sleep`` is injectable so tests need not wait; ``max_wait`` caps any one wait, so a
    server asking for an hour cannot stall a worker.
    """

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = API_ROOT,
        transport: httpx2.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        retries: int = 3,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = httpx2.Client(
            base_url=base_url.rstrip("/") + "/",
            headers={**(headers or {}), "Authorization": f"Bearer {api_key}"},
            transport=transport,
            timeout=10.0,
        )
        self._retries = retries
        self._max_wait = max_wait
        self._sleep = sleep

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CreatorAuditClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def track(self, platform: str, identifier: str, **metadata: str) -> Video:
        """Track a post; safe to retry: every attempt sends the same Idempotency-Key."""
        body = {"platform": platform, "identifier": identifier, "metadata": metadata}
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        response = self._send("POST", "videos", json=body, headers=headers)
        return Video.from_json(response.json()["data"])

    def get(self, video_id: str) -> Video:
        return Video.from_json(self._send("GET", f"videos/{video_id}").json()["data"])

    def videos(self, *, page_size: int = 50) -> Iterator[Video]:
        """Every tracked video, following the cursor from page to page."""
        params: dict[str, Any] = {"limit": page_size}
        while True:
            page = self._send("GET", "videos", params=params).json()
            yield from (Video.from_json(item) for item in page["data"])
            cursor = page["pagination"]["next_cursor"]
            if not cursor:
                return
            params = {"limit": page_size, "cursor": cursor}

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx2.Response:
        for attempt in range(self._retries + 1):
            response = self._http.request(method, path, **kwargs)
            if response.status_code not in RETRYABLE or attempt == self._retries:
                break
            self._sleep(self._wait(response, attempt))
        if response.is_error:
            problem = _problem(response)
            raise CreatorAuditError(
                response.status_code, problem.get("code"), problem.get("detail")
            )
        return response

    def _wait(self, response: httpx2.Response, attempt: int) -> float:
        retry_after = response.headers.get("Retry-After", "")
        wait = float(retry_after) if retry_after.isdigit() else 0.5 * 2**attempt
        return min(wait, self._max_wait)


def _problem(response: httpx2.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
