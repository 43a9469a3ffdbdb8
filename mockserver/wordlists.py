"""Hand-written vocabulary for :mod:`mockserver.generation`.

Faker supplies people's names (many locales); what Faker has no believable provider for (real
cities, dishes, trends, songs, CDN hosts) is listed here, and the generator combines it with
its seeded randomness at start-up. Nothing here is random and nothing depends on the seed.

The tables stay packed (``fmt: off``) so the vocabulary reads as prose, not one word a line.
"""

from __future__ import annotations

from typing import NamedTuple


class Topic(NamedTuple):
    """One kind of post: what its captions say, how it is tagged, which emoji fit.

    A ``{slot}`` in a template names a :data:`SLOTS` key or one the generator fills itself
    (city, name, day, number, song, ...).
    """

    templates: tuple[str, ...]
    hashtags: tuple[str, ...]
    emoji: tuple[str, ...]


# fmt: off

# --- Captions ---------------------------------------------------------------------------

CITIES = (
    "Lisbon", "Barcelona", "Mexico City", "Tokyo", "Seoul", "Paris", "Rome", "Berlin",
    "London", "New York", "Los Angeles", "Chicago", "Austin", "Miami", "Toronto", "Vancouver",
    "Sydney", "Melbourne", "Bali", "Bangkok", "Istanbul", "Marrakech", "Cape Town", "Dubai",
    "Amsterdam", "Copenhagen", "Prague", "Vienna", "Buenos Aires", "Rio", "Sao Paulo",
    "Lima", "Bogota", "Madrid", "Naples", "Athens", "Dublin", "Edinburgh", "Nashville",
    "San Diego",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
SEASONS = ("spring", "summer", "fall", "winter")
SLOTS: dict[str, tuple[str, ...]] = {
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

# Captions, tags and emoji of one post come from the same topic, so a cooking video is
# tagged #foodie.
TOPICS: tuple[Topic, ...] = (
    Topic(
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
    Topic(
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
    Topic(
        (
            "Day {n} of {workout} until it feels easy", "Before vs after: {n} weeks of {workout}",
            "My {day} {workout} routine, step by step", "Not me doing {workout} at 6am",
            "Form check on this {exercise}, be honest", "{n}-minute {workout} you can do at home",
            "Leg day with {name} was a mistake",
        ),
        ("fitness", "gym", "workout", "fitnessmotivation", "homeworkout", "training"),
        ("💪", "🏋️", "🔥", "😮‍💨"),
    ),
    Topic(
        (
            "Outfit check for a {adj} day in {city}", "{season} capsule wardrobe in {n} pieces",
            "Get ready with me for {event}", "Honest review: the {product} everyone is buying",
            "{n}-step {routine} routine that actually works",
            "Thrifted this whole outfit for under ${price}", "My everyday makeup in {n} minutes",
        ),
        ("ootd", "fashion", "style", "grwm", "makeup", "skincare", "beauty", "outfitinspo"),
        ("✨", "💄", "🛍️", "💅"),
    ),
    Topic(
        (
            "{pet_name} has no idea how to be a normal {pet}",
            "When {pet_name} hears the treat bag", "Day in the life of a very dramatic {pet}",
            "{pet_name} turned {n} today", "POV: you told your {pet} it's bath time",
            "Rescue update: {pet_name} finally trusts us",
        ),
        ("dogsofinstagram", "catsoftiktok", "petsoftiktok", "dog", "cat", "puppy", "rescuedog"),
        ("🐶", "🐱", "🐾", "🥹"),
    ),
    Topic(
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
    Topic(
        (
            "Learned this dance in {n} minutes, be nice", "Cover of {song} by {artist}",
            "{name} and I tried the {song} trend", "Can't stop playing {song}",
            "Late night session at the studio", "Teaching my mom the {song} dance",
        ),
        ("dance", "dancechallenge", "music", "cover", "singing", "newmusic", "trend"),
        ("🎶", "🎤", "🕺", "💃"),
    ),
    Topic(
        (
            "Turning a {price} dollar thrift find into this", "Renter-friendly {room} makeover",
            "{room} refresh for {season}", "Small business life: packing orders all {day}",
            "Satisfying {craft} process", "Building a {furniture} from scratch",
        ),
        ("diy", "homedecor", "smallbusiness", "renovation", "crafts", "satisfying", "handmade"),
        ("🛠️", "🪴", "📦", "🏡"),
    ),
    Topic(
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
    Topic(
        (
            "Happy birthday {name}, love you endlessly", "Thank you for {big}k, you're amazing",
            "{month} dump", "Little moments from this week", "{n} years with {name} and counting",
            "Our first {season} as a family of {n}", "Photo dump from {city}",
        ),
        ("photodump", "family", "memories", "love", "birthday", "lifestyle", "blessed"),
        ("❤️", "🥹", "📸", "🤍"),
    ),
)
ENDINGS = ("", "", "", ".", "!", "!!")  # captions often end bare
STOPS = (".", ".", "!")  # between two sentences there is always a stop
PLATFORM_TAGS = {
    "tiktok": ("fyp", "foryou", "foryoupage", "viral", "trending", "tiktok", "fypシ"),
    "instagram": (
        "instagood", "reels", "explore", "explorepage", "photooftheday", "reelsinstagram",
        "instadaily",
    ),
}
MENTION_PREFIXES = ("with @", "📸 @", "cc @", "ft. @", "thanks @")  # + a username

# --- Authors and sounds -----------------------------------------------------------------

USERNAME_SUFFIXES = (
    "eats", "cooks", "travels", "fit", "style", "beauty", "art", "studio", "daily", "vibes",
    "films", "makes", "bakes", "lifts", "reads", "official", "tv", "life", "diaries",
    "kitchen", "creates", "dances", "home", "world",
)
USERNAME_PREFIXES = ("chef", "the", "its", "real", "iam", "hey", "just", "coach", "miss", "mr")
SONG_ADJECTIVES = (
    "Midnight", "Golden", "Neon", "Velvet", "Electric", "Paper", "Silver", "Broken", "Summer",
    "Wild", "Lonely", "Sweet", "Cold", "Lucky", "Purple", "Starry", "Faded", "Crystal",
)
SONG_NOUNS = (
    "Drive", "Hearts", "Dreams", "City", "Lights", "Waves", "Fever", "Skies", "Roses",
    "Motion", "Echo", "Summer", "Ghost", "Signal", "Paradise", "Highway", "Rain", "Glow",
)
SONG_VERSIONS = ("", "", "", "", " (Sped Up)", " (Remix)", " - Slowed", " (Acoustic)")

# --- Where posts are served from --------------------------------------------------------
# Weighted by repetition; TikTok regions map to the CDN edge a viewer there would get.
REGIONS = (
    ("US",) * 45 + ("GB",) * 8 + ("CA",) * 6 + ("BR",) * 7 + ("MX",) * 6 + ("AU",) * 5
    + ("DE",) * 5 + ("FR",) * 5 + ("ES",) * 4 + ("IT",) * 3 + ("PH",) * 3 + ("ID",) * 3
)
TIKTOK_EDGES = {
    "americas": ("p16-sign-va.tiktokcdn.com", "tos-maliva-p-0068"),
    "europe": ("p16-sign-useast2a.tiktokcdn.com", "tos-useast2a-p-0037-euttp"),
    "asia": ("p16-sign-sg.tiktokcdn.com", "tos-alisg-p-0037"),
}
EDGE_OF_REGION = {
    "US": "americas", "CA": "americas", "BR": "americas", "MX": "americas",
    "GB": "europe", "DE": "europe", "FR": "europe", "ES": "europe", "IT": "europe",
    "AU": "asia", "PH": "asia", "ID": "asia",
}
INSTAGRAM_POPS = (
    "lax3-1", "lax3-2", "iad3-1", "iad3-2", "atl3-1", "fra5-1", "fra3-2", "lhr8-1", "lhr6-2",
    "mad1-1", "cdg4-2", "gru2-1", "mia3-1", "sin6-1", "syd2-1",
)
# fmt: on
