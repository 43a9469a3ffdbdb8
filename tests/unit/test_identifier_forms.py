"""The shortcuts inside identifiers.resolve() stay equivalent to the plain definitions.

resolve() checks each form only against the exclusions its matches can hit and decodes
shortcodes as base64: each test here holds one of those against the straightforward
version it replaced.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import identifiers as ids
from mockserver.identifiers import decode_shortcode, encode_shortcode

FORMS = {
    ids.INSTAGRAM: (ids._INSTAGRAM_FORMS, ids._INSTAGRAM_EXCLUSIONS),
    ids.TIKTOK: (ids._TIKTOK_FORMS, ids._TIKTOK_EXCLUSIONS),
}
CASES = [
    (platform, index, exclusion)
    for platform, (forms, exclusions) in FORMS.items()
    for index, form in enumerate(forms)
    for exclusion in exclusions
    if exclusion not in form.exclusions
]
PER_FORM = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_forms_name_only_their_platforms_exclusions() -> None:
    for forms, exclusions in FORMS.values():
        for form in forms:
            assert set(form.exclusions) <= set(exclusions)
            assert ids._X_WHITESPACE in form.exclusions


@PER_FORM
@given(st.data())
def test_skipped_exclusions_never_hit_a_match_of_the_form(data: st.DataObject) -> None:
    platform, index, exclusion = data.draw(st.sampled_from(CASES))
    form = FORMS[platform][0][index]
    text = data.draw(st.from_regex(form.pattern, fullmatch=True))
    for candidate in (text, text + "\n"):  # Python's "$" also matches before a final newline
        if form.regex.match(candidate) is not None:
            assert not exclusion.hits(candidate), (platform, form.pattern, candidate)


def _encode_slowly(pk: int) -> str:
    chars: list[str] = []
    while pk:
        chars.append(ids._ALPHABET[pk & 63])
        pk >>= 6
    return "".join(reversed(chars)) or "A"


def test_shortcodes_encode_and_decode_as_character_by_character() -> None:
    rng = random.Random(0)
    pks = [0, 1, 63, 64, (1 << 63) - 1, 1 << 63, (1 << 72) - 1, 1 << 72, 1 << 80]
    pks += [rng.getrandbits(rng.randrange(1, 80)) for _ in range(5000)]
    for pk in pks:
        code = encode_shortcode(pk)
        assert code == _encode_slowly(pk), pk
        assert decode_shortcode(code) == pk
        if 0 < pk < 1 << 63:
            padded = "A" * rng.randrange(0, 11 - len(code) + 1) + code
            assert ids._pk_of(padded) == pk
            assert ids._instagram_code_post(padded, None, "shortcode").shortcode == code


SIDES = [
    (platform, dotted, index)
    for platform, sides in ids._FORMS_BY_DOT.items()
    for dotted, forms in enumerate(sides)
    for index in range(len(forms))
]


def test_the_two_sides_hold_every_form_in_order() -> None:
    for platform, (bare, dotted) in ids._FORMS_BY_DOT.items():
        forms = FORMS[platform][0]
        assert set(bare) | set(dotted) == set(forms)
        assert list(bare) == [form for form in forms if form in bare]
        assert list(dotted) == [form for form in forms if form in dotted]


@PER_FORM
@given(st.data())
def test_a_form_matches_only_strings_of_its_side(data: st.DataObject) -> None:
    platform, dotted, index = data.draw(st.sampled_from(SIDES))
    form = ids._FORMS_BY_DOT[platform][dotted][index]
    text = data.draw(st.from_regex(form.pattern, fullmatch=True))
    assert ("." in text) == bool(dotted), (platform, form.pattern, text)
