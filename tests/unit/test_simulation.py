"""Unit tests for mockserver.simulation: refresh schedules and rendering at a time.

CONTRACT 7.2 (lifecycle: null until the first refresh, refreshes every
``scrape_interval_hours``, inactive videos are not refreshed, counts never shrink,
``create_time`` not after ``added_at``), openapi.yaml ``updateVideo`` (reactivating or
changing the interval schedules the next refresh from the last one, at once when already
due; deactivating freezes the counts) and the module docstrings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mockserver.simulation as simulation
from mockserver.clock import parse_rfc3339, rfc3339
from mockserver.fixtures import Pin
from mockserver.generation import ContentGenerator, VideoContent
from mockserver.identifiers import ResolvedPost
from mockserver.simulation import (
    HOUR,
    Segment,
    Simulator,
    VideoState,
    first_refresh,
    last_refresh,
    new_schedule,
    reschedule,
)
from mockserver.spec import Spec
from tests.unit import factories
from tests.unit.factories import DAY, NOW, instagram_post, tiktok_post, video

T0 = NOW
BASE_URL = "http://mock.test:4010"
GENERATOR = ContentGenerator(0)
COUNT_FIELDS = (
    "view_count",
    "like_count",
    "comment_count",
    "share_count",
    "play_count",
    "saved_count",
    "total_views",
    "total_plays",
)
CONTENT_FIELDS = (
    "description",
    "media_type",
    "duration",
    "cover_image_url",
    "cover_image_url_original",
    "video_url",
    "video_url_original",
    "platform_account_id",
)
BOUNDED = settings(max_examples=100, derandomize=True, database=None, deadline=None)


def simulator(pins: dict[tuple[str, str], Pin] | None = None) -> Simulator:
    return Simulator(GENERATOR, BASE_URL, pins)


def find_post(
    platform: str = "tiktok",
    created: float = T0 - 2 * HOUR,
    *,
    unavailable: bool = False,
    media_type: str | None = None,
    username: str | None = None,
) -> ResolvedPost:
    """The first post published at ``created`` whose generated content fits."""
    return factories.find_post(
        GENERATOR,
        platform,
        created,
        unavailable=unavailable,
        media_type=media_type,
        username=username,
    )


def schedule(*segments: tuple[float, float | None, float]) -> tuple[Segment, ...]:
    """Segments given in hours after T0 (anchor None: inactive), interval in hours."""
    return tuple(
        Segment(T0 + start * HOUR, None if anchor is None else T0 + anchor * HOUR, every * HOUR)
        for start, anchor, every in segments
    )


def at(hours: float) -> float:
    return T0 + hours * HOUR


def hours(t: float | None) -> float | None:
    return None if t is None else (t - T0) / HOUR


# --- new_schedule --------------------------------------------------------------------


def test_new_schedule_of_an_active_video() -> None:
    assert new_schedule(T0, True, 24, 0.0) == Segment(T0, T0, 24 * HOUR)
    assert new_schedule(T0, True, 6, 90.0) == Segment(T0, T0 + 90, 6 * HOUR)


def test_new_schedule_of_an_inactive_video_has_no_anchor() -> None:
    assert new_schedule(T0, False, 24, 90.0) == Segment(T0, None, 24 * HOUR)


# --- last_refresh / first_refresh ----------------------------------------------------


@pytest.mark.parametrize(
    ("t", "last"),
    [(-1, None), (-0.001, None), (0, 0), (5, 0), (9.999, 0), (10, 10), (35, 30), (1000, 1000)],
)
def test_one_active_segment(t: float, last: float | None) -> None:
    plan = schedule((0, 0, 10))
    assert hours(last_refresh(plan, at(t))) == last
    assert hours(first_refresh(plan, at(t))) == (None if last is None else 0)


@pytest.mark.parametrize(
    ("t", "last"), [(0, None), (1.999, None), (2, 2), (11.9, 2), (12, 12), (100, 92)]
)
def test_first_refresh_delay(t: float, last: float | None) -> None:
    plan = (new_schedule(T0, True, 10, 2 * HOUR),)
    assert hours(last_refresh(plan, at(t))) == last
    assert hours(first_refresh(plan, at(t))) == (None if last is None else 2)


@settings(max_examples=300, deadline=None)
@given(
    start=st.floats(-1e10, 1e10),
    delay=st.one_of(st.none(), st.floats(0, 1e8)),
    interval_hours=st.integers(1, 720),
    t=st.floats(-1e10, 1e10),
)
def test_one_segment_shortcut_agrees_with_the_general_loop(
    start: float, delay: float | None, interval_hours: int, t: float
) -> None:
    # A later segment that starts after t changes nothing, but takes the general path.
    anchor = None if delay is None else start + delay
    segment = Segment(start, anchor, interval_hours * HOUR)
    later = Segment(max(t, start) + 1e6, None, HOUR)
    assert last_refresh((segment,), t) == last_refresh((segment, later), t)


def test_new_schedule_builds_an_immutable_segment() -> None:
    built = new_schedule(T0, True, 6, 90.0)
    assert built == Segment(T0, T0 + 90.0, 6 * HOUR)
    assert type(built) is Segment
    with pytest.raises(AttributeError):
        built.start = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("t", [-5, 0, 1, 24, 10_000])
def test_inactive_is_never_refreshed(t: float) -> None:
    plan = (new_schedule(T0, False, 24, 0.0),)
    assert last_refresh(plan, at(t)) is None
    assert first_refresh(plan, at(t)) is None


def test_empty_schedule_is_never_refreshed() -> None:
    assert last_refresh((), T0) is None
    assert first_refresh((), T0) is None


@pytest.mark.parametrize(
    ("t", "last"),
    [(19, 10), (24, 20), (25, 20), (30, 20), (49.9, 20), (50, 50), (59, 50), (61, 60)],
)
def test_deactivate_then_reactivate(t: float, last: float) -> None:
    plan = schedule((0, 0, 10), (25, None, 10), (50, 50, 10))
    assert hours(last_refresh(plan, at(t))) == last
    assert hours(first_refresh(plan, at(t))) == 0


@pytest.mark.parametrize(
    ("t", "last"), [(23, 0), (24, 24), (29.9, 24), (30, 30), (35, 30), (36, 36), (50, 48)]
)
def test_interval_change(t: float, last: float) -> None:
    plan = schedule((0, 0, 24), (30, 30, 6))
    assert hours(last_refresh(plan, at(t))) == last


@pytest.mark.parametrize(("t", "last"), [(20, 20), (21, 20), (24, 20), (25, 25), (31, 30)])
def test_refresh_due_exactly_when_the_next_segment_begins(t: float, last: float) -> None:
    # seg 1 would refresh at 0, 10, 20, ...; seg 2 takes over at 20 and refreshes then.
    plan = schedule((0, 0, 10), (20, 20, 5))
    assert hours(last_refresh(plan, at(t))) == last
    assert hours(first_refresh(plan, at(t))) == 0


def test_refresh_superseded_before_it_was_due_never_happens() -> None:
    # Tracked with a first refresh 10 h out, deactivated after 5 h: never refreshed.
    plan = schedule((0, 10, 24), (5, None, 24))
    for t in (0, 5, 10, 11, 100):
        assert last_refresh(plan, at(t)) is None, t
        assert first_refresh(plan, at(t)) is None, t


def test_first_refresh_comes_from_a_later_segment() -> None:
    plan = schedule((0, None, 24), (30, 30, 24))
    assert first_refresh(plan, at(29)) is None
    assert hours(first_refresh(plan, at(30))) == 30
    assert hours(first_refresh(plan, at(1000))) == 30


@pytest.mark.parametrize("t", [-100, -0.5])
def test_before_the_start(t: float) -> None:
    plan = schedule((0, 0, 1), (2, None, 1), (4, 4, 1))
    assert last_refresh(plan, at(t)) is None
    assert first_refresh(plan, at(t)) is None


# --- reschedule ----------------------------------------------------------------------


def test_reschedule_appends_a_segment_and_keeps_the_past() -> None:
    state = video(added_at=T0, interval_hours=10)
    original = state.schedule
    reschedule(state, at(25), False, 10)
    assert state.schedule[:1] == original
    assert state.schedule[1:] == (Segment(at(25), None, 10 * HOUR),)
    assert state.is_active is False
    assert state.scrape_interval_hours == 10


def test_deactivate_then_reactivate_follows_the_last_refresh() -> None:
    state = video(added_at=T0, interval_hours=10)
    reschedule(state, at(25), False, 10)
    reschedule(state, at(50), True, 10)  # last refresh 20; 20 + 10 is past: at once
    assert state.schedule == schedule((0, 0, 10), (25, None, 10), (50, 50, 10))
    assert state.is_active is True


def test_reactivation_waits_for_the_interval_when_not_yet_due() -> None:
    state = video(added_at=T0, interval_hours=10)
    reschedule(state, at(23), False, 10)  # last refresh at 20
    reschedule(state, at(24), True, 10)  # next one at 30, not at once
    assert state.schedule[-1] == Segment(at(24), at(30), 10 * HOUR)
    assert hours(last_refresh(state.schedule, at(29))) == 20
    assert hours(last_refresh(state.schedule, at(30))) == 30


def test_shorter_interval_refreshes_at_once_when_already_due() -> None:
    state = video(added_at=T0, interval_hours=24)
    reschedule(state, at(20), True, 6)  # last 0; 0 + 6 is past
    assert state.schedule[-1] == Segment(at(20), at(20), 6 * HOUR)
    assert state.scrape_interval_hours == 6
    assert hours(last_refresh(state.schedule, at(20))) == 20
    assert hours(last_refresh(state.schedule, at(27))) == 26


def test_shorter_interval_not_yet_due_follows_the_last_refresh() -> None:
    state = video(added_at=T0, interval_hours=24)
    reschedule(state, at(27), True, 6)  # last 24; next 30
    assert state.schedule[-1] == Segment(at(27), at(30), 6 * HOUR)
    assert hours(last_refresh(state.schedule, at(29))) == 24


def test_longer_interval_follows_the_last_refresh() -> None:
    state = video(added_at=T0, interval_hours=6)
    reschedule(state, at(7), True, 24)  # last 6; next 30
    assert state.schedule[-1] == Segment(at(7), at(30), 24 * HOUR)
    assert hours(last_refresh(state.schedule, at(12))) == 6  # the old 12 h refresh is gone
    assert hours(last_refresh(state.schedule, at(29))) == 6
    assert hours(last_refresh(state.schedule, at(54))) == 54


def test_never_refreshed_video_is_refreshed_at_once() -> None:
    state = video(added_at=T0, interval_hours=24, delay=5 * HOUR)
    reschedule(state, at(1), True, 12)
    assert state.schedule[-1] == Segment(at(1), at(1), 12 * HOUR)
    assert hours(first_refresh(state.schedule, at(1))) == 1


def test_activating_a_video_tracked_inactive() -> None:
    state = video(added_at=T0, active=False)
    assert first_refresh(state.schedule, at(100)) is None
    reschedule(state, at(5), True, 24)
    assert state.is_active is True
    assert hours(first_refresh(state.schedule, at(5))) == 5
    assert hours(last_refresh(state.schedule, at(30))) == 29


def test_interval_change_of_an_inactive_video_keeps_it_frozen() -> None:
    state = video(added_at=T0, interval_hours=10)
    reschedule(state, at(15), False, 10)
    reschedule(state, at(16), False, 48)
    assert state.is_active is False
    assert state.scrape_interval_hours == 48
    assert state.schedule[-1].anchor is None
    assert hours(last_refresh(state.schedule, at(1000))) == 10


# A PATCH at the very instant a refresh is due (a frozen or manual clock makes this the
# common case: the first refresh of a new video is due the moment it is tracked).
@pytest.mark.parametrize(
    ("tracked_hours_ago", "active", "interval"),
    [(0, True, 12), (0, False, 24), (24, False, 24), (48, True, 6), (48, True, 48)],
    ids=[
        "track-then-patch-interval",
        "track-then-deactivate",
        "deactivate-at-refresh",
        "shorten-at-refresh",
        "lengthen-at-refresh",
    ],
)
def test_reschedule_at_a_due_refresh_keeps_what_was_shown(
    tracked_hours_ago: float, active: bool, interval: int
) -> None:
    t = T0
    state = video(
        post=find_post(created=t - (tracked_hours_ago + 2) * HOUR),
        added_at=t - tracked_hours_ago * HOUR,
    )
    sim = simulator()
    before = sim.render(state, t)
    assert before["last_scrape_time"] == rfc3339(t)  # a refresh is due right now
    reschedule(state, t, active, interval)
    after = sim.render(state, t)
    for field in ("first_scrape_time", "last_scrape_time", *COUNT_FIELDS):
        assert after[field] == before[field], field


# --- properties of schedules built by reschedule --------------------------------------

# (hours after the previous change, active, interval hours)
change = st.tuples(
    st.floats(min_value=0.01, max_value=24 * 40, allow_nan=False),
    st.booleans(),
    st.sampled_from([6, 7, 12, 24, 48, 720]),
)


@BOUNDED
@given(
    active=st.booleans(),
    interval=st.sampled_from([6, 12, 24, 720]),
    delay_hours=st.floats(min_value=0, max_value=72),
    changes=st.lists(change, max_size=6),
    probes=st.lists(st.floats(min_value=-24, max_value=24 * 300), min_size=1, max_size=20),
)
def test_rescheduled_history_is_consistent(
    active: bool,
    interval: int,
    delay_hours: float,
    changes: list[tuple[float, bool, int]],
    probes: list[float],
) -> None:
    state = video(added_at=T0, active=active, interval_hours=interval, delay=delay_hours * HOUR)
    t = T0
    for after_hours, now_active, now_interval in changes:
        t += after_hours * HOUR
        old = state.schedule
        due_now = last_refresh(old, t) == t  # the known boundary bug: checked apart
        reschedule(state, t, now_active, now_interval)
        assert len(state.schedule) == len(old) + 1
        for s in sorted(at(p) for p in probes if at(p) < t):
            assert last_refresh(state.schedule, s) == last_refresh(old, s), (s, t)
            assert first_refresh(state.schedule, s) == first_refresh(old, s), (s, t)
        if not due_now:
            # at the change itself: as before, or refreshed at once by it
            assert last_refresh(state.schedule, t) in (last_refresh(old, t), t)
            assert first_refresh(state.schedule, t) in (first_refresh(old, t), t)
    previous: float | None = None
    first_seen: float | None = None
    for s in sorted(at(p) for p in probes):
        last = last_refresh(state.schedule, s)
        first = first_refresh(state.schedule, s)
        assert (last is None) == (first is None)
        if last is None:
            assert previous is None, "refreshed once, a video stays refreshed"
            continue
        assert first is not None
        assert first <= last <= s
        assert last >= T0
        if previous is not None:
            assert last >= previous
        if first_seen is not None:
            assert first == first_seen
        previous, first_seen = last, first


@BOUNDED
@given(
    interval=st.integers(min_value=6, max_value=720),
    delay=st.floats(min_value=0, max_value=3 * DAY),
    t=st.floats(min_value=-DAY, max_value=400 * DAY),
)
def test_one_segment_refreshes_on_its_grid(interval: int, delay: float, t: float) -> None:
    plan = (new_schedule(T0, True, interval, delay),)
    s = T0 + t
    last = last_refresh(plan, s)
    if s < T0 + delay:
        assert last is None
        return
    assert last is not None
    assert last <= s < last + interval * HOUR
    steps = (last - T0 - delay) / (interval * HOUR)
    assert steps == pytest.approx(round(steps), abs=1e-6)


# --- Simulator.render ----------------------------------------------------------------


def test_render_before_the_first_refresh() -> None:
    post = find_post(username="some.user")
    state = video(post=post, added_at=T0, delay=HOUR, metadata={"campaign": "x"})
    rendered = simulator().render(state, T0 + 30 * 60)
    assert rendered["id"] == state.id
    assert rendered["external_id"] == post.external_id
    assert rendered["type"] == "video"
    assert rendered["platform"] == "tiktok"
    assert rendered["shortcode"] is None
    assert rendered["is_active"] is True
    assert rendered["scrape_interval_hours"] == 24
    assert rendered["metadata"] == {"campaign": "x"}
    assert rendered["added_at"] == rendered["updated_at"] == rfc3339(T0)
    assert rendered["first_scrape_time"] is None
    assert rendered["last_scrape_time"] is None
    assert rendered["create_time"] == rfc3339(post.created_at.timestamp())
    assert rendered["account_username"] == "some.user"  # from the URL, known at once
    assert rendered["is_unavailable"] is False
    assert rendered["platform_data"] == {}
    for field in (*COUNT_FIELDS, *CONTENT_FIELDS, "account_id"):
        assert rendered[field] is None, field


def test_render_before_the_first_refresh_without_a_username() -> None:
    state = video(post=find_post(), added_at=T0, delay=HOUR)
    assert simulator().render(state, T0)["account_username"] is None


def test_render_follows_the_document_order(spec: Spec) -> None:
    schema = spec.document["components"]["schemas"]["VideoResponse"]
    state = video(post=find_post(), added_at=T0)
    for t in (T0 - 1, T0):
        assert list(simulator().render(state, t)) == list(schema["properties"])


def test_render_after_the_first_refresh_tiktok() -> None:
    post = find_post(media_type="video")
    state = video(post=post, added_at=T0, delay=HOUR)
    rendered = simulator().render(state, T0 + 2 * HOUR)
    content = GENERATOR.content(post)
    assert rendered["first_scrape_time"] == rendered["last_scrape_time"] == rfc3339(T0 + HOUR)
    assert rendered["description"] == content.description
    assert rendered["media_type"] == "video"
    assert rendered["duration"] == content.duration
    assert rendered["account_username"] == content.account_username
    assert rendered["platform_account_id"] == content.platform_account_id
    assert rendered["platform_data"] == content.platform_data
    path = f"tiktok/{post.external_id}"
    assert rendered["cover_image_url"] == f"{BASE_URL}/_assets/covers/{path}.svg"
    assert rendered["video_url"] == f"https://media.creatoraudit.com/videos/{path}.mp4"
    assert rendered["cover_image_url_original"] == content.cover_image_url_original
    assert rendered["video_url_original"] == content.video_url_original
    counts = {f: rendered[f] for f in COUNT_FIELDS}
    assert counts["saved_count"] is None
    assert counts["play_count"] == counts["view_count"]
    assert all(isinstance(counts[f], int) for f in COUNT_FIELDS if f != "saved_count")
    assert 0 <= counts["comment_count"] <= counts["like_count"] <= counts["view_count"]
    assert counts["total_views"] >= counts["view_count"]
    assert counts["total_plays"] >= counts["play_count"]
    metrics = simulator().counts_at(state, T0 + 2 * HOUR)
    assert metrics is not None
    assert metrics._asdict() == counts


def test_render_after_the_first_refresh_instagram_image() -> None:
    post = find_post("instagram", media_type="IMAGE")
    rendered = simulator().render(video(post=post, added_at=T0), T0 + DAY)
    assert rendered["shortcode"] == post.shortcode
    assert rendered["media_type"] == "IMAGE"
    assert rendered["duration"] is None
    assert rendered["video_url"] is None
    assert rendered["play_count"] is None
    assert isinstance(rendered["saved_count"], int)
    assert rendered["cover_image_url"].endswith(f"/instagram/{post.external_id}.svg")


def test_render_of_an_unavailable_post() -> None:
    post = find_post(unavailable=True)
    rendered = simulator().render(video(post=post, added_at=T0), T0 + DAY)
    assert rendered["is_unavailable"] is True
    assert rendered["last_scrape_time"] == rfc3339(T0 + DAY)
    for field in (*COUNT_FIELDS, "cover_image_url", "video_url", "description"):
        assert rendered[field] is None, field


def test_counts_at_is_none_before_the_first_refresh() -> None:
    state = video(post=find_post(), added_at=T0, delay=HOUR)
    assert simulator().counts_at(state, T0) is None
    assert simulator().counts_at(state, T0 + HOUR) is not None


def test_inactive_video_renders_without_counts() -> None:
    state = video(post=find_post(), added_at=T0, active=False)
    rendered = simulator().render(state, T0 + 100 * DAY)
    assert rendered["is_active"] is False
    assert rendered["last_scrape_time"] is None
    assert rendered["view_count"] is None


def rendered_counts(rendered: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(rendered[f] for f in COUNT_FIELDS)


@BOUNDED
@given(
    platform=st.sampled_from(["tiktok", "instagram"]),
    published_hours_before=st.floats(min_value=0, max_value=24 * 30),
    interval=st.integers(min_value=6, max_value=720),
    delay=st.floats(min_value=0, max_value=DAY),
    times=st.lists(st.floats(min_value=-DAY, max_value=400 * DAY), min_size=2, max_size=12),
)
def test_counts_never_shrink_for_an_active_video(
    platform: str,
    published_hours_before: float,
    interval: int,
    delay: float,
    times: list[float],
) -> None:
    post = find_post(platform, T0 - published_hours_before * HOUR)
    state = video(post=post, added_at=T0, interval_hours=interval, delay=delay)
    sim = simulator()
    previous: dict[str, Any] | None = None
    for offset in sorted(times):
        rendered = sim.render(state, T0 + offset)
        last = rendered["last_scrape_time"]
        if last is None:
            assert previous is None
            assert rendered["view_count"] is None
            continue
        assert parse_rfc3339(last).timestamp() <= T0 + offset
        assert rendered["first_scrape_time"] == rfc3339(T0 + delay)
        if previous is not None:
            assert last >= previous["last_scrape_time"]
            for field in COUNT_FIELDS:
                if previous[field] is not None:
                    assert rendered[field] >= previous[field], field
        previous = rendered


def test_counts_grow_between_refreshes_of_a_fresh_post() -> None:
    state = video(post=find_post(created=T0 - HOUR, media_type="video"), added_at=T0)
    sim = simulator()
    views = [sim.render(state, T0 + d * DAY)["view_count"] for d in (0, 1, 2, 10)]
    assert views == sorted(views)
    assert views[0] < views[-1]
    # between two refreshes, nothing moves
    assert sim.render(state, T0 + DAY + 1) == sim.render(state, T0 + 2 * DAY - 1)


def test_counts_are_frozen_after_deactivation() -> None:
    state = video(post=find_post(created=T0 - HOUR), added_at=T0, interval_hours=6)
    sim = simulator()
    stop = T0 + 3 * DAY + 1234.5  # not on the refresh grid
    shown = sim.render(state, stop)
    reschedule(state, stop, False, 6)
    frozen = sim.render(state, stop)
    assert frozen["is_active"] is False
    assert rendered_counts(frozen) == rendered_counts(shown)
    assert frozen["last_scrape_time"] == shown["last_scrape_time"] == rfc3339(T0 + 72 * HOUR)
    for later in (stop + HOUR, stop + 7 * DAY, stop + 400 * DAY):
        rendered = sim.render(state, later)
        assert rendered_counts(rendered) == rendered_counts(shown), later
        assert rendered["last_scrape_time"] == shown["last_scrape_time"]
    # reactivated long after: refreshed at once, and the counts move on
    restart = stop + 30 * DAY
    reschedule(state, restart, True, 6)
    resumed = sim.render(state, restart)
    assert resumed["last_scrape_time"] == rfc3339(restart)
    assert resumed["first_scrape_time"] == rfc3339(T0)
    assert resumed["view_count"] >= shown["view_count"]


@BOUNDED
@given(
    platform=st.sampled_from(["tiktok", "instagram"]),
    published=st.floats(min_value=-1000 * DAY, max_value=1000 * DAY),
    delay=st.floats(min_value=0, max_value=DAY),
    offset=st.floats(min_value=-DAY, max_value=30 * DAY),
)
def test_create_time_is_never_after_added_at(
    platform: str, published: float, delay: float, offset: float
) -> None:
    post = tiktok_post(T0 + published) if platform == "tiktok" else instagram_post(T0 + published)
    state = video(post=post, added_at=T0, delay=delay)
    assert state.created_at <= state.added_at
    rendered = simulator().render(state, T0 + offset)
    created = parse_rfc3339(rendered["create_time"])
    assert created <= parse_rfc3339(rendered["added_at"])
    if published <= 0:
        assert created == post.created_at.replace(microsecond=0)


def test_create_time_of_a_future_id_is_clamped_to_added_at() -> None:
    state = video(post=tiktok_post(T0 + 10 * DAY), added_at=T0)
    assert state.created_at == T0
    assert simulator().render(state, T0 + DAY)["create_time"] == rfc3339(T0)


def test_pins_are_applied() -> None:
    post = find_post(created=T0 - 800 * DAY, media_type="video")  # mature: counts final
    key = (post.platform, post.external_id)
    pin = Pin(
        content={"description": "Pinned caption #pinned", "duration": 42},
        metrics={"view_count": 123_456, "like_count": 7_890},
    )
    state = video(post=post, added_at=T0, delay=HOUR)
    pinned, plain = simulator({key: pin}), simulator()
    assert pinned.render(state, T0)["description"] is None  # nothing shows before a refresh
    got, usual = pinned.render(state, T0 + DAY), plain.render(state, T0 + DAY)
    assert got["description"] == "Pinned caption #pinned"
    assert got["duration"] == 42
    assert got["view_count"] == 123_456
    assert got["like_count"] == 7_890
    for field in ("comment_count", "share_count", "account_username", "cover_image_url_original"):
        assert got[field] == usual[field], field
    other = video(post=find_post(created=T0 - 800 * DAY, media_type="photo"), added_at=T0)
    assert pinned.render(other, T0 + DAY) == plain.render(other, T0 + DAY)


def counting_simulator(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Simulator, list[str], Callable[[ResolvedPost], VideoContent]]:
    """A Simulator with a 2-post content cache, the ids it generated content for, and the
    generator's own ``content``."""
    monkeypatch.setattr(simulation, "CONTENT_CACHE_SIZE", 2)
    generator = ContentGenerator(0)
    made: list[str] = []
    real = generator.content

    def counting(post: ResolvedPost) -> VideoContent:
        made.append(post.external_id)
        return real(post)

    monkeypatch.setattr(generator, "content", counting)
    return Simulator(generator, BASE_URL), made, real


def test_content_cache_is_bounded_and_lru(monkeypatch: pytest.MonkeyPatch) -> None:
    sim, made, _ = counting_simulator(monkeypatch)
    a, b, c = (tiktok_post(T0 - DAY, n) for n in (1, 2, 3))
    for post in (a, b, a, b):
        sim.content(post)
    assert made == [a.external_id, b.external_id]  # cached
    sim.content(a)  # a is now the most recent
    sim.content(c)  # evicts b, the least recently used
    assert made[-1] == c.external_id
    sim.content(a)
    assert made[-1] == c.external_id  # a survived
    sim.content(b)
    assert made[-1] == b.external_id  # b was evicted and is made again
    assert len(made) == 4
    many = [tiktok_post(T0 - DAY, n) for n in range(10, 30)]
    for post in many:
        sim.content(post)
    before = len(made)
    sim.content(many[0])
    assert len(made) == before + 1  # long gone: the cache never held all twenty


def test_content_not_kept_evicts_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # A new video's 201 renders with keep=False: same content, and the cached posts stay.
    sim, made, real = counting_simulator(monkeypatch)
    a, b = (tiktok_post(T0 - DAY, n) for n in (1, 2))
    sim.content(a)
    sim.content(b)
    fresh = [tiktok_post(T0 - DAY, n) for n in range(10, 15)]
    assert [sim.content(p, keep=False) for p in fresh] == [real(p) for p in fresh]
    state = video(post=tiktok_post(T0 - 800 * DAY, 20), added_at=T0)
    other = Simulator(ContentGenerator(0), BASE_URL)
    assert sim.render(state, T0 + DAY, keep=False) == other.render(state, T0 + DAY)
    made.clear()
    sim.content(a)
    sim.content(b)
    assert made == []  # both still cached


def test_content_is_the_same_from_any_simulator() -> None:
    post = find_post()
    assert simulator().content(post) == Simulator(ContentGenerator(0), "http://x").content(post)
    assert simulator().content(post) == simulator().content(post)


def test_rendered_times_are_whole_seconds_in_utc() -> None:
    state = video(post=find_post(), added_at=T0 + 0.75, delay=10.5)
    rendered = simulator().render(state, T0 + DAY)
    for field in ("added_at", "updated_at", "first_scrape_time", "last_scrape_time", "create_time"):
        value = rendered[field]
        assert value.endswith("Z"), field
        assert datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ"), field


def test_render_reflects_state_changes() -> None:
    state = video(post=find_post(), added_at=T0)
    state.metadata = {"k": "v"}
    state.updated_at = T0 + 60
    rendered = simulator().render(state, T0 + 120)
    assert rendered["metadata"] == {"k": "v"}
    assert rendered["updated_at"] == rfc3339(T0 + 60)


def test_video_state_is_what_new_video_builds() -> None:
    post = find_post()
    state = video(post=post, added_at=T0, interval_hours=12, delay=30.0, metadata={"a": "b"})
    assert isinstance(state, VideoState)
    assert state.post == post
    assert state.added_at == state.updated_at == T0
    assert state.schedule == (Segment(T0, T0 + 30.0, 12 * HOUR),)
    assert state.metadata == {"a": "b"}
