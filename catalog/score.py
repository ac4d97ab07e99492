"""Label + profile -> an explained score.

`score_label` rates a parsed, checked label (catalog.label.read_text) for a transplant recipient:
seven components, each 0..1 and weighted by ``data/scoring.yaml``, summed to 0..100, then capped
(an ingredient to avoid or to clear with the transplant team, a daily amount above the upper
limit, no magnesium at all). Every point gained or lost comes with one plain sentence (`Note`);
the advice flags and explains and never names a dose.

The functions below are pure: they read the result and the rules and return new values.
`score_label` alone writes, filling `result.score` and the two warnings that depend on the daily
amount, so the same label scored twice gives the same result.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from catalog.directions import Directions, read_directions
from catalog.knowledge import Form
from catalog.lexicon import Lexicon, lexicon
from catalog.models import Ingredient, Interaction, Mark, ScanResult, Score, Warning
from catalog.profile import Profile
from catalog.scoring_rules import COMPONENTS, Component, Grade, ScoringRules, scoring_rules

__all__ = [
    "Assessment", "Note", "ScoreDetail", "assess", "explain", "score_label", "servings_per_day",
    "with_daily_warnings",
]  # fmt: skip

MAGNESIUM = "magnesium"
OXIDE = "magnesium_oxide"
DAILY_WARNINGS = ("above_supplemental_ul", "gi_single_dose")
# Words the explanations use for each component.
LABELS: dict[Component, str] = {
    "form": "form",
    "dose": "amount",
    "certification": "testing seal",
    "coingredients": "other ingredients",
    "transparency": "labelling",
    "blend": "blends",
    "confidence": "reading the label",
}
# Components scored by taking points off a full score; their starting sentence is shown only
# when nothing was taken off (the losses explain themselves).
DEDUCTED: frozenset[Component] = frozenset({"coingredients", "blend"})
_NO_PROFILE = Profile()  # frozen, so one is shared
_AUTHOR_YEAR = re.compile(r"^([a-z]+)_(\d{4})$")
# A sentence, or how to write it: the numbers never wait for the words, and a caller that
# wants only the numbers (a batch of a million products) never pays for them.
Text = str | Callable[[], str]


@dataclass(frozen=True, slots=True)
class Note:
    """One sentence of the explanation. `delta` is the share of the component (0..1) it adds
    (positive) or takes off (negative); None for context that moves no points. `base` marks the
    sentence that states what the component starts from."""

    say: Text
    delta: float | None = None
    base: bool = False

    @property
    def text(self) -> str:
        return self.say if isinstance(self.say, str) else self.say()


@dataclass(frozen=True, slots=True)
class Part:
    value: float
    notes: tuple[Note, ...]


def _part(notes: Iterable[Note]) -> Part:
    """A component from its notes: the value is the sum of their deltas, kept within 0..1."""
    kept = tuple(notes)
    total = sum([n.delta for n in kept if n.delta is not None])
    return Part(min(1.0, max(0.0, total)), kept)


@dataclass(frozen=True, slots=True)
class MgRow:
    """A magnesium row of the panel (or the ingredient list standing in for one)."""

    index: int | None
    ing: Ingredient
    forms: tuple[str, ...]  # magnesium sources, excipients dropped
    forms_from_list: bool = False  # the forms come from the ingredient list, not the panel


@dataclass(frozen=True, slots=True)
class Intake:
    """How much magnesium the label directs, and how the servings a day were found."""

    per_serving: float | None
    servings_per_day: float
    servings_per_dose: float
    basis: str  # profile | directions | default
    directions: Directions | None

    @property
    def daily(self) -> float | None:
        return None if self.per_serving is None else self.per_serving * self.servings_per_day

    @property
    def per_dose(self) -> float | None:
        return None if self.per_serving is None else self.per_serving * self.servings_per_dose


@dataclass(frozen=True, slots=True)
class ScoreDetail:
    """Everything `score_label` decides, before it is written into the result."""

    score: Score
    parts: dict[Component, Part]
    raw_total: float  # before rounding and caps
    warnings: tuple[Warning, ...]
    intake: Intake | None


# ------------------------------------------------------------------------------------ helpers


def _mg(value: float) -> str:
    """200 -> "200", 70.5 -> "70.5", 1500 -> "1,500"."""
    rounded = round(value)
    return f"{rounded:,}" if abs(value - rounded) < 0.05 else f"{value:,.1f}"


def _whole(value: float) -> int:
    """Rounded half up, after dropping float noise (1,500 x 0.141 is 211.49999... in binary)."""
    return math.floor(round(value, 6) + 0.5)


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2g}"


def _points(value: float) -> str:
    return f"{round(value, 1):g}"


def _cite(source_ids: Sequence[str]) -> str:
    """ "Firoz 2001" from the first author-year source id, or "" when there is none."""
    for sid in source_ids:
        if m := _AUTHOR_YEAR.match(sid):
            return f"{m.group(1).capitalize()} {m.group(2)}"
    return ""


def _sentence(text: str, cite: str = "") -> str:
    body = text.strip().rstrip(".")
    return f"{body} ({cite})." if cite else f"{body}."


def _servings(n: float) -> str:
    return f"{_num(n)} serving{'' if n == 1 else 's'}"


def _names(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# ------------------------------------------------------------------------ magnesium rows


def _sources(lex: Lexicon, forms: Iterable[str]) -> tuple[str, ...]:
    """Magnesium forms that supply magnesium: an excipient such as magnesium stearate never
    counts toward the magnesium row (FDA labeling guide Q10, knowledge.md §5a)."""
    return tuple(f for f in forms if not (f in lex.forms and lex.forms[f].excipient))


def list_forms(lex: Lexicon, result: ScanResult) -> tuple[str, ...]:
    """Magnesium forms named in the ingredient list: a panel may name the source there instead
    of in the row (21 CFR 101.36(d); Nutrition Facts panels always do)."""
    if not result.other_ingredients:
        return ()
    found: list[str] = []
    for text in result.other_ingredients:
        named = lex.salt_named(text)
        if named and named[0] == MAGNESIUM and named[1] in lex.forms and named[1] not in found:
            found.append(named[1])
    return _sources(lex, found)


def magnesium_rows(lex: Lexicon, result: ScanResult) -> list[MgRow]:
    rows: list[tuple[int, Ingredient, tuple[str, ...]]] = []
    for i, ing in enumerate(result.ingredients):  # one loop: this runs for every label
        if ing.nutrient == MAGNESIUM and (not ing.is_blend or ing.basis == "elemental"):
            forms = _sources(lex, ing.forms)
            if forms or not ing.forms:  # a row whose only forms are excipients is no source
                rows.append((i, ing, forms))
    listed = list_forms(lex, result)
    if not rows:
        if not listed:
            return []
        stand_in = Ingredient(name="Magnesium (ingredient list)", nutrient=MAGNESIUM)
        return [MgRow(None, stand_in, listed, forms_from_list=True)]
    panel_forms = tuple(f for _, _, forms in rows for f in forms)
    out: list[MgRow] = []
    for i, ing, forms in rows:
        if forms:
            out.append(MgRow(i, ing, forms))
        elif panel_forms:  # "Magnesium 144 mg" beside "Magnesium L-Threonate 2,000 mg"
            out.append(MgRow(i, ing, tuple(dict.fromkeys(panel_forms))))
        else:
            out.append(MgRow(i, ing, listed, forms_from_list=bool(listed)))
    return out


def counted_rows(rows: Sequence[MgRow]) -> list[MgRow]:
    """The rows that carry the magnesium amount. 21 CFR 101.36(b)(2): the mineral's own row
    declares the total, so when one states elemental magnesium, rows giving a salt's weight
    ("Magnesium L-Threonate 2,000 mg") restate the same magnesium and are not added."""
    elemental = [r for r in rows if r.ing.basis == "elemental" and r.ing.elemental_mg is not None]
    if elemental:
        return elemental
    return [r for r in rows if r.ing.elemental_mg is not None]


def _row_weights(rows: Sequence[MgRow]) -> list[float]:
    amounts = [r.ing.elemental_mg or 0.0 for r in rows]
    total = sum(amounts)
    if total <= 0:
        return [1.0 / len(rows)] * len(rows)
    return [a / total for a in amounts]


# ------------------------------------------------------------------------------- intake


def servings_per_day(
    result: ScanResult, profile: Profile
) -> tuple[float, float, str, Directions | None]:
    """(servings a day, servings per dose, basis, directions): the profile's figure first, then
    the label's directions, else one serving."""
    if profile.servings_per_day is not None:
        return profile.servings_per_day, 1.0, "profile", None
    directions = read_directions(result.unparsed, result.panel.serving_count)
    if directions is not None and 0 < directions.servings_per_day <= 24:
        return directions.servings_per_day, directions.servings_per_dose, "directions", directions
    return 1.0, 1.0, "default", None


def intake(result: ScanResult, profile: Profile, rows: Sequence[MgRow]) -> Intake:
    counted = counted_rows(rows)
    per_serving = sum(r.ing.elemental_mg or 0.0 for r in counted) if counted else None
    per_day, per_dose, basis, directions = servings_per_day(result, profile)
    return Intake(per_serving, per_day, per_dose, basis, directions)


# --------------------------------------------------------------------------------- form


def _tier_points(rules: ScoringRules, lex: Lexicon, form_id: str) -> float:
    form = lex.forms.get(form_id)
    if form is None:
        return rules.form.unknown_form_points
    return rules.form.tier_points[form.absorption.tier]


def _form_sentence(form: Form) -> str:
    cite = _cite(form.absorption.sources)
    fraction = form.absorption.fractional_absorption
    if fraction is not None:
        return _sentence(f"{form.name}: only about {fraction * 100:g}% of it is absorbed", cite)
    return f"{form.name}. {_sentence(form.absorption.note, cite)}"


def _form_name(lex: Lexicon, form_id: str) -> str:
    form = lex.forms.get(form_id)
    return form.name if form else form_id.replace("_", " ")


def _buffered_share(lex: Lexicon, ing: Ingredient, form_id: str) -> float | None:
    """The share of the stated magnesium the named salt can hold; the rest is taken as oxide
    (knowledge.md §1b: buffered glycinate is glycinate mixed with magnesium oxide)."""
    form = lex.forms.get(form_id)
    fraction = form.estimate_fraction if form else None
    if fraction is None or not ing.compound_mg or not ing.elemental_mg:
        return None
    return min(1.0, ing.compound_mg * fraction / ing.elemental_mg)


def _row_form_points(rules: ScoringRules, lex: Lexicon, row: MgRow) -> float:
    """The form points (0..1) of one magnesium row, before any profile loss."""
    forms = row.forms
    if not forms or forms[0] not in lex.forms:
        return rules.form.unknown_form_points
    lead = forms[0]
    if len(forms) == 1:
        points = _tier_points(rules, lex, lead)
        share = _buffered_share(lex, row.ing, lead) if "likely_buffered" in row.ing.flags else None
        if share is not None and share < 1:
            points = share * points + (1 - share) * _tier_points(rules, lex, OXIDE)
        return points
    first = rules.form.oxide_led_first_share if lead == OXIDE else rules.form.first_listed_share
    rest_share = (1 - first) / (len(forms) - 1)
    shares = [first] + [rest_share] * (len(forms) - 1)
    return sum(s * _tier_points(rules, lex, f) for s, f in zip(shares, forms, strict=True))


def _row_form_text(rules: ScoringRules, lex: Lexicon, row: MgRow) -> str:
    """The sentence for `_row_form_points`, following the same cases."""
    forms = row.forms
    if not forms:
        return (
            "The label does not say which form of magnesium this is, so how well it is "
            "absorbed is uncertain."
        )
    lead = forms[0]
    listed = _names([_form_name(lex, f).lower() for f in forms])
    prefix = (
        f"The panel does not name the form; the ingredient list names {listed}. "
        if row.forms_from_list
        else ""
    )
    if lead not in lex.forms:
        return (
            f"{prefix}{_form_name(lex, lead).capitalize()}: a form we have no absorption data for."
        )
    if len(forms) == 1:
        text = prefix + _form_sentence(lex.forms[lead])
        share = _buffered_share(lex, row.ing, lead) if "likely_buffered" in row.ing.flags else None
        if share is not None and share < 1:
            held = _whole((row.ing.compound_mg or 0) * (lex.forms[lead].estimate_fraction or 0))
            rest = _whole(row.ing.elemental_mg or 0) - held
            text = (
                f"Buffered: {_mg(row.ing.compound_mg or 0)} mg of {lex.forms[lead].name.lower()} "
                f"holds only about {held:,} mg of magnesium, so the other {rest:,} mg is "
                "probably magnesium oxide, which is poorly absorbed. " + text
            )
        return text
    first = rules.form.oxide_led_first_share if lead == OXIDE else rules.form.first_listed_share
    names = [_form_name(lex, f).lower() for f in forms]
    return (
        f"{prefix}A mix of forms ({_names(names)}) without the amount of each; the first "
        f"listed, {names[0]}, usually supplies the most, so it counts for "
        f"{first * 100:g}% of this part. " + _form_sentence(lex.forms[lead])
    )


def _row_form(
    rules: ScoringRules, lex: Lexicon, row: MgRow, profile: Profile
) -> tuple[float, Text, list[tuple[Text, float]]]:
    """(points 0..1, the sentence for them, [(sentence, points lost)]) for one magnesium row."""
    points = _row_form_points(rules, lex, row)
    losses: list[tuple[Text, float]] = []
    form = lex.forms.get(row.forms[0]) if row.forms else None
    tolerance = form.tolerance if form is not None else None
    if profile.gi == "sensitive" and tolerance is not None and tolerance.gi_risk == "high":
        loss = points * (1 - rules.form.gi_sensitive_high_risk_factor)
        said = f"You said your stomach is sensitive: {tolerance.note}"
        losses.append((partial(_sentence, said), loss))
    return points, partial(_row_form_text, rules, lex, row), losses


def form_part(rules: ScoringRules, lex: Lexicon, rows: Sequence[MgRow], profile: Profile) -> Part:
    scored = counted_rows(rows) or list(rows)
    notes: list[Note] = []
    for row, weight in zip(scored, _row_weights(scored), strict=True):
        points, text, losses = _row_form(rules, lex, row, profile)
        notes.append(Note(text, weight * points, base=True))
        notes += [Note(t, -weight * loss) for t, loss in losses]
    return _part(notes)


# --------------------------------------------------------------------------------- dose


def _amount_points(rules: ScoringRules, daily: float, profile: Profile) -> tuple[float, Text]:
    ul = rules.thresholds.supplemental_ul_mg_per_day.value
    low = rules.thresholds.low_daily_mg.value
    d = rules.dose
    if daily > ul:
        if profile.organ == "kidney":
            return d.kidney_above_ul_points, partial(_amount_text, "kidney", daily, ul)
        multiple = d.above_ul_zero_at_multiple
        points = d.above_ul_points * (multiple * ul - daily) / ((multiple - 1) * ul)
        return max(0.0, points), partial(_amount_text, "over", daily, ul)
    if daily < low:
        at_zero = d.low_daily_points_at_zero
        points = at_zero + (1 - at_zero) * daily / low
        return points, partial(_amount_text, "low", daily, low)
    return 1.0, partial(_amount_text, "within", daily, ul)


def _amount_text(case: str, daily: float, limit: float) -> str:
    """The sentence for each case of `_amount_points`; `limit` is the figure it is judged by."""
    if case == "low":
        return _sentence(
            f"{_mg(daily)} mg of magnesium a day is a small amount (under {_mg(limit)} mg)"
        )
    if case == "within":
        return _sentence(
            f"{_mg(daily)} mg of magnesium a day is within the {_mg(limit)} mg upper limit for "
            "magnesium from supplements"
        )
    over = (
        f"{_mg(daily)} mg of magnesium a day is above the {_mg(limit)} mg upper limit for "
        "magnesium from supplements; too much causes diarrhoea"
    )
    if case == "kidney":
        over += ", and magnesium builds up in the body when kidney function is reduced"
    return _sentence(over)


def _intake_note(intake: Intake) -> Note:
    return Note(partial(_intake_text, intake))


def _intake_text(intake: Intake) -> str:
    n = intake.servings_per_day
    if intake.basis == "profile":
        return f"Counted at {_servings(n)} a day, as set in your profile."
    if intake.basis == "directions" and intake.directions is not None:
        printed = intake.directions.text
        text = f'Counted at {_servings(n)} a day, from the label\'s directions ("{printed}").'
        if intake.directions.ranged:
            text += " The directions give a range, so the upper end is used."
        if intake.directions.frequency_assumed:
            text += " They do not say how often, so once a day is assumed."
        return text
    return "No directions could be read, so one serving a day is assumed."


def dose_part(rules: ScoringRules, intake: Intake, profile: Profile) -> Part:
    daily, per_dose = intake.daily, intake.per_dose
    if daily is None or per_dose is None:
        return _part([
            Note(
                "The label does not say how much magnesium a serving gives.",
                rules.dose.unknown_amount_points,
                base=True,
            )
        ])  # fmt: skip
    points, text = _amount_points(rules, daily, profile)
    notes = [_intake_note(intake), Note(text, points, base=True)]
    gi = rules.thresholds.gi_single_dose_mg.value
    if per_dose >= gi:
        penalty = min(points, rules.dose.gi_single_dose_penalty[profile.gi])
        notes.append(Note(partial(_single_dose_text, per_dose, gi, profile), -penalty))
    return _part(notes)


def _single_dose_text(per_dose: float, gi: float, profile: Profile) -> str:
    text = (
        f"One dose gives {_mg(per_dose)} mg of magnesium at once; {_mg(gi)} mg or more at "
        "once may cause loose stools (a rule of thumb, not a measured limit)"
    )
    if profile.gi == "sensitive":
        text += ", and you said your stomach is sensitive"
    elif profile.gi == "constipation":
        text += "; you said you tend to be constipated, so this costs nothing"
    return _sentence(text)


# ------------------------------------------------------------------------- transparency


def _row_transparency(rules: ScoringRules, row: MgRow) -> tuple[float, str]:
    t, ing = rules.transparency, row.ing
    if ing.amount is None:
        return t.not_stated, "The label does not say how much magnesium is in a serving."
    if ing.basis == "compound":
        compound = _mg(ing.compound_mg or ing.amount)
        if ing.elemental_mg is None:
            return t.compound_no_estimate, (
                f"The label gives only the weight of the compound ({compound} mg), and how much "
                "magnesium it holds is unknown."
            )
        if "dv_suggests_compound" in ing.flags:
            return t.estimated, (
                f"The printed % Daily Value only fits if {compound} mg is the weight of the whole "
                f"compound, so we estimated about {_mg(ing.elemental_mg)} mg of magnesium."
            )
        return t.estimated, (
            f"The label gives only the weight of {ing.name} ({compound} mg), not the magnesium in "
            f"it; we estimated about {_mg(ing.elemental_mg)} mg from the usual magnesium "
            "content of that form."
        )
    if ing.basis == "elemental":
        return t.elemental, "The label states the amount of magnesium itself."
    return t.unknown_basis, (
        f"It is not clear whether {_mg(ing.amount)} {ing.unit or ''} is the magnesium itself or "
        "the whole compound."
    ).replace("  ", " ")


def transparency_part(rules: ScoringRules, rows: Sequence[MgRow]) -> Part:
    """The least clear row decides: one unclear amount leaves the total unclear."""
    scored = counted_rows(rows) or list(rows)
    points, text = min((_row_transparency(rules, r) for r in scored), key=lambda pt: pt[0])
    return _part([Note(text, points, base=True)])


# -------------------------------------------------------------------------------- blend


_NO_BLEND = "No blend hides how much magnesium or of each ingredient it holds."
_NO_INTERACTION = (
    "None of its ingredients is on our list of those that interact with transplant medicines."
)


@functools.cache
def _full_part(text: str) -> Part:
    """A component at full points with nothing taken off: what most labels of a database get
    for blends and co-ingredients, made once (parts are frozen)."""
    return _part([Note(text, 1.0, base=True)])


def blend_part(rules: ScoringRules, result: ScanResult) -> Part:
    penalties = rules.blend.penalties
    losses = [
        Note(partial(_sentence, w.message), -penalty)
        for w in result.warnings
        if (penalty := penalties.get(w.id))
    ]
    if not losses:
        return _full_part(_NO_BLEND)
    return _clamped([Note(_NO_BLEND, 1.0, base=True), *losses])


def _clamped(notes: list[Note]) -> Part:
    """Applies losses in order, never below 0; a loss with nothing left to take costs 0."""
    kept: list[Note] = []
    left = 0.0
    for n in notes:
        if n.delta is not None and n.delta < 0:
            taken = min(-n.delta, left)
            left -= taken
            kept.append(Note(n.say, -taken))
        else:
            left += n.delta or 0.0
            kept.append(n)
    return _part(kept)


# ----------------------------------------------------------------------- co-ingredients


def _display(name: str) -> str:
    """A co-ingredient's name inside a sentence: "melatonin", but "St John's wort"."""
    first = name.split()[0]
    keep = first in {"St", "Saint"} or (len(first) > 1 and first[1].isupper())
    return name if keep else name[0].lower() + name[1:]


def _named(lex: Lexicon, result: ScanResult, severity: str) -> list[str]:
    """Names of the flagged co-ingredients of one severity, in the result's order."""
    out: list[str] = []
    for x in result.interactions:
        co = lex.coingredients.get(x.id)
        if x.severity == severity:
            out.append(_display(co.name) if co else x.id.replace("_", " "))
    return out


def _interaction_text(lex: Lexicon, x: Interaction, profile: Profile) -> str:
    """The explanation sentence for one interaction."""
    co = lex.coingredients.get(x.id)
    if co is None:
        return _sentence(x.message)
    text = f"Contains {_display(co.name)}: {co.reason.strip()}"
    if x.severity == "avoid":
        text = _sentence(text) + " Do not take it unless your transplant team approves."
    elif x.severity == "ask_team":
        text = _sentence(text) + " Ask your transplant team first."
    else:
        text = _sentence(text)
    yours = [m for m in profile.medications if m in co.applies_to]
    if yours:
        text += f" This concerns {_names(yours)}, which you take."
    return text


def coingredients_part(
    rules: ScoringRules, lex: Lexicon, result: ScanResult, profile: Profile
) -> Part:
    if not result.interactions:
        return _full_part(_NO_INTERACTION)
    notes = [Note(_NO_INTERACTION, 1.0, base=True)]
    for x in result.interactions:
        text = partial(_interaction_text, lex, x, profile)
        notes.append(Note(text, -rules.coingredients.penalties[x.severity]))
    return _clamped(notes)


# ----------------------------------------------------------------------- certification


_MARK_ORDER = ("content_verification", "banned_substances", "lifestyle")


def _mark_kind(lex: Lexicon, mark_id: str, kind: str | None) -> str:
    if kind:
        return kind
    found = next((m for m in lex.k.marks if m.id == mark_id), None)
    return found.kind if found else "none"


def _lookalike_notes(lex: Lexicon, phrases: Sequence[str]) -> list[Note]:
    notes: list[Note] = []
    seen: set[str] = set()
    for phrase in phrases:
        for la in lex.k.lookalikes:
            if la.id in seen or not any(re.search(p, phrase) for p in la.patterns):
                continue
            seen.add(la.id)
            notes.append(Note(f'"{phrase}" is not a certification: {la.reason.strip()}', 0.0))
            break
    return notes


@functools.lru_cache(maxsize=16)
def _unsealed_part(points: float) -> Part:
    """The part of a label without any seal or look-alike phrase (most labels), made once."""
    return _part([Note(_certification_text(lexicon(), "none", []), points, base=True)])


def certification_part(rules: ScoringRules, lex: Lexicon, result: ScanResult) -> Part:
    if not result.marks and not result.lookalikes:
        return _unsealed_part(rules.certification.points["none"])
    by_kind: dict[str, list[Mark]] = {}
    for mark in result.marks:
        by_kind.setdefault(_mark_kind(lex, mark.id, mark.kind), []).append(mark)
    best = next((k for k in _MARK_ORDER if k in by_kind), "none")
    points = rules.certification.points[best]  # type: ignore[index]
    text = partial(_certification_text, lex, best, by_kind.get(best, []))
    return _part([Note(text, points, base=True), *_lookalike_notes(lex, result.lookalikes)])


def _certification_text(lex: Lexicon, best: str, marks: Sequence[Mark]) -> str:
    names = {m.id: m.name for m in lex.k.marks}
    named = _names([names.get(m.id, m.text) for m in marks])
    if best == "content_verification":
        return (
            f"{named}: an independent lab checks that it holds what the label says, without "
            "harmful levels of contaminants."
        )
    if best == "banned_substances":
        return (
            f"{named}: tested for substances banned in sport, but not for how much magnesium it "
            "holds or for contaminants."
        )
    if best == "lifestyle":
        return (
            f"{named} says how it is made or sourced, not that an independent lab checked what "
            "is in it, so it earns no points."
        )
    return "No independent testing seal (such as USP Verified, NSF Certified or the CL Seal)."


# ------------------------------------------------------------------------- confidence


def confidence_part(rules: ScoringRules, result: ScanResult, rows: Sequence[MgRow]) -> Part:
    if result.quality.retake:
        return _part([Note(partial(_retake_text, result), 0.0, base=True)])
    level = result.panel.confidence  # the lowest of the panel's and its rows'
    for r in rows:
        if r.index is not None and r.ing.confidence < level:
            level = r.ing.confidence
    if level >= rules.confidence.clear_at:
        return _clear_part(level)
    return _part([Note(partial(_unclear_text, level), level, base=True)])


@functools.lru_cache(maxsize=256)
def _clear_part(level: float) -> Part:
    """Made once per level: a structured row is always read at 1.0, and OCR levels repeat."""
    return _part([Note("The label was read clearly.", level, base=True)])


def _retake_text(result: ScanResult) -> str:
    reasons = ", ".join(r.replace("_", " ") for r in result.quality.reasons) or "unclear"
    return f"The photo should be retaken ({reasons}), so these figures may be wrong."


def _unclear_text(level: float) -> str:
    return (
        f"Parts of the label were hard to read ({level * 100:.0f}% confidence), so the "
        "figures may be off; a sharper photo would help."
    )


# ------------------------------------------------------------------------------- advice


def _lead_form(lex: Lexicon, rows: Sequence[MgRow]) -> Form | None:
    scored = counted_rows(rows) or list(rows)
    if not scored:
        return None
    main = max(scored, key=lambda r: r.ing.elemental_mg or 0.0)
    return lex.forms.get(main.forms[0]) if main.forms else None


def _form_advice(lex: Lexicon, rows: Sequence[MgRow], profile: Profile) -> list[str]:
    lead = _lead_form(lex, rows)
    if lead is None:
        return []
    name = lead.name.lower()
    gi_risk = lead.tolerance.gi_risk if lead.tolerance else "unknown"
    if lead.absorption.tier == "low":
        if profile.gi == "sensitive":
            return [
                f"Ask your transplant team about a glycinate form instead: {name} is poorly "
                "absorbed and often loosens stools, while glycinate was better tolerated in a "
                "study."
            ]
        if profile.gi == "constipation":
            return [
                f"Ask your transplant team about a citrate form instead: it is better absorbed "
                f"than {name} and, like it, has a mild laxative effect."
            ]
        return [
            f"Ask your transplant team about a glycinate or citrate form instead: {name} is "
            "poorly absorbed."
        ]
    if profile.gi == "sensitive" and gi_risk in ("high", "moderate"):
        return [
            f"If {name} upsets your stomach, ask your transplant team about a glycinate form: "
            "it was better tolerated in a study."
        ]
    if profile.gi == "constipation" and lead.id == "magnesium_citrate":
        return [
            "Magnesium citrate draws water into the gut and has a mild laxative effect; ask your "
            "transplant team before relying on it for constipation."
        ]
    if profile.gi == "constipation" and gi_risk == "low":
        return [f"{lead.name} rarely loosens stools, so do not expect it to ease constipation."]
    return []


def _medication_advice(rules: ScoringRules, profile: Profile) -> list[str]:
    listed = profile.medications or rules.default_medications
    out = []
    for med, rule in rules.medications.items():
        if med in listed:
            text = " ".join(rule.advice.split()).replace("{hours}", _num(rule.hours))
            out.append(text)
    return out


def _split_advice(rules: ScoringRules, intake: Intake) -> list[str]:
    daily, per_dose = intake.daily, intake.per_dose
    split = rules.thresholds.split_dose_mg
    gi = rules.thresholds.gi_single_dose_mg.value
    if daily is None or per_dose is None or (daily <= split.value and per_dose < gi):
        return []
    doses = max(2, math.ceil(daily / split.value))
    return [
        f"Split the daily amount ({_mg(daily)} mg) into {doses} doses taken at different times: "
        f"the gut takes up magnesium best in doses of up to about {_mg(split.low or split.value)}"
        f"-{_mg(split.value)} mg (an industry estimate), and smaller doses are gentler on the "
        "stomach."
    ]


def advice(
    rules: ScoringRules,
    lex: Lexicon,
    result: ScanResult,
    profile: Profile,
    rows: Sequence[MgRow],
    intake: Intake | None,
) -> list[str]:
    out: list[str] = []
    avoid, ask = _named(lex, result, "avoid"), _named(lex, result, "ask_team")
    if avoid:
        out.append(
            f"Do not take this product unless your transplant team approves: it contains "
            f"{_names(avoid)}."
        )
    if ask:
        out.append(f"Ask your transplant team before taking it: it contains {_names(ask)}.")
    if not rows or intake is None:
        out.append("This product supplies no magnesium; it is not a magnesium supplement.")
        return out + _retake_advice(result)
    ul = rules.thresholds.supplemental_ul_mg_per_day.value
    daily = intake.daily
    if daily is not None and daily > ul:
        if profile.organ == "kidney":
            out.append(
                "Ask your transplant team before taking it: magnesium builds up in the body when "
                f"kidney function is reduced, and this product gives {_mg(daily)} mg a day."
            )
        out.append(
            f"At the label's amount this gives {_mg(daily)} mg of magnesium a day, more than the "
            f"{_mg(ul)} mg a day upper limit for magnesium from supplements; ask your transplant "
            "team whether this amount is right for you."
        )
    out += _split_advice(rules, intake)
    out += _medication_advice(rules, profile)
    out += _form_advice(lex, rows, profile)
    if any(w.id == "compound_weight_only" for w in result.warnings):
        out.append(
            "The label gives only the weight of the compound; ask the maker or your pharmacist "
            "how much magnesium one serving provides."
        )
    return out + _retake_advice(result)


def _retake_advice(result: ScanResult) -> list[str]:
    if not result.quality.retake:
        return []
    reasons = ", ".join(r.replace("_", " ") for r in result.quality.reasons) or "unclear"
    return [f"Take another photo of the Supplement Facts panel ({reasons})."]


# ------------------------------------------------------------------------------ warnings


def daily_warnings(rules: ScoringRules, rows: Sequence[MgRow], intake: Intake) -> list[Warning]:
    daily, per_dose = intake.daily, intake.per_dose
    counted = counted_rows(rows)
    if daily is None or per_dose is None or not counted:
        return []
    index = max(counted, key=lambda r: r.ing.elemental_mg or 0.0).index
    out: list[Warning] = []
    ul = rules.thresholds.supplemental_ul_mg_per_day.value
    if daily > ul:
        out.append(Warning(
            id="above_supplemental_ul", ingredient=index,
            message=(f"At {_servings(intake.servings_per_day)} a day this gives {_mg(daily)} mg "
                     f"of magnesium a day, above the {_mg(ul)} mg upper limit for magnesium from "
                     "supplements; diarrhoea is usually the first sign of too much."),
        ))  # fmt: skip
    gi = rules.thresholds.gi_single_dose_mg.value
    if per_dose >= gi:
        out.append(Warning(
            id="gi_single_dose", ingredient=index,
            message=(f"One dose gives {_mg(per_dose)} mg of magnesium at once; {_mg(gi)} mg or "
                     "more at once may cause loose stools (a rule of thumb, not a measured "
                     "limit)."),
        ))  # fmt: skip
    return out


# ------------------------------------------------------------------------------- totals


_NO_MAGNESIUM = (
    "This product supplies no magnesium, so it earns no points for the form, amount or "
    "labelling of magnesium."
)


@functools.cache
def _no_magnesium_parts() -> dict[Component, Part]:
    """The same for every label without magnesium (parts are frozen; callers copy the dict)."""
    return {
        "form": _part([Note(_NO_MAGNESIUM, 0.0, base=True)]),
        "dose": _part([]),
        "transparency": _part([]),
    }


def _cap(
    rules: ScoringRules, lex: Lexicon, result: ScanResult, intake: Intake | None
) -> tuple[Grade, Text] | None:
    """The lowest grade cap that applies, with its reason in plain words."""
    caps: list[tuple[Grade, Text]] = []
    severities = {x.severity for x in result.interactions} if result.interactions else ()
    if "avoid" in severities:
        caps.append((rules.caps.avoid_interaction.grade, partial(_cap_named, lex, result, "avoid")))
    if "ask_team" in severities:
        caps.append(
            (rules.caps.ask_team_interaction.grade, partial(_cap_named, lex, result, "ask_team"))
        )
    ul = rules.thresholds.supplemental_ul_mg_per_day.value
    daily = intake.daily if intake is not None else None
    if daily is not None and daily > ul:
        reason = f"{_mg(daily)} mg a day is above the {_mg(ul)} mg upper limit for supplements"
        caps.append((rules.caps.above_ul.grade, reason))
    if intake is None:
        caps.append((rules.caps.no_magnesium.grade, "it supplies no magnesium"))
    if len(caps) < 2:
        return caps[0] if caps else None
    return max(caps, key=lambda c: "ABCDEF".index(c[0]))


def _cap_named(lex: Lexicon, result: ScanResult, severity: str) -> str:
    named = _names(_named(lex, result, severity))
    if severity == "avoid":
        return f"it contains {named}, which transplant teams advise against"
    return f"it contains {named}, to check with your transplant team first"


def _render(component: Component, part: Part, weight: int) -> list[str]:
    losses = any(n.delta is not None and n.delta < 0 for n in part.notes)
    out: list[str] = []
    for n in part.notes:
        if n.delta is None:
            out.append(n.text)
        elif n.base:
            if component in DEDUCTED and losses:
                continue
            out.append(
                f"{n.text} ({_points(n.delta * weight)} of {weight} points for {LABELS[component]})"
            )
        elif round(n.delta * weight, 1) < 0:
            out.append(f"{n.text} (-{_points(-n.delta * weight)} points)")
        else:
            out.append(f"{n.text} (no points lost)")
    return out


@dataclass(frozen=True, slots=True)
class Assessment:
    """The numbers of a score, without its words: what `explain` writes its sentences about,
    and all a caller that shows no sentences (the batch) needs."""

    parts: dict[Component, Part]
    raw_total: float  # before rounding and caps
    value: int  # rounded, capped
    grade: Grade
    cap: tuple[Grade, Text] | None  # the cap that lowered the value, if one did
    rows: tuple[MgRow, ...]
    intake: Intake | None
    warnings: tuple[Warning, ...]


def assess(result: ScanResult, profile: Profile | None = None) -> Assessment:
    """Scores a label without changing it and without writing any sentence. `explain` is this
    plus the sentences, so the two can never disagree on a number."""
    rules, lex = scoring_rules(), lexicon()
    profile = profile or _NO_PROFILE
    rows = magnesium_rows(lex, result)
    amounts = intake(result, profile, rows) if rows else None
    parts: dict[Component, Part] = {}
    if rows and amounts is not None:
        parts["form"] = form_part(rules, lex, rows, profile)
        parts["dose"] = dose_part(rules, amounts, profile)
        parts["transparency"] = transparency_part(rules, rows)
    else:
        parts.update(_no_magnesium_parts())
    parts["blend"] = blend_part(rules, result)
    parts["coingredients"] = coingredients_part(rules, lex, result, profile)
    parts["certification"] = certification_part(rules, lex, result)
    parts["confidence"] = confidence_part(rules, result, rows)

    weights = rules.weights
    raw = sum([weights[c] * parts[c].value for c in COMPONENTS])
    value = max(0, min(100, math.floor(raw + 0.5)))
    cap = _cap(rules, lex, result, amounts)
    if cap is not None and value > rules.highest_value_for(cap[0]):
        value = rules.highest_value_for(cap[0])
    else:
        cap = None
    warnings = tuple(daily_warnings(rules, rows, amounts)) if amounts is not None else ()
    grade = rules.grade_for(value)
    return Assessment(parts, raw, value, grade, cap, tuple(rows), amounts, warnings)


def explain(result: ScanResult, profile: Profile | None = None) -> ScoreDetail:
    """Scores a label without changing it: `assess`, with every point explained."""
    rules, lex = scoring_rules(), lexicon()
    profile = profile or _NO_PROFILE
    a = assess(result, profile)
    parts = a.parts
    explanations = [t for c in COMPONENTS for t in _render(c, parts[c], rules.weights[c])]
    if a.cap is not None:
        grade, reason = a.cap
        said = reason if isinstance(reason, str) else reason()
        explanations.append(f"Capped at {a.value} points (grade {grade} at best) because {said}.")
    score = Score(
        value=a.value,
        grade=a.grade,
        components={c: round(parts[c].value, 4) for c in COMPONENTS},
        explanations=explanations,
        advice=advice(rules, lex, result, profile, a.rows, a.intake),
    )
    return ScoreDetail(score, parts, a.raw_total, a.warnings, a.intake)


def with_daily_warnings(result: ScanResult, warnings: Sequence[Warning]) -> list[Warning]:
    """The label's warnings with the daily-amount ones replaced by `warnings` (what
    `score_label` writes, so scoring twice never repeats one)."""
    return [w for w in result.warnings if w.id not in DAILY_WARNINGS] + list(warnings)


def score_label(result: ScanResult, profile: Profile | None = None) -> ScanResult:
    """Fills `result.score` and the warnings that depend on the daily amount
    (above_supplemental_ul, gi_single_dose); returns the same object."""
    detail = explain(result, profile)
    result.warnings = with_daily_warnings(result, detail.warnings)
    result.score = detail.score
    return result
