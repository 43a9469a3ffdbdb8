"""``/dataset``: load videos into a session, checked exactly like ``fixtures/videos.yaml``."""

from __future__ import annotations

from collections.abc import Sequence

from mockserver.context import Services
from mockserver.control.call import ControlCall, data
from mockserver.fixtures import SeedChecker, SeedVideo
from mockserver.problems import FieldError, validation_problem
from mockserver.resources.videos import new_video, video_id
from mockserver.responses import Reply
from mockserver.store import Store

DAY = 86_400.0


class DatasetLoader:
    """The ``loadDataset`` endpoint, with the fixture rules compiled once."""

    def __init__(self, checker: SeedChecker) -> None:
        self._checker = checker

    async def __call__(self, call: ControlCall) -> Reply:
        services = call.services
        seeds, problems = self._checker.check(
            {"videos": call.body["videos"]}, services.keyring.organizations
        )
        if problems:  # one bad entry and nothing is loaded
            raise validation_problem([_field_error(problem) for problem in problems])
        replace: bool = call.body.get("replace", True)
        store, control = await call.control()
        claimed = False
        if replace:
            await store.reset()
            # Claimed here, so the bundled dataset is not loaded on top of this one;
            # finished below, once these videos are in (other replicas wait till then).
            claimed = await store.claim_preload()
        elif await store.claim_preload():
            # On top of what the session would hold: the bundled dataset comes first, so
            # a video it already has keeps its state, as with any video already tracked.
            from mockserver.app import preload  # app imports the control plane

            await preload(services, store)
        now = control.now(services.clock.now())
        loaded = await insert(services, store, seeds, now)
        if claimed:
            await store.finish_preload()
        return data({"loaded": loaded, "replaced": replace})


async def insert(services: Services, store: Store, seeds: Sequence[SeedVideo], now: float) -> int:
    """Track each seed ``added_days_ago`` before ``now``; how many were new."""
    organizations = services.keyring.organizations
    loaded = 0
    for seed in seeds:
        organization = organizations[seed.organization]
        request = {
            "is_active": seed.is_active,
            "scrape_interval_hours": seed.scrape_interval_hours,
            "metadata": seed.metadata,
        }
        identifier = video_id(organization.id, seed.post.platform, seed.post.external_id)
        video = new_video(identifier, seed.post, request, now - seed.added_days_ago * DAY, 0.0)
        _, new = await store.insert_video(organization.id, video, None)
        loaded += new
    return loaded


def _field_error(problem: str) -> FieldError:
    """``videos[3].identifier: why`` as a field error."""
    where, _, message = problem.partition(": ")
    if where == "(top level)":
        where = "body"
    return {"field": where, "message": message}
