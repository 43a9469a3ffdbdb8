"""Deterministic, believable fake content and metrics for tracked videos.

The mock never scrapes anything: a tracked post's caption, media type, author, CDN URLs and
counts are derived from ``(seed, platform, external_id)`` alone, so the same post looks the
same across requests, processes and restarts, and a different ``--seed`` gives a different
but equally plausible world (CONTRACT 7.2).

Two costs are kept apart on purpose. :class:`ContentGenerator` builds every pool (captions,
username stems, hashtags, songs) once, with a Faker seeded by ``seed``; per request,
:meth:`ContentGenerator.content` and :meth:`ContentGenerator.metrics` only pick from those
pools with a per-post ``random.Random`` and do arithmetic, because they run in the hot path
of ``POST /videos``.

Counts are log-normal (a few posts go viral) and grow with the post's age along one curve
per post, so every count is non-decreasing in age and the orderings that hold at maturity
(likes <= views, comments <= likes, totals >= their counts) hold at every age.
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import unicodedata
from dataclasses import dataclass

from faker import Faker

from mockserver.identifiers import ResolvedPost

__all__ = ["ContentGenerator", "Metrics", "VideoContent", "growth"]


@dataclass(frozen=True, slots=True)
class Metrics:
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


@dataclass(frozen=True, slots=True)
class VideoContent:
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
    fast = 1.0 - math.exp(-days / tau_days)
    slow = math.log1p(days) / _LOG_MATURE
    return min(1.0, _FAST_WEIGHT * fast + (1.0 - _FAST_WEIGHT) * slow)


def _scaled(level: int | None, fraction: float) -> int | None:
    # Flooring a product is monotonic in each factor, so level ordering survives scaling.
    return None if level is None else int(level * fraction)


# --- Fixed vocabulary -------------------------------------------------------------------
# Faker supplies people's names (many locales); what Faker has no believable provider for
# (real cities, dishes, trends) is listed here and combined with the seeded RNG at start-up.
# The tables stay packed (fmt: off) so the vocabulary reads as prose, not one word a line.
# fmt: off

_CITIES = (
    "Lisbon", "Barcelona", "Mexico City", "Tokyo", "Seoul", "Paris", "Rome", "Berlin",
    "London", "New York", "Los Angeles", "Chicago", "Austin", "Miami", "Toronto", "Vancouver",
    "Sydney", "Melbourne", "Bali", "Bangkok", "Istanbul", "Marrakech", "Cape Town", "Dubai",
    "Amsterdam", "Copenhagen", "Prague", "Vienna", "Buenos Aires", "Rio", "Sao Paulo",
    "Lima", "Bogota", "Madrid", "Naples", "Athens", "Dublin", "Edinburgh", "Nashville",
    "San Diego",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
_SEASONS = ("spring", "summer", "fall", "winter")
_SLOTS: dict[str, tuple[str, ...]] = {
    "dish": (
        "pasta carbonara", "banana bread", "birria tacos", "ramen", "sourdough",
        "smash burgers", "pad thai", "tiramisu", "butter chicken", "avocado toast",
        "shakshuka", "cinnamon rolls", "paella", "pho", "dumplings", "lemon cake",
        "baked feta pasta", "chili", "pancakes", "sushi bake",
    ),
    "workout": (
        "pilates", "hot yoga", "marathon training", "calisthenics", "strength training",
        "HIIT", "running", "spin class", "boxing", "bouldering",
    ),
    "exercise": ("squat", "deadlift", "pull-up", "hip thrust", "push-up", "bench press"),
    "event": (
        "a wedding", "date night", "my first day at work", "a concert", "brunch",
        "a job interview", "my sister's graduation",
    ),
    "product": (
        "lip oil", "vitamin C serum", "cargo pants", "tinted sunscreen", "ballet flats",
        "trench coat", "claw clip", "Stanley cup",
    ),
    "routine": ("skincare", "morning", "night", "hair care", "5am"),
    "adj": ("rainy", "sunny", "cozy", "busy", "lazy", "chilly", "long"),
    "pet": ("dog", "cat", "puppy", "kitten", "golden retriever", "husky", "corgi", "bunny"),
    "room": ("kitchen", "bedroom", "balcony", "bathroom", "home office", "living room"),
    "craft": (
        "candle making", "resin pouring", "pottery", "crochet", "embroidery", "woodworking",
    ),
    "furniture": ("bookshelf", "coffee table", "desk", "bed frame", "plant stand"),
    "topic": (
        "budgeting", "investing", "coding", "photography", "Spanish", "productivity",
        "career", "skincare science", "history", "interview",
    ),
    "skill": (
        "photography", "video editing", "to code", "guitar", "Spanish", "to cook", "to swim",
    ),
    "concept": (
        "compound interest", "how planes fly", "black holes", "inflation",
        "the Pythagorean theorem", "why the sky is blue",
    ),
}

# One entry per topic: caption templates, topic hashtags, fitting emoji. Captions, tags and
# emoji of one post come from the same topic, so a cooking video is tagged #foodie.
_TOPICS: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        (
            "Tried the viral {dish} recipe so you don't have to",
            "The best {dish} in {city}, no debate", "Quick {dish} for busy {day} nights",
            "Recreating my grandma's {dish}", "Rate my {dish} from 1 to 10",
            "Meal prep for the week: {dish} edition", "Hot take: {dish} is overrated",
            "{name} made {dish} and I have thoughts",
        ),
        ("foodie", "food", "recipe", "cooking", "homecooking", "easyrecipe", "yummy", "dinner"),
        ("🍝", "😋", "🔥", "🤤"),
    ),
    (
        (
            "Golden hour in {city} never gets old", "{n} things to do in {city} this {season}",
            "Weekend in {city} with {name}", "{city}, you have my heart",
            "Hidden spots in {city} locals don't want you to know",
            "{season} in {city} hits different",
            "Packing for {n} days in {city} with one carry-on",
        ),
        ("travel", "travelgram", "wanderlust", "vacation", "traveltips", "bucketlist"),
        ("✈️", "🌅", "🗺️", "🌍"),
    ),
    (
        (
            "Day {n} of {workout} until it feels easy", "Before vs after: {n} weeks of {workout}",
            "My {day} {workout} routine, step by step", "Not me doing {workout} at 6am",
            "Form check on this {exercise}, be honest", "{n}-minute {workout} you can do at home",
            "Leg day with {name} was a mistake",
        ),
        ("fitness", "gym", "workout", "fitnessmotivation", "homeworkout", "training"),
        ("💪", "🏋️", "🔥", "😮‍💨"),
    ),
    (
        (
            "Outfit check for a {adj} day in {city}", "{season} capsule wardrobe in {n} pieces",
            "Get ready with me for {event}", "Honest review: the {product} everyone is buying",
            "{n}-step {routine} routine that actually works",
            "Thrifted this whole outfit for under ${price}", "My everyday makeup in {n} minutes",
        ),
        ("ootd", "fashion", "style", "grwm", "makeup", "skincare", "beauty", "outfitinspo"),
        ("✨", "💄", "🛍️", "💅"),
    ),
    (
        (
            "{pet_name} has no idea how to be a normal {pet}",
            "When {pet_name} hears the treat bag", "Day in the life of a very dramatic {pet}",
            "{pet_name} turned {n} today", "POV: you told your {pet} it's bath time",
            "Rescue update: {pet_name} finally trusts us",
        ),
        ("dogsofinstagram", "catsoftiktok", "petsoftiktok", "dog", "cat", "puppy", "rescuedog"),
        ("🐶", "🐱", "🐾", "🥹"),
    ),
    (
        (
            "When {name} says it's a five-minute walk",
            "POV: it's {day} and you have zero plans",
            "Tell me you're from {city} without telling me",
            "Me pretending I understood the assignment", "{day} reset: laundry, coffee, no plans",
            "Wait for the end", "Morning routine but make it realistic",
            "Things nobody tells you about living in {city}",
        ),
        ("comedy", "funny", "relatable", "pov", "dayinmylife", "storytime", "humor"),
        ("😂", "💀", "🙃", "😭"),
    ),
    (
        (
            "Learned this dance in {n} minutes, be nice", "Cover of {song} by {artist}",
            "{name} and I tried the {song} trend", "Can't stop playing {song}",
            "Late night session at the studio", "Teaching my mom the {song} dance",
        ),
        ("dance", "dancechallenge", "music", "cover", "singing", "newmusic", "trend"),
        ("🎶", "🎤", "🕺", "💃"),
    ),
    (
        (
            "Turning a {price} dollar thrift find into this", "Renter-friendly {room} makeover",
            "{room} refresh for {season}", "Small business life: packing orders all {day}",
            "Satisfying {craft} process", "Building a {furniture} from scratch",
        ),
        ("diy", "homedecor", "smallbusiness", "renovation", "crafts", "satisfying", "handmade"),
        ("🛠️", "🪴", "📦", "🏡"),
    ),
    (
        (
            "{n} {topic} tips I wish I knew sooner",
            "Things I wish I knew before learning {skill}",
            "Explaining {concept} in under a minute",
            "Part {n}: answering your questions about {topic}", "Save this for later",
            "Study with me: {n} hours of {topic}",
        ),
        ("learnontiktok", "tips", "studytok", "education", "didyouknow", "lifehacks"),
        ("📚", "💡", "🧠", "📌"),
    ),
    (
        (
            "Happy birthday {name}, love you endlessly", "Thank you for {big}k, you're amazing",
            "{month} dump", "Little moments from this week", "{n} years with {name} and counting",
            "Our first {season} as a family of {n}", "Photo dump from {city}",
        ),
        ("photodump", "family", "memories", "love", "birthday", "lifestyle", "blessed"),
        ("❤️", "🥹", "📸", "🤍"),
    ),
)
_SENTENCES_PER_TOPIC = 40
_ENDINGS = ("", "", "", ".", "!", "!!")  # captions often end bare
_STOPS = (".", ".", "!")  # between two sentences there is always a stop
_PLATFORM_TAGS = {
    "tiktok": ("fyp", "foryou", "foryoupage", "viral", "trending", "tiktok", "fypシ"),
    "instagram": (
        "instagood", "reels", "explore", "explorepage", "photooftheday", "reelsinstagram",
        "instadaily",
    ),
}
_HASHTAG_COUNT_CUTS = (0.2, 0.4, 0.6, 0.8)  # 0..4 hashtags, about one fifth each
_MENTION_FORMATS = ("with @{}", "📸 @{}", "cc @{}", "ft. @{}", "thanks @{}")

_USERNAME_SUFFIXES = (
    "eats", "cooks", "travels", "fit", "style", "beauty", "art", "studio", "daily", "vibes",
    "films", "makes", "bakes", "lifts", "reads", "official", "tv", "life", "diaries",
    "kitchen", "creates", "dances", "home", "world",
)
_USERNAME_PREFIXES = ("chef", "the", "its", "real", "iam", "hey", "just", "coach", "miss", "mr")
_PRODUCT_TYPES = {"VIDEO": "clips", "IMAGE": "feed", "CAROUSEL_ALBUM": "carousel_container"}
_INSTAGRAM_USERNAME_MAX = 30
_TIKTOK_USERNAME_MAX = 24

_SONG_ADJECTIVES = (
    "Midnight", "Golden", "Neon", "Velvet", "Electric", "Paper", "Silver", "Broken", "Summer",
    "Wild", "Lonely", "Sweet", "Cold", "Lucky", "Purple", "Starry", "Faded", "Crystal",
)
_SONG_NOUNS = (
    "Drive", "Hearts", "Dreams", "City", "Lights", "Waves", "Fever", "Skies", "Roses",
    "Motion", "Echo", "Summer", "Ghost", "Signal", "Paradise", "Highway", "Rain", "Glow",
)
_SONG_VERSIONS = ("", "", "", "", " (Sped Up)", " (Remix)", " - Slowed", " (Acoustic)")
_ORIGINAL_SOUND_RATE = 0.4

# Weighted by repetition; TikTok regions map to the CDN edge a viewer there would get.
_REGIONS = (
    ("US",) * 45 + ("GB",) * 8 + ("CA",) * 6 + ("BR",) * 7 + ("MX",) * 6 + ("AU",) * 5
    + ("DE",) * 5 + ("FR",) * 5 + ("ES",) * 4 + ("IT",) * 3 + ("PH",) * 3 + ("ID",) * 3
)
_TIKTOK_EDGES = {
    "americas": ("p16-sign-va.tiktokcdn.com", "tos-maliva-p-0068"),
    "europe": ("p16-sign-useast2a.tiktokcdn.com", "tos-useast2a-p-0037-euttp"),
    "asia": ("p16-sign-sg.tiktokcdn.com", "tos-alisg-p-0037"),
}
_EDGE_OF_REGION = {
    "US": "americas", "CA": "americas", "BR": "americas", "MX": "americas",
    "GB": "europe", "DE": "europe", "FR": "europe", "ES": "europe", "IT": "europe",
    "AU": "asia", "PH": "asia", "ID": "asia",
}
_INSTAGRAM_POPS = (
    "lax3-1", "lax3-2", "iad3-1", "iad3-2", "atl3-1", "fra5-1", "fra3-2", "lhr8-1", "lhr6-2",
    "mad1-1", "cdg4-2", "gru2-1", "mia3-1", "sin6-1", "syd2-1",
)

# (cumulative probability, shortest, longest) in seconds: most clips are short, few long.
_TIKTOK_DURATIONS = ((0.04, 1, 6), (0.82, 7, 60), (0.95, 61, 180), (1.0, 181, 600))
_REEL_DURATIONS = ((0.05, 1, 4), (0.85, 5, 45), (0.97, 46, 90), (1.0, 91, 180))
# fmt: on

_UNAVAILABLE_RATE = 0.03
_MEDIAN_VIEWS = {"tiktok": 1500.0, "instagram": 800.0}
_VIEWS_SIGMA = 1.5
_VIEW_CAP = 2_000_000_000  # above the most-viewed clips on either platform
_LINK_LIFETIME = 14 * 86_400  # CDN links expire about two weeks after they were issued


def _ascii_stem(name: str) -> str:
    """``"María José"`` -> ``"maria"``: the first word, folded to lowercase ASCII letters."""
    first = name.replace("-", " ").split()[0] if name.strip() else ""
    folded = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if "a" <= ch <= "z")


def _unique(items: list[str], limit: int) -> tuple[str, ...]:
    # dict keeps first-seen order, so the pool does not depend on set iteration order.
    return tuple(dict.fromkeys(items))[:limit]


def _b64url(rng: random.Random, size: int) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(size)).decode().rstrip("=")


def _hex(rng: random.Random, bits: int) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def _digits(rng: random.Random, count: int) -> str:
    """A random ``count``-digit decimal with no leading zero."""
    low = 10 ** (count - 1)
    return str(low + rng.getrandbits(4 * count) % (9 * low))


def _pick(rng: random.Random, pool: tuple[str, ...]) -> str:
    # Faster than rng.choice (no _randbelow loop), and uniform enough for fake content.
    return pool[int(rng.random() * len(pool))]


def _duration(rng: random.Random, bands: tuple[tuple[float, int, int], ...]) -> int:
    r = rng.random()
    for cumulative, low, high in bands:
        if r < cumulative:
            return low + int(rng.random() * (high - low + 1))
    return bands[-1][2]


def _lognormal_ratio(rng: random.Random, median: float, sigma: float, cap: float) -> float:
    return min(cap, median * math.exp(sigma * rng.gauss(0.0, 1.0)))


class ContentGenerator:
    """Deterministic content for tracked posts; build one per server (per seed) and reuse it.

    All Faker work happens here, once; the per-request methods are pure functions of
    ``(seed, platform, external_id)`` (plus the URL's username, which only names the author).
    """

    def __init__(self, seed: int) -> None:
        self._seed = seed
        pool_rng = random.Random(f"creatoraudit-pools:{seed}")
        first_names: list[str] = []
        last_names: list[str] = []
        # One Faker per locale, each seeded from the seed: the multi-locale proxy picks a
        # locale per call with the module-level random, which would break determinism.
        for locale in ("en_US", "es_MX", "pt_BR", "fr_FR"):
            fake = Faker(locale)
            fake.seed_instance(f"creatoraudit:{seed}:{locale}")
            first_names += [fake.first_name() for _ in range(90)]
            last_names += [fake.last_name() for _ in range(90)]
        pool_rng.shuffle(first_names)
        pool_rng.shuffle(last_names)

        self._display_names = _unique([n.split()[0] for n in first_names], 300)
        self._display_surnames = _unique([n.split()[-1] for n in last_names], 300)
        self._first_stems = _unique([s for s in map(_ascii_stem, first_names) if len(s) >= 2], 300)
        self._last_stems = _unique([s for s in map(_ascii_stem, last_names) if len(s) >= 2], 300)

        songs: list[tuple[str, str]] = []
        for _ in range(150):
            title = (
                f"{pool_rng.choice(_SONG_ADJECTIVES)} {pool_rng.choice(_SONG_NOUNS)}"
                f"{pool_rng.choice(_SONG_VERSIONS)}"
            )
            songs.append((title, self._artist(pool_rng)))
        self._songs = tuple(songs)

        self._sentences = tuple(
            tuple(self._sentence(pool_rng, templates) for _ in range(_SENTENCES_PER_TOPIC))
            for templates, _tags, _emoji in _TOPICS
        )
        self._emoji = tuple(emoji for _templates, _tags, emoji in _TOPICS)
        # Per platform and topic: the topic's tags, the platform's generic tags, and a few
        # city tags, so hashtag sets vary without drifting off-topic. "#catsoftiktok" stays
        # off Instagram and "#dogsofinstagram" off TikTok.
        foreign = {"instagram": ("tiktok", "tok"), "tiktok": ("instagram", "insta")}
        self._hashtags = {
            platform: tuple(
                tuple(
                    "#" + tag
                    for tag in (
                        *tags,
                        *generic,
                        *(c.lower().replace(" ", "") for c in pool_rng.sample(_CITIES, 3)),
                    )
                    if not any(word in tag for word in foreign[platform])
                )
                for _templates, tags, _emoji in _TOPICS
            )
            for platform, generic in _PLATFORM_TAGS.items()
        }

    # --- pool building (start-up only) ------------------------------------------------

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
            return f"The {rng.choice(_SONG_NOUNS)}"
        return f"{first} & {rng.choice(self._display_names)}"

    def _sentence(self, rng: random.Random, templates: tuple[str, ...]) -> str:
        title, artist = rng.choice(self._songs)
        song = title.split(" (")[0].split(" - ")[0]  # "Golden Hour", not "... (Sped Up)"
        values = {slot: rng.choice(options) for slot, options in _SLOTS.items()}
        values |= {
            "city": rng.choice(_CITIES),
            "name": rng.choice(self._display_names),
            "pet_name": rng.choice(self._display_names),
            "day": rng.choice(_DAYS),
            "month": rng.choice(_MONTHS),
            "season": rng.choice(_SEASONS),
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

    def _post_rng(self, post: ResolvedPost) -> random.Random:
        key = f"{self._seed}:{post.platform}:{post.external_id}".encode()
        return random.Random(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest()))

    def _username(self, rng: random.Random, tiktok: bool) -> str:
        """A believable handle that follows the platform's rules.

        Parts are non-empty ``[a-z0-9]`` runs joined by at most one ``.`` or ``_``, so there
        is never a leading dot or ``..``; truncation strips any separator it leaves at the end.
        """
        first = _pick(rng, self._first_stems)
        last = _pick(rng, self._last_stems)
        number = int(rng.random() * 100)
        style = int(rng.random() * 12)
        if tiktok and style == 11:
            # TikTok's default handle for accounts that never picked one.
            handle = f"user{rng.getrandbits(40):d}"
        elif style <= 1:
            handle = f"{first}.{last}"
        elif style == 2:
            handle = f"{first}_{last}"
        elif style == 3:
            handle = f"{first}{last}"
        elif style == 4:
            handle = f"{first}.{last}{number:02d}"
        elif style == 5:
            handle = f"{first}_{number:02d}"
        elif style <= 7:
            handle = f"{first}{_pick(rng, _USERNAME_SUFFIXES)}"
        elif style == 8:
            handle = f"{_pick(rng, _USERNAME_PREFIXES)}{first}"
        elif style == 9:
            handle = f"{first}.{_pick(rng, _USERNAME_SUFFIXES)}"
        else:
            handle = f"{first}{last[0]}{number:02d}"
        limit = _TIKTOK_USERNAME_MAX if tiktok else _INSTAGRAM_USERNAME_MAX
        return handle[:limit].rstrip("._")

    def _account_id(self, platform: str, username: str) -> str:
        # Keyed by the handle, not the post: every post by one author shows one author id.
        key = f"{self._seed}:{platform}:account:{username.lower()}".encode()
        h = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest())
        if platform == "tiktok":
            # Real TikTok user ids carry their creation second in the top bits: 2016..2023.
            created = 1_460_000_000 + h % 240_000_000
            return str((created << 32) | (h >> 32))
        digits = (8, 9, 10, 10, 11)[h % 5]
        low = 10 ** (digits - 1)
        return str(low + (h >> 3) % (9 * low))

    def _caption(self, rng: random.Random, tiktok: bool, topic: int) -> str:
        sentences = self._sentences[topic]
        if tiktok and rng.random() < 0.05:
            text = ""  # hashtag-only captions are common on TikTok
        elif rng.random() < (0.85 if tiktok else 0.55):
            text = _pick(rng, sentences) + _pick(rng, _ENDINGS)
        else:
            first, second = _pick(rng, sentences), _pick(rng, sentences)
            text = f"{first}{_pick(rng, _STOPS)} {second}{_pick(rng, _ENDINGS)}"
        if text and rng.random() < 0.35:
            text = f"{text} {_pick(rng, self._emoji[topic])}"
        if rng.random() < 0.15:
            mention = _pick(rng, _MENTION_FORMATS).format(self._username(rng, tiktok))
            text = f"{text} {mention}" if text else mention
        r = rng.random()
        count = sum(r >= cut for cut in _HASHTAG_COUNT_CUTS)
        if not text and count == 0:
            count = 2
        tags = " ".join(
            rng.sample(self._hashtags["tiktok" if tiktok else "instagram"][topic], count)
        )
        if not tags:
            return text
        if not text:
            return tags
        # Instagram captions often park hashtags below the text.
        separator = "\n\n" if not tiktok and rng.random() < 0.4 else " "
        return f"{text}{separator}{tags}"

    def _instagram_urls(
        self, rng: random.Random, expires: int, is_video: bool
    ) -> tuple[str, str | None]:
        host = f"scontent-{_pick(rng, _INSTAGRAM_POPS)}.cdninstagram.com"

        def signed(path: str, extension: str, stp: str) -> str:
            # One draw of random bytes feeds both signature-like parameters.
            blob = _b64url(rng, 45)
            name = f"{_digits(rng, 9)}_{_digits(rng, 16)}_{_digits(rng, 19)}_n.{extension}"
            return (
                f"https://{host}/v/{path}/{name}?{stp}_nc_ht={host}"
                f"&_nc_cat={1 + int(rng.random() * 111)}&_nc_ohc={blob[:20]}"
                f"&oh=00_{blob[20:]}&oe={expires:08X}&_nc_sid={_hex(rng, 24)}"
            )

        cover = signed("t51.29350-15", "jpg", "stp=dst-jpg_e35&")
        video = signed("t50.2886-16", "mp4", "") if is_video else None
        return cover, video

    def _tiktok_urls(
        self, rng: random.Random, expires: int, region: str, is_video: bool
    ) -> tuple[str, str | None]:
        host, bucket = _TIKTOK_EDGES[_EDGE_OF_REGION[region]]
        signature = base64.b64encode(rng.randbytes(20)).decode()
        signature = signature.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
        cover = (
            f"https://{host}/obj/{bucket}/{_hex(rng, 128)}"
            f"?x-expires={expires}&x-signature={signature}"
        )
        if not is_video:
            return cover, None
        bitrate = 400 + int(rng.random() * 1800)
        video = (
            f"https://v16-webapp-prime.tiktok.com/video/tos/maliva/tos-maliva-ve-0068c799-us/"
            f"{_hex(rng, 128)}/?a=1988&ch=0&cr=3&dr=0&lr=all&cd=0%7C0%7C0%7C&cv=1"
            f"&br={bitrate}&bt={bitrate // 2}&cs=0&ds=6&mime_type=video_mp4&qs=0"
            f"&rc={_b64url(rng, 24)}&btag=e00088000&expire={expires}&policy=2"
            f"&signature={_hex(rng, 128)}&tk=tt_chain_token"
        )
        return cover, video

    def _mature(self, rng: random.Random, platform: str, is_video: bool) -> Metrics:
        """The levels a post's counts approach; each ordering rule holds here by construction."""
        tiktok = platform == "tiktok"
        views = min(
            _VIEW_CAP,
            int(_MEDIAN_VIEWS[platform] * math.exp(_VIEWS_SIGMA * rng.gauss(0.0, 1.0))),
        )
        likes = min(views, round(views * _lognormal_ratio(rng, 0.04, 0.6, 0.35)))
        comments = min(likes, round(likes * _lognormal_ratio(rng, 0.025, 0.6, 0.25)))
        shares = min(
            likes, round(likes * _lognormal_ratio(rng, 0.06 if tiktok else 0.03, 0.8, 1.0))
        )
        saves = None if tiktok else min(likes, round(likes * _lognormal_ratio(rng, 0.06, 0.7, 0.8)))
        # Views from duets, remixes and shares of the post counted elsewhere: often none.
        extra = 0.0 if rng.random() < 0.6 else 0.2 * rng.random()
        total_views = max(views, round(views * (1.0 + extra)))
        plays: int | None
        total_plays: int | None
        if tiktok:
            plays, total_plays = views, total_views
        elif is_video:
            # A reel's plays count replays too, so they never fall below its views.
            plays = max(views, round(views * (1.0 + _lognormal_ratio(rng, 0.35, 0.5, 3.0))))
            total_plays = max(plays, round(plays * (1.0 + extra)))
        else:
            plays = total_plays = None
        return Metrics(
            view_count=views,
            like_count=likes,
            comment_count=comments,
            share_count=shares,
            play_count=plays,
            saved_count=saves,
            total_views=total_views,
            total_plays=total_plays,
        )

    def content(self, post: ResolvedPost) -> VideoContent:
        """The static content of ``post``: same inputs, same result, in any process."""
        rng = self._post_rng(post)
        tiktok = post.platform == "tiktok"
        unavailable = rng.random() < _UNAVAILABLE_RATE
        # Always drawn, even when the URL names the author, so that whether a username
        # was given never shifts the draws behind it.
        generated = self._username(rng, tiktok)
        given = (post.username or "").lstrip("@")
        username = given or generated
        account_id = self._account_id(post.platform, username)
        if unavailable:
            return VideoContent(
                description=None,
                media_type=None,
                duration=None,
                is_unavailable=True,
                cover_image_url_original=None,
                video_url_original=None,
                account_username=username,
                platform_account_id=account_id,
                platform_data={},
                mature=_NO_METRICS,
                growth_tau_days=1.0,
            )

        kind = rng.random()
        topic = int(rng.random() * len(_TOPICS))
        description = self._caption(rng, tiktok, topic)
        issued = max(0, int(post.created_at.timestamp()))
        expires = min(issued + _LINK_LIFETIME + int(rng.random() * _DAY), 0xFFFFFFFF)
        platform_data: dict[str, object]
        if tiktok:
            is_video = kind < 0.9
            media_type = "video" if is_video else "photo"
            duration = _duration(rng, _TIKTOK_DURATIONS) if is_video else None
            region = _pick(rng, _REGIONS)
            cover, video = self._tiktok_urls(rng, expires, region, is_video)
            if rng.random() < _ORIGINAL_SOUND_RATE:
                music_title, music_author = f"original sound - {username}", username
            else:
                music_title, music_author = self._songs[int(rng.random() * len(self._songs))]
            platform_data = {
                "music_title": music_title,
                "music_author": music_author,
                "is_ad": rng.random() < 0.03,
                "region": region,
            }
        else:
            is_video = kind < 0.7
            media_type = "VIDEO" if is_video else "IMAGE" if kind < 0.85 else "CAROUSEL_ALBUM"
            duration = _duration(rng, _REEL_DURATIONS) if is_video else None
            cover, video = self._instagram_urls(rng, expires, is_video)
            carousel = media_type == "CAROUSEL_ALBUM"
            platform_data = {
                "product_type": _PRODUCT_TYPES[media_type],
                "has_audio": is_video and rng.random() < 0.95,
                "carousel_media_count": 2 + int(rng.random() * 9) if carousel else None,
            }
        return VideoContent(
            description=description,
            media_type=media_type,
            duration=duration,
            is_unavailable=False,
            cover_image_url_original=cover,
            video_url_original=video,
            account_username=username,
            platform_account_id=account_id,
            platform_data=platform_data,
            mature=self._mature(rng, post.platform, is_video),
            # 0.5..1.5 days, log-uniform: some posts peak within hours, others over days.
            growth_tau_days=0.5 * 3.0 ** rng.random(),
        )

    def metrics(self, post: ResolvedPost, content: VideoContent, age_seconds: float) -> Metrics:
        """Counts of ``post`` when it is ``age_seconds`` old: zero at 0, non-decreasing after.

        ``post`` is accepted for symmetry with :meth:`content`; everything needed is already
        in ``content``, so a stored record can be refreshed without re-deriving it.
        """
        if content.is_unavailable:
            return _NO_METRICS
        fraction = growth(age_seconds, content.growth_tau_days)
        m = content.mature
        return Metrics(
            view_count=_scaled(m.view_count, fraction),
            like_count=_scaled(m.like_count, fraction),
            comment_count=_scaled(m.comment_count, fraction),
            share_count=_scaled(m.share_count, fraction),
            play_count=_scaled(m.play_count, fraction),
            saved_count=_scaled(m.saved_count, fraction),
            total_views=_scaled(m.total_views, fraction),
            total_plays=_scaled(m.total_plays, fraction),
        )
