"""Deterministic, believable fake content and metrics for tracked videos.

The mock never scrapes anything: a tracked post's caption, media type, author, CDN URLs and
counts are derived from ``(seed, platform, external_id)`` alone, so the same post looks the
same across requests, processes and restarts, and a different ``--seed`` gives a different
but equally plausible world (CONTRACT 7.2).

Two costs are kept apart on purpose. :class:`ContentGenerator` builds every pool (captions,
username stems, hashtags, songs, file names) once, with a Faker seeded by ``seed``; per
request, :meth:`ContentGenerator.content` and :meth:`ContentGenerator.metrics` only pick
from those pools and do arithmetic, because they run in the hot path of ``POST /videos``.

A post's randomness is one SHAKE-128 digest of its key: the head is read as a stream of
16-bit draws (picks, chances, quantiles), the tail supplies the random text of CDN URLs.
Seeding a ``random.Random`` per post would cost more than all the rest of the work.

Counts are log-normal (a few posts go viral) and grow with the post's age along one curve
per post, so every count is non-decreasing in age and the orderings that hold at maturity
(likes <= views, comments <= likes, totals >= their counts) hold at every age.
"""

from __future__ import annotations

import hashlib
import math
import random
import struct
import sys
import unicodedata
from array import array
from binascii import b2a_base64
from collections.abc import Iterator
from math import exp, floor
from statistics import NormalDist
from typing import NamedTuple

from faker import Factory

from mockserver import wordlists as words
from mockserver.identifiers import ResolvedPost

__all__ = ["ContentGenerator", "Metrics", "VideoContent", "growth"]


# Named tuples, not frozen dataclasses: one tuple.__new__ builds a record (a frozen
# dataclass sets each field through object.__setattr__), and every new post builds some.
class Metrics(NamedTuple):
    """Counts of one post at one moment; every field is None when the post is unavailable."""

    view_count: int | None
    like_count: int | None
    comment_count: int | None
    share_count: int | None
    play_count: int | None
    saved_count: int | None
    total_views: int | None
    total_plays: int | None


_NO_METRICS = Metrics(None, None, None, None, None, None, None, None)


class VideoContent(NamedTuple):
    """The static content of one post, as the platform would show it.

    ``mature`` and ``growth_tau_days`` are not response fields: they are the parameters
    :meth:`ContentGenerator.metrics` needs (the level each count approaches, and how fast).
    ``platform_data`` is a plain dict so it serializes as is; treat it as read-only.
    """

    description: str | None
    media_type: str | None
    duration: int | None
    is_unavailable: bool
    cover_image_url_original: str | None
    video_url_original: str | None
    account_username: str | None
    platform_account_id: str
    platform_data: dict[str, object]
    mature: Metrics
    growth_tau_days: float


# --- Growth -----------------------------------------------------------------------------

_DAY = 86_400.0
_MATURE_DAYS = 365.0
_FAST_WEIGHT = 0.85  # share of the final level reached in the first days
_LOG_MATURE = math.log1p(_MATURE_DAYS)


def growth(age_seconds: float, tau_days: float) -> float:
    """Fraction of its mature level a post has reached at ``age_seconds``, in [0, 1].

    Most engagement arrives in the first two or three days (``1 - exp(-t/tau)``); a slow
    logarithmic tail keeps counts creeping up for a year, after which the level is final.
    Both terms are non-decreasing, so counts derived from this never shrink.
    """
    if not age_seconds > 0:  # also catches NaN: an unknown age shows no engagement
        return 0.0
    days = age_seconds / _DAY
    if days >= _MATURE_DAYS:
        return 1.0
    fast = 1.0 - exp(-days / tau_days)
    level = _FAST_WEIGHT * fast + (1.0 - _FAST_WEIGHT) * math.log1p(days) / _LOG_MATURE
    return level if level < 1.0 else 1.0


# --- Per-post draws ---------------------------------------------------------------------
# A draw is a uniform 16-bit int, small enough for CPython's fast integer paths. Picks are
# ``pool[next(draws) % len(pool)]`` (for pools of a few hundred the modulo bias is under
# 0.5%) and chances compare with a _chance() threshold. The longest path, an Instagram reel
# whose two-sentence caption mentions someone, takes 47 draws of the 64.
# Builtins such as min(), max() and round() are avoided on purpose on the per-request path:
# their call overhead costs more than the arithmetic.

Draws = Iterator[int]  # one post's stream of draws
_DRAW_COUNT = 64
_DRAW_BYTES = 2 * _DRAW_COUNT
_DIGEST_SIZE = _DRAW_BYTES + 96  # the tail: random text for the CDN URLs
_ONE = 1 << 16  # draws are uniform in [0, _ONE)
_BIG_ENDIAN = sys.byteorder == "big"  # draws are read little-endian on every machine


def _chance(probability: float) -> int:
    """The threshold a draw falls below with ``probability``."""
    return round(probability * _ONE)


# Log-normal variates come from quantile tables: a draw's top 10 bits name one of 1,024
# equally likely cells, so a capped log-normal ratio costs one lookup (``table[draw >> 6]``).
_NORMAL = NormalDist()
_CELLS = 1024
_Z_EDGES = tuple(_NORMAL.inv_cdf(i / _CELLS) if i else -math.inf for i in range(_CELLS))
_Z_MIDDLES = tuple(_NORMAL.inv_cdf((i + 0.5) / _CELLS) for i in range(_CELLS))


def _normal(u: int) -> float:
    """The standard normal quantile of a 32-bit uniform ``u``: a straight line between cell
    edges, exact in the two outer cells, where the curve is steep (the viral tail)."""
    cell = u >> 22
    if 0 < cell < _CELLS - 1:
        edge = _Z_EDGES[cell]
        return edge + (_Z_EDGES[cell + 1] - edge) * (u & 0x3F_FFFF) / 0x40_0000
    return _NORMAL.inv_cdf((u + 0.5) / 2**32)


def _lognormal_table(median: float, sigma: float, cap: float) -> tuple[float, ...]:
    return tuple(min(cap, median * math.exp(sigma * z)) for z in _Z_MIDDLES)


def _bands(*bands: tuple[float, int, int]) -> tuple[tuple[int, int, int], ...]:
    """(cumulative probability, shortest, longest), the probability as a draw threshold."""
    return tuple((_chance(cumulative), low, high) for cumulative, low, high in bands)


# --- Distributions ----------------------------------------------------------------------

_UNAVAILABLE = _chance(0.03)
_VIDEO_SHARE = {"tiktok": _chance(0.9), "instagram": _chance(0.7)}
_NOT_CAROUSEL = _chance(0.85)  # Instagram: from _VIDEO_SHARE up to here, a single image
_DURATIONS = {  # in seconds: most clips are short, few long
    "tiktok": _bands((0.04, 1, 6), (0.82, 7, 60), (0.95, 61, 180), (1.0, 181, 600)),
    "instagram": _bands((0.05, 1, 4), (0.85, 5, 45), (0.97, 46, 90), (1.0, 91, 180)),
}
_PRODUCT_TYPES = {"VIDEO": "clips", "IMAGE": "feed", "CAROUSEL_ALBUM": "carousel_container"}
_ORIGINAL_SOUND = _chance(0.4)
_AD = _chance(0.03)
_HAS_AUDIO = _chance(0.95)

_SENTENCES_PER_TOPIC = 40
_HASHTAGS_ONLY = _chance(0.05)  # TikTok captions that are nothing but tags
_ONE_SENTENCE = {"tiktok": _chance(0.86), "instagram": _chance(0.55)}  # else two
_EMOJI = _chance(0.35)
_MENTION = _chance(0.15)
_MAX_HASHTAGS = 4  # 0..4 tags, about one fifth each
_TAGS_BELOW_TEXT = _chance(0.4)  # Instagram captions often park hashtags below the text
_USERNAME_MAX = {"tiktok": 24, "instagram": 30}
# Instagram user ids have 8 to 11 digits, 10 the most common: (lowest, how many).
_INSTAGRAM_ID_RANGES = tuple((10 ** (d - 1), 9 * 10 ** (d - 1)) for d in (8, 9, 10, 10, 11))
_U64 = struct.Struct(">Q")

_MEDIAN_VIEWS = {"tiktok": 1500.0, "instagram": 800.0}
_VIEWS_SIGMA = 1.5
# Caps of at most 1 keep likes <= views, comments <= likes (and shares, saves <= likes).
_LIKE_RATE = _lognormal_table(0.04, 0.6, 0.35)  # per view
_COMMENT_RATE = _lognormal_table(0.025, 0.6, 0.25)  # per like, as are shares and saves
_SHARE_RATE = {
    "tiktok": _lognormal_table(0.06, 0.8, 1.0),
    "instagram": _lognormal_table(0.03, 0.8, 1.0),
}
_SAVE_RATE = _lognormal_table(0.06, 0.7, 0.8)
_REPLAY_RATE = _lognormal_table(0.35, 0.5, 3.0)  # a reel's extra plays per view
_NO_REPOSTS = _chance(0.6)  # share of posts nobody duetted, remixed or reposted

_LINK_LIFETIME = 14 * 86_400  # CDN links expire about two weeks after they were issued

# --- CDN URLs ---------------------------------------------------------------------------
# Constant parts are joined once here, so building a URL formats only what varies.
_TIKTOK_COVER_PREFIX = {
    region: "https://{}/obj/{}/".format(*words.TIKTOK_EDGES[edge])
    for region, edge in words.EDGE_OF_REGION.items()
}
_TIKTOK_VIDEO = "https://v16-webapp-prime.tiktok.com/video/tos/maliva/tos-maliva-ve-0068c799-us/"
_INSTAGRAM_HOSTS = tuple(f"scontent-{pop}.cdninstagram.com" for pop in words.INSTAGRAM_POPS)
# (path, extension, leading query) of an Instagram cover and video
_INSTAGRAM_COVER = ("t51.29350-15", "jpg", "stp=dst-jpg_e35&")
_INSTAGRAM_VIDEO = ("t50.2886-16", "mp4", "")
_FILE_NAME_POOL = 4096  # per half of an Instagram file name; divides _ONE, so no bias
_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _b64url(raw: bytes) -> str:
    """URL-safe base64 of ``raw``; callers pass a multiple of 3 bytes, so no padding."""
    return b2a_base64(raw, newline=False).translate(_URLSAFE).decode()


def _tiktok_urls(
    tail: bytes, draws: Draws, expires: int, region: str, is_video: bool
) -> tuple[str, str | None]:
    """Cover and video URLs as TikTok's CDN signs them, random parts from 92 bytes of ``tail``."""
    hexes = tail[:48].hex()
    # 20 bytes, as an HMAC-SHA1, encode to 27 characters and one "=", all percent-encoded.
    signature = b2a_base64(tail[48:68], newline=False).decode()[:27]
    signature = signature.replace("+", "%2B").replace("/", "%2F")
    prefix, expiry = _TIKTOK_COVER_PREFIX[region], str(expires)
    cover = f"{prefix}{hexes[:32]}?x-expires={expiry}&x-signature={signature}%3D"
    if not is_video:
        return cover, None
    bitrate = 400 + next(draws) % 1800
    video = (
        f"{_TIKTOK_VIDEO}{hexes[32:64]}/?a=1988&ch=0&cr=3&dr=0&lr=all&cd=0%7C0%7C0%7C&cv=1"
        f"&br={bitrate}&bt={bitrate // 2}&cs=0&ds=6&mime_type=video_mp4&qs=0"
        f"&rc={_b64url(tail[68:92])}&btag=e00088000&expire={expiry}&policy=2"
        f"&signature={hexes[64:]}&tk=tt_chain_token"
    )
    return cover, video


def _duration(draws: Draws, bands: tuple[tuple[int, int, int], ...]) -> int:
    draw = next(draws)
    for below, low, high in bands:
        if draw < below:
            return low + next(draws) % (high - low + 1)
    return bands[-1][2]  # not reached: the last band ends at _ONE


def _mature(draws: Draws, platform: str, is_video: bool) -> Metrics:
    """The levels a post's counts approach; each ordering rule holds here by construction.

    Counts are rounded half up (``floor(x + 0.5)``). A rate of at most 1 applied to a count
    ``n`` rounds to at most ``n`` (likes <= views, ...), and a factor of at least 1 to at
    least ``n`` (totals and plays), so the orderings survive rounding.
    """
    # 32 bits of draw reach z = 6.3 at most, so views stay below ~20 million without a cap.
    z = _normal(next(draws) << 16 | next(draws))
    views = floor(_MEDIAN_VIEWS[platform] * exp(_VIEWS_SIGMA * z))
    likes = floor(views * _LIKE_RATE[next(draws) >> 6] + 0.5)
    comments = floor(likes * _COMMENT_RATE[next(draws) >> 6] + 0.5)
    shares = floor(likes * _SHARE_RATE[platform][next(draws) >> 6] + 0.5)
    # Views from duets, remixes and shares of the post counted elsewhere: often none.
    reposts = 1.0 if next(draws) < _NO_REPOSTS else 1.0 + 0.2 * next(draws) / _ONE
    total_views = floor(views * reposts + 0.5)
    if platform == "tiktok":
        return Metrics(views, likes, comments, shares, views, None, total_views, total_views)
    saves = floor(likes * _SAVE_RATE[next(draws) >> 6] + 0.5)
    if not is_video:
        return Metrics(views, likes, comments, shares, None, saves, total_views, None)
    # A reel's plays count replays too, so they never fall below its views.
    plays = floor(views * (1.0 + _REPLAY_RATE[next(draws) >> 6]) + 0.5)
    total_plays = floor(plays * reposts + 0.5)
    return Metrics(views, likes, comments, shares, plays, saves, total_views, total_plays)


# --- Pools (start-up only) --------------------------------------------------------------


def _ascii_stem(name: str) -> str:
    """``"María José"`` -> ``"maria"``: the first word, folded to lowercase ASCII letters."""
    first = name.replace("-", " ").split()[0] if name.strip() else ""
    folded = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if "a" <= ch <= "z")


def _unique(items: list[str], limit: int) -> tuple[str, ...]:
    # dict keeps first-seen order, so the pool does not depend on set iteration order.
    return tuple(dict.fromkeys(items))[:limit]


def _digits(rng: random.Random, count: int) -> str:
    """A random ``count``-digit decimal with no leading zero."""
    low = 10 ** (count - 1)
    return str(low + rng.getrandbits(4 * count) % (9 * low))


def _tag_cycles(pool: list[str]) -> tuple[tuple[str, ...], ...]:
    """``pool`` walked with every step coprime to its size, padded by _MAX_HASHTAGS - 1.

    A slice of up to _MAX_HASHTAGS tags that starts within the first ``len(pool)``
    positions holds distinct tags, so sampling without replacement is one slice.
    """
    n = len(pool)
    steps = [step for step in range(1, n) if math.gcd(step, n) == 1]
    return tuple(tuple(pool[s * i % n] for i in range(n + _MAX_HASHTAGS - 1)) for s in steps)


class ContentGenerator:
    """Deterministic content for tracked posts; build one per server (per seed) and reuse it.

    All Faker work happens here, once; the per-request methods are pure functions of
    ``(seed, platform, external_id)`` (plus the URL's username, which only names the author).
    """

    def __init__(self, seed: int) -> None:
        self._post_keys = {p: f"{seed}:{p}:".encode() for p in words.PLATFORM_TAGS}
        self._account_keys = {p: f"{seed}:{p}:account:".encode() for p in words.PLATFORM_TAGS}
        rng = random.Random(f"creatoraudit-pools:{seed}")
        first_names: list[str] = []
        last_names: list[str] = []
        # One Faker generator per locale, each seeded from the seed: the multi-locale
        # proxy picks a locale per call with the module-level random, which would break
        # determinism. Only the person provider is loaded: names are all that is drawn,
        # and the same seed gives the same names as a full Faker(locale), at a fifth of
        # the start-up cost (~20 ms instead of ~100 for the four).
        for locale in ("en_US", "es_MX", "pt_BR", "fr_FR"):
            fake = Factory.create(locale, providers=["faker.providers.person"])
            fake.seed_instance(f"creatoraudit:{seed}:{locale}")
            first_names += [fake.format("first_name") for _ in range(90)]
            last_names += [fake.format("last_name") for _ in range(90)]
        rng.shuffle(first_names)
        rng.shuffle(last_names)

        self._display_names = _unique([n.split()[0] for n in first_names], 300)
        self._display_surnames = _unique([n.split()[-1] for n in last_names], 300)
        self._first_stems = _unique([s for s in map(_ascii_stem, first_names) if len(s) >= 2], 300)
        self._last_stems = _unique([s for s in map(_ascii_stem, last_names) if len(s) >= 2], 300)

        songs: list[tuple[str, str]] = []
        for _ in range(150):
            adjective, noun = rng.choice(words.SONG_ADJECTIVES), rng.choice(words.SONG_NOUNS)
            title = f"{adjective} {noun}{rng.choice(words.SONG_VERSIONS)}"
            songs.append((title, self._artist(rng)))
        self._songs = tuple(songs)

        self._sentences = tuple(
            tuple(self._sentence(rng, topic.templates) for _ in range(_SENTENCES_PER_TOPIC))
            for topic in words.TOPICS
        )
        # Per platform and topic: the topic's tags, the platform's generic tags, and a few
        # city tags, so hashtag sets vary without drifting off-topic. "#catsoftiktok" stays
        # off Instagram and "#dogsofinstagram" off TikTok.
        foreign = {"instagram": ("tiktok", "tok"), "tiktok": ("instagram", "insta")}
        self._hashtag_cycles: dict[str, list[tuple[tuple[str, ...], ...]]] = {}
        for platform, generic in words.PLATFORM_TAGS.items():
            self._hashtag_cycles[platform] = []
            for topic in words.TOPICS:
                cities = [c.lower().replace(" ", "") for c in rng.sample(words.CITIES, 3)]
                tags = [f"#{tag}" for tag in (*topic.hashtags, *generic, *cities)]
                pool = [tag for tag in tags if not any(w in tag for w in foreign[platform])]
                self._hashtag_cycles[platform].append(_tag_cycles(pool))
        # Instagram names files "<9 digits>_<16 digits>_<19 digits>_n.jpg". Two pools of
        # halves give 16 million names, without formatting big numbers per request.
        self._file_heads = tuple(
            f"{_digits(rng, 9)}_{_digits(rng, 16)}" for _ in range(_FILE_NAME_POOL)
        )
        self._file_tails = tuple(_digits(rng, 19) for _ in range(_FILE_NAME_POOL))

    def _artist(self, rng: random.Random) -> str:
        style = rng.random()
        first = rng.choice(self._display_names)
        if style < 0.45:
            return f"{first} {rng.choice(self._display_surnames)}"
        if style < 0.6:
            return f"DJ {first}"
        if style < 0.75:
            return f"Lil {first}"
        if style < 0.9:
            return f"The {rng.choice(words.SONG_NOUNS)}"
        return f"{first} & {rng.choice(self._display_names)}"

    def _sentence(self, rng: random.Random, templates: tuple[str, ...]) -> str:
        title, artist = rng.choice(self._songs)
        song = title.split(" (")[0].split(" - ")[0]  # "Golden Hour", not "... (Sped Up)"
        values = {slot: rng.choice(options) for slot, options in words.SLOTS.items()}
        values |= {
            "city": rng.choice(words.CITIES),
            "name": rng.choice(self._display_names),
            "pet_name": rng.choice(self._display_names),
            "day": rng.choice(words.DAYS),
            "month": rng.choice(words.MONTHS),
            "season": rng.choice(words.SEASONS),
            "n": str(rng.randint(2, 12)),
            "big": str(rng.randint(10, 900)),
            "price": str(rng.randint(5, 40)),
            "song": song,
            "artist": artist,
        }
        text = rng.choice(templates).format(**values)
        # "{season} in ..." would start lowercase; the ending is chosen per post.
        return text[0].upper() + text[1:]

    # --- per request --------------------------------------------------------------------

    def _username(self, draws: Draws, platform: str) -> str:
        """A believable handle that follows the platform's rules.

        Parts are non-empty ``[a-z0-9]`` runs joined by at most one ``.`` or ``_``, so there
        is never a leading dot or ``..``; truncation strips any separator it leaves at the end.
        """
        first = self._first_stems[next(draws) % len(self._first_stems)]
        last = self._last_stems[next(draws) % len(self._last_stems)]
        number = next(draws) % 100
        style = next(draws) % 12
        if style == 11 and platform == "tiktok":
            # TikTok's default handle, for accounts that never picked one.
            handle = f"user{next(draws) << 16 | next(draws)}{number:02d}"
        elif style <= 1:
            handle = f"{first}.{last}"
        elif style == 2:
            handle = f"{first}_{last}"
        elif style == 3:
            handle = first + last
        elif style == 4:
            handle = f"{first}.{last}{number:02d}"
        elif style == 5:
            handle = f"{first}_{number:02d}"
        elif style <= 7:
            handle = first + words.USERNAME_SUFFIXES[next(draws) % len(words.USERNAME_SUFFIXES)]
        elif style == 8:
            handle = words.USERNAME_PREFIXES[next(draws) % len(words.USERNAME_PREFIXES)] + first
        elif style == 9:
            handle = (
                f"{first}.{words.USERNAME_SUFFIXES[next(draws) % len(words.USERNAME_SUFFIXES)]}"
            )
        else:
            handle = f"{first}{last[0]}{number:02d}"
        limit = _USERNAME_MAX[platform]
        return handle if len(handle) <= limit else handle[:limit].rstrip("._")

    def _account_id(self, platform: str, username: str) -> str:
        # Keyed by the handle, not the post: every post by one author shows one author id.
        key = self._account_keys[platform] + username.lower().encode()
        h = _U64.unpack_from(hashlib.blake2b(key).digest())[0]
        if platform == "tiktok":
            # Real TikTok user ids carry their creation second in the top bits: 2016..2023.
            return str((1_460_000_000 + h % 240_000_000) << 32 | h >> 32)
        low, span = _INSTAGRAM_ID_RANGES[h % 5]
        return str(low + (h >> 3) % span)

    def _caption(self, draws: Draws, platform: str, topic: int) -> str:
        tiktok = platform == "tiktok"
        sentences, endings = self._sentences[topic], words.ENDINGS
        shape = next(draws)
        if tiktok and shape < _HASHTAGS_ONLY:
            text = ""
        elif shape < _ONE_SENTENCE[platform]:
            text = sentences[next(draws) % len(sentences)] + endings[next(draws) % len(endings)]
        else:
            first = sentences[next(draws) % len(sentences)]
            stop = words.STOPS[next(draws) % len(words.STOPS)]
            second = sentences[next(draws) % len(sentences)]
            text = f"{first}{stop} {second}{endings[next(draws) % len(endings)]}"
        if text and next(draws) < _EMOJI:
            emoji = words.TOPICS[topic].emoji
            text = f"{text} {emoji[next(draws) % len(emoji)]}"
        if next(draws) < _MENTION:
            prefix = words.MENTION_PREFIXES[next(draws) % len(words.MENTION_PREFIXES)]
            mention = prefix + self._username(draws, platform)
            text = f"{text} {mention}" if text else mention
        count = next(draws) % (_MAX_HASHTAGS + 1)
        if not text:
            count = count or 2
        if not count:
            return text
        cycles = self._hashtag_cycles[platform][topic]
        cycle = cycles[next(draws) % len(cycles)]
        start = next(draws) % (len(cycle) - _MAX_HASHTAGS + 1)
        tags = " ".join(cycle[start : start + count])
        if not text:
            return tags
        separator = "\n\n" if not tiktok and next(draws) < _TAGS_BELOW_TEXT else " "
        return f"{text}{separator}{tags}"

    def _instagram_url(
        self, draws: Draws, host: str, media: tuple[str, str, str], token: str, sid: str, oe: str
    ) -> str:
        """One signed scontent URL; ``token`` is 60 random base64 characters, ``sid`` 6 hex."""
        path, extension, stp = media
        head = self._file_heads[next(draws) % _FILE_NAME_POOL]
        tail = self._file_tails[next(draws) % _FILE_NAME_POOL]
        return (
            f"https://{host}/v/{path}/{head}_{tail}_n.{extension}?{stp}_nc_ht={host}"
            f"&_nc_cat={1 + next(draws) % 111}&_nc_ohc={token[:20]}&oh=00_{token[20:]}"
            f"&oe={oe}&_nc_sid={sid}"
        )

    def content(self, post: ResolvedPost) -> VideoContent:
        """The static content of ``post``: same inputs, same result, in any process."""
        platform = post.platform
        key = self._post_keys[platform] + post.external_id.encode()
        digest = hashlib.shake_128(key).digest(_DIGEST_SIZE)
        halfwords = array("H", digest[:_DRAW_BYTES])
        if _BIG_ENDIAN:
            halfwords.byteswap()
        draws = iter(halfwords)
        unavailable = next(draws) < _UNAVAILABLE
        # Always drawn, even when the URL names the author, so that whether a username
        # was given never shifts the draws behind it.
        generated = self._username(draws, platform)
        username = (post.username or "").lstrip("@") or generated
        account_id = self._account_id(platform, username)
        if unavailable:
            return VideoContent(
                None, None, None, True, None, None, username, account_id, {}, _NO_METRICS, 1.0
            )

        kind = next(draws)
        is_video = kind < _VIDEO_SHARE[platform]
        description = self._caption(draws, platform, next(draws) % len(words.TOPICS))
        duration = _duration(draws, _DURATIONS[platform]) if is_video else None
        issued = int(post.created_at.timestamp())
        expires = (issued if issued > 0 else 0) + _LINK_LIFETIME + next(draws)
        expires = expires if expires < 0xFFFF_FFFF else 0xFFFF_FFFF  # "oe" has 8 hex digits
        tail = digest[_DRAW_BYTES:]
        platform_data: dict[str, object]
        if platform == "tiktok":
            media_type = "video" if is_video else "photo"
            region = words.REGIONS[next(draws) % len(words.REGIONS)]
            cover, video = _tiktok_urls(tail, draws, expires, region, is_video)
            if next(draws) < _ORIGINAL_SOUND:
                music_title, music_author = f"original sound - {username}", username
            else:
                music_title, music_author = self._songs[next(draws) % len(self._songs)]
            platform_data = {
                "music_title": music_title,
                "music_author": music_author,
                "is_ad": next(draws) < _AD,
                "region": region,
            }
        else:
            carousel = not is_video and kind >= _NOT_CAROUSEL
            media_type = "VIDEO" if is_video else "CAROUSEL_ALBUM" if carousel else "IMAGE"
            host = _INSTAGRAM_HOSTS[next(draws) % len(_INSTAGRAM_HOSTS)]
            oe = f"{expires:08X}"
            # Random text for both URLs at once: 60 base64 and 6 hex characters each.
            tokens, sids = _b64url(tail[:90]), tail[90:96].hex()
            cover = self._instagram_url(draws, host, _INSTAGRAM_COVER, tokens[:60], sids[:6], oe)
            video = None
            if is_video:
                video = self._instagram_url(
                    draws, host, _INSTAGRAM_VIDEO, tokens[60:], sids[6:], oe
                )
            platform_data = {
                "product_type": _PRODUCT_TYPES[media_type],
                "has_audio": is_video and next(draws) < _HAS_AUDIO,
                "carousel_media_count": 2 + next(draws) % 9 if carousel else None,
            }
        mature = _mature(draws, platform, is_video)
        # 0.5..1.5 days, log-uniform: some posts peak within hours, others over days.
        tau = 0.5 * 3.0 ** (next(draws) / _ONE)
        return VideoContent(
            description,
            media_type,
            duration,
            False,
            cover,
            video,
            username,
            account_id,
            platform_data,
            mature,
            tau,
        )

    def metrics(self, post: ResolvedPost, content: VideoContent, age_seconds: float) -> Metrics:
        """Counts of ``post`` when it is ``age_seconds`` old: zero at 0, non-decreasing after.

        ``post`` is accepted for symmetry with :meth:`content`; everything needed is already
        in ``content``, so a stored record can be refreshed without re-deriving it.
        """
        if content.is_unavailable:
            return _NO_METRICS
        f = growth(age_seconds, content.growth_tau_days)
        m = content.mature
        if f == 1.0:
            return m
        # Flooring a product is monotonic in each factor, so level ordering survives scaling.
        # Unpacked once: a named tuple's fields read faster by position than by name.
        views, likes, comments, shares, plays, saves, total_views, total_plays = m
        return Metrics(
            None if views is None else floor(views * f),
            None if likes is None else floor(likes * f),
            None if comments is None else floor(comments * f),
            None if shares is None else floor(shares * f),
            None if plays is None else floor(plays * f),
            None if saves is None else floor(saves * f),
            None if total_views is None else floor(total_views * f),
            None if total_plays is None else floor(total_plays * f),
        )
