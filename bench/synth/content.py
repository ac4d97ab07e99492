"""What a synthetic Supplement Facts panel says: plain label data and seeded sampling.

A `Product` holds the printed text of one panel (rows, serving, footnotes, other ingredients,
seals, look-alike claims) together with the facts a reader should extract from it. The
renderer draws it; `truth_row` turns a row into the benchmark's truth record.

Amounts follow real labels: magnesium %DV against 420 mg (400 mg on pre-2020 labels), vitamin
D in mcg with IU in parentheses (or the reverse on transitional labels), folate in mcg DFE.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

T = TypeVar("T")
Rng = np.random.Generator

# Daily Values by label era; "old" is the pre-2020 reference the FDA replaced.
MG_DV = {"new": 420.0, "old": 400.0}


def pick(rng: Rng, items: Sequence[T]) -> T:
    """One item, uniformly."""
    return items[int(rng.integers(len(items)))]


def chance(rng: Rng, p: float) -> bool:
    return bool(rng.random() < p)


def uniform_range(rng: Rng, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def weighted(rng: Rng, items: Sequence[tuple[T, float]]) -> T:
    """One item, with probability proportional to its weight."""
    total = sum(w for _, w in items)
    x = float(rng.random()) * total
    for item, w in items:
        x -= w
        if x < 0:
            return item
    return items[-1][0]


def sample(rng: Rng, items: Sequence[T], k: int) -> list[T]:
    """k distinct items, kept in their listed order (labels list nutrients in a fixed order)."""
    idx = sorted(int(i) for i in rng.choice(len(items), size=min(k, len(items)), replace=False))
    return [items[i] for i in idx]


def join_list(items: Sequence[str], rng: Rng) -> str:
    """'a, b and c' in one of the ways labels punctuate lists."""
    if len(items) == 1:
        return items[0]
    style = int(rng.integers(3))
    if style == 0:
        return ", ".join(items)
    last = ", and " if style == 1 and len(items) > 2 else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def fmt_number(value: float, commas: bool) -> str:
    """A label number: no trailing zeros, thousands separated when the label does that."""
    if value >= 10 and abs(value - round(value)) < 1e-9:
        return f"{round(value):,}" if commas else str(round(value))
    digits = 1 if value >= 10 else 2
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    if commas and value >= 1000:
        whole, _, frac = text.partition(".")
        text = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return text


def plain_number(value: float) -> str:
    """A number for truth strings: no separators, no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def dv_round(value: float, reference: float) -> float:
    """Percent of the Daily Value, rounded half up to a whole number as labels print it."""
    return float(math.floor(100.0 * value / reference + 0.5))


@dataclass(frozen=True)
class Dose:
    """An amount as declared for the whole serving, and how to print it."""

    value: float
    unit: str  # normalised: mg, mcg, g, IU, CFU
    printed_unit: str  # as printed: "mg", "µg", "mcg DFE", ...
    dv_ref: float | None = None  # Daily Value in `unit`; None where not established
    alt_factor: float | None = None  # a second amount in parentheses = value * alt_factor
    alt_unit: str = ""
    qualifier: str = ""  # DFE, RAE: printed after the unit


@dataclass(frozen=True)
class Row:
    """One printed row of the facts table (or one blend member)."""

    label: str  # the printed name, "(as ...)" part included
    name: str  # the name without the "(as ...)" part
    forms_text: tuple[str, ...] = ()
    dose: Dose | None = None  # None: amount not disclosed
    blend: str | None = None  # the blend this row is a member of
    is_blend: bool = False
    members_inline: bool = False  # members follow the blend name after a colon
    inline: bool = False  # this member is printed in its blend's colon list
    indent: int = 0
    note: str = "†"  # printed in the %DV column when no DV is established
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mark:
    """A certification seal drawn as a round badge."""

    id: str
    big: str
    small: tuple[str, ...]


@dataclass(frozen=True)
class Product:
    template: str
    serving_size: str
    servings_per_container: str
    units_per_serving: int
    unit_singular: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    footnotes: tuple[str, ...]
    other_label: str
    other_ingredients: tuple[str, ...]
    marks: tuple[Mark, ...]
    lookalikes: tuple[str, ...]
    commas: bool


@dataclass(frozen=True)
class MgForm:
    key: str
    printed: tuple[str, ...]  # wordings inside "(as ...)"
    compound: tuple[str, ...]  # wordings of a compound-named row
    fraction: float  # elemental magnesium by weight, for "(from X mg ...)" rows
    per_unit: tuple[int, ...]  # elemental mg per capsule or tablet seen on labels


MG_FORMS: tuple[MgForm, ...] = (
    MgForm("oxide", ("magnesium oxide",), ("Magnesium Oxide",), 0.60, (125, 200, 250, 400, 500)),
    MgForm(
        "citrate",
        ("magnesium citrate", "trimagnesium citrate", "magnesium citrate anhydrous"),
        ("Magnesium Citrate",),
        0.16,
        (50, 75, 100, 150, 200),
    ),
    MgForm(
        "glycinate",
        (
            "magnesium bisglycinate chelate",
            "magnesium glycinate",
            "magnesium glycinate chelate",
            "TRAACS® magnesium bisglycinate chelate",
            "magnesium bisglycinate",
        ),
        ("Magnesium Glycinate", "Magnesium Bisglycinate", "Magnesium Glycinate Chelate"),
        0.14,
        (50, 60, 100, 120, 133, 200),
    ),
    MgForm(
        "malate",
        ("magnesium malate", "dimagnesium malate"),
        ("Magnesium Malate",),
        0.15,
        (60, 75, 100, 120, 150),
    ),
    MgForm("taurate", ("magnesium taurate",), ("Magnesium Taurate",), 0.09, (50, 62, 100, 125)),
    MgForm(
        "threonate",
        ("magnesium L-threonate", "Magtein® magnesium L-threonate"),
        ("Magtein® Magnesium L-Threonate", "Magnesium L-Threonate"),
        0.072,
        (48, 72),
    ),
    MgForm(
        "chloride",
        ("magnesium chloride", "magnesium chloride hexahydrate"),
        ("Magnesium Chloride",),
        0.12,
        (64, 100, 120),
    ),
    MgForm(
        "lactate",
        ("magnesium lactate", "magnesium lactate dihydrate"),
        ("Magnesium Lactate",),
        0.12,
        (84, 100),
    ),
    MgForm("aspartate", ("magnesium aspartate",), ("Magnesium Aspartate",), 0.075, (45, 90, 100)),
    MgForm("orotate", ("magnesium orotate",), ("Magnesium Orotate",), 0.065, (16, 32, 50)),
    MgForm("gluconate", ("magnesium gluconate",), ("Magnesium Gluconate",), 0.054, (27, 30, 54)),
    MgForm("carbonate", ("magnesium carbonate",), ("Magnesium Carbonate",), 0.28, (100, 150, 250)),
    MgForm("hydroxide", ("magnesium hydroxide",), ("Magnesium Hydroxide",), 0.41, (100, 200)),
)
_FORMS = {f.key: f for f in MG_FORMS}

# Compound weights printed in "(from X mg ...)" rows and compound-named rows, per serving.
COMPOUND_MG = (400, 500, 600, 750, 1000, 1200, 1500, 2000)


@dataclass(frozen=True)
class Dosage:
    """What the serving is counted in, and what holds it together."""

    singular: str
    plural: str
    shell: tuple[str, ...]
    fillers: tuple[str, ...]


CAPSULE_FILLERS = (
    "rice flour",
    "microcrystalline cellulose",
    "magnesium stearate",
    "silica",
    "silicon dioxide",
    "vegetable magnesium stearate",
    "L-leucine",
    "organic rice extract blend",
    "ascorbyl palmitate",
)
TABLET_FILLERS = (
    "microcrystalline cellulose",
    "croscarmellose sodium",
    "stearic acid",
    "magnesium stearate",
    "silica",
    "dicalcium phosphate",
    "coating (hypromellose, glycerin, titanium dioxide)",
    "sodium starch glycolate",
    "vegetable stearic acid",
    "polyvinyl alcohol",
)
DOSAGES: tuple[tuple[Dosage, float], ...] = (
    (
        Dosage(
            "Capsule",
            "Capsules",
            ("hypromellose (capsule)", "gelatin (capsule)", "pullulan (capsule)"),
            CAPSULE_FILLERS,
        ),
        3.0,
    ),
    (
        Dosage(
            "Vegetable Capsule",
            "Vegetable Capsules",
            ("hypromellose (vegetable capsule)", "vegetable cellulose (capsule)"),
            CAPSULE_FILLERS,
        ),
        2.0,
    ),
    (
        Dosage("Veggie Capsule", "Veggie Capsules", ("hypromellose (capsule)",), CAPSULE_FILLERS),
        1.0,
    ),
    (Dosage("Tablet", "Tablets", (), TABLET_FILLERS), 3.0),
    (
        Dosage(
            "Softgel",
            "Softgels",
            ("gelatin", "glycerin", "purified water"),
            ("sunflower lecithin", "safflower oil", "beeswax"),
        ),
        0.7,
    ),
    (
        Dosage(
            "Gummy",
            "Gummies",
            (),
            (
                "glucose syrup",
                "sugar",
                "pectin",
                "citric acid",
                "natural flavors",
                "sodium citrate",
                "purple carrot juice (color)",
                "carnauba wax",
            ),
        ),
        0.7,
    ),
)

MARKS: tuple[Mark, ...] = (
    Mark("usp_verified", "USP", ("VERIFIED",)),
    Mark("nsf_certified_for_sport", "NSF", ("CERTIFIED", "FOR SPORT")),
    Mark("nsf_certified", "NSF", ("CERTIFIED",)),
    Mark("consumerlab_approved", "CL", ("APPROVED", "QUALITY")),
)
LOOKALIKES = (
    "Manufactured in a cGMP facility",
    "Made in a cGMP facility",
    "Lab tested",
    "Third-party lab tested",
    "USP grade",
    "Produced in an NSF GMP registered facility",
    "Made with magnesium oxide USP",
)

# Non-magnesium rows: (printed name, forms, unit, new DV, old DV, per-serving amounts).
# A DV of 0 means "not established" (the row prints the dagger).
Nutrient = tuple[str, tuple[str, ...], str, float, float, tuple[float, ...]]
NUTRIENTS: dict[str, Nutrient] = {
    n[0]: n
    for n in (
        ("Vitamin C", ("ascorbic acid", "calcium ascorbate"), "mg", 90, 60, (60, 90, 120, 250)),
        ("Vitamin E", ("d-alpha tocopheryl succinate",), "mg", 15, 0, (15, 20, 30)),
        ("Vitamin K", ("phytonadione", "menaquinone-7"), "mcg", 120, 80, (40, 80, 120)),
        ("Thiamin", ("thiamin mononitrate", "thiamin HCl"), "mg", 1.2, 1.5, (1.5, 5, 25)),
        ("Riboflavin", ("riboflavin",), "mg", 1.3, 1.7, (1.7, 5, 25)),
        ("Niacin", ("niacinamide",), "mg", 16, 20, (16, 20, 40)),
        ("Vitamin B6", ("pyridoxine HCl", "pyridoxal 5'-phosphate"), "mg", 1.7, 2, (2, 5, 10, 25)),
        ("Biotin", ("d-biotin",), "mcg", 30, 300, (30, 300, 1000)),
        ("Pantothenic Acid", ("d-calcium pantothenate",), "mg", 5, 10, (5, 10, 25)),
        ("Calcium", ("calcium carbonate", "calcium citrate"), "mg", 1300, 1000, (100, 200, 500)),
        ("Iodine", ("potassium iodide",), "mcg", 150, 150, (75, 150)),
        (
            "Zinc",
            ("zinc oxide", "zinc citrate", "zinc bisglycinate chelate"),
            "mg",
            11,
            15,
            (5, 11, 15),
        ),
        ("Selenium", ("L-selenomethionine", "sodium selenite"), "mcg", 55, 70, (55, 70, 100)),
        (
            "Copper",
            ("copper gluconate", "copper bisglycinate chelate"),
            "mg",
            0.9,
            2,
            (0.5, 0.9, 2),
        ),
        ("Manganese", ("manganese gluconate",), "mg", 2.3, 2, (1, 2, 2.3)),
        ("Chromium", ("chromium picolinate",), "mcg", 35, 120, (35, 120, 200)),
        ("Potassium", ("potassium citrate",), "mg", 4700, 3500, (50, 99)),
        ("Boron", ("boron citrate", "boron glycinate"), "mg", 0, 0, (1, 2, 3)),
    )
}
# Multivitamin rows in the FDA's order; the flag says the row is always there.
MULTI_ORDER: tuple[tuple[str, bool], ...] = (
    ("Vitamin C", False),
    ("Vitamin D", True),
    ("Vitamin E", False),
    ("Vitamin K", False),
    ("Thiamin", False),
    ("Riboflavin", False),
    ("Niacin", False),
    ("Vitamin B6", False),
    ("Folate", True),
    ("Vitamin B12", True),
    ("Biotin", False),
    ("Pantothenic Acid", False),
    ("Calcium", False),
    ("Iodine", False),
    ("Magnesium", True),
    ("Zinc", False),
    ("Selenium", False),
    ("Copper", False),
    ("Manganese", False),
    ("Chromium", False),
    ("Potassium", False),
)
BOTANICALS: tuple[tuple[str, tuple[float, ...], str], ...] = (
    ("L-Theanine", (100, 200), "mg"),
    ("GABA (gamma-aminobutyric acid)", (100, 250), "mg"),
    ("Chamomile (Matricaria chamomilla) flower extract", (50, 150, 250), "mg"),
    ("Valerian (Valeriana officinalis) root extract", (100, 200, 400), "mg"),
    ("Lemon Balm (Melissa officinalis) leaf extract", (100, 300), "mg"),
    ("Passionflower (Passiflora incarnata) aerial parts", (100, 250), "mg"),
    ("5-HTP (Griffonia simplicifolia) seed extract", (50, 100), "mg"),
    ("Glycine", (1, 3), "g"),
    ("Taurine", (250, 500), "mg"),
    ("Hops (Humulus lupulus) strobile extract", (30, 100), "mg"),
)
MOOD_HERBS: tuple[tuple[str, tuple[float, ...], str], ...] = (
    ("Ashwagandha (Withania somnifera) root extract", (300, 600), "mg"),
    ("St. John's Wort (Hypericum perforatum) aerial parts extract", (300, 450), "mg"),
    ("Turmeric (Curcuma longa) root extract", (250, 500), "mg"),
    ("Rhodiola (Rhodiola rosea) root extract", (100, 200), "mg"),
    ("L-Theanine", (100, 200), "mg"),
)
BLEND_NAMES = (
    "Sleep Support Blend",
    "Relaxation Blend",
    "Calm Blend",
    "Proprietary Blend",
    "Night Time Blend",
)
SLEEP_MEMBERS = (
    "Chamomile flower extract",
    "Valerian root extract",
    "L-Theanine",
    "GABA",
    "Lemon balm leaf",
    "Passionflower extract",
    "Hops flower",
    "Ashwagandha root extract",
)


@dataclass(frozen=True)
class Ctx:
    """Per-product choices every row builder needs."""

    era: str  # "new" or "old" Daily Values
    micro: str  # "mcg" or "µg"
    note: str  # footnote symbol for "Daily Value not established"
    commas: bool


def _unit(ctx: Ctx, unit: str) -> str:
    return ctx.micro if unit == "mcg" else unit


def _nutrient_row(ctx: Ctx, rng: Rng, nutrient: Nutrient, amount: float | None = None) -> Row:
    name, forms, unit, dv_new, dv_old, amounts = nutrient
    dv = dv_new if ctx.era == "new" else dv_old
    value = float(amount if amount is not None else pick(rng, amounts))
    form = pick(rng, forms)
    dose = Dose(value, unit, _unit(ctx, unit), dv or None)
    return Row(f"{name} (as {form})", name, (form,), dose, note=ctx.note)


def _simple_row(ctx: Ctx, rng: Rng, item: tuple[str, tuple[float, ...], str]) -> Row:
    name, amounts, unit = item
    return Row(
        name, name, (), Dose(float(pick(rng, amounts)), unit, _unit(ctx, unit)), note=ctx.note
    )


def _vitamin_d(ctx: Ctx, rng: Rng) -> Row:
    mcg = float(pick(rng, (10, 25, 25, 50, 125)))
    label = pick(rng, ("Vitamin D3 (as cholecalciferol)", "Vitamin D (as cholecalciferol)"))
    name = label.split(" (")[0]
    if ctx.era == "old":
        dose = Dose(mcg * 40, "IU", "IU", 400.0)
    elif chance(rng, 0.5):
        dose = Dose(mcg, "mcg", _unit(ctx, "mcg"), 20.0, 40.0, "IU")
    else:
        dose = Dose(mcg * 40, "IU", "IU", 800.0, 0.025, _unit(ctx, "mcg"))
    return Row(label, name, ("cholecalciferol",), dose, note=ctx.note)


def _folate(ctx: Ctx, rng: Rng) -> Row:
    if ctx.era == "old":
        dose = Dose(400.0, "mcg", _unit(ctx, "mcg"), 400.0)
        return Row("Folic Acid", "Folic Acid", (), dose, note=ctx.note)
    form = pick(
        rng, ("folic acid", "L-5-methyltetrahydrofolate calcium salt", "calcium L-methylfolate")
    )
    if form == "folic acid":
        # 1 mcg DFE = 0.6 mcg folic acid; labels print both ("667 mcg DFE (400 mcg folic acid)").
        acid = float(pick(rng, (240, 400, 800)))
        dfe = float(round(acid / 0.6))
        unit = f"{ctx.micro} folic acid"
        dose = Dose(dfe, "mcg", _unit(ctx, "mcg"), 400.0, acid / dfe, unit, "DFE")
    else:
        dfe = float(pick(rng, (400, 667, 1000, 1333)))
        dose = Dose(dfe, "mcg", _unit(ctx, "mcg"), 400.0, qualifier="DFE")
    return Row(f"Folate (as {form})", "Folate", (form,), dose, note=ctx.note)


def _b12(ctx: Ctx, rng: Rng) -> Row:
    form = pick(rng, ("methylcobalamin", "cyanocobalamin"))
    dv = 2.4 if ctx.era == "new" else 6.0
    dose = Dose(float(pick(rng, (6, 50, 100, 500, 1000))), "mcg", _unit(ctx, "mcg"), dv)
    return Row(f"Vitamin B12 (as {form})", "Vitamin B12", (form,), dose, note=ctx.note)


def _b6(ctx: Ctx, rng: Rng) -> Row:
    return _nutrient_row(ctx, rng, NUTRIENTS["Vitamin B6"])


def _mg_dose(ctx: Ctx, value: float) -> Dose:
    return Dose(value, "mg", "mg", MG_DV[ctx.era])


def _mg_as(ctx: Ctx, rng: Rng, form: MgForm, n: int) -> Row:
    """Magnesium (as <form>) with an elemental amount."""
    wording = pick(rng, form.printed)
    value = float(pick(rng, form.per_unit) * n)
    return Row(
        f"Magnesium (as {wording})", "Magnesium", (wording,), _mg_dose(ctx, value), note=ctx.note
    )


def _mg_from(ctx: Ctx, rng: Rng, form: MgForm) -> Row:
    """Magnesium (from 1,000 mg magnesium glycinate): elemental amount derived from a compound."""
    wording = pick(rng, form.printed)
    compound = float(pick(rng, COMPOUND_MG))
    value = float(round(compound * form.fraction))
    label = f"Magnesium (from {fmt_number(compound, ctx.commas)} mg {wording})"
    extra = (f"from: {plain_number(compound)} mg {wording}",)
    return Row(label, "Magnesium", (wording,), _mg_dose(ctx, value), note=ctx.note, extra=extra)


def _mg_multi(ctx: Ctx, rng: Rng, n: int, oxide_first: bool) -> Row:
    """Magnesium (as magnesium oxide, citrate and glycinate)."""
    others = [f.key for f in MG_FORMS if f.key not in ("oxide", "threonate", "hydroxide")]
    keys = sample(rng, others, int(rng.integers(2, 4)))
    if oxide_first:
        keys = ["oxide", *keys[:2]]
    short = chance(rng, 0.5)
    pieces = [f"magnesium {k}" if i == 0 or not short else k for i, k in enumerate(keys)]
    value = float(pick(rng, (100, 125, 200, 250)) * n)
    label = f"Magnesium (as {join_list(pieces, rng)})"
    return Row(label, "Magnesium", tuple(pieces), _mg_dose(ctx, value), note=ctx.note)


def _mg_compound(ctx: Ctx, rng: Rng, form: MgForm, with_elemental: bool) -> list[Row]:
    """Magnesium Glycinate 500 mg †: the salt's weight, no %DV; some labels first print the
    elemental amount it provides."""
    label = pick(rng, form.compound)
    compound = float(pick(rng, COMPOUND_MG))
    rows = [Row(label, label, (), Dose(compound, "mg", "mg"), note=ctx.note)]
    if with_elemental:
        wording = pick(rng, form.printed)
        dose = _mg_dose(ctx, float(round(compound * form.fraction)))
        rows.insert(
            0, Row(f"Magnesium (as {wording})", "Magnesium", (wording,), dose, note=ctx.note)
        )
    return rows


def _blend(
    ctx: Ctx,
    rng: Rng,
    name: str,
    members: Sequence[str],
    amounts: Sequence[float] | None,
    total: float | None = None,
) -> list[Row]:
    """A proprietary blend header and its members, indented or after a colon."""
    inline = amounts is None and chance(rng, 0.5)
    if total is None:
        total = float(sum(amounts)) if amounts else float(pick(rng, (250, 350, 450, 500, 750)))
    head = Row(
        name + (":" if inline else ""),
        name,
        (),
        Dose(total, "mg", "mg"),
        is_blend=True,
        members_inline=inline,
        note=ctx.note,
        extra=("is_blend",),
    )
    rows = [head]
    for i, member in enumerate(members):
        dose = Dose(float(amounts[i]), "mg", "mg") if amounts else None
        label = member + ("," if inline and i < len(members) - 1 else "")
        rows.append(
            Row(label, member, (), dose, blend=name, inline=inline, indent=1, note=ctx.note)
        )
    return rows


def _mg_complex(ctx: Ctx, rng: Rng) -> list[Row]:
    """'Magnesium 400 mg' then an oxide-led magnesium complex with undisclosed members."""
    value = float(pick(rng, (200, 250, 300, 400, 500)))
    lead = Row("Magnesium", "Magnesium", (), _mg_dose(ctx, value), note=ctx.note)
    # The salts weigh about twice their magnesium (oxide 60 %, the others far less).
    total = 50.0 * round(value / uniform_range(rng, 0.3, 0.5) / 50)
    others = ["citrate", "glycinate", "aspartate", "malate", "taurate", "lactate", "gluconate"]
    keys = ["oxide", *sample(rng, others, int(rng.integers(2, 4)))]
    members = [pick(rng, _FORMS[k].compound) for k in keys]
    name = pick(rng, ("Magnesium Complex", "Proprietary Magnesium Blend", "Magnesium Blend"))
    return [lead, *_blend(ctx, rng, name, members, None, total)]


def _mg_row(ctx: Ctx, rng: Rng, n: int, allowed: Sequence[str] | None = None) -> list[Row]:
    """The magnesium row of a product, in one of the ways labels print it."""
    keys = list(allowed) if allowed else [f.key for f in MG_FORMS]
    form = _FORMS[pick(rng, keys)]
    kind = weighted(rng, (("as", 6.0), ("from", 1.5), ("multi", 1.5), ("compound", 1.5)))
    if kind == "from":
        return [_mg_from(ctx, rng, form)]
    if kind == "multi" and allowed is None:
        return [_mg_multi(ctx, rng, n, chance(rng, 0.5))]
    if kind == "compound":
        return _mg_compound(ctx, rng, form, chance(rng, 0.4))
    return [_mg_as(ctx, rng, form, n)]


def _single(ctx: Ctx, rng: Rng, n: int) -> list[Row]:
    rows = _mg_row(ctx, rng, n)
    if chance(rng, 0.25):
        rows.append(_b6(ctx, rng))
    return rows


def _multi_form(ctx: Ctx, rng: Rng, n: int) -> list[Row]:
    rows = [_mg_multi(ctx, rng, n, chance(rng, 0.6))]
    if chance(rng, 0.3):
        rows.append(_b6(ctx, rng))
    return rows


def _compound(ctx: Ctx, rng: Rng, n: int) -> list[Row]:
    form = _FORMS[pick(rng, ("glycinate", "citrate", "malate", "taurate", "threonate", "orotate"))]
    return _mg_compound(ctx, rng, form, chance(rng, 0.35))


def _cal_mag_zinc(ctx: Ctx, rng: Rng, n: int) -> list[Row]:
    rows = [_vitamin_d(ctx, rng)] if chance(rng, 0.8) else []
    rows.append(_nutrient_row(ctx, rng, NUTRIENTS["Calcium"], pick(rng, (500, 600, 1000))))
    ox = _FORMS["oxide"]
    mg_form = ox if chance(rng, 0.6) else _FORMS[pick(rng, ("citrate", "aspartate"))]
    rows.append(_mg_as(ctx, rng, mg_form, 1))
    rows.append(_nutrient_row(ctx, rng, NUTRIENTS["Zinc"]))
    for extra in sample(rng, ("Copper", "Manganese", "Boron"), int(rng.integers(0, 3))):
        rows.append(_nutrient_row(ctx, rng, NUTRIENTS[extra]))
    return rows


def _sleep(ctx: Ctx, rng: Rng, n: int) -> list[Row]:
    rows = _mg_row(ctx, rng, n, ("glycinate", "citrate", "taurate", "threonate"))
    if chance(rng, 0.4):
        rows.append(_b6(ctx, rng))
    melatonin = float(pick(rng, (1, 3, 5, 10)))
    rows.append(Row("Melatonin", "Melatonin", (), Dose(melatonin, "mg", "mg"), note=ctx.note))
    if chance(rng, 0.5):
        members = sample(rng, SLEEP_MEMBERS, int(rng.integers(3, 6)))
        amounts = None
        if chance(rng, 0.3):
            amounts = [float(pick(rng, (25, 50, 75, 100, 150))) for _ in members]
        rows.extend(_blend(ctx, rng, pick(rng, BLEND_NAMES), members, amounts))
    else:
        for item in sample(rng, BOTANICALS, int(rng.integers(2, 5))):
            rows.append(_simple_row(ctx, rng, item))
    if chance(rng, 0.1):
        cfu = Dose(float(pick(rng, (1, 2, 5))) * 1e9, "CFU", "Billion CFU")
        name = "Lactobacillus acidophilus"
        rows.append(Row(name, name, (), cfu, note=ctx.note))
    return rows


def _mood(ctx: Ctx, rng: Rng, n: int) -> list[Row]:
    rows = _mg_row(ctx, rng, n, ("glycinate", "malate", "taurate", "citrate"))
    rows.append(_b6(ctx, rng))
    if chance(rng, 0.6):
        rows.append(_b12(ctx, rng))
    for item in sample(rng, MOOD_HERBS, int(rng.integers(2, 4))):
        rows.append(_simple_row(ctx, rng, item))
    return rows


def _multivitamin(ctx: Ctx, rng: Rng, n: int) -> list[Row]:
    rows = []
    for name, always in MULTI_ORDER:
        if not always and not chance(rng, 0.55):
            continue
        if name == "Vitamin D":
            rows.append(_vitamin_d(ctx, rng))
        elif name == "Folate":
            rows.append(_folate(ctx, rng))
        elif name == "Vitamin B12":
            rows.append(_b12(ctx, rng))
        elif name == "Magnesium":
            form = _FORMS[pick(rng, ("oxide", "oxide", "citrate", "glycinate"))]
            value = float(pick(rng, (25, 50, 100)))
            wording = form.printed[0]
            label = f"Magnesium (as {wording})"
            dose = _mg_dose(ctx, value)
            rows.append(Row(label, "Magnesium", (wording,), dose, note=ctx.note))
        else:
            rows.append(_nutrient_row(ctx, rng, NUTRIENTS[name]))
    return rows


def _complex(ctx: Ctx, rng: Rng, n: int) -> list[Row]:
    return _mg_complex(ctx, rng)


TEMPLATES = (
    ("single_form", _single, 30.0),
    ("multi_form", _multi_form, 10.0),
    ("compound_named", _compound, 10.0),
    ("magnesium_complex", _complex, 10.0),
    ("cal_mag_zinc", _cal_mag_zinc, 12.0),
    ("sleep", _sleep, 15.0),
    ("mood", _mood, 5.0),
    ("multivitamin", _multivitamin, 8.0),
)


_SYNONYMS = (
    ("magnesium stearate", "vegetable magnesium stearate"),
    ("silica", "silicon dioxide"),
    ("stearic acid", "vegetable stearic acid"),
)


def _other_ingredients(rng: Rng, dosage: Dosage) -> tuple[str, ...]:
    shell = [pick(rng, dosage.shell)] if dosage.shell else []
    if dosage.singular == "Softgel":
        shell = list(dosage.shell)
    fillers = sample(rng, dosage.fillers, int(rng.integers(1, 5)))
    # One spelling per excipient: labels don't list "silica" and "silicon dioxide" together.
    for a, b in _SYNONYMS:
        if a in fillers and b in fillers:
            fillers.remove(b)
    items = shell + fillers if chance(rng, 0.5) else fillers + shell
    return tuple(dict.fromkeys(items))


def _footnotes(ctx: Ctx, rows: Sequence[Row], rng: Rng) -> tuple[str, ...]:
    notes = []
    has_dv = any(r.dose is not None and r.dose.dv_ref for r in rows)
    if ctx.note == "†" and has_dv and chance(rng, 0.6):
        notes.append("* Percent Daily Values are based on a 2,000 calorie diet.")
    if any(dv_text(r, r.dose.value) == ctx.note for r in rows if r.dose is not None):
        notes.append(f"{ctx.note} Daily Value not established.")
    return tuple(notes)


def _serving(rng: Rng, n: int, dosage: Dosage) -> tuple[str, str]:
    noun = dosage.singular if n == 1 else dosage.plural
    units = pick(rng, (30, 60, 90, 120, 180, 240))
    servings = units // n
    exact = servings * n == units
    spc = str(servings) if exact and chance(rng, 0.85) else f"About {servings}"
    return f"{n} {noun}", spc


def _divides(rows: Sequence[Row], n: int) -> bool:
    """Per-unit amounts print as short numbers (labels don't print '3.33 mcg')."""
    for row in rows:
        if row.dose is None:
            continue
        values = [row.dose.value / n]
        if row.dose.alt_factor is not None:
            values.append(values[0] * row.dose.alt_factor)
        if any(abs(v * 10 - round(v * 10)) > 1e-6 for v in values):
            return False
    return True


def sample_product(rng: Rng) -> Product:
    """One plausible magnesium product label."""
    template, build, _ = weighted(rng, [((t, f, w), w) for t, f, w in TEMPLATES])
    dosage = weighted(rng, DOSAGES)
    n = int(weighted(rng, ((1, 3.0), (2, 4.0), (3, 1.5), (4, 0.5))))
    if template == "cal_mag_zinc":
        n = 3
    ctx = Ctx(
        era="new" if chance(rng, 0.8) else "old",
        micro="µg" if chance(rng, 0.12) else "mcg",
        note="†" if chance(rng, 0.75) else "*",
        commas=chance(rng, 0.8),
    )
    rows = tuple(build(ctx, rng, n))
    columns: tuple[str, ...] = ()
    if n > 1 and chance(rng, 0.25) and len(rows) <= 12 and _divides(rows, n):
        columns = (f"Per 1 {dosage.singular}", f"Per {n} {dosage.plural}")
    serving_size, spc = _serving(rng, n, dosage)
    marks = tuple(sample(rng, MARKS, int(weighted(rng, ((0, 5.5), (1, 3.5), (2, 1.0))))))
    if {m.id for m in marks} >= {"nsf_certified", "nsf_certified_for_sport"}:
        marks = tuple(m for m in marks if m.id != "nsf_certified")
    lookalikes = tuple(sample(rng, LOOKALIKES, int(weighted(rng, ((0, 5.0), (1, 4.0), (2, 1.0))))))
    return Product(
        template=template,
        serving_size=serving_size,
        servings_per_container=spc,
        units_per_serving=n,
        unit_singular=dosage.singular,
        columns=columns,
        rows=rows,
        footnotes=_footnotes(ctx, rows, rng),
        other_label=pick(rng, ("Other ingredients:", "Other Ingredients:", "OTHER INGREDIENTS:")),
        other_ingredients=_other_ingredients(rng, dosage),
        marks=marks,
        lookalikes=lookalikes,
        commas=ctx.commas,
    )


def amount_text(dose: Dose, value: float, commas: bool) -> str:
    """'25 mcg (1,000 IU)', '680 mcg DFE (400 mcg folic acid)', '2 Billion CFU'."""
    if dose.unit == "CFU":
        return f"{fmt_number(value / 1e9, commas)} {dose.printed_unit}"
    text = f"{fmt_number(value, commas)} {dose.printed_unit}"
    if dose.qualifier:
        text += f" {dose.qualifier}"
    if dose.alt_factor is not None:
        text += f" ({fmt_number(value * dose.alt_factor, commas)} {dose.alt_unit})"
    return text


def printed_value(dose: Dose, value: float) -> float:
    """The amount as the label prints it (rounded the way fmt_number rounds)."""
    if dose.unit == "CFU":
        return float(fmt_number(value / 1e9, False)) * 1e9
    return float(fmt_number(value, False))


def dv_text(row: Row, value: float | None) -> str:
    """The %DV cell: '48%', the footnote symbol, or nothing for undisclosed members."""
    dose = row.dose
    if dose is None or value is None:
        return ""
    if dose.dv_ref:
        return f"{dv_round(value, dose.dv_ref):,.0f}%"
    return row.note


def cells(product: Product, row: Row) -> list[tuple[str, str]]:
    """(amount, %DV) as printed in each amount column."""
    factors = [1.0 / product.units_per_serving, 1.0] if product.columns else [1.0]
    out = []
    for f in factors:
        if row.dose is None:
            out.append(("", ""))
            continue
        value = row.dose.value * f
        out.append((amount_text(row.dose, value, product.commas), dv_text(row, value)))
    return out


TruthValue = str | float | None | list[str] | list[int]


def truth_row(product: Product, row: Row) -> dict[str, TruthValue]:
    """The facts a reader should extract from one row (bbox is added by the caller)."""
    dose = row.dose
    extra = list(row.extra)
    dv: float | None = None
    # With two amount columns the truth is the first (per unit), as the contract's `amount`;
    # the full serving goes to `extra`.
    first = 1.0 / product.units_per_serving if product.columns else 1.0
    value = dose.value * first if dose is not None else None
    if dose is not None:
        if dose.dv_ref:
            dv = dv_round(dose.value * first, dose.dv_ref)
        elif row.note:
            extra.append(f"dv_note: {row.note}")
        if dose.alt_factor is not None:
            alt_unit = dose.alt_unit.replace("µg", "mcg")
            extra.append(f"alt: {plain_number(dose.value * dose.alt_factor)} {alt_unit}")
        if dose.qualifier:
            extra.append(f"qualifier: {dose.qualifier}")
        if product.columns:
            amount, pct = cells(product, row)[-1]
            extra.append(f"column: {product.columns[-1]}: {amount} {pct}".rstrip())
    return {
        "name": row.name,
        "forms_text": list(row.forms_text),
        "amount": printed_value(dose, value) if dose is not None and value is not None else None,
        "unit": dose.unit if dose else None,
        "dv_percent": dv,
        "blend": row.blend,
        "extra": extra,
    }
