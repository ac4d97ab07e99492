"""The catalog's data files: they load, every figure is sourced, every elemental fraction agrees
with its formula, and the vocabularies agree with ../shared/FORMS.md and
../shared/domain/knowledge.md."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from catalog.chemistry import mass_fraction
from catalog.knowledge import (
    UNSOURCED,
    YAML_LOADER,
    Form,
    FormulaVariant,
    Knowledge,
    load_knowledge,
)
from catalog.scoring_rules import load_scoring_rules
from tests.catalog.test_chemistry import AW as KNOWLEDGE_BASE_WEIGHTS

K: Knowledge = load_knowledge()
FORMS = {f.id: f for f in K.forms}
NUTRIENTS = {n.id: n for n in K.nutrients}
MARKS = {m.id: m for m in K.marks}
LOOKALIKES = {la.id: la for la in K.lookalikes}
COINGREDIENTS = {c.id: c for c in K.coingredients}
WEIGHTS = {a.symbol: a.weight for a in K.atomic_weights}
SYMBOL = {"magnesium": "Mg", "calcium": "Ca", "iron": "Fe", "zinc": "Zn", "potassium": "K"}

# The table of ../shared/FORMS.md, in its order.
FORMS_MD_MAGNESIUM = [
    "magnesium_oxide",
    "magnesium_hydroxide",
    "magnesium_carbonate",
    "magnesium_chloride",
    "magnesium_sulfate",
    "magnesium_citrate",
    "magnesium_glycinate",
    "magnesium_lysinate_glycinate",
    "magnesium_malate",
    "magnesium_taurate",
    "magnesium_acetyl_taurate",
    "magnesium_l_threonate",
    "magnesium_lactate",
    "magnesium_aspartate",
    "magnesium_orotate",
    "magnesium_gluconate",
    "magnesium_pidolate",
    "magnesium_succinate",
    "magnesium_ascorbate",
    "magnesium_phosphate",
    "magnesium_glycerophosphate",
    "magnesium_amino_acid_chelate",
    "magnesium_stearate",
    "magnesium_sucrosomial",
]

OTHER_MINERAL_FORMS = [
    "calcium_carbonate",
    "calcium_citrate",
    "calcium_gluconate",
    "calcium_lactate",
    "calcium_phosphate",
    "calcium_hydroxyapatite",
    "calcium_bisglycinate",
    "calcium_citrate_malate",
    "calcium_amino_acid_chelate",
    "iron_sulfate",
    "iron_fumarate",
    "iron_gluconate",
    "iron_bisglycinate",
    "iron_pyrophosphate",
    "iron_succinate",
    "iron_carbonyl",
    "iron_polysaccharide_complex",
    "iron_amino_acid_chelate",
    "zinc_gluconate",
    "zinc_sulfate",
    "zinc_oxide",
    "zinc_citrate",
    "zinc_acetate",
    "zinc_picolinate",
    "zinc_bisglycinate",
    "zinc_carnosine",
    "zinc_amino_acid_chelate",
    "potassium_chloride",
    "potassium_citrate",
    "potassium_gluconate",
    "potassium_bicarbonate",
    "potassium_phosphate",
    "potassium_iodide",
]

SALT_IDS = [
    "oxide",
    "hydroxide",
    "carbonate",
    "bicarbonate",
    "chloride",
    "sulfate",
    "citrate",
    "citrate_malate",
    "bisglycinate",
    "malate",
    "aspartate",
    "ascorbate",
    "gluconate",
    "lactate",
    "orotate",
    "picolinate",
    "fumarate",
    "succinate",
    "acetate",
    "phosphate",
    "glycerophosphate",
    "amino_acid_chelate",
    "pidolate",
    "taurate",
    "methionine",
    "carnosine",
    "polynicotinate",
    "nicotinate",
    "potassium_iodide",
    "sodium_iodide",
    "potassium_iodate",
    "kelp",
    "sodium_selenite",
    "sodium_selenate",
    "selenomethionine",
    "yeast",
    "sodium_molybdate",
    "sodium_borate",
    "calcium_fructoborate",
    "hydroxyapatite",
    "pyrophosphate",
    "carbonyl",
    "polysaccharide_complex",
    "stearate",
]

# 21 CFR 101.36(b)(2)(i)(B), as quoted in knowledge.md §5a.
CFR_ORDER = [
    "vitamin_a",
    "vitamin_c",
    "vitamin_d",
    "vitamin_e",
    "vitamin_k",
    "thiamin",
    "riboflavin",
    "niacin",
    "vitamin_b6",
    "folate",
    "vitamin_b12",
    "biotin",
    "pantothenic_acid",
    "calcium",
    "iron",
    "phosphorus",
    "iodine",
    "magnesium",
    "zinc",
    "selenium",
    "copper",
    "manganese",
    "chromium",
    "molybdenum",
    "chloride",
    "sodium",
    "potassium",
]

MEDICATIONS = {"tacrolimus", "cyclosporine", "sirolimus", "everolimus", "mycophenolate"}

# Normalised label wording: lower case, no trademarks, only "-" as punctuation.
STRICT_WORDING = re.compile(r"^[a-z0-9]+(?:[ -][a-z0-9]+)*$")
# Nutrient and co-ingredient names may also keep "." and "'" as printed ("vit. d3", "st. john's").
LOOSE_WORDING = re.compile(r"^[a-z0-9]+(?:\.?[ -]?[a-z0-9'.]+)*\.?$")
TRADEMARKS = re.compile(r"®|™|℠|\((?:r|tm)\)", re.IGNORECASE)


def _all_variants() -> list[tuple[Form, FormulaVariant]]:
    return [(f, v) for f in K.forms for v in f.variants]


def _cited(k: Knowledge) -> list[tuple[str, str]]:
    """(where, source id) for every sourced figure in the catalog."""
    cited: list[tuple[str, str]] = []
    for f in k.forms:
        cited += [(f"{f.id} {v.formula}", s) for v in f.variants for s in v.sources]
        cited += [(f"{f.id} absorption", s) for s in f.absorption.sources]
        if f.tolerance:
            cited += [(f"{f.id} tolerance", s) for s in f.tolerance.sources]
        if f.plausible_ratio:
            cited += [(f"{f.id} plausible_ratio", s) for s in f.plausible_ratio.sources]
    for n in k.nutrients:
        for label, dv in (("dv", n.dv), ("dv_pre2020", n.dv_pre2020)):
            if dv:
                cited += [(f"{n.id} {label}", s) for s in dv.sources]
        if n.iu_per_mcg:
            cited += [(f"{n.id} iu_per_mcg", s) for s in n.iu_per_mcg.sources]
    cited += [(m.id, s) for m in k.marks for s in m.sources]
    cited += [(la.id, s) for la in k.lookalikes for s in la.sources]
    cited += [(c.id, s) for c in k.coingredients for s in c.sources]
    return cited


# ---------------------------------------------------------------------------------- loading


def test_every_file_loads_with_its_version() -> None:
    for name in ("sources", "elements", "forms", "nutrients", "marks", "coingredients", "sections"):
        assert f"{name}@" in K.version


def test_atomic_weights_are_the_knowledge_base_values() -> None:
    assert WEIGHTS == KNOWLEDGE_BASE_WEIGHTS


# ---------------------------------------------------------------------------------- sources


def test_every_cited_source_exists() -> None:
    missing = [(where, s) for where, s in _cited(K) if s not in K.sources]
    assert missing == []


def test_every_source_is_cited() -> None:
    # scoring.yaml cites some sources of its own (the upper limit, medicine timing, kidneys).
    cited = {s for _, s in _cited(K)} | set(load_scoring_rules().source_ids())
    assert sorted(set(K.sources) - cited) == []


def test_source_statuses_and_addresses() -> None:
    assert K.sources[UNSOURCED].status == "unsourced"
    assert K.sources["computed_formula"].status == "computed"
    assert K.sources["assumed_formula"].status == "computed"
    assert K.sources["firoz_2001"].status == "verified"
    assert K.sources["ods_magnesium_hp"].status == "recalled"
    assert K.sources["fda_final_rule_2016"].status == "recalled"
    assert [s for s, src in K.sources.items() if s != UNSOURCED and src.status == "unsourced"] == []
    for source_id, source in K.sources.items():
        assert source.citation.strip(), source_id
        if source.url is not None:
            assert source.url.startswith(("http://", "https://")), source_id


def test_figures_cite_what_the_knowledge_base_cites() -> None:
    oxide = FORMS["magnesium_oxide"].absorption
    assert "firoz_2001" in oxide.sources
    assert "consumerlab_dv_2016" in NUTRIENTS["magnesium"].dv.sources  # type: ignore[union-attr]
    assert "pharmacistanswers_mg" in FORMS["magnesium_chloride"].variants[0].sources
    assert "kangyo_citrate_usp" in FORMS["magnesium_citrate"].plausible_ratio.sources  # type: ignore[union-attr]
    assert "hebert_2004" in COINGREDIENTS["st_johns_wort"].sources
    assert "opss_cgmp_seals" in LOOKALIKES["gmp_claim"].sources


def test_unsourced_figures_are_not_dressed_up() -> None:
    """A figure marked unsourced may sit beside a real source (a computed formula, say), but the
    vitamin Daily Values and the theoretical immune stimulants have none at all."""
    assert NUTRIENTS["vitamin_d"].dv.sources == [UNSOURCED]  # type: ignore[union-attr]
    for cid in ("cats_claw", "spirulina", "chlorella", "medicinal_mushrooms"):
        assert COINGREDIENTS[cid].sources == [UNSOURCED]
        assert COINGREDIENTS[cid].severity == "info"


# ---------------------------------------------------------------------------------- forms


def test_every_forms_md_magnesium_id_is_present() -> None:
    mg = [f.id for f in K.forms if f.mineral == "magnesium"]
    assert sorted(set(FORMS_MD_MAGNESIUM) - set(mg)) == []
    assert mg[: len(FORMS_MD_MAGNESIUM)] == FORMS_MD_MAGNESIUM


def test_other_minerals_forms_are_present() -> None:
    assert sorted(set(OTHER_MINERAL_FORMS) - set(FORMS)) == []
    for form_id in OTHER_MINERAL_FORMS:
        assert form_id.startswith(FORMS[form_id].mineral + "_")


@pytest.mark.parametrize(
    ("form", "variant"),
    _all_variants(),
    ids=[f"{f.id}:{v.formula}" for f, v in _all_variants()],
)
def test_elemental_fraction_matches_formula(form: Form, variant: FormulaVariant) -> None:
    computed = mass_fraction(variant.formula, SYMBOL[form.mineral], WEIGHTS)
    assert variant.elemental_fraction == pytest.approx(computed, abs=0.0005)
    assert variant.elemental_fraction == round(variant.elemental_fraction, 4)


@pytest.mark.parametrize(
    ("form_id", "formula", "fraction"),
    [
        # knowledge.md's bold figure: the form a label most likely means
        ("magnesium_oxide", "MgO", 0.6030),
        ("magnesium_carbonate", "4MgCO3.Mg(OH)2.4H2O", 0.2599),
        ("magnesium_chloride", "MgCl2.6H2O", 0.1196),
        ("magnesium_sulfate", "MgSO4.7H2O", 0.0986),
        ("magnesium_citrate", "Mg3(C6H5O7)2", 0.1616),
        ("magnesium_glycinate", "Mg(C2H4NO2)2", 0.1410),
        ("magnesium_malate", "MgC4H4O5", 0.1554),
        ("magnesium_taurate", "Mg(C2H6NO3S)2", 0.0892),
        ("magnesium_l_threonate", "Mg(C4H7O5)2", 0.0825),
        ("magnesium_lactate", "Mg(C3H5O3)2", 0.1201),
        ("magnesium_aspartate", "Mg(C4H6NO4)2.2H2O", 0.0749),
        ("magnesium_orotate", "Mg(C5H3N2O4)2.2H2O", 0.0656),
        ("magnesium_gluconate", "Mg(C6H11O7)2", 0.0586),
        ("magnesium_pidolate", "Mg(C5H6NO3)2", 0.0866),
        ("magnesium_acetyl_taurate", "Mg(C4H8NO4S)2", 0.0681),
        ("calcium_carbonate", "CaCO3", 0.4004),
        ("calcium_citrate", "Ca3(C6H5O7)2.4H2O", 0.2108),
        ("calcium_phosphate", "Ca3(PO4)2", 0.3876),
        ("iron_sulfate", "FeSO4.7H2O", 0.2009),
        ("iron_fumarate", "FeC4H2O4", 0.3287),
        ("zinc_gluconate", "Zn(C6H11O7)2", 0.1435),
        ("zinc_sulfate", "ZnSO4.7H2O", 0.2274),
        ("potassium_iodide", "KI", 0.2355),
    ],
)
def test_first_variant_is_the_one_labels_mean(form_id: str, formula: str, fraction: float) -> None:
    form = FORMS[form_id]
    assert form.variants[0].formula == formula
    assert form.estimate_fraction == fraction


def test_every_hydrate_of_knowledge_md_is_listed() -> None:
    formulas = {f.id: [v.formula for v in f.variants] for f in K.forms}
    assert formulas["magnesium_citrate"] == [
        "Mg3(C6H5O7)2",
        "Mg3(C6H5O7)2.9H2O",
        "Mg3(C6H5O7)2.14H2O",
        "MgC6H6O7",
    ]
    assert formulas["magnesium_aspartate"] == [
        "Mg(C4H6NO4)2.2H2O",
        "Mg(C4H6NO4)2",
        "MgC4H5NO4.HCl.3H2O",
    ]
    assert formulas["magnesium_chloride"] == ["MgCl2.6H2O", "MgCl2"]
    assert formulas["magnesium_malate"] == ["MgC4H4O5", "MgC4H4O5.3H2O", "Mg2(C4H3O5)(OH)"]
    assert formulas["iron_sulfate"] == ["FeSO4.7H2O", "FeSO4.H2O", "FeSO4"]
    assert formulas["calcium_phosphate"] == ["Ca3(PO4)2", "CaHPO4.2H2O", "CaHPO4"]


def test_assumed_formulas_say_so() -> None:
    dmm = FORMS["magnesium_malate"].variants[2]
    assert "assumed_formula" in dmm.sources
    assert dmm.note is not None and "ASSUMED" in dmm.note
    assert "assumed_formula" in FORMS["magnesium_lysinate_glycinate"].variants[0].sources


def test_forms_without_chemistry_explain_why() -> None:
    no_formula = [f.id for f in K.forms if not f.variants]
    for form_id in (
        "magnesium_sucrosomial",
        "magnesium_amino_acid_chelate",
        "calcium_citrate_malate",
        "calcium_amino_acid_chelate",
        "iron_amino_acid_chelate",
        "zinc_amino_acid_chelate",
        "iron_polysaccharide_complex",
    ):
        assert form_id in no_formula
    for form_id in no_formula:
        assert FORMS[form_id].estimate_note, form_id


def test_plausible_ratios() -> None:
    limits = {
        f.id: (f.plausible_ratio.min, f.plausible_ratio.max) for f in K.forms if f.plausible_ratio
    }
    assert limits["magnesium_glycinate"] == (0.10, 0.15)
    assert limits["magnesium_citrate"][1] == 0.165
    assert limits["magnesium_l_threonate"] == (0.072, 0.083)
    # A true salt of the named form passes its own check.
    for form_id, (low, high) in limits.items():
        fraction = FORMS[form_id].estimate_fraction
        assert fraction is not None
        assert (low or 0.0) <= fraction <= high, form_id


@pytest.mark.parametrize(
    ("form_id", "tier"),
    [
        ("magnesium_oxide", "low"),
        ("magnesium_sulfate", "low"),
        ("magnesium_hydroxide", "low"),
        ("magnesium_carbonate", "low"),
        ("magnesium_citrate", "good"),
        ("magnesium_chloride", "good"),
        ("magnesium_lactate", "good"),
        ("magnesium_aspartate", "good"),
        ("magnesium_glycinate", "good"),
        ("magnesium_malate", "adequate"),
        ("magnesium_taurate", "adequate"),
        ("magnesium_l_threonate", "adequate"),
        ("magnesium_acetyl_taurate", "adequate"),
        ("magnesium_orotate", "adequate"),
        ("magnesium_pidolate", "adequate"),
        ("magnesium_gluconate", "adequate"),
        ("magnesium_sucrosomial", "manufacturer_data_only"),
        ("magnesium_amino_acid_chelate", "uncertain"),
        ("magnesium_stearate", "none"),
    ],
)
def test_absorption_tier(form_id: str, tier: str) -> None:
    assert FORMS[form_id].absorption.tier == tier


def test_oxide_absorption_figure() -> None:
    oxide = FORMS["magnesium_oxide"].absorption
    assert oxide.fractional_absorption == 0.04
    assert oxide.sources[0] == "firoz_2001"


def test_stearate_is_an_excipient_only() -> None:
    stearate = FORMS["magnesium_stearate"]
    assert stearate.excipient
    assert stearate.absorption.tier == "none"
    assert [f.id for f in K.forms if f.excipient] == ["magnesium_stearate"]


@pytest.mark.parametrize(
    ("form_id", "gi_risk"),
    [
        ("magnesium_oxide", "high"),
        ("magnesium_hydroxide", "high"),
        ("magnesium_carbonate", "moderate"),
        ("magnesium_chloride", "moderate"),
        ("magnesium_gluconate", "moderate"),
        ("magnesium_citrate", "moderate"),
        ("magnesium_glycinate", "low"),
    ],
)
def test_gi_tolerance(form_id: str, gi_risk: str) -> None:
    tolerance = FORMS[form_id].tolerance
    assert tolerance is not None and tolerance.gi_risk == gi_risk


def test_every_magnesium_source_form_has_a_tolerance() -> None:
    missing = [
        f.id for f in K.forms if f.mineral == "magnesium" and not f.excipient and not f.tolerance
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("wording", "form_id"),
    [
        ("mag oxide", "magnesium_oxide"),
        ("milk of magnesia", "magnesium_hydroxide"),
        ("epsom salt", "magnesium_sulfate"),
        ("trimagnesium citrate", "magnesium_citrate"),
        ("dimagnesium citrate", "magnesium_citrate"),
        ("magnesium bisglycinate chelate", "magnesium_glycinate"),
        ("magnesium diglycinate", "magnesium_glycinate"),
        ("di-magnesium malate", "magnesium_malate"),
        ("dimagnesium malate", "magnesium_malate"),
        ("magnesium taurinate", "magnesium_taurate"),
        ("magtein", "magnesium_l_threonate"),
        ("magnesium n-acetyltaurinate", "magnesium_acetyl_taurate"),
        ("chelated magnesium", "magnesium_amino_acid_chelate"),
        ("magnesium chelate", "magnesium_amino_acid_chelate"),
        ("magnesium pyroglutamate", "magnesium_pidolate"),
        ("sucrosomial magnesium", "magnesium_sucrosomial"),
        ("ferrous sulfate", "iron_sulfate"),
        ("ferrous bisglycinate chelate", "iron_bisglycinate"),
        ("iron bisglycinate", "iron_bisglycinate"),
        ("polaprezinc", "zinc_carnosine"),
        ("tricalcium phosphate", "calcium_phosphate"),
        ("dicalcium phosphate", "calcium_phosphate"),
    ],
)
def test_label_wording_maps_to_form(wording: str, form_id: str) -> None:
    assert wording in FORMS[form_id].synonyms


@pytest.mark.parametrize(
    ("printed", "nutrient"),
    [
        # Wordings of real Nutrition Facts panels (bench/truth/real).
        ("Polyunsat Fat", "polyunsaturated_fat"),
        ("Monounsat. Fat", "monounsaturated_fat"),
        ("Carbohydrate, total", "total_carbohydrate"),
        ("CARBOHYDRATE (total)", "total_carbohydrate"),
    ],
)
def test_label_wording_names_its_nutrient(printed: str, nutrient: str) -> None:
    from catalog.lexicon import lexicon

    assert lexicon().nutrient_id(printed) == nutrient


def test_form_synonyms_are_normalised_and_unique() -> None:
    for form in K.forms:
        for synonym in form.synonyms:
            assert STRICT_WORDING.match(synonym), (form.id, synonym)
        for brand in form.brands:
            assert not TRADEMARKS.search(brand), (form.id, brand)
    counts = Counter(s for f in K.forms for s in f.synonyms)
    assert [s for s, n in counts.items() if n > 1] == []


def test_form_synonyms_name_their_mineral() -> None:
    """A bare salt word ("bisglycinate chelate") would claim every mineral's row; those
    belong to the salts lexicon. Synonyms name the mineral, or a compound unique to it."""
    own_words = {
        n.id: {w for w in [*n.synonyms, *n.compound_words] if "." not in w} for n in K.nutrients
    }
    mineral_free = {
        "mgo",
        "mgcl2",
        "milk of magnesia",
        "epsom salt",
        "epsom salts",
        "magtein",
        "hydroxyapatite",
        "microcrystalline hydroxyapatite",
        "microcrystalline hydroxyapatite concentrate",
        "mchc",
        "ccm",
        "polaprezinc",
        "caco3",
        "kcl",
    }
    unnamed = {
        synonym
        for form in K.forms
        for synonym in form.synonyms
        if not any(
            w in re.split(r"[ -]", synonym) or w in synonym.split() for w in own_words[form.mineral]
        )
    }
    assert unnamed == mineral_free


def test_brands_are_tied_to_one_form() -> None:
    counts = Counter(b.lower() for f in K.forms for b in f.brands)
    assert [b for b, n in counts.items() if n > 1] == []
    assert "Magtein" in FORMS["magnesium_l_threonate"].brands
    assert "Sucrosomial" in FORMS["magnesium_sucrosomial"].brands


# ---------------------------------------------------------------------------------- salts


def test_salt_ids_are_exactly_the_agreed_list() -> None:
    assert [s.id for s in K.salts] == SALT_IDS


def test_salt_words() -> None:
    words = {s.id: s.words for s in K.salts}
    assert words["sulfate"] == ["sulfate", "sulphate"]
    assert words["bisglycinate"][:2] == ["bisglycinate chelate", "bisglycinate"]
    for word in ("diglycinate", "glycinate chelate", "glycinate"):
        assert word in words["bisglycinate"]
    assert words["amino_acid_chelate"][:2] == ["amino acid chelate", "chelate"]
    assert words["methionine"][:2] == ["monomethionine", "methionine"]
    assert words["selenomethionine"][:2] == ["l-selenomethionine", "selenomethionine"]
    assert words["yeast"][:2] == ["selenium yeast", "selenized yeast"]
    assert "yeast" in words["yeast"]
    assert words["sodium_selenite"] == ["sodium selenite", "selenite"]
    counts = Counter(w for s in K.salts for w in s.words)
    assert [w for w, n in counts.items() if n > 1] == []
    for salt in K.salts:
        for word in salt.words:
            assert STRICT_WORDING.match(word), (salt.id, word)


# ---------------------------------------------------------------------------------- nutrients


def test_nutrients_follow_the_cfr_order() -> None:
    assert [n.id for n in K.nutrients][: len(CFR_ORDER)] == CFR_ORDER


def test_extra_nutrients_present() -> None:
    for nutrient_id in (
        "choline",
        "boron",
        "silicon",
        "vanadium",
        "nickel",
        "calories",
        "total_fat",
        "saturated_fat",
        "trans_fat",
        "cholesterol",
        "total_carbohydrate",
        "dietary_fiber",
        "total_sugars",
        "added_sugars",
        "protein",
        "carbohydrate",
        "salt",
    ):
        assert nutrient_id in NUTRIENTS
    assert NUTRIENTS["calories"].kind == "energy"
    assert NUTRIENTS["sodium"].kind == "mineral"
    for mineral in ("boron", "silicon", "vanadium", "nickel"):
        assert NUTRIENTS[mineral].kind == "mineral"
        assert NUTRIENTS[mineral].dv is None


def test_magnesium_daily_values() -> None:
    mg = NUTRIENTS["magnesium"]
    assert mg.dv is not None and mg.dv_pre2020 is not None
    assert (mg.dv.amount, mg.dv.unit) == (420, "mg")
    assert (mg.dv_pre2020.amount, mg.dv_pre2020.unit) == (400, "mg")
    assert UNSOURCED not in mg.dv.sources
    assert UNSOURCED not in mg.dv_pre2020.sources


@pytest.mark.parametrize(
    ("nutrient_id", "amount", "unit", "qualifier"),
    [
        ("vitamin_a", 900, "mcg", "RAE"),
        ("vitamin_d", 20, "mcg", None),
        ("vitamin_e", 15, "mg", "alpha-tocopherol"),
        ("niacin", 16, "mg", "NE"),
        ("folate", 400, "mcg", "DFE"),
        ("calcium", 1300, "mg", None),
        ("iron", 18, "mg", None),
        ("zinc", 11, "mg", None),
        ("selenium", 55, "mcg", None),
        ("iodine", 150, "mcg", None),
        ("potassium", 4700, "mg", None),
        ("phosphorus", 1250, "mg", None),
        ("copper", 0.9, "mg", None),
        ("manganese", 2.3, "mg", None),
        ("chromium", 35, "mcg", None),
        ("molybdenum", 45, "mcg", None),
        ("chloride", 2300, "mg", None),
        ("choline", 550, "mg", None),
    ],
)
def test_current_daily_values(
    nutrient_id: str, amount: float, unit: str, qualifier: str | None
) -> None:
    dv = NUTRIENTS[nutrient_id].dv
    assert dv is not None
    assert (dv.amount, dv.unit, dv.qualifier) == (amount, unit, qualifier)


@pytest.mark.parametrize(
    ("nutrient_id", "amount", "unit"),
    [
        ("vitamin_a", 5000, "IU"),
        ("vitamin_d", 400, "IU"),
        ("vitamin_e", 30, "IU"),
        ("calcium", 1000, "mg"),
        ("zinc", 15, "mg"),
        ("potassium", 3500, "mg"),
    ],
)
def test_pre2020_daily_values(nutrient_id: str, amount: float, unit: str) -> None:
    dv = NUTRIENTS[nutrient_id].dv_pre2020
    assert dv is not None
    assert (dv.amount, dv.unit) == (amount, unit)


def test_daily_value_sources_follow_the_knowledge_base() -> None:
    for verified in ("calcium", "potassium", "phosphorus", "manganese", "copper", "chromium"):
        assert NUTRIENTS[verified].dv.sources == ["consumerlab_dv_2016"]  # type: ignore[union-attr]
    for recalled in ("zinc", "iron", "selenium", "iodine"):
        sources = NUTRIENTS[recalled].dv.sources  # type: ignore[union-attr]
        assert "fda_final_rule_2016" in sources
        assert K.sources["fda_final_rule_2016"].status == "recalled"


@pytest.mark.parametrize(
    ("wording", "nutrient_id"),
    [
        ("vit d3", "vitamin_d"),
        ("vit. d3", "vitamin_d"),
        ("cholecalciferol", "vitamin_d"),
        ("folate dfe", "folate"),
        ("folic acid", "folate"),
        ("potas", "potassium"),
        ("mag", "magnesium"),
        ("vitamin b5", "pantothenic_acid"),
        ("niacinamide", "niacin"),
        ("of which saturates", "saturated_fat"),
        ("of which sugars", "total_sugars"),
        ("fibre", "dietary_fiber"),
        ("energy", "calories"),
    ],
)
def test_nutrient_wording(wording: str, nutrient_id: str) -> None:
    assert wording in NUTRIENTS[nutrient_id].synonyms


def test_nutrient_synonyms_are_normalised_and_unique() -> None:
    for n in K.nutrients:
        for word in [*n.synonyms, *n.compound_words]:
            assert LOOSE_WORDING.match(word), (n.id, word)
            assert not TRADEMARKS.search(word)
    counts = Counter(s.replace(".", "") for n in K.nutrients for s in set(n.synonyms))
    dotted_twins = Counter(s.replace(".", "") for n in K.nutrients for s in n.synonyms if "." in s)
    assert [s for s, c in counts.items() if c - dotted_twins[s] > 1] == []


@pytest.mark.parametrize(
    ("mineral", "words"),
    [
        ("iron", {"ferrous", "ferric", "iron"}),
        ("copper", {"cupric", "cuprous", "copper"}),
        ("magnesium", {"magnesium", "mag"}),
        ("iodine", {"iodine"}),
    ],
)
def test_compound_words(mineral: str, words: set[str]) -> None:
    assert words <= set(NUTRIENTS[mineral].compound_words)


# ---------------------------------------------------------------------------------- marks

MARK_PHRASES = [
    ("USP Verified", "usp_verified"),
    ("USP\nVERIFIED", "usp_verified"),
    ("U.S.P. Verified Dietary Supplement", "usp_verified"),
    ("Verified by USP", "usp_verified"),
    ("NSF Certified", "nsf_certified"),
    ("NSF Contents Certified", "nsf_certified"),
    ("NSF® Contents Tested & Certified", "nsf_certified"),
    ("Certified by NSF International", "nsf_certified"),
    ("NSF/ANSI 173", "nsf_certified"),
    ("NSF Certified for Sport", "nsf_certified_for_sport"),
    ("NSF® CERTIFIED\nFOR SPORT®", "nsf_certified_for_sport"),
    ("CL Approved Quality", "consumerlab_approved"),
    ("ConsumerLab.com APPROVED QUALITY", "consumerlab_approved"),
    ("CL Seal of Approval", "consumerlab_approved"),
    ("Informed Sport", "informed_sport"),
    ("INFORMED-SPORT", "informed_sport"),
    ("Informed Choice", "informed_choice"),
    ("Informed Choice - Trusted by Sport", "informed_choice"),
    ("BSCG Certified Drug Free®", "bscg_certified_drug_free"),
    ("BSCG CERTIFIED\nQUALITY™", "bscg_certified_quality"),
    ("Certified Gluten-Free GFCO", "gfco_gluten_free"),
    ("USDA Organic", "usda_organic"),
    ("Non-GMO Project Verified", "non_gmo_project"),
    ("Certified Vegan", "certified_vegan"),
]

LOOKALIKE_PHRASES = [
    ("Made in a GMP facility", "gmp_claim"),
    ("made in a cGMP facility", "gmp_claim"),
    ("cGMP certified", "gmp_claim"),
    ("Certified GMP", "gmp_claim"),
    ("GMP compliant", "gmp_claim"),
    ("Manufactured in an FDA-approved facility", "fda_approved"),
    ("FDA registered facility", "fda_registered"),
    ("Made in an FDA-registered facility", "fda_registered"),
    ("NSF GMP registered", "nsf_registered_facility"),
    ("NSF GMP Registered", "nsf_registered_facility"),
    ("Manufactured in an NSF-registered facility", "nsf_registered_facility"),
    ("Made in an NSF certified facility", "nsf_registered_facility"),
    ("BSCG Certified GMP™", "bscg_certified_gmp"),
    ("Informed Manufacturer", "informed_manufacturer"),
    ("USP grade", "usp_grade"),
    ("Meets USP standards", "usp_grade"),
    ("Magnesium Oxide USP", "usp_grade"),
    ("Magnesium Citrate, USP", "usp_grade"),
    ("lab tested", "lab_tested"),
    ("Laboratory verified", "lab_tested"),
    ("Tested for purity", "lab_tested"),
    ("Third-party tested", "third_party_tested"),
    ("3rd party lab tested", "third_party_tested"),
    ("Pharmaceutical grade", "pharmaceutical_grade"),
    ("Clinically proven", "clinically_proven"),
    ("Doctor formulated", "doctor_formulated"),
    ("CL tested", "consumerlab_review"),
    ("as reviewed by ConsumerLab.com", "consumerlab_review"),
]

PLAIN_PHRASES = [
    "Make an informed choice about your supplements",
    "Gluten free",
    "Non-GMO",
    "Vegan",
    "Magnesium (as magnesium citrate) 200 mg",
    "Sodium chloride",
    "Clinical strength",
]


def _marks_matching(text: str) -> set[str]:
    return {m.id for m in K.marks for p in m.patterns if re.search(p, text)}


def _lookalikes_matching(text: str) -> set[str]:
    return {la.id for la in K.lookalikes for p in la.patterns if re.search(p, text)}


@pytest.mark.parametrize(("phrase", "mark_id"), MARK_PHRASES)
def test_mark_matches_its_own_wording(phrase: str, mark_id: str) -> None:
    assert _marks_matching(phrase) == {mark_id}
    # look-alikes are blanked out before marks are read, so none may touch a real mark
    assert _lookalikes_matching(phrase) == set()


@pytest.mark.parametrize(("phrase", "lookalike_id"), LOOKALIKE_PHRASES)
def test_lookalike_never_matches_a_mark(phrase: str, lookalike_id: str) -> None:
    assert lookalike_id in _lookalikes_matching(phrase)
    assert _marks_matching(phrase) == set()


@pytest.mark.parametrize("phrase", PLAIN_PHRASES)
def test_everyday_wording_is_neither(phrase: str) -> None:
    assert _marks_matching(phrase) == set()
    assert _lookalikes_matching(phrase) == set()


def test_marks_kinds_and_ids() -> None:
    contract = {
        "usp_verified",
        "nsf_certified",
        "nsf_certified_for_sport",
        "consumerlab_approved",
        "informed_sport",
        "informed_choice",
        "bscg_certified_drug_free",
        "bscg_certified_quality",
    }
    assert contract <= set(MARKS)
    for mark_id in ("informed_sport", "informed_choice", "bscg_certified_drug_free"):
        assert MARKS[mark_id].kind == "banned_substances"
    for mark_id in (
        "usp_verified",
        "nsf_certified",
        "consumerlab_approved",
        "bscg_certified_quality",
    ):
        assert MARKS[mark_id].kind == "content_verification"
    for mark_id in ("gfco_gluten_free", "usda_organic", "non_gmo_project"):
        assert MARKS[mark_id].kind == "lifestyle"


def test_patterns_are_case_insensitive_on_their_own() -> None:
    for pattern in [p for m in K.marks for p in m.patterns] + [
        p for la in K.lookalikes for p in la.patterns
    ]:
        assert pattern.startswith("(?i:") and pattern.endswith(")"), pattern
    assert _marks_matching("usp verified") == {"usp_verified"}
    assert _marks_matching("nsf certified for sport") == {"nsf_certified_for_sport"}


def test_patterns_combine_into_one_alternation() -> None:
    combined = re.compile("|".join(p for m in K.marks for p in m.patterns))
    assert combined.search("Look for the CL Seal")


# ---------------------------------------------------------------------------------- co-ingredients


def test_coingredient_severities_and_medicines() -> None:
    for c in K.coingredients:
        assert c.severity in {"avoid", "ask_team", "info"}
        assert set(c.applies_to) <= MEDICATIONS, c.id
        assert c.reason.strip()


@pytest.mark.parametrize(
    ("coingredient_id", "severity"),
    [
        ("st_johns_wort", "avoid"),
        ("grapefruit", "avoid"),
        ("schisandra", "avoid"),
        ("echinacea", "avoid"),
        ("red_yeast_rice", "avoid"),
        ("goldenseal_berberine", "avoid"),
        ("turmeric_curcumin", "ask_team"),
        ("ginger", "ask_team"),
        ("pomegranate", "ask_team"),
        ("clementine", "ask_team"),
        ("panax_ginseng", "ask_team"),
        ("green_tea_extract", "ask_team"),
        ("melatonin", "ask_team"),
        ("astragalus", "ask_team"),
        ("elderberry", "ask_team"),
        ("ashwagandha", "ask_team"),
        ("licorice", "ask_team"),
        ("potassium", "ask_team"),
        ("probiotics", "ask_team"),
        ("chamomile", "ask_team"),
        ("valerian", "info"),
        ("iron", "info"),
        ("kava", "info"),
    ],
)
def test_coingredient_severity(coingredient_id: str, severity: str) -> None:
    assert COINGREDIENTS[coingredient_id].severity == severity


def test_coingredient_names() -> None:
    sjw = COINGREDIENTS["st_johns_wort"].names
    for name in ("st john's wort", "st. john's wort", "hypericum perforatum", "hyperforin"):
        assert name in sjw
    potassium = COINGREDIENTS["potassium"].names
    for salt in ("chloride", "citrate", "gluconate", "bicarbonate", "phosphate"):
        assert f"potassium {salt}" in potassium
    assert "saccharomyces boulardii" in COINGREDIENTS["probiotics"].names
    assert "lactobacillus" in COINGREDIENTS["probiotics"].names
    assert not [c.id for c in K.coingredients if c.id.startswith("magnesium")]


def test_coingredient_names_are_normalised_and_unique() -> None:
    for c in K.coingredients:
        for name in c.names:
            assert LOOSE_WORDING.match(name), (c.id, name)
            assert not TRADEMARKS.search(name)
    owners: dict[str, set[str]] = {}
    for c in K.coingredients:
        for name in c.names:
            owners.setdefault(name.replace(".", ""), set()).add(c.id)
    assert {n: ids for n, ids in owners.items() if len(ids) > 1} == {}


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parents[2] / "catalog" / "data").glob("*.yaml")), ids=str
)
def test_the_fast_yaml_loader_reads_every_data_file_as_the_reference_one_does(path: Path) -> None:
    """The catalog is read with libyaml when PyYAML has it; it must give the same data as the
    pure-Python safe loader, which defines what the files mean."""
    text = path.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=YAML_LOADER) == yaml.safe_load(text)
