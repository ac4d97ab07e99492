"""Row names the camera misread, given back their nutrient (OCR output only)."""

from __future__ import annotations

import pytest

from catalog.label import read_lines
from catalog.lexicon import lexicon
from catalog.models import Ingredient
from catalog.parse import Line


@pytest.mark.parametrize(
    ("printed", "nutrient"),
    [
        ("Sodlum", "sodium"),  # i read as l
        ("Calclum", "calcium"),
        ("lron", "iron"),  # short: no edit-distance cutoff would take it safely
        ("lodine", "iodine"),
        ("Magnesiurn", "magnesium"),  # m read as rn
        ("Vitamin Bl2", "vitamin_b12"),
        ("Vitarnin C", "vitamin_c"),
        ("Vitamin 86", "vitamin_b6"),  # B read as 8
    ],
)
def test_confusable_glyphs_name_the_nutrient(printed: str, nutrient: str) -> None:
    assert lexicon().nutrient_id(printed, fuzzy=True) == nutrient


@pytest.mark.parametrize("printed", ["Znc", "Sodkumn", "Lemon Balm", "Melatonin", "Fish"])
def test_other_names_are_not_forced_onto_a_nutrient(printed: str) -> None:
    assert lexicon().nutrient_id(printed, fuzzy=True) is None


def test_misread_names_need_the_ocr_flag() -> None:
    # Label text typed by a person is taken as written.
    assert lexicon().nutrient_id("Sodlum") is None


def test_a_corrected_mineral_row_is_read_again_for_its_forms() -> None:
    # The form's weight wrapped under the row, the mineral misread in both places (synthetic
    # photo, RapidOCR): once "Magneslum" is magnesium, its form and elemental amount follow.
    lines = [
        "Supplement Facts",
        "Amount Per Serving % Daily Value",
        "Magneslum 105 mg 25%",
        "(from 750 mg",
        "magneslum",
        "bisglycinate",
        "chelate)",
    ]
    result = read_lines([Line(text, indent=1) for text in lines])
    row = result.ingredients[0]
    assert (row.name, row.nutrient, row.forms) == (
        "Magnesium",
        "magnesium",
        ["magnesium_glycinate"],
    )
    assert (row.amount, row.compound_mg, row.elemental_mg) == (105.0, 750.0, 105.0)
    assert "name_corrected" in row.flags


@pytest.mark.parametrize(
    ("line", "name", "nutrient"),
    [
        # Real photos (RapidOCR): the serving line or the next column joined to a row's front.
        ("Sening ize Tosp (20g) Sat Fat 4.5g 23%", "Saturated fat", "saturated_fat"),
        ("Dasis trom Fat 110 Sodium 90mg 4%", "Sodium", "sodium"),
        ("lantine ((170g) Trans Fat 0g", "Trans fat", "trans_fat"),
        ("Want Dll Yue (D)are Sodium 65mg 3%", "Sodium", "sodium"),
        ("Sodkumn / Sodium 0 mg 0%", "Sodium", "sodium"),
    ],
)
def test_text_joined_to_the_front_of_a_nutrient_is_dropped(
    line: str, name: str, nutrient: str
) -> None:
    result = read_lines([Line("Nutrition Facts"), Line(line)])
    row = result.ingredients[0]
    assert (row.name, row.nutrient) == (name, nutrient)
    assert "name_corrected" in row.flags


@pytest.mark.parametrize(
    "line",
    [
        "Pea Protein 20 g",  # an ingredient's own name: no digit, bracket or slash before it
        "Sea Salt 200 mg",
        "Proprietary Blend (Whey Protein) 20 g",  # nothing after the bracket
        "Omega-3 Fish Oil 1000 mg",  # after the digit: no nutrient
    ],
)
def test_names_that_merely_contain_a_nutrient_are_kept(line: str) -> None:
    result = read_lines([Line("Supplement Facts"), Line(line)])
    assert result.ingredients[0].name == line.rsplit(" ", 2)[0]
    assert "name_corrected" not in result.ingredients[0].flags


@pytest.mark.parametrize(
    ("line", "name", "forms", "basis"),
    [
        # Synthetic photos (RapidOCR): the "(as" that opens a form bracket, misread.
        ("Vitamin 86 (a pyridoxine HCI) 5 mg", "Vitamin B6", [], "unknown"),
        ("Calclum Cas calcium carbonate) 200 mg", "Calcium", ["calcium_carbonate"], "elemental"),
        ("Magnesium (35 magnesium oxide) 250 mg", "Magnesium", ["magnesium_oxide"], "elemental"),
        ("Zinc (ms zinc citrate) 15 mg 136%", "Zinc", ["zinc_citrate"], "elemental"),
        (
            "Magneshun (a5 magnesium oxide, magnesium malate) 250 mg",
            "Magnesium",
            ["magnesium_oxide", "magnesium_malate"],
            "elemental",
        ),
        # The "(as" lost altogether: a bracket closed that was never opened.
        (
            "Magnesium magnesium oxide, aspartate and gluconate) 200 mg 48%",
            "Magnesium",
            ["magnesium_oxide", "magnesium_aspartate", "magnesium_gluconate"],
            "elemental",
        ),
        ("Vitamin C ascorbic acid) 90 mg 100%", "Vitamin C", [], "unknown"),
    ],
)
def test_a_misread_as_still_opens_the_form(
    line: str, name: str, forms: list[str], basis: str
) -> None:
    row = read_lines([Line("Supplement Facts"), Line(line)]).ingredients[0]
    assert (row.name, row.forms, row.basis) == (name, forms, basis)
    assert "form_corrected" in row.flags
    assert "elemental_estimated" not in row.flags


def test_a_lost_as_brings_back_an_oxide_led_blend() -> None:
    lines = ["Supplement Facts", "Magnesium magnesium oxide, aspartate and gluconate) 200 mg 48%"]
    result = read_lines([Line(t) for t in lines])
    assert "oxide_led_blend" in [w.id for w in result.warnings]


@pytest.mark.parametrize(
    "line",
    [
        "Calcium Magnesium Zinc 500 mg",  # no bracket at all
        "Magnesium (as oxide) 250 mg",  # the bracket opened
    ],
)
def test_no_lost_as_without_a_nutrient_and_an_unopened_bracket(line: str) -> None:
    row = read_lines([Line("Supplement Facts"), Line(line)]).ingredients[0]
    assert "form_corrected" not in row.flags


def test_a_bracket_that_is_no_form_stays_in_the_name() -> None:
    line = Line("Proprietary Blend (a blend of herbs) 200 mg")
    row = read_lines([Line("Supplement Facts"), line]).ingredients[0]
    assert row.name == "Proprietary Blend (a blend of herbs)"
    assert row.flags == []


@pytest.mark.parametrize(
    "line",
    [
        # Synthetic photos (RapidOCR) in glare and blur: scraps of words read as the name.
        "um orotate) 100 mg",  # the tail of a form bracket, its opening lost
        "Vitar as ch iferol) 1,000 IU 250%",
        "Cal S ca ca e) 500 mg 50%",
        "Ma m (as ma sium citr anhydrous) 200 mg 50%",  # two-letter scraps, no mineral
        "mn (as thiamm mononitrate) 1.5mg 125%",  # a lowercase scrap
    ],
)
def test_a_row_under_a_garbled_name_is_set_aside_as_unparsed(line: str) -> None:
    _assert_set_aside_under_zinc("Supplement Facts", line)


def _assert_set_aside_under_zinc(heading: str, line: str) -> None:
    """The line, read under a zinc row, leaves the zinc row alone and goes to unparsed."""
    result = read_lines([Line(heading), Line("Zinc 11 mg 100%"), Line(line)])
    assert [i.name for i in result.ingredients] == ["Zinc"]
    assert line in result.unparsed


@pytest.mark.parametrize(
    "line",
    [
        "Energy 18g",  # real photo: the protein row's amount joined to the energy row
        "Calories 12 mg",
        "Calcium 100 kcal",  # synthetic photo: a mineral's amount read with an energy unit
        "Sodium 5 kJ",
        "Calories 3501060",  # real photo: "350" and "1060" run together
        "Energy 52000kJ",
        "Calcium (as calcium citrate) 509 g",  # synthetic photo: "500 mg" misread
        "Pantothenic Acid (as d-calcium pantothenate) 0mg 200%",  # synthetic photo: "10 mg"
    ],
)
def test_a_row_in_a_unit_or_amount_its_nutrient_never_takes_is_set_aside(line: str) -> None:
    _assert_set_aside_under_zinc("Nutrition Facts", line)


@pytest.mark.parametrize(
    "line",
    [
        "Energy 257kJ",
        "Calories 110 kcal",
        "Calories 110",
        "Calories 2,000",
        "Energy 20500kJ",
        "Protein 3g",
        "Vitamin D 400 IU",
        "Vitamin C (as ascorbic acid) 5 g 5,556%",
        "Trans Fat 0g 14%",  # a fat's %DV may be printed beside another row
        "Vitamin A 0 mcg 0%",
    ],
)
def test_a_row_in_its_nutrients_unit_and_range_is_kept(line: str) -> None:
    result = read_lines([Line("Nutrition Facts"), Line(line)])
    assert len(result.ingredients) == 1
    assert result.unparsed == []


def test_a_garbled_name_whose_form_names_the_mineral_takes_the_mineral() -> None:
    row = read_lines([Line("Supplement Facts"), Line("um (as calcium bonate) 500 mg 38%")])
    (ing,) = row.ingredients
    assert (ing.name, ing.nutrient, ing.amount, ing.unit) == ("Calcium", "calcium", 500, "mg")
    assert ing.forms == ["calcium_unknown"]
    assert "name_corrected" in ing.flags


@pytest.mark.parametrize(
    "line",
    [
        "Fo-Ti (Polygonum multiflorum) root 200 mg",  # short syllables joined by a hyphen
        "He Shou Wu root 200 mg",  # short syllables beside a longer word
        "Pau d'Arco bark 100 mg",
        "DL-Phenylalanine 500 mg",
        "5-HTP 50 mg",
        "Ashwagandha (Withania somnifera) root extract 600 mg",
        "Co Enzyme Q10 100 mg",
    ],
)
def test_short_words_in_a_real_name_are_no_garble(line: str) -> None:
    result = read_lines([Line("Supplement Facts"), Line(line)])
    assert len(result.ingredients) == 1
    assert result.ingredients[0].amount is not None


def _only_row(line: str, heading: str = "Supplement Facts") -> Ingredient:
    (row,) = read_lines([Line(heading), Line(line)]).ingredients
    return row


@pytest.mark.parametrize(
    ("line", "name", "nutrient", "corrected"),
    [
        ("lodine (as potassium iodide) 150 mcg 100%", "Iodine", "iodine", True),  # I read as l
        ("Vitamin D3 (as cholecalciferol) 25 mcg", "Vitamin D3", "vitamin_d", False),  # synonym
        ("Iodine (as potassium iodide) 150 mcg", "Iodine", "iodine", False),
    ],
)
def test_a_name_misspelt_by_confusable_glyphs_is_shown_as_the_nutrients(
    line: str, name: str, nutrient: str, corrected: bool
) -> None:
    row = _only_row(line)
    assert (row.name, row.nutrient) == (name, nutrient)
    assert ("name_corrected" in row.flags) == corrected


@pytest.mark.parametrize(
    ("line", "name", "nutrient"),
    [
        # Synthetic photos (RapidOCR): names no spelling rule gives back, on rows whose %DV is
        # the amount's share of the nutrient's daily value.
        ("Macin (as miacimamide) 20 mg 125%", "Niacin", "niacin"),  # 20 / 16 mg
        ("Zine (as zinc bisglycinate chelate) 15 mg 136%", "Zinc", "zinc"),  # 15 / 11 mg
        ("Bletin (as d-blotin) 300 mcg 1,000%", "Biotin", "biotin"),  # 300 / 30 mcg
        ("esium 300 mg 71%", "Magnesium", "magnesium"),  # left end lost; 300 / 420 mg
        ("amin C (as ascorbic acid) 250 mg 278%", "Vitamin C", "vitamin_c"),  # 250 / 90 mg
        ("Magnes (as magnesium taurate) 62 mg 15%", "Magnesium", "magnesium"),  # not Manganese
        # Vitamin B6 now and riboflavin before 2020 share a daily value (1.7 mg): the name
        # is far nearer one of them.
        ("min B6 (as pyridoxine HCI) 25 mg 1,471%", "Vitamin B6", "vitamin_b6"),
        # The name in front of a misread "(as" ("(8s"), not the form's words after it.
        ("Thamin 86 (8s pyridexine HCH 2 mg 118%", "Vitamin B6", "vitamin_b6"),  # not Thiamin
        # The %DV is the share of the second amount (50 / 20 mcg), not of the IU.
        ("nin D3 (as cholecalciferol) 2,000 IU (50 mcg) 250%", "Vitamin D", "vitamin_d"),
        # "(as" read "(es", the form's first letters read as a bracket (100 / 2.4 mcg).
        ("Vitamin 812 (es (panocbalamin) 100 mcg 4,167%", "Vitamin B12", "vitamin_b12"),
        # "Cal" is short for Calories, but never in mg: the %DV names calcium (100 / 1,300 mg).
        ("Cal (as calcium carbonate) 100 mg 8%", "Calcium", "calcium"),
        # A name that lost its left end, with or without a %DV: the end of one nutrient's name.
        ("otein 18g", "Protein", "protein"),  # real photo (RapidOCR), EU table
        ("esium (as magnesium citrate) 200 mg", "Magnesium", "magnesium"),
        ("tamin E (as d-alpha tocopheryl succinate) 15 mg", "Vitamin E", "vitamin_e"),
        # No %DV: a name as near one nutrient and far from all others (84 and 59; 80 and 60).
        ("Magihesium 45mg", "Magnesium", "magnesium"),
        ("Boren (as boron gycinate) 2 mg", "Boron", "boron"),
        # Cut at its left end, and only 75 like magnesium: the form names the mineral too.
        ("agwesum (as magnesium taurete) 100mg", "Magnesium", "magnesium"),
    ],
)
def test_a_garbled_name_is_given_its_nutrient(line: str, name: str, nutrient: str) -> None:
    row = _only_row(line)
    assert (row.name, row.nutrient) == (name, nutrient)
    assert "name_corrected" in row.flags


@pytest.mark.parametrize(
    "line",
    [
        "Macin (as miacimamide) 20 mg 60%",  # the %DV fits no nutrient the name resembles
        "Zine 15 mg",  # no %DV: the letters alone are too little
        "Zine 15 mg <1%",  # a bound, not a share
        "Lemon balm leaf 150 mg 1%",  # resembles no nutrient closely enough
        # 17 mg is 1,000% of both vitamin B6 (1.7 mg) and riboflavin before 2020 (1.7 mg),
        # and the name is as near the one as the other.
        "Vitamin 17 mg 1,000%",
        # Magnesium oxide's old name: as near manganese (71) as magnesium (82).
        "Magnesia (as magnesium oxide) 500 mg",
        # As near cholesterol (88) as calories (75): the letters do not tell.
        "Cholestin 10 mg",
        # The %DV is no share of magnesium's daily value (45 mg would be 11%).
        "Magihesium 45 mg 40%",
    ],
)
def test_a_garbled_name_without_a_fitting_share_keeps_its_letters(line: str) -> None:
    row = _only_row(line)
    assert row.nutrient is None
    assert "name_corrected" not in row.flags


@pytest.mark.parametrize(
    "printed",
    [
        "Unsaturated Fat",  # a capital: printed so, not cut from "Monounsaturated Fat"
        "iories",  # the end of "Calories" and of "Fat Calories" alike
        "min D",  # four letters: too few to tell
        "Lemon balm",
    ],
)
def test_no_nutrient_is_taken_from_an_ending_that_does_not_tell_it(printed: str) -> None:
    assert lexicon().ending_of(printed) is None


@pytest.mark.parametrize(
    ("line", "name", "nutrient"),
    [
        # Australian and New Zealand panels (real photos) word rows so; the printed name stays.
        ("Fat, total 17.0g 24 % 18.9g", "Fat, total", "total_fat"),
        ("Dietary fibre, total 3.6g 12% 9.7g", "Dietary fibre, total", "dietary_fiber"),
    ],
)
def test_a_name_worded_as_printed_is_no_misreading(line: str, name: str, nutrient: str) -> None:
    row = _only_row(line, "Nutrition Information")
    assert (row.name, row.nutrient) == (name, nutrient)
    assert "name_corrected" not in row.flags


@pytest.mark.parametrize(
    ("line", "unit", "elemental_mg"),
    [
        # Synthetic photo (RapidOCR): "mcg" read as "mg"; 30 mcg is biotin's daily value.
        ("Biotin (as d-biotin) 30 mg 100%", "mcg", None),
        ("Selenium (as L-selenomethionine) 55 mg 100%", "mcg", 0.055),
        ("Vitamin B12 (as methylcobalamin) 1000 g 41,667%", "mcg", None),  # "mc" lost
        # The unit lost altogether.
        ("Biotin (as d-biotin) 300 1,000%", "mcg", None),
        ("Magnesium (as magnesium aspartate) 30 (7% DV)", "mg", 30.0),
    ],
)
def test_a_unit_that_the_printed_dv_contradicts_is_corrected(
    line: str, unit: str, elemental_mg: float | None
) -> None:
    row = _only_row(line)
    assert (row.unit, row.elemental_mg) == (unit, elemental_mg)
    assert "unit_corrected" in row.flags


@pytest.mark.parametrize(
    "line",
    [
        "Biotin 30 mcg 100%",  # the %DV fits the unit read
        "Biotin 30 mg 50%",  # fits no unit: nothing to go by
        "Biotin 30 mg <1%",  # a bound, not a share
        "Sodium 80 mg 0%",  # real photo: 0% fits 80 mcg, and any small amount
        "Sodium 80 mg 1%",
        "Biotin 30 mg",  # no %DV
    ],
)
def test_a_unit_the_dv_does_not_contradict_is_kept(line: str) -> None:
    row = _only_row(line)
    assert row.unit == line.split()[2]
    assert "unit_corrected" not in row.flags


@pytest.mark.parametrize(
    ("line", "name", "amount", "elemental_mg"),
    [
        # Synthetic photo (seed 53), RapidOCR: the point of "2.3mg" lost, and with it the %DV
        # that named the garbled name; 2.3 mg is manganese's daily value.
        ("Aunganese (as mangunese gluconate) 23mg 100%", "Manganese", 2.3, 2.3),
        ("Manganese (as manganese gluconate) 23 mg 100%", "Manganese", 2.3, 2.3),
        ("Riboflavin 17 mg 131%", "Riboflavin", 1.7, None),  # 1.7 mg is 131% of 1.3 mg
    ],
)
def test_an_amount_whose_point_the_printed_dv_says_was_lost_is_corrected(
    line: str, name: str, amount: float, elemental_mg: float | None
) -> None:
    row = _only_row(line)
    assert (row.name, row.amount, row.unit, row.elemental_mg) == (name, amount, "mg", elemental_mg)
    assert "amount_corrected" in row.flags


@pytest.mark.parametrize(
    "line",
    [
        "Manganese (as manganese gluconate) 2.3 mg 100%",  # the %DV fits the amount read
        "Manganese 23 mg",  # no %DV: nothing to go by
        "Manganese 23 mg 50%",  # fits neither
        "Vitamin C 90 mg 10%",  # "9.0 mg" is not how labels print 9 mg: a %DV lost a 0
        "Zinc 15 mg <10%",  # a bound, not a share
        # Synthetic photo (seed 53): 1.5 mg would be 100% of thiamin's older daily value, but
        # the garbled name is zinc's, and 1.5 mg is not 100% of zinc's.
        "Zine (as zine bisglyeinate chelate) 15 mg 100%",
    ],
)
def test_an_amount_the_dv_does_not_contradict_keeps_its_digits(line: str) -> None:
    row = _only_row(line)
    assert row.amount == float(line.split(" mg")[0].split()[-1])
    assert "amount_corrected" not in row.flags


@pytest.mark.parametrize(
    ("line", "name", "flagged"),
    [
        # Synthetic photo (seed 41), RapidOCR: a sleep formula's melatonin row, its left end
        # lost at the edge of a curved label; whole again, it is flagged for the team.
        ("atonin 1mg", "Melatonin", "melatonin"),
        ("gandha root extract 300 mg", "Ashwagandha root extract", "ashwagandha"),
    ],
)
def test_a_co_ingredient_cut_at_the_frame_is_named_and_flagged(
    line: str, name: str, flagged: str
) -> None:
    result = read_lines([Line("Supplement Facts"), Line(line)])
    (row,) = result.ingredients
    assert row.name == name
    assert "name_corrected" in row.flags
    assert [i.id for i in result.interactions] == [flagged]


@pytest.mark.parametrize(
    "line",
    [
        "root extract 5 mg",  # a word of many names, none of them cut
        "Atonin 1 mg",  # a printed name starts with a capital; a cut word does not
        "onin 1 mg",  # four letters: too few to tell
    ],
)
def test_other_lowercase_names_are_not_made_co_ingredients(line: str) -> None:
    row = _only_row(line)
    assert "name_corrected" not in row.flags


@pytest.mark.parametrize(
    ("line", "amount", "elemental_mg"),
    [
        # Synthetic photo (seed 71), RapidOCR: "400 mg" blurred to "400 ng", the form wrapped
        # below.
        ("Magnesium (as 400 ng", 400.0, 400.0),
        ("Magnesium (as magnesium glycinate) 400 ng 95%", 400.0, 400.0),
        ("Zinc 11 ng 100%", 11.0, 11.0),  # 11 mg is zinc's daily value
    ],
)
def test_a_row_read_in_nanograms_is_read_again_in_mg(
    line: str, amount: float, elemental_mg: float
) -> None:
    row = _only_row(line)
    assert (row.amount, row.unit, row.elemental_mg) == (amount, "mg", elemental_mg)
    assert "unit_corrected" in row.flags


def test_nanograms_whose_printed_dv_says_otherwise_are_kept() -> None:
    row = _only_row("Zinc 11 ng 5%")  # 5% fits neither: nothing to go by
    assert (row.amount, row.unit) == (0.011, "mcg")
    assert "unit_corrected" not in row.flags
