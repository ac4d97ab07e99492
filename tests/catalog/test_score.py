"""The score: golden products (cases/products.yaml), the directions parser, the rules file, and
properties that must hold for any label (hypothesis)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.directions import parse_directions, read_directions
from catalog.knowledge import UNSOURCED, knowledge
from catalog.label import read_text
from catalog.lexicon import lexicon
from catalog.models import (
    Basis,
    Ingredient,
    Interaction,
    Mark,
    Panel,
    Quality,
    ScanResult,
    Warning,
)
from catalog.profile import Medication, Profile
from catalog.score import explain, score_label
from catalog.scoring_rules import COMPONENTS, GRADES, load_scoring_rules, scoring_rules

CASES_FILE = Path(__file__).parent / "cases" / "products.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]
RULES = scoring_rules()
LEX = lexicon()

# ------------------------------------------------------------------------------ golden


def _scored(case: dict[str, Any]) -> ScanResult:
    profile = Profile.model_validate(case["profile"]) if "profile" in case else None
    return score_label(read_text(case["label"]), profile)


def test_enough_golden_products() -> None:
    assert len(CASES) >= 32
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_product(case: dict[str, Any]) -> None:
    result = _scored(case)
    score, expect = result.score, case["expect"]
    assert score is not None
    assert (score.value, score.grade) == (expect["value"], expect["grade"]), score.explanations
    for name, value in expect.get("components", {}).items():
        assert score.components[name] == pytest.approx(value, abs=0.001), name
    ids = {w.id for w in result.warnings}
    assert set(expect.get("warnings", [])) <= ids
    assert not set(expect.get("no_warnings", [])) & ids
    for key, lines in (("explanations", score.explanations), ("advice", score.advice)):
        for wanted in expect.get(key, []):
            assert any(wanted in line for line in lines), (wanted, lines)
    for unwanted in expect.get("no_advice", []):
        assert not any(unwanted in line for line in score.advice), (unwanted, score.advice)


def test_golden_scores_spread_over_the_grades() -> None:
    grades = {_scored(c).score.grade for c in CASES}  # type: ignore[union-attr]
    assert grades == {"A", "B", "C", "D", "E"}


def test_daily_warnings_point_at_the_magnesium_row() -> None:
    case = next(c for c in CASES if c["id"] == "cal_mag_zinc")
    result = _scored(case)
    magnesium = next(i for i, ing in enumerate(result.ingredients) if ing.nutrient == "magnesium")
    daily = [w for w in result.warnings if w.id in ("above_supplemental_ul", "gi_single_dose")]
    assert len(daily) == 2
    assert all(w.ingredient == magnesium for w in daily)


def test_score_label_is_idempotent() -> None:
    case = next(c for c in CASES if c["id"] == "high_dose_twice_daily")
    once = _scored(case)
    twice = score_label(once.model_copy(deep=True))
    assert twice.model_dump() == once.model_dump()
    assert [w.id for w in twice.warnings].count("above_supplemental_ul") == 1


def test_no_profile_is_the_default_profile() -> None:
    label = read_text(CASES[0]["label"])
    assert explain(label).score == explain(label, Profile()).score


def test_low_absorption_warning_is_not_duplicated() -> None:
    case = next(c for c in CASES if c["id"] == "oxide_400_tablet")
    ids = [w.id for w in _scored(case).warnings]
    assert ids.count("low_absorption_form") == 1


def test_every_explanation_is_a_sentence_and_no_advice_names_a_dose_to_take() -> None:
    for case in CASES:
        score = _scored(case).score
        assert score is not None
        for line in score.explanations + score.advice:
            assert line[0].isupper() or line[0].isdigit() or line[0] == '"', line
            assert line.endswith((".", ")")), line
        for line in score.advice:
            lowered = line.lower()
            assert "take only" not in lowered and "you should take" not in lowered, line


# ---------------------------------------------------------------- photo and odd labels

GLYCINATE = Ingredient(
    name="Magnesium",
    nutrient="magnesium",
    forms=["magnesium_glycinate"],
    amount=200,
    unit="mg",
    basis="elemental",
    elemental_mg=200,
)


def test_photo_confidence_and_retake() -> None:
    blurry = ScanResult(panel=Panel(confidence=0.6), ingredients=[GLYCINATE])
    detail = explain(blurry)
    assert detail.score.components["confidence"] == pytest.approx(0.6)
    assert any("hard to read (60% confidence)" in e for e in detail.score.explanations)
    retake = ScanResult(
        ingredients=[GLYCINATE], quality=Quality(ok=False, retake=True, reasons=["glare"])
    )
    detail = explain(retake)
    assert detail.score.components["confidence"] == 0
    assert any("Take another photo" in a and "glare" in a for a in detail.score.advice)


def test_magnesium_named_only_in_the_ingredient_list() -> None:
    result = ScanResult(other_ingredients=["magnesium citrate", "magnesium stearate"])
    score = explain(result).score
    assert score.components["form"] == pytest.approx(1.0)
    assert score.components["dose"] == pytest.approx(RULES.dose.unknown_amount_points)
    assert score.components["transparency"] == 0
    assert not any("supplies no magnesium" in e for e in score.explanations)


def test_magnesium_stearate_alone_is_no_magnesium() -> None:
    stearate = Ingredient(
        name="Magnesium stearate", nutrient="magnesium", forms=["magnesium_stearate"]
    )
    result = ScanResult(ingredients=[stearate], other_ingredients=["magnesium stearate"])
    score = explain(result).score
    assert score.components["form"] == 0
    assert score.grade in ("E", "F")


def test_lookalike_phrases_are_explained_once() -> None:
    result = ScanResult(ingredients=[GLYCINATE], lookalikes=["cGMP", "GMP", "Lab tested"])
    lines = [e for e in explain(result).score.explanations if "is not a certification" in e]
    assert len(lines) == 2


# --------------------------------------------------------------------------- directions


@pytest.mark.parametrize(
    ("text", "per_serving", "per_day", "per_dose", "ranged", "assumed"),
    [
        ("Suggested use: Take 2 capsules twice daily with food.", 2, 2, 1, False, False),
        ("Suggested use: take 2 capsules twice daily", 1, 4, 2, False, False),
        ("Directions: Take one to two capsules daily.", 1, 2, 2, True, False),
        ("Take 1 tablet 2 times a day.", 1, 2, 1, False, False),
        ("As a dietary supplement, take 1 tablet 1-2 times daily.", 1, 2, 1, True, False),
        ("Take 2 caplets every 12 hours.", 1, 4, 2, False, False),
        ("Take three (3) tablets daily with a meal.", 3, 1, 1, False, False),
        ("Take 2 tablets with each meal.", 2, 3, 1, False, False),
        ("Take two softgels in the morning and evening.", 2, 2, 1, False, False),
        ("Mix one packet in 8 oz of water once daily.", 1, 1, 1, False, False),
        ("Take 2 gummies 30 minutes before bed.", 2, 1, 1, False, False),
        ("Adults: take 4 capsules.", 2, 2, 2, False, True),
        ("Take 1 serving daily.", 3, 1, 1, False, False),
    ],
)
def test_directions(
    text: str, per_serving: float, per_day: float, per_dose: float, ranged: bool, assumed: bool
) -> None:
    d = parse_directions(text, per_serving)
    assert d is not None
    assert (d.servings_per_day, d.servings_per_dose) == (per_day, per_dose)
    assert (d.ranged, d.frequency_assumed) == (ranged, assumed)


def test_directions_are_found_among_loose_lines_and_may_wrap() -> None:
    lines = [
        "Lab tested.",
        "Suggested Use: As a dietary supplement, take 2",
        "capsules twice daily.",
    ]
    d = read_directions(lines, 2)
    assert d is not None and d.servings_per_day == 2
    d = read_directions(["Directions: Take 1 tablet daily.", "Take 4 capsules with each meal."], 1)
    assert (
        d is not None and d.text == "Directions: Take 1 tablet daily." and d.servings_per_day == 1
    )
    assert read_directions(["Keep out of reach of children."], 1) is None
    assert read_directions(["Directions: shake well."], 1) is None


# -------------------------------------------------------------------------------- rules


def test_rules_load_and_hang_together() -> None:
    rules = load_scoring_rules()
    assert sum(rules.weights.values()) == 100
    assert rules.grades == {"A": 85, "B": 70, "C": 55, "D": 40, "E": 25}
    assert [rules.grade_for(v) for v in (100, 85, 84, 70, 69, 55, 54, 40, 39, 25, 24, 0)] == [
        "A", "A", "B", "B", "C", "C", "D", "D", "E", "E", "F", "F",
    ]  # fmt: skip
    assert rules.highest_value_for("D") == 54


def test_thresholds_say_how_far_to_trust_them() -> None:
    t = RULES.thresholds
    assert (t.supplemental_ul_mg_per_day.value, t.supplemental_ul_mg_per_day.kind) == (
        350,
        "sourced",
    )
    assert "nutrifacts_mg_safety" in t.supplemental_ul_mg_per_day.sources
    assert (t.gi_single_dose_mg.value, t.gi_single_dose_mg.kind) == (250, "heuristic")
    assert (t.split_dose_mg.low, t.split_dose_mg.value, t.split_dose_mg.kind) == (
        125,
        250,
        "industry",
    )
    assert t.split_dose_mg.sources[0] == "albion_white_paper"
    assert t.low_daily_mg.sources == [UNSOURCED]


def test_medication_advice_is_sourced_or_says_it_is_not() -> None:
    meds = RULES.medications
    assert "drugs_com_mpa_antacid" in meds["mycophenolate"].sources
    for med in ("levothyroxine", "iron", "calcium"):
        assert meds[med].sources == [UNSOURCED]
        assert "not from our sources" in meds[med].advice
    # knowledge.md has nothing on proton pump inhibitors, so there is no advice for them.
    assert "proton_pump_inhibitor" not in meds
    assert set(RULES.default_medications) == {"mycophenolate", "tacrolimus"}


def test_every_cited_source_exists() -> None:
    assert set(RULES.source_ids()) <= set(knowledge().sources)


# --------------------------------------------------------------------------- properties

MG_FORMS = sorted(f.id for f in LEX.k.forms if f.mineral == "magnesium")
COINGREDIENT_IDS = sorted(LEX.coingredients)
MARK_IDS = sorted((m.id, m.kind) for m in LEX.k.marks)
CONTENT_MARKS = [m for m in MARK_IDS if m[1] == "content_verification"]
DIRECTIONS = [
    "Suggested use: Take 2 capsules twice daily.",
    "Directions: Take one to two capsules daily.",
    "Take 1 tablet daily.",
    "Take 3 tablets with each meal.",
]


@st.composite
def magnesium_row(draw: st.DrawFn) -> Ingredient:
    forms = draw(st.lists(st.sampled_from(MG_FORMS), max_size=3))
    amount = draw(st.one_of(st.none(), st.floats(0, 2000, allow_nan=False)))
    basis: Basis = draw(st.sampled_from(get_args(Basis)))
    row = Ingredient(name="Magnesium", nutrient="magnesium", forms=forms, amount=amount)
    if amount is None:
        return row
    row.unit = "mg"
    row.basis = basis
    if basis == "elemental":
        row.elemental_mg = amount
        if draw(st.booleans()):
            row.compound_mg = draw(st.floats(1, 5000, allow_nan=False))
            if draw(st.booleans()):
                row.flags.append("likely_buffered")
    elif basis == "compound":
        row.compound_mg = amount
        fraction = draw(st.one_of(st.none(), st.floats(0.05, 0.6)))
        if fraction is not None:
            row.elemental_mg = amount * fraction
            row.flags.append("elemental_estimated")
    return row


@st.composite
def scan_results(draw: st.DrawFn) -> ScanResult:
    rows = draw(st.lists(magnesium_row(), max_size=2))
    zinc = Ingredient(name="Zinc", nutrient="zinc", amount=5, unit="mg", basis="elemental")
    ingredients = [*rows, zinc]
    interactions = [
        Interaction(
            id=cid, ingredient=None, severity=LEX.coingredients[cid].severity, message=cid,
            source="",
        )
        for cid in draw(st.lists(st.sampled_from(COINGREDIENT_IDS), max_size=3, unique=True))
    ]  # fmt: skip
    marks = [
        Mark(id=mid, text=mid, kind=kind)
        for mid, kind in draw(st.lists(st.sampled_from(MARK_IDS), max_size=2, unique=True))
    ]
    warnings = [
        Warning(id=wid, message=f"{wid}.", ingredient=0)
        for wid in draw(
            st.lists(
                st.sampled_from(["oxide_led_blend", "proprietary_blend", "likely_buffered"]),
                max_size=3,
                unique=True,
            )
        )
    ]
    retake = draw(st.booleans())
    return ScanResult(
        panel=Panel(
            kind="supplement_facts",
            confidence=draw(st.floats(0, 1)),
            serving_count=draw(st.one_of(st.none(), st.sampled_from([1.0, 2.0, 3.0]))),
        ),
        ingredients=ingredients,
        other_ingredients=draw(
            st.lists(st.sampled_from(["magnesium oxide", "magnesium stearate", "rice flour"]))
        ),
        marks=marks,
        warnings=warnings,
        interactions=interactions,
        quality=Quality(ok=not retake, retake=retake, reasons=["blurry"] if retake else []),
        unparsed=draw(st.lists(st.sampled_from(DIRECTIONS), max_size=1)),
        lookalikes=draw(st.lists(st.sampled_from(["cGMP", "Lab tested", "USP grade"]))),
    )


profiles = st.builds(
    Profile,
    medications=st.lists(st.sampled_from(get_args(Medication)), unique=True, max_size=4),
    organ=st.one_of(st.none(), st.sampled_from(["kidney", "liver", "heart", "lung"])),
    gi=st.sampled_from(["none", "sensitive", "constipation"]),
    servings_per_day=st.one_of(st.none(), st.sampled_from([0.5, 1.0, 2.0, 3.0, 6.0])),
)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scan_results(), profiles)
def test_value_within_range_and_grade_matches(result: ScanResult, profile: Profile) -> None:
    score = explain(result, profile).score
    assert 0 <= score.value <= 100
    assert score.grade == RULES.grade_for(score.value)
    assert set(score.components) == set(COMPONENTS)
    assert all(0 <= v <= 1 for v in score.components.values())


@PROPERTY
@given(scan_results(), profiles)
def test_every_point_is_explained(result: ScanResult, profile: Profile) -> None:
    detail = explain(result, profile)
    for name, part in detail.parts.items():
        explained = sum(n.delta for n in part.notes if n.delta is not None)
        assert explained == pytest.approx(part.value, abs=1e-9), name
    total = sum(RULES.weights[c] * detail.parts[c].value for c in COMPONENTS)
    assert detail.raw_total == pytest.approx(total)


@PROPERTY
@given(scan_results(), profiles)
def test_deterministic_and_pure(result: ScanResult, profile: Profile) -> None:
    before = result.model_dump()
    first = explain(result, profile)
    assert result.model_dump() == before  # explain does not touch the label
    assert explain(result.model_copy(deep=True), profile).score == first.score
    scored = score_label(result.model_copy(deep=True), profile)
    again = score_label(scored.model_copy(deep=True), profile)
    assert again.model_dump() == scored.model_dump()


@PROPERTY
@given(scan_results(), profiles)
def test_avoid_interaction_caps_the_grade(result: ScanResult, profile: Profile) -> None:
    score = explain(result, profile).score
    if any(x.severity == "avoid" for x in result.interactions):
        cap = RULES.caps.avoid_interaction.grade
        assert GRADES.index(score.grade) >= GRADES.index(cap)
        assert score.value <= RULES.highest_value_for(cap)


@PROPERTY
@given(scan_results(), profiles, st.sampled_from(CONTENT_MARKS))
def test_content_verification_never_lowers_the_score(
    result: ScanResult, profile: Profile, mark: tuple[str, str]
) -> None:
    before = explain(result, profile).score.value
    certified = result.model_copy(deep=True)
    certified.marks.append(Mark(id=mark[0], text=mark[0], kind=mark[1]))
    assert explain(certified, profile).score.value >= before


@PROPERTY
@given(scan_results(), profiles)
def test_glycinate_instead_of_oxide_never_lowers_the_score(
    result: ScanResult, profile: Profile
) -> None:
    before = explain(result, profile).score.value
    swapped = result.model_copy(deep=True)
    for ing in swapped.ingredients:
        ing.forms = ["magnesium_glycinate" if f == "magnesium_oxide" else f for f in ing.forms]
    swapped.other_ingredients = [
        "magnesium glycinate" if t == "magnesium oxide" else t for t in swapped.other_ingredients
    ]
    assert explain(swapped, profile).score.value >= before


@PROPERTY
@given(scan_results(), profiles, st.sampled_from(COINGREDIENT_IDS))
def test_a_flagged_co_ingredient_never_raises_the_score(
    result: ScanResult, profile: Profile, cid: str
) -> None:
    before = explain(result, profile).score.value
    flagged = result.model_copy(deep=True)
    if all(x.id != cid for x in flagged.interactions):
        co = LEX.coingredients[cid]
        flagged.interactions.append(
            Interaction(id=cid, ingredient=None, severity=co.severity, message=cid, source="")
        )
    assert explain(flagged, profile).score.value <= before
