"""Tests for :mod:`mockserver.generation`: deterministic, believable, consistent content."""

from __future__ import annotations

import json
import math
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver import generation
from mockserver.generation import ContentGenerator, Metrics, VideoContent, growth
from mockserver.identifiers import ResolvedPost, encode_shortcode, resolve

SEED = 20240614
BOUNDED = settings(max_examples=200, derandomize=True, database=None, deadline=None)
DAY = 86_400.0
MATURE = 10 * 365 * DAY
METRIC_FIELDS = list(Metrics._fields)

INSTAGRAM_USERNAME = re.compile(r"^(?!\.)(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)$")
TIKTOK_USERNAME = re.compile(r"^[a-z0-9._]{2,24}(?<!\.)$")
CDN_HOSTS = {"instagram": (".cdninstagram.com",), "tiktok": (".tiktokcdn.com", ".tiktok.com")}

platforms = st.sampled_from(["instagram", "tiktok"])
external_ids = st.integers(min_value=1, max_value=2**63 - 1)


@cache
def generator(seed: int = SEED) -> ContentGenerator:
    """Pools are built once per seed, as the server does."""
    return ContentGenerator(seed)


def make_post(platform: str, number: int, username: str | None = None) -> ResolvedPost:
    """A post as identifiers.py resolves it, with the publication time taken from the id."""
    if platform == "tiktok":
        seconds, shortcode = float(number >> 32), None
    else:
        seconds, shortcode = ((number >> 23) + 1_314_220_021_721) / 1000, encode_shortcode(number)
    created_at = datetime.fromtimestamp(seconds, UTC)
    return ResolvedPost(platform, str(number), shortcode, username, created_at, "numeric_id")


def sample_posts(platform: str, count: int) -> list[ResolvedPost]:
    """Realistic ids: 19-digit TikTok ids from 2020-2024, Instagram pks of the same years."""
    low, high = (
        (6_800_000_000_000_000_000, 7_400_000_000_000_000_000)
        if platform == "tiktok"
        else (2_200_000_000_000_000_000, 3_500_000_000_000_000_000)
    )
    step = (high - low) // count
    # A stride with an odd multiplier spreads ids without any RNG in the test itself.
    return [make_post(platform, low + (i * 7_919 % count) * step + i) for i in range(count)]


def assert_ordered(metrics: Metrics, platform: str) -> None:
    """The consistency rules of CONTRACT 7.2, at one moment."""
    views, likes, comments = metrics.view_count, metrics.like_count, metrics.comment_count
    assert views is not None
    assert likes is not None
    assert comments is not None
    assert metrics.share_count is not None
    assert metrics.total_views is not None
    assert 0 <= comments <= likes <= views
    assert metrics.share_count >= 0
    assert metrics.total_views >= views
    if platform == "tiktok":
        assert metrics.play_count == views
        assert metrics.saved_count is None
    else:
        assert metrics.saved_count is not None
        assert metrics.saved_count >= 0
    if metrics.play_count is None:
        assert metrics.total_plays is None
    else:
        assert metrics.total_plays is not None
        assert metrics.total_plays >= metrics.play_count >= 0


def assert_cdn_url(url: str, platform: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme == "https"
    assert parts.hostname is not None
    assert parts.hostname.endswith(CDN_HOSTS[platform])
    assert parts.path.startswith("/")
    assert parse_qsl(parts.query, strict_parsing=True)
    assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+", url), url


# --- determinism ------------------------------------------------------------------------


def test_same_seed_gives_equal_content_and_metrics() -> None:
    first, second = ContentGenerator(SEED), ContentGenerator(SEED)
    for platform in ("instagram", "tiktok"):
        for post in sample_posts(platform, 50):
            content = first.content(post)
            assert content == second.content(post)
            assert content == first.content(post)
            assert first.metrics(post, content, 5 * DAY) == second.metrics(post, content, 5 * DAY)


def test_different_seed_gives_different_content() -> None:
    other = ContentGenerator(SEED + 1)
    posts = sample_posts("tiktok", 20) + sample_posts("instagram", 20)
    differing = [post for post in posts if generator().content(post) != other.content(post)]
    assert len(differing) == len(posts)
    descriptions = {generator().content(post).description for post in posts}
    assert descriptions != {other.content(post).description for post in posts}


def test_content_is_stable_across_processes() -> None:
    """No per-process salt (``hash()``) leaks in: another interpreter agrees."""
    post = sample_posts("instagram", 3)[1]
    script = (
        "import sys; from datetime import datetime\n"
        "from mockserver.generation import ContentGenerator\n"
        "from mockserver.identifiers import ResolvedPost\n"
        "post = ResolvedPost('instagram', sys.argv[2], None, None,"
        " datetime.fromisoformat(sys.argv[3]), 'numeric_id')\n"
        "print(repr(ContentGenerator(int(sys.argv[1])).content(post)))\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(SEED), post.external_id, post.created_at.isoformat()],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=root,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(generator().content(post))


def test_url_username_names_the_author_and_changes_nothing_else() -> None:
    post = sample_posts("tiktok", 5)[2]
    named = make_post("tiktok", int(post.external_id), username="chef.marco")
    plain, given_name = generator().content(post), generator().content(named)
    assert given_name.account_username == "chef.marco"
    if not given_name.is_unavailable:
        # platform_data may name the author ("original sound - chef.marco").
        ignore = {"account_username", "platform_account_id", "platform_data"}
        for field in VideoContent._fields:
            if field not in ignore:
                assert getattr(plain, field) == getattr(given_name, field), field
    # One handle, one author id, whichever post it shows up on.
    other = make_post("tiktok", int(post.external_id) + 1, username="chef.marco")
    assert generator().content(other).platform_account_id == given_name.platform_account_id


@pytest.mark.parametrize(
    ("platform", "url", "username"),
    [
        ("tiktok", "https://www.tiktok.com/@chef.marco/video/7312345678901234567", "chef.marco"),
        ("instagram", "https://www.instagram.com/maria.lopez_92/p/BqvsDleB3lV/", "maria.lopez_92"),
        ("instagram", "https://www.instagram.com/p/BqvsDleB3lV/", None),
    ],
)
def test_resolved_url_feeds_the_author(platform: str, url: str, username: str | None) -> None:
    post = resolve(platform, url)
    content = generator().content(post)
    assert content == generator().content(make_post(platform, int(post.external_id), username))
    if username is not None:
        assert content.account_username == username


# --- invariants over any valid id -------------------------------------------------------


@BOUNDED
@given(platform=platforms, number=external_ids)
def test_content_follows_platform_rules(platform: str, number: int) -> None:
    post = make_post(platform, number)
    content = generator().content(post)
    account_id = content.platform_account_id
    assert account_id.isdigit()
    if platform == "tiktok":
        assert len(account_id) == 19
        assert TIKTOK_USERNAME.match(content.account_username or ""), content.account_username
    else:
        assert 8 <= len(account_id) <= 11
        assert INSTAGRAM_USERNAME.match(content.account_username or ""), content.account_username

    if content.is_unavailable:
        assert content.description is None
        assert content.media_type is None
        assert content.duration is None
        assert content.cover_image_url_original is None
        assert content.video_url_original is None
        for age in (0.0, DAY, MATURE):
            assert generator().metrics(post, content, age) == Metrics(*[None] * 8)
        return

    assert content.description
    assert len(content.description) < 2200
    json.dumps(content.platform_data)
    assert content.cover_image_url_original is not None
    assert_cdn_url(content.cover_image_url_original, platform)
    is_video = content.media_type in ("VIDEO", "video")
    if is_video:
        assert content.duration is not None
        assert content.video_url_original is not None
        assert_cdn_url(content.video_url_original, platform)
        assert 1 <= content.duration <= (600 if platform == "tiktok" else 180)
    else:
        assert content.duration is None
        assert content.video_url_original is None

    data = content.platform_data
    if platform == "tiktok":
        assert content.media_type in ("video", "photo")
        assert set(data) == {"music_title", "music_author", "is_ad", "region"}
    else:
        assert content.media_type in ("VIDEO", "IMAGE", "CAROUSEL_ALBUM")
        assert (
            data["product_type"]
            == {"VIDEO": "clips", "IMAGE": "feed", "CAROUSEL_ALBUM": "carousel_container"}[
                content.media_type
            ]
        )
        count = data["carousel_media_count"]
        if content.media_type == "CAROUSEL_ALBUM":
            assert isinstance(count, int)
            assert 2 <= count <= 10
        else:
            assert count is None
        assert (content.mature.play_count is None) == (not is_video)
    assert_ordered(content.mature, platform)


@BOUNDED
@given(
    platform=platforms,
    number=external_ids,
    ages=st.lists(
        st.floats(min_value=-DAY, max_value=3 * 365 * DAY, allow_nan=False),
        min_size=2,
        max_size=6,
    ),
)
def test_counts_never_shrink_as_the_post_ages(
    platform: str, number: int, ages: list[float]
) -> None:
    post = make_post(platform, number)
    content = generator().content(post)
    previous: Metrics | None = None
    for age in sorted(ages):
        current = generator().metrics(post, content, age)
        if content.is_unavailable:
            assert current == Metrics(*[None] * 8)
            continue
        assert_ordered(current, platform)
        if previous is not None:
            for name in METRIC_FIELDS:
                before, after = getattr(previous, name), getattr(current, name)
                assert (before is None) == (after is None), name
                assert before is None or before <= after, (name, age)
        previous = current
    if not content.is_unavailable:
        assert generator().metrics(post, content, MATURE) == content.mature


@pytest.mark.parametrize("age", [0.0, -1.0, -DAY, math.nan])
def test_no_age_means_zero_counts_not_null(age: float) -> None:
    for platform in ("instagram", "tiktok"):
        for post in sample_posts(platform, 40):
            content = generator().content(post)
            metrics = generator().metrics(post, content, age)
            for name in METRIC_FIELDS:
                value = getattr(metrics, name)
                assert value == (None if getattr(content.mature, name) is None else 0), name


def test_growth_is_fast_then_slow_and_reaches_one() -> None:
    tau = 1.0
    assert growth(0.0, tau) == 0.0
    assert 0.0 < growth(3_600.0, tau) < 0.1
    assert 0.7 < growth(3 * DAY, tau) < 0.95
    assert growth(30 * DAY, tau) < 1.0
    assert growth(365 * DAY, tau) == 1.0
    assert growth(math.inf, tau) == 1.0
    values = [growth(hours * 3_600.0, tau) for hours in range(0, 24 * 400, 7)]
    assert values == sorted(values)


# --- believability over many posts ------------------------------------------------------


@pytest.mark.parametrize(("platform", "median"), [("tiktok", 1500), ("instagram", 800)])
def test_views_are_log_normal_around_the_platform_median(platform: str, median: int) -> None:
    contents = [generator().content(post) for post in sample_posts(platform, 2000)]
    available = [c for c in contents if not c.is_unavailable]
    assert 0.01 <= 1 - len(available) / len(contents) <= 0.06
    views = [c.mature.view_count or 0 for c in available]
    mid = statistics.median(views)
    assert median / 1.5 <= mid <= median * 1.5
    assert max(views) / mid > 50  # a few go viral
    pairs = zip(available, views, strict=True)
    like_rates = [(c.mature.like_count or 0) / v for c, v in pairs if v]
    assert 0.025 <= statistics.median(like_rates) <= 0.06


@pytest.mark.parametrize("platform", ["tiktok", "instagram"])
def test_captions_and_media_types_vary_like_real_feeds(platform: str) -> None:
    contents = [
        c for c in map(generator().content, sample_posts(platform, 2000)) if not c.is_unavailable
    ]
    captions = [c.description or "" for c in contents]
    assert len(set(captions)) > 0.8 * len(captions)
    assert 0.5 < sum("#" in c for c in captions) / len(captions) < 0.95
    assert 0.05 < sum("@" in c for c in captions) / len(captions) < 0.3
    usernames = {c.account_username for c in contents}
    assert len(usernames) > 0.9 * len(contents)
    kinds = [c.media_type for c in contents]
    video_share = kinds.count("video" if platform == "tiktok" else "VIDEO") / len(kinds)
    expected = 0.9 if platform == "tiktok" else 0.7
    assert abs(video_share - expected) < 0.05
    durations = [c.duration for c in contents if c.duration is not None]
    short = (7, 60) if platform == "tiktok" else (5, 45)
    assert sum(short[0] <= d <= short[1] for d in durations) / len(durations) > 0.7
    if platform == "tiktok":
        assert statistics.mean(len(c) for c in captions) < 120


def test_hashtags_in_one_caption_are_distinct() -> None:
    for platform in ("tiktok", "instagram"):
        for post in sample_posts(platform, 500):
            description = generator().content(post).description or ""
            tags = [word for word in description.split() if word.startswith("#")]
            assert len(tags) == len(set(tags)) <= 4, description


# --- CDN URL shapes ---------------------------------------------------------------------


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def available(platform: str, count: int) -> list[tuple[ResolvedPost, VideoContent]]:
    pairs = [(post, generator().content(post)) for post in sample_posts(platform, count)]
    return [(post, content) for post, content in pairs if not content.is_unavailable]


def assert_expires_two_weeks_after(post: ResolvedPost, expires: int) -> None:
    issued = post.created_at.timestamp()
    assert issued + 14 * DAY <= expires < issued + 15 * DAY


def test_tiktok_urls_look_like_tiktoks_cdn() -> None:
    for post, content in available("tiktok", 300):
        cover = content.cover_image_url_original or ""
        assert re.fullmatch(r"/obj/tos-[a-z0-9-]+/[0-9a-f]{32}", urlsplit(cover).path), cover
        params = query(cover)
        assert list(params) == ["x-expires", "x-signature"]
        # A percent-encoded base64 HMAC-SHA1, as TikTok signs its links.
        assert re.fullmatch(r"[A-Za-z0-9+/]{27}=", params["x-signature"]), cover
        assert_expires_two_weeks_after(post, int(params["x-expires"]))
        if content.video_url_original is None:
            assert content.media_type == "photo"
            continue
        video = content.video_url_original
        assert re.fullmatch(r"/video/tos/maliva/[a-z0-9-]+/[0-9a-f]{32}/", urlsplit(video).path)
        vparams = query(video)
        assert vparams["expire"] == params["x-expires"]
        assert 400 <= int(vparams["br"]) < 2200
        assert int(vparams["bt"]) == int(vparams["br"]) // 2
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", vparams["rc"])
        assert re.fullmatch(r"[0-9a-f]{32}", vparams["signature"])


def test_instagram_urls_look_like_instagrams_cdn() -> None:
    names: list[str] = []
    for post, content in available("instagram", 300):
        urls = [content.cover_image_url_original, content.video_url_original]
        assert (urls[1] is None) == (content.media_type != "VIDEO")
        shown = [url for url in urls if url is not None]
        hosts = {urlsplit(url).hostname for url in shown}
        assert len(hosts) == 1  # cover and video come from one point of presence
        for url, (path, extension) in zip(
            shown, [("t51.29350-15", "jpg"), ("t50.2886-16", "mp4")], strict=False
        ):
            match = re.fullmatch(
                rf"/v/{re.escape(path)}/([1-9]\d{{8}}_[1-9]\d{{15}}_[1-9]\d{{18}})_n\.{extension}",
                urlsplit(url).path,
            )
            assert match, url
            names.append(match[1])
            params = query(url)
            assert params["_nc_ht"] == urlsplit(url).hostname
            assert 1 <= int(params["_nc_cat"]) <= 111
            assert re.fullmatch(r"[A-Za-z0-9_-]{20}", params["_nc_ohc"])
            assert re.fullmatch(r"00_[A-Za-z0-9_-]{40}", params["oh"])
            assert re.fullmatch(r"[0-9A-F]{8}", params["oe"])
            assert re.fullmatch(r"[0-9a-f]{6}", params["_nc_sid"])
            assert_expires_two_weeks_after(post, int(params["oe"], 16))
        if len(shown) == 2:
            assert query(shown[0])["oh"] != query(shown[1])["oh"]
    assert len(set(names)) > 0.99 * len(names)  # file names do not repeat across posts


# --- the fast paths behind content() and metrics() -------------------------------------


def test_records_are_immutable() -> None:
    post = sample_posts("tiktok", 1)[0]
    content = generator().content(post)
    metrics = generator().metrics(post, content, 5 * DAY)
    with pytest.raises(AttributeError):
        metrics.view_count = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        content.description = ""  # type: ignore[misc]


def test_normal_quantiles_follow_the_normal_distribution() -> None:
    exact = statistics.NormalDist()
    draws = sorted({(i * 2_654_435_761) % 2**32 for i in range(20_000)} | {0, 2**32 - 1})
    values = [generation._normal(u) for u in draws]
    assert values == sorted(values)  # monotonic, so views are too
    for u, z in zip(draws, values, strict=True):
        # Within 0.02 of z: views within 3% of an exact log-normal draw.
        assert abs(z - exact.inv_cdf((u + 0.5) / 2**32)) < 0.02, u
    # The outer cells stay exact, so the tail reaches a few viral posts in a million.
    assert values[0] < -6
    assert values[-1] > 6


def test_draws_stay_within_the_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each post reads at most 47 of its 64 draws (the count documented in the module)."""
    used: list[int] = []

    class CountingArray(generation.array):  # type: ignore[misc, name-defined]
        def __iter__(self) -> Iterator[int]:
            for index, value in enumerate(super().__iter__()):
                used.append(index + 1)
                yield value

    monkeypatch.setattr(generation, "array", CountingArray)
    most = 0
    for platform in ("tiktok", "instagram"):
        for post in sample_posts(platform, 3000):
            used.clear()
            generator().content(post)
            most = max(most, max(used))
    assert 40 <= most <= 47 < generation._DRAW_COUNT
