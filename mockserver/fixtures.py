"""The preloaded dataset: videos tracked at start, and posts pinned to exact content.

Both parts of the fixtures folder are optional (absent is no data, not an error):
``videos.yaml`` lists the videos each organization tracks from the start, with the API's own
``TrackVideoRequest`` rules plus ``organization`` and ``added_days_ago``; each
``payloads/*.yaml`` pins one post to exact content and mature metric levels, checked against
the document's ``VideoResponse`` properties and the contract's consistency rules. Like
:mod:`mockserver.keys`, every problem is reported at once: one StartupError names the file
(the folder when problems span files) and each problem its entry and field.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import yaml
from jsonschema import Draft202012Validator

from mockserver.errors import StartupError
from mockserver.generation import Metrics, VideoContent
from mockserver.identifiers import IdentifierError, ResolvedPost, resolve
from mockserver.spec import Spec, parse_yaml

__all__ = ["EMPTY_DATASET", "Dataset", "Pin", "SeedChecker", "SeedVideo", "load_dataset"]

VIDEOS_FILE = "videos.yaml"
PAYLOADS_FOLDER = "payloads"
# VideoContent minus the growth parameters, which are not response fields.
CONTENT_FIELDS = tuple(f for f in VideoContent._fields if f not in ("mature", "growth_tau_days"))
METRIC_FIELDS = Metrics._fields

_MEDIA_TYPES = {"instagram": ("VIDEO", "IMAGE", "CAROUSEL_ALBUM"), "tiktok": ("video", "photo")}
_MAX_DURATION = {"instagram": 180, "tiktok": 600}
# An available post always has these; null is how an unavailable one shows them.
_NOT_NULL_WHEN_AVAILABLE = ("description", "media_type", "cover_image_url_original")
# (smaller, larger) pairs of counts (CONTRACT 7.2).
_ORDERED = (
    ("like_count", "view_count"),
    ("comment_count", "like_count"),
    ("view_count", "total_views"),
    ("play_count", "total_plays"),
)

Problems = dict[Path, list[str]]


@dataclass(frozen=True, slots=True)
class SeedVideo:
    """One video an organization tracks from the start."""

    organization: str  # slug of keys.yaml
    post: ResolvedPost
    metadata: dict[str, str]
    is_active: bool
    scrape_interval_hours: int
    added_days_ago: float  # before the server's start


@dataclass(frozen=True, slots=True)
class Pin:
    """Exact values for one post; fields left out are generated as usual."""

    content: Mapping[str, Any]  # VideoContent field -> value
    metrics: Mapping[str, int | None]  # Metrics field -> mature level


@dataclass(frozen=True, slots=True)
class Dataset:
    """Everything preloaded: seed videos in file order, and pins by (platform, external_id)."""

    videos: tuple[SeedVideo, ...]
    pins: Mapping[tuple[str, str], Pin]
    EMPTY: ClassVar[Dataset]


EMPTY_DATASET = Dataset((), MappingProxyType({}))
Dataset.EMPTY = EMPTY_DATASET


def load_dataset(folder: Path, organizations: Collection[str], spec: Spec) -> Dataset:
    """Read ``videos.yaml`` and ``payloads/`` under ``folder``; StartupError lists every problem.

    ``organizations`` are the slugs of the keys file; ``spec`` supplies the API's schemas.
    """
    problems: Problems = {}
    videos = _load_videos(folder / VIDEOS_FILE, organizations, SeedChecker(spec), problems)
    pins = _load_pins(folder / PAYLOADS_FOLDER, _pin_validator(spec), problems)
    if len(problems) == 1:
        [(source, found)] = problems.items()
        raise StartupError(source, found)
    if problems:
        lines = [f"{p.relative_to(folder)}: {m}" for p, found in problems.items() for m in found]
        raise StartupError(folder, lines)
    return Dataset(videos, MappingProxyType(pins))


def _load_videos(
    path: Path, organizations: Collection[str], checker: SeedChecker, problems: Problems
) -> tuple[SeedVideo, ...]:
    raw = _read(path, problems) if path.is_file() else None
    if raw is None:  # absent, unreadable or empty: nothing preloaded
        return ()
    videos, found = checker.check(raw, organizations)
    if found:
        problems[path] = found
    return videos


class SeedChecker:
    """The rules of ``videos.yaml``, compiled once from the document: the file at start and
    the control plane's datasets (``POST /__mock/dataset``) go through the same checks."""

    def __init__(self, spec: Spec) -> None:
        self.entry_schema = _entry_schema(spec)
        self._validator = Draft202012Validator(
            _object(["videos"], videos={"type": "array", "items": self.entry_schema}),
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )

    def check(
        self, raw: Any, organizations: Collection[str]
    ) -> tuple[tuple[SeedVideo, ...], list[str]]:
        """The seed videos of ``raw`` (``{"videos": [...]}``), or none and every problem
        as ``videos[3].identifier: why``."""
        found = _schema_problems(self._validator, raw)
        entries = raw.get("videos") if isinstance(raw, Mapping) else None
        seen: dict[tuple[str, str, str], int] = {}
        posts: list[ResolvedPost | None] = []
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            where, post = f"videos[{index}]", None
            if isinstance(entry, Mapping):
                organization = entry.get("organization")
                if isinstance(organization, str) and organization not in organizations:
                    known = ", ".join(sorted(organizations)) or "none"
                    found.append(f"{where}.organization: unknown {organization!r} (known: {known})")
                days = entry.get("added_days_ago")
                if isinstance(days, float) and math.isnan(days):  # NaN passes min/max checks
                    found.append(f"{where}.added_days_ago: must be a number, got .nan")
                post = _resolve(entry, where + ".", found)
            if post is not None:
                # Per organization: two organizations may well track the same post.
                key = (str(entry.get("organization")), post.platform, post.external_id)
                if key in seen:
                    found.append(
                        f"{where}.identifier: the same {post.platform} post ({post.external_id})"
                        f" as videos[{seen[key]}] for organization {key[0]!r}"
                    )
                seen.setdefault(key, index)
            posts.append(post)
        if found:
            return (), found
        videos = tuple(
            SeedVideo(
                organization=entry["organization"],
                post=post,
                metadata=dict(entry.get("metadata", {})),
                is_active=entry.get("is_active", True),
                # Integral floats (24.0) pass the schema's "integer"; keep the type honest.
                scrape_interval_hours=int(entry.get("scrape_interval_hours", 24)),
                added_days_ago=float(entry["added_days_ago"]),
            )
            for entry, post in zip(entries or [], posts, strict=True)
            if post is not None
        )
        return videos, []


def _load_pins(
    folder: Path, validator: Draft202012Validator, problems: Problems
) -> dict[tuple[str, str], Pin]:
    pins: dict[tuple[str, str], Pin] = {}
    owners: dict[tuple[str, str], Path] = {}
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        # Hidden files are editor backups and the like, not pins.
        if path.name.startswith(".") or path.suffix not in (".yaml", ".yml"):
            continue
        raw = _read(path, problems)
        if path in problems:
            continue
        invalid: set[tuple[Any, ...]] = set()
        found = _schema_problems(validator, raw, invalid)
        post = _resolve(raw, "", found) if isinstance(raw, Mapping) else None
        if post is not None:
            # The cross rules see only well-typed values, so they can run beside schema errors.
            content = _valid_values(raw, "content", CONTENT_FIELDS, invalid)
            metrics = _valid_values(raw, "metrics", METRIC_FIELDS, invalid)
            found += _consistency_problems(post.platform, content, metrics)
            key = (post.platform, post.external_id)
            if key in owners:
                found.append(
                    f"identifier: pins the same {post.platform} post ({post.external_id}) as"
                    f" {owners[key].name}; a post has at most one pin"
                )
            elif not found:
                owners[key] = path
                pins[key] = Pin(MappingProxyType(content), MappingProxyType(metrics))
        if found:
            problems[path] = found
    return pins


def _consistency_problems(
    platform: str, content: Mapping[str, Any], metrics: Mapping[str, Any]
) -> list[str]:
    """The contract's rules between fields (CONTRACT 7.2), for the values pinned together."""
    found = []
    for small, large in _ORDERED:
        a, b = metrics.get(small), metrics.get(large)
        if a is not None and b is not None and a > b:
            found.append(f"metrics.{small}: {a} is more than {large} ({b})")
    if platform == "tiktok":
        for plays, views in (("play_count", "view_count"), ("total_plays", "total_views")):
            if plays in metrics and views in metrics and metrics[plays] != metrics[views]:
                found.append(f"metrics.{plays}: on TikTok it equals {views} ({metrics[views]})")
        if metrics.get("saved_count") is not None:
            found.append("metrics.saved_count: TikTok has no saves; must be null")
    unavailable = content.get("is_unavailable") is True
    if unavailable and any(value is not None for value in metrics.values()):
        found.append("metrics: an unavailable post has no counts; leave them out or null")
    if not unavailable:
        found += [
            f"content.{name}: may be null only when is_unavailable is true"
            for name in _NOT_NULL_WHEN_AVAILABLE
            if name in content and content[name] is None
        ]
    media, duration = content.get("media_type"), content.get("duration")
    if media is not None and media not in _MEDIA_TYPES[platform]:
        allowed = ", ".join(_MEDIA_TYPES[platform])
        found.append(f"content.media_type: {media!r} is not a {platform} type ({allowed})")
    if duration is not None and duration > _MAX_DURATION[platform]:
        found.append(f"content.duration: at most {_MAX_DURATION[platform]} s on {platform}")
    if media is not None and media not in ("VIDEO", "video"):
        found += [
            f"content.{name}: must be null for media_type {media!r}"
            for name in ("duration", "video_url_original")
            if content.get(name) is not None
        ]
    return found


def _resolve(entry: Mapping[str, Any], prefix: str, found: list[str]) -> ResolvedPost | None:
    """The post an entry names; a wrong type is left to the schema's message."""
    platform, identifier = entry.get("platform"), entry.get("identifier")
    if not isinstance(platform, str) or platform not in _MEDIA_TYPES:
        return None
    if not isinstance(identifier, str):
        return None
    try:
        return resolve(platform, identifier)
    except IdentifierError as exc:  # its message says why and which forms are accepted
        found.append(f"{prefix}identifier: {exc.message}")
        return None


def _read(path: Path, problems: Problems) -> Any:
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        problems[path] = [f"cannot read the file ({exc.strerror})"]
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems[path] = [f"not valid YAML: {exc}"]
    return None


def _valid_values(
    raw: Mapping[str, Any], part: str, names: tuple[str, ...], invalid: set[tuple[Any, ...]]
) -> dict[str, Any]:
    """The schema-valid values of ``content`` or ``metrics``, by field."""
    values = raw.get(part)
    if not isinstance(values, Mapping):
        return {}
    # Integral floats (5.0) pass the schema's "integer"; counts and durations must be ints.
    return {
        k: int(v) if isinstance(v, float) and v.is_integer() else v
        for k, v in values.items()
        if k in names and (part, k) not in invalid
    }


def _entry_schema(spec: Spec) -> dict[str, Any]:
    """One entry of ``videos.yaml``: the API's own request rules, so a preloaded video is
    one a client could have sent, plus the organization and when it was added."""
    request = spec.schema("TrackVideoRequest")["properties"]
    metadata = dict(request["metadata"])
    # YAML keys may be numbers or dates; JSON object keys are always strings.
    metadata["propertyNames"] = {**metadata.get("propertyNames", {}), "type": "string"}
    return _object(
        ["organization", "platform", "identifier", "added_days_ago"],
        organization={"type": "string"},
        platform=request["platform"],
        identifier=request["identifier"],
        added_days_ago={"type": "number", "minimum": 0, "maximum": 3650},
        is_active=request["is_active"],
        scrape_interval_hours=request["scrape_interval_hours"],
        metadata=metadata,
    )


def _pin_validator(spec: Spec) -> Draft202012Validator:
    """The structure of a payload file, built from the document."""
    request = spec.schema("TrackVideoRequest")["properties"]
    response = spec.schema("VideoResponse")["properties"]
    payload = _object(
        ["platform", "identifier"],
        platform=response["platform"],
        identifier=request["identifier"],
        content=_object([], **{name: response[name] for name in CONTENT_FIELDS}),
        metrics=_object([], **{name: response[name] for name in METRIC_FIELDS}),
    )
    return Draft202012Validator(payload, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def _schema_problems(
    validator: Draft202012Validator, raw: Any, invalid: set[tuple[Any, ...]] | None = None
) -> list[str]:
    """Every schema violation as ``where: message``; an unknown field named as the field.

    ``invalid`` collects the first two steps of each failing path (``("content", "duration")``).
    """
    found = []
    for error in sorted(validator.iter_errors(raw), key=lambda e: list(map(str, e.path))):
        if invalid is not None:
            invalid.add(tuple(error.path)[:2])
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
        instance, schema = error.instance, error.schema
        if error.validator == "additionalProperties" and isinstance(instance, Mapping):
            allowed = list(schema["properties"]) if isinstance(schema, Mapping) else []
            found += [
                f"{where}.{key}: unknown field; allowed fields: {', '.join(allowed)}".lstrip(".")
                for key in instance
                if key not in allowed
            ]
        else:
            found.append(f"{where.lstrip('.') or '(top level)'}: {error.message}")
    return found
