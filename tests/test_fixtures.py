"""Tests for :mod:`mockserver.fixtures`: the bundled dataset, and every way a file can be wrong.

Broken files are written into ``tmp_path``; each error must stop the start with a
StartupError naming the file and the entry/field at fault.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.errors import StartupError
from mockserver.fixtures import EMPTY_DATASET, Dataset, load_dataset
from mockserver.generation import ContentGenerator
from mockserver.identifiers import resolve
from mockserver.keys import load_keys
from mockserver.settings import default_fixtures_path, default_spec_path
from mockserver.spec import Spec, load_spec

ORGS = ("acme", "globex", "initech")
FROZEN = datetime(2026, 6, 14, 9, 30, tzinfo=UTC)  # the clock the API tests freeze
IG_URL = "https://www.instagram.com/p/BqvsDleB3lV/"
TT_URL = "https://www.tiktok.com/@chef.marco/video/7301234567890123456"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(default_spec_path())


@pytest.fixture(scope="module")
def bundled(spec: Spec) -> Dataset:
    organizations = load_keys(default_fixtures_path() / "keys.yaml").organizations
    return load_dataset(default_fixtures_path(), organizations, spec)


def video(**fields: Any) -> dict[str, Any]:
    return {
        "organization": "acme",
        "platform": "instagram",
        "identifier": IG_URL,
        "added_days_ago": 1,
        **fields,
    }


def write(
    folder: Path, videos: list[Any] | str | None = None, **payloads: dict[str, Any] | str
) -> Path:
    """A fixtures folder: ``videos.yaml`` from a list (or raw text), payloads by file stem."""
    if videos is not None:
        text = videos if isinstance(videos, str) else yaml.safe_dump({"videos": videos})
        (folder / "videos.yaml").write_text(text, encoding="utf-8")
    if payloads:
        (folder / "payloads").mkdir()
    for stem, payload in payloads.items():
        text = payload if isinstance(payload, str) else yaml.safe_dump(payload, allow_unicode=True)
        (folder / "payloads" / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return folder


def error(folder: Path, spec: Spec) -> StartupError:
    with pytest.raises(StartupError) as caught:
        load_dataset(folder, ORGS, spec)
    return caught.value


def pin(content: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"platform": "tiktok", "identifier": TT_URL, **top}
    if content is not None:
        document["content"] = content
    return document


# --- The bundled data ----------------------------------------------------------------------


def test_bundled_dataset_fills_the_acme_list_screens(bundled: Dataset) -> None:
    acme = [v for v in bundled.videos if v.organization == "acme"]
    assert 44 <= len(acme) <= 50
    assert {v.post.platform for v in acme} == {"instagram", "tiktok"}
    assert sum(not v.is_active for v in acme) >= 2
    assert {v.scrape_interval_hours for v in acme} >= {6, 12, 24, 48, 168}
    assert {v.post.form for v in acme} >= {"url", "short_link", "numeric_id", "shortcode"}
    assert 0.2 <= min(v.added_days_ago for v in acme) < 1 < 80 < max(v.added_days_ago for v in acme)
    assert 0.3 <= sum(bool(v.metadata) for v in acme) / len(acme) <= 0.7
    counts = Counter(v.organization for v in bundled.videos)
    assert 4 <= counts["globex"] <= 8
    assert counts["initech"] == 0  # its quota of 3 stays free for the quota persona


def test_bundled_dataset_has_several_media_types_with_seed_0(bundled: Dataset) -> None:
    generator = ContentGenerator(0)
    shown: Counter[str | None] = Counter()
    for seed_video in bundled.videos:
        if seed_video.organization != "acme":
            continue
        content = generator.content(seed_video.post)
        pinned = bundled.pins.get((seed_video.post.platform, seed_video.post.external_id))
        overrides = pinned.content if pinned is not None else {}
        shown[overrides.get("media_type", content.media_type)] += 1
        if "is_unavailable" not in overrides:
            assert not content.is_unavailable  # exactly one unavailable post: the pinned one
    assert {"VIDEO", "IMAGE", "CAROUSEL_ALBUM", "video", "photo"} <= set(shown)
    assert shown[None] == 1


def test_bundled_posts_predate_their_tracking(bundled: Dataset) -> None:
    # With the frozen test clock, create_time never follows added_at.
    for seed_video in bundled.videos:
        added = FROZEN - timedelta(days=seed_video.added_days_ago)
        assert datetime(2023, 1, 1, tzinfo=UTC) <= seed_video.post.created_at < added


def test_bundled_pins_are_tracked_by_acme(bundled: Dataset) -> None:
    assert len(bundled.pins) == 3
    acme = {
        (v.post.platform, v.post.external_id) for v in bundled.videos if v.organization == "acme"
    }
    assert set(bundled.pins) <= acme


def test_bundled_unicode_caption_and_metadata(bundled: Dataset) -> None:
    captions = [
        p.content["description"] for p in bundled.pins.values() if p.content.get("description")
    ]
    text = next(c for c in captions if "\u200d" in c)
    scripts = {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}
    assert {"CJK", "HIRAGANA", "ARABIC", "HANGUL"} <= scripts
    assert any(unicodedata.combining(ch) for ch in text)
    assert any(0x1F3FB <= ord(ch) <= 0x1F3FF for ch in text)  # skin-tone modifiers
    assert "#فطور" in text
    assert "#朝ごはん" in text
    metadata = [v.metadata for v in bundled.videos if any(not k.isascii() for k in v.metadata)]
    assert len(metadata) == 1
    joined = "".join(k + v for k, v in metadata[0].items())
    assert all(ch in joined for ch in ("🎉", "キ", "\u0627", "é"))  # \u0627: Arabic alef


def test_bundled_viral_outlier_and_unavailable_post(bundled: Dataset) -> None:
    tiktok = [p for (platform, _), p in bundled.pins.items() if platform == "tiktok"]
    [viral] = [p for p in tiktok if (p.metrics.get("view_count") or 0) >= 10_000_000]
    m = {k: v or 0 for k, v in viral.metrics.items()}
    assert m["comment_count"] <= m["like_count"] <= m["view_count"] == m["play_count"]
    assert m["view_count"] <= m["total_views"] == m["total_plays"]
    assert viral.metrics["saved_count"] is None
    [gone] = [p for p in bundled.pins.values() if p.content.get("is_unavailable")]
    assert gone.content["description"] is None
    assert set(gone.metrics.values()) == {None}


def test_two_organizations_may_track_the_same_post(bundled: Dataset) -> None:
    posts = Counter((v.post.platform, v.post.external_id) for v in bundled.videos)
    assert max(posts.values()) == 2


# --- Absent parts ----------------------------------------------------------------------------


def test_missing_files_give_an_empty_dataset(tmp_path: Path, spec: Spec) -> None:
    assert load_dataset(tmp_path, ORGS, spec) == EMPTY_DATASET == Dataset.EMPTY
    assert load_dataset(tmp_path / "nowhere", ORGS, spec) == EMPTY_DATASET
    write(tmp_path, "# nothing yet\n")
    assert load_dataset(tmp_path, ORGS, spec).videos == ()


def test_videos_without_payloads_and_payloads_without_videos(tmp_path: Path, spec: Spec) -> None:
    (tmp_path / "a").mkdir()
    loaded = load_dataset(write(tmp_path / "a", [video(scrape_interval_hours=48.0)]), ORGS, spec)
    assert loaded.pins == {}
    assert loaded.videos[0].post == resolve("instagram", IG_URL)
    assert type(loaded.videos[0].scrape_interval_hours) is int
    (tmp_path / "b").mkdir()
    loaded = load_dataset(write(tmp_path / "b", None, outlier=pin({"duration": 30.0})), ORGS, spec)
    assert loaded.videos == ()
    assert type(loaded.pins["tiktok", "7301234567890123456"].content["duration"]) is int


# --- videos.yaml errors ----------------------------------------------------------------------

BAD_VIDEOS = [
    pytest.param(
        video(added_days_ago="soon"),
        "videos[1].added_days_ago: 'soon' is not of type 'number'",
        id="wrong-type",
    ),
    pytest.param(
        video(colour="red"),
        "videos[1].colour: unknown field; allowed fields: organization, platform",
        id="unknown-field",
    ),
    pytest.param(
        video(organization="umbrella"),
        "videos[1].organization: unknown 'umbrella' (known: acme, globex, initech)",
        id="unknown-org",
    ),
    pytest.param(
        video(identifier="https://www.instagram.com/explore/"),
        "videos[1].identifier: 'https://www.instagram.com/explore/' is an Instagram explore page",
        id="not-a-post",
    ),
    pytest.param(
        video(identifier=TT_URL),
        "videos[1].identifier: this is a TikTok URL but platform is instagram",
        id="platform-mismatch",
    ),
    pytest.param(
        video(identifier="BqvsDleB3lV"),
        "videos[1].identifier: the same instagram post (1922949326347663701) as videos[0]",
        id="duplicate",
    ),
    pytest.param(
        video(platform="youtube"), "videos[1].platform: 'youtube' is not one of", id="platform"
    ),
    pytest.param(
        video(metadata={"campaign": 2026}),
        "videos[1].metadata.campaign: 2026 is not of type 'string'",
        id="metadata-value",
    ),
    pytest.param(
        video(metadata={f"k{i}": "v" for i in range(21)}),
        "videos[1].metadata: ",
        id="metadata-size",
    ),
    pytest.param(video(metadata={"x" * 256: "v"}), "videos[1].metadata: 'xxxx", id="metadata-key"),
    pytest.param(
        video(metadata={1: "one"}),
        "videos[1].metadata: 1 is not of type 'string'",
        id="metadata-key-type",
    ),
    pytest.param(
        video(added_days_ago=3651),
        "videos[1].added_days_ago: 3651 is greater than the maximum of 3650",
        id="days-high",
    ),
    pytest.param(
        video(added_days_ago=-0.5),
        "videos[1].added_days_ago: -0.5 is less than the minimum of 0",
        id="days-low",
    ),
    pytest.param(
        video(added_days_ago=math.nan),
        "videos[1].added_days_ago: must be a number, got .nan",
        id="days-nan",
    ),
    pytest.param(
        video(scrape_interval_hours=5),
        "videos[1].scrape_interval_hours: 5 is less than the minimum of 6",
        id="interval-low",
    ),
    pytest.param(
        video(scrape_interval_hours=24.5),
        "videos[1].scrape_interval_hours: 24.5 is not of type 'integer'",
        id="interval-fraction",
    ),
    pytest.param(
        video(is_active="no"), "videos[1].is_active: 'no' is not of type 'boolean'", id="is-active"
    ),
    pytest.param(
        {"platform": "tiktok"}, "videos[1]: 'organization' is a required property", id="missing"
    ),
    pytest.param(
        video(platform=["tiktok"]), "videos[1].platform: ['tiktok'] is not of type", id="list"
    ),
    pytest.param(
        "just a string", "videos[1]: 'just a string' is not of type 'object'", id="not-an-entry"
    ),
]


@pytest.mark.parametrize(("entry", "expected"), BAD_VIDEOS)
def test_bad_video_entry_names_file_entry_and_field(
    tmp_path: Path, spec: Spec, entry: Any, expected: str
) -> None:
    caught = error(write(tmp_path, [video(), entry]), spec)
    assert caught.source == str(tmp_path / "videos.yaml")
    assert any(problem.startswith(expected) for problem in caught.problems), caught.problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("videos: [\n  - {organization: acme\n", "not valid YAML"),
        ("- a list\n", "(top level): ['a list'] is not of type 'object'"),
        ("videos: {}\n", "videos: {} is not of type 'array'"),
        ("videoz: []\n", "videoz: unknown field; allowed fields: videos"),
        (b"\xff\xfe", "not valid YAML"),
    ],
    ids=["syntax", "top-level", "not-a-list", "typo", "not-utf8"],
)
def test_broken_videos_file(tmp_path: Path, spec: Spec, text: str | bytes, expected: str) -> None:
    path = tmp_path / "videos.yaml"
    path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")
    caught = error(tmp_path, spec)
    assert caught.source == str(path)
    assert any(problem.startswith(expected) for problem in caught.problems), caught.problems


def test_every_problem_is_listed_at_once(tmp_path: Path, spec: Spec) -> None:
    entries = [
        video(organization="umbrella", scrape_interval_hours=1),
        video(identifier="nope!"),
        video(colour=1, identifier="aye83DjauH"),
    ]
    caught = error(write(tmp_path, entries), spec)
    assert len(caught.problems) == 4
    assert [p.split(":")[0] for p in caught.problems] == [
        "videos[0].scrape_interval_hours",
        "videos[2].colour",
        "videos[0].organization",
        "videos[1].identifier",
    ]


# --- payload errors --------------------------------------------------------------------------

BAD_PINS = [
    pytest.param(
        pin({"caption": "hi"}),
        "content.caption: unknown field; allowed fields: description, media_type, duration",
        id="unknown-content",
    ),
    pytest.param(
        pin(metrics={"plays": 1}),
        "metrics.plays: unknown field; allowed fields: view_count, like_count",
        id="unknown-metric",
    ),
    pytest.param(
        pin(extra=1),
        "extra: unknown field; allowed fields: platform, identifier, content, metrics",
        id="unknown-top",
    ),
    pytest.param(
        pin({"duration": -1}),
        "content.duration: -1 is less than the minimum of 0",
        id="duration-negative",
    ),
    pytest.param(
        pin({"duration": 601}),
        "content.duration: 601 is greater than the maximum of 600",
        id="duration-schema",
    ),
    pytest.param(
        pin({"is_unavailable": "yes"}),
        "content.is_unavailable: 'yes' is not of type 'boolean'",
        id="bool",
    ),
    pytest.param(
        pin({"cover_image_url_original": "not a url"}),
        "content.cover_image_url_original: 'not a url' is not a 'uri'",
        id="uri",
    ),
    pytest.param(
        pin({"media_type": "REEL"}), "content.media_type: 'REEL' is not one of", id="media-enum"
    ),
    pytest.param(
        pin({"media_type": "VIDEO"}),
        "content.media_type: 'VIDEO' is not a tiktok type (video, photo)",
        id="media-platform",
    ),
    pytest.param(
        pin({"media_type": "photo", "duration": 12}),
        "content.duration: must be null for media_type 'photo'",
        id="photo-duration",
    ),
    pytest.param(
        pin({"description": None}),
        "content.description: may be null only when is_unavailable is true",
        id="null-available",
    ),
    pytest.param(
        pin(metrics={"view_count": 10, "like_count": 11}),
        "metrics.like_count: 11 is more than view_count (10)",
        id="likes-views",
    ),
    pytest.param(
        pin(metrics={"like_count": 5, "comment_count": 6}),
        "metrics.comment_count: 6 is more than like_count (5)",
        id="comments-likes",
    ),
    pytest.param(
        pin(metrics={"view_count": 9, "total_views": 8}),
        "metrics.view_count: 9 is more than total_views (8)",
        id="total-views",
    ),
    pytest.param(
        pin(metrics={"view_count": 9, "play_count": 8}),
        "metrics.play_count: on TikTok it equals view_count (9)",
        id="tiktok-plays",
    ),
    pytest.param(
        pin(metrics={"saved_count": 3}),
        "metrics.saved_count: TikTok has no saves; must be null",
        id="tiktok-saves",
    ),
    pytest.param(
        pin(metrics={"view_count": -3}),
        "metrics.view_count: -3 is less than the minimum of 0",
        id="negative",
    ),
    pytest.param(
        pin({"is_unavailable": True}, metrics={"view_count": 3}),
        "metrics: an unavailable post has no counts",
        id="unavailable-counts",
    ),
    pytest.param(
        pin(platform="instagram", identifier=IG_URL, content={"duration": 181}),
        "content.duration: at most 180 s on instagram",
        id="reel-duration",
    ),
    pytest.param(
        pin(identifier="https://www.tiktok.com/@chef.marco"),
        "identifier: 'https://www.tiktok.com/@chef.marco' is a TikTok profile",
        id="identifier",
    ),
    pytest.param(
        pin(platform="instagram"),
        "identifier: this is a TikTok URL but platform is instagram",
        id="platform-mismatch",
    ),
    pytest.param(
        {"identifier": TT_URL},
        "(top level): 'platform' is a required property",
        id="missing-platform",
    ),
    pytest.param("", "(top level): None is not of type 'object'", id="empty"),
    pytest.param("platform: [tiktok\n", "not valid YAML", id="syntax"),
    pytest.param(pin(platform=["tiktok"]), "platform: ['tiktok'] is not of type", id="list"),
]


@pytest.mark.parametrize(("payload", "expected"), BAD_PINS)
def test_bad_pin_names_file_and_field(
    tmp_path: Path, spec: Spec, payload: Any, expected: str
) -> None:
    caught = error(write(tmp_path, None, broken=payload), spec)
    assert caught.source == str(tmp_path / "payloads" / "broken.yaml")
    assert any(problem.startswith(expected) for problem in caught.problems), caught.problems


def test_instagram_pins_follow_instagram_rules(tmp_path: Path, spec: Spec) -> None:
    content = {"media_type": "CAROUSEL_ALBUM", "duration": None, "video_url_original": None}
    metrics = {"view_count": 100, "play_count": 140, "saved_count": 7, "total_plays": 150}
    write(
        tmp_path, None, album=pin(content, platform="instagram", identifier=IG_URL, metrics=metrics)
    )
    pinned = load_dataset(tmp_path, ORGS, spec).pins["instagram", "1922949326347663701"]
    assert pinned.metrics["saved_count"] == 7
    assert pinned.content["media_type"] == "CAROUSEL_ALBUM"


def test_two_pins_for_one_post_name_both_files(tmp_path: Path, spec: Spec) -> None:
    short = pin(identifier="7301234567890123456")
    caught = error(write(tmp_path, None, first=pin(), second=short), spec)
    assert caught.source == str(tmp_path / "payloads" / "second.yaml")
    assert caught.problems == [
        "identifier: pins the same tiktok post (7301234567890123456) as first.yaml;"
        " a post has at most one pin"
    ]


def test_problems_in_several_files_are_reported_together(tmp_path: Path, spec: Spec) -> None:
    write(
        tmp_path,
        [video(organization="umbrella")],
        a=pin({"duration": -1}),
        b=pin(metrics={"saved_count": 1}, identifier="7301234567890123457"),
    )
    # Hidden files (editor backups and the like) are not pins.
    (tmp_path / "payloads" / ".hidden.yaml").write_text("not: [yaml", encoding="utf-8")
    caught = error(tmp_path, spec)
    assert caught.source == str(tmp_path)
    assert [p.split(":")[0] for p in caught.problems] == [
        "videos.yaml",
        "payloads/a.yaml",
        "payloads/b.yaml",
    ]
    assert caught.problems[0].startswith("videos.yaml: videos[0].organization: unknown 'umbrella'")
    assert str(caught).startswith(f"{tmp_path}: 3 problems:")


def test_cross_rules_run_beside_schema_errors(tmp_path: Path, spec: Spec) -> None:
    content = {"caption": "hi", "media_type": "VIDEO", "duration": "long"}
    caught = error(write(tmp_path, None, mixed=pin(content, metrics={"saved_count": 2})), spec)
    assert [p.split(":")[0] for p in caught.problems] == [
        "content.caption",
        "content.duration",
        "metrics.saved_count",
        "content.media_type",
    ]
