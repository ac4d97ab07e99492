"""Section-ending phrases (catalog/data/sections.yaml): one list read by the panel parser and
the directions reader, each with the matching it had when the phrases were in code."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from catalog.directions import find_directions
from catalog.knowledge import SectionEnds, knowledge
from catalog.parse import parse_text

ENDS = knowledge().section_ends
PANEL = """Supplement Facts
Serving Size 2 Capsules
Amount Per Serving % Daily Value
Magnesium (as magnesium glycinate) 200 mg 48%
Other ingredients: cellulose, stearic acid,
rice flour
{line}
"""
DIRECTIONS = "Suggested use: take 2 capsules daily with"


def _line_starting(phrase: str) -> str:
    # Capitalised and with doubled spaces, as OCR gives them: matching ignores both.
    return phrase.capitalize().replace(" ", "  ") + " more words here"


@pytest.mark.parametrize("phrase", ENDS.phrases)
def test_every_phrase_ends_the_other_ingredients(phrase: str) -> None:
    line = _line_starting(phrase)
    result = parse_text(PANEL.format(line=line))
    assert result.other_ingredients == ["cellulose", "stearic acid", "rice flour"]


def test_the_panel_parser_matches_a_phrase_as_a_prefix() -> None:
    result = parse_text(PANEL.format(line="Stored in a cool, dry place."))
    assert result.other_ingredients == ["cellulose", "stearic acid", "rice flour"]
    assert result.unparsed == ["Stored in a cool, dry place."]


@pytest.mark.parametrize("line", ["Made in USA", "Do not use if the seal is broken."])
def test_a_made_in_or_do_not_line_is_not_an_ingredient(line: str) -> None:
    result = parse_text(PANEL.format(line=line))
    assert result.other_ingredients == ["cellulose", "stearic acid", "rice flour"]


@pytest.mark.parametrize("phrase", ENDS.for_directions)
def test_every_directions_phrase_ends_wrapped_directions(phrase: str) -> None:
    assert find_directions([DIRECTIONS, _line_starting(phrase)]) == DIRECTIONS


@pytest.mark.parametrize("phrase", ENDS.directions.not_)
def test_phrases_the_directions_reader_leaves_out_continue_its_text(phrase: str) -> None:
    line = _line_starting(phrase)
    assert find_directions([DIRECTIONS, line]) == f"{DIRECTIONS} {line}"


def test_the_directions_reader_matches_whole_words() -> None:
    """ "store" ends directions at "Store in a cool place" but not at "Storefront pick-up"."""
    assert find_directions([DIRECTIONS, "Store in a cool place"]) == DIRECTIONS
    assert find_directions([DIRECTIONS, "Storefront pick-up"]) == f"{DIRECTIONS} Storefront pick-up"


def test_the_directions_list_is_the_panel_list_with_its_documented_differences() -> None:
    kept = [p for p in ENDS.phrases if p not in ENDS.directions.not_]
    assert ENDS.for_directions == kept + ENDS.directions.also
    assert {"recommended", "storage", "does not contain"} == set(ENDS.directions.not_)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phrases": ["store", "store"]}, "duplicate section-end phrase"),
        ({"phrases": ["store"], "directions": {"also": ["store"]}}, "duplicate section-end"),
        ({"phrases": ["store"], "directions": {"not": ["storage"]}}, "missing from phrases"),
        ({"phrases": ["Store"]}, "should match pattern"),
        ({"phrases": ["warnings?"]}, "should match pattern"),
        ({"phrases": []}, "at least 1 item"),
        ({"phrases": ["store"], "directions": {"only": ["x"]}}, "Extra inputs"),
    ],
)
def test_bad_section_data_is_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SectionEnds.model_validate(data)
