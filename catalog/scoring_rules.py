"""The scoring rules of ``data/scoring.yaml`` as typed models, loaded and validated once.

Same pattern as knowledge.py: the data file holds every weight, threshold and cap with its
sources, this module checks that the numbers hang together (weights sum to 100, grades descend,
cited sources exist), and score.py only reads the result.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from catalog.knowledge import UNSOURCED, YAML_LOADER, SourceIds, knowledge
from catalog.profile import GiSensitivity, Medication

Component = Literal[
    "form", "dose", "certification", "coingredients", "transparency", "blend", "confidence"
]
COMPONENTS: tuple[Component, ...] = (
    "form", "dose", "certification", "coingredients", "transparency", "blend", "confidence",
)  # fmt: skip
Grade = Literal["A", "B", "C", "D", "E", "F"]
GRADES: tuple[Grade, ...] = ("A", "B", "C", "D", "E", "F")
Tier = Literal["good", "adequate", "manufacturer_data_only", "uncertain", "low", "none"]
MarkKind = Literal["content_verification", "banned_substances", "lifestyle", "none"]
FigureKind = Literal["sourced", "heuristic", "industry", "unsourced"]
# A share or a points value: 0..1.
Unit01 = Annotated[float, Field(ge=0, le=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Strict):
    """A threshold with where it comes from. `kind` says how far to trust it."""

    value: float = Field(gt=0)
    low: float | None = Field(default=None, gt=0)
    kind: FigureKind
    note: str
    sources: SourceIds

    @model_validator(mode="after")
    def _kind_matches_sources(self) -> Figure:
        if (self.kind == "unsourced") != (self.sources == [UNSOURCED]):
            raise ValueError("a figure is `unsourced` exactly when its sources are [unsourced]")
        return self


class FormRules(_Strict):
    tier_points: dict[Tier, Unit01]
    unknown_form_points: Unit01
    first_listed_share: Unit01
    oxide_led_first_share: Unit01
    gi_sensitive_high_risk_factor: Unit01

    @model_validator(mode="after")
    def _every_tier(self) -> FormRules:
        missing = set(Tier.__args__) - set(self.tier_points)  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"tier_points lacks {sorted(missing)}")
        return self


class DoseRules(_Strict):
    low_daily_points_at_zero: Unit01
    above_ul_points: Unit01
    above_ul_zero_at_multiple: float = Field(gt=1)
    unknown_amount_points: Unit01
    kidney_above_ul_points: Unit01
    gi_single_dose_penalty: dict[GiSensitivity, Unit01]


class Thresholds(_Strict):
    supplemental_ul_mg_per_day: Figure
    gi_single_dose_mg: Figure
    split_dose_mg: Figure
    low_daily_mg: Figure


class TransparencyRules(_Strict):
    elemental: Unit01
    unknown_basis: Unit01
    estimated: Unit01
    compound_no_estimate: Unit01
    not_stated: Unit01


class Penalties(_Strict):
    penalties: dict[str, Unit01]


class CertificationRules(_Strict):
    points: dict[MarkKind, Unit01]


class ConfidenceRules(_Strict):
    clear_at: Unit01


class Cap(_Strict):
    grade: Grade
    why: str


class Caps(_Strict):
    avoid_interaction: Cap
    ask_team_interaction: Cap
    above_ul: Cap
    no_magnesium: Cap


class MedicationRule(_Strict):
    hours: float = Field(gt=0)
    kind: FigureKind
    advice: str
    note: str | None = None
    sources: SourceIds


class KidneyRule(_Strict):
    sources: SourceIds


class ScoringRules(_Strict):
    version: int
    weights: dict[Component, int]
    grades: dict[Grade, int]
    form: FormRules
    dose: DoseRules
    thresholds: Thresholds
    transparency: TransparencyRules
    blend: Penalties
    coingredients: Penalties
    certification: CertificationRules
    confidence: ConfidenceRules
    caps: Caps
    default_medications: list[Medication]
    medications: dict[Medication, MedicationRule]
    kidney: KidneyRule

    @model_validator(mode="after")
    def _consistent(self) -> ScoringRules:
        if set(self.weights) != set(COMPONENTS) or sum(self.weights.values()) != 100:
            raise ValueError(f"weights must name {COMPONENTS} and sum to 100")
        cutoffs = [self.grades[g] for g in GRADES[:-1] if g in self.grades]
        if len(cutoffs) != len(GRADES) - 1 or cutoffs != sorted(cutoffs, reverse=True):
            raise ValueError("grades A..E need descending lowest values (F is the rest)")
        if len(set(cutoffs)) != len(cutoffs) or cutoffs[-1] <= 0 or cutoffs[0] > 100:
            raise ValueError("grade cut-offs must be distinct and within 1..100")
        if set(self.certification.points) != set(MarkKind.__args__):  # type: ignore[attr-defined]
            raise ValueError("certification points must cover every mark kind and `none`")
        if set(self.coingredients.penalties) != {"avoid", "ask_team", "info"}:
            raise ValueError("co-ingredient penalties must cover avoid, ask_team and info")
        if set(self.dose.gi_single_dose_penalty) != {"none", "sensitive", "constipation"}:
            raise ValueError("gi_single_dose_penalty must cover every gi setting")
        if not set(self.default_medications) <= set(self.medications):
            raise ValueError("default_medications must have advice in `medications`")
        for med, rule in self.medications.items():
            if (rule.kind == "unsourced") != (rule.sources == [UNSOURCED]):
                raise ValueError(f"{med}: `unsourced` exactly when its sources are [unsourced]")
        split = self.thresholds.split_dose_mg
        if split.low is None or split.low > split.value:
            raise ValueError("split_dose_mg needs low <= value")
        return self

    def source_ids(self) -> list[str]:
        """Every source id the rules cite."""
        t = self.thresholds
        figures = (
            t.supplemental_ul_mg_per_day,
            t.gi_single_dose_mg,
            t.split_dose_mg,
            t.low_daily_mg,
        )
        ids = [s for f in figures for s in f.sources]
        ids += [s for m in self.medications.values() for s in m.sources]
        return ids + list(self.kidney.sources)

    def grade_for(self, value: int) -> Grade:
        for grade in GRADES[:-1]:
            if value >= self.grades[grade]:
                return grade
        return "F"

    def highest_value_for(self, grade: Grade) -> int:
        """The largest value that still gets `grade` (100 for A)."""
        index = GRADES.index(grade)
        return 100 if index == 0 else self.grades[GRADES[index - 1]] - 1


def load_scoring_rules() -> ScoringRules:
    """Reads and validates scoring.yaml against the catalog's sources."""
    text = resources.files("catalog").joinpath("data/scoring.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=YAML_LOADER)
    if not isinstance(data, dict):
        raise ValueError("catalog/data/scoring.yaml must hold a mapping")
    rules = ScoringRules.model_validate(data)
    known = knowledge().sources
    missing = sorted({s for s in rules.source_ids() if s not in known})
    if missing:
        raise ValueError(f"scoring.yaml cites unknown source ids: {missing}")
    return rules


@functools.cache
def scoring_rules() -> ScoringRules:
    """The process-wide rules, loaded on first use."""
    return load_scoring_rules()
