"""The catalog's knowledge: typed models of the data files, loaded and validated once.

Every figure a pharmacist might question (an elemental fraction, a Daily Value, an absorption
tier, a severity) carries `sources`: ids from ``data/sources.yaml``. A figure we could not source
says so with the reserved id ``unsourced`` rather than by leaving the list empty.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

UNSOURCED = "unsourced"

SnakeId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
SourceIds = Annotated[list[str], Field(min_length=1)]
Unit = Literal["mg", "mcg", "g", "IU", "kcal", "kJ", "CFU", "mL"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A citation. `status` follows the knowledge base's tags: verified [V], recalled [R],
    computed [C]; `unsourced` is reserved for the one placeholder entry."""

    citation: str
    url: str | None = None
    status: Literal["verified", "recalled", "computed", "unsourced"]
    note: str | None = None


class AtomicWeight(_Strict):
    symbol: str
    weight: float


class FormulaVariant(_Strict):
    """One chemical form of a salt (hydrate states differ a lot: MgCl2 is 25.5% Mg, the
    hexahydrate sold in supplements 12.0%)."""

    formula: str
    hydrate: str
    elemental_fraction: float = Field(gt=0, le=1)
    sources: SourceIds
    note: str | None = None


class Absorption(_Strict):
    tier: Literal["low", "good", "adequate", "uncertain", "manufacturer_data_only", "none"]
    note: str
    fractional_absorption: float | None = Field(default=None, gt=0, le=1)
    sources: SourceIds


class Tolerance(_Strict):
    gi_risk: Literal["high", "moderate", "low", "unknown"]
    note: str
    sources: SourceIds


class RatioLimit(_Strict):
    """The elemental/compound weight ratio a true salt can have; above `max` the raw material
    holds something richer in the mineral (usually oxide)."""

    min: float | None = Field(default=None, gt=0, le=1)
    max: float = Field(gt=0, le=1)
    sources: SourceIds


class Form(_Strict):
    id: SnakeId
    mineral: SnakeId
    name: str
    synonyms: list[str] = Field(min_length=1)
    brands: list[str] = []
    # The first variant is the one used to estimate elemental mg from a compound weight.
    variants: list[FormulaVariant] = []
    estimate_note: str | None = None
    plausible_ratio: RatioLimit | None = None
    absorption: Absorption
    tolerance: Tolerance | None = None
    excipient: bool = False

    @property
    def estimate_fraction(self) -> float | None:
        return self.variants[0].elemental_fraction if self.variants else None


class Salt(_Strict):
    """An anion or ligand word that composes `<mineral>_<id>` for minerals the catalog has no
    chemistry for (copper, manganese, chromium, ...), as FORMS.md's naming pattern says."""

    id: SnakeId
    words: list[str] = Field(min_length=1)


class DailyValue(_Strict):
    amount: float = Field(gt=0)
    unit: Unit
    qualifier: str | None = None
    sources: SourceIds


class UnitRatio(_Strict):
    value: float = Field(gt=0)
    sources: SourceIds


class Nutrient(_Strict):
    id: SnakeId
    name: str
    kind: Literal["vitamin", "mineral", "macronutrient", "energy", "other"]
    synonyms: list[str] = Field(min_length=1)
    # Words that name the mineral inside a compound ("cupric oxide", "ferrous fumarate").
    compound_words: list[str] = []
    dv: DailyValue | None = None
    dv_pre2020: DailyValue | None = None
    # International units per mcg, for a vitamin whose IU is a fixed mass (vitamin D's).
    iu_per_mcg: UnitRatio | None = None


class Mark(_Strict):
    id: SnakeId
    name: str
    certifier: str
    kind: Literal["content_verification", "banned_substances", "lifestyle"]
    patterns: list[str] = Field(min_length=1)
    sources: SourceIds


class LookAlike(_Strict):
    id: SnakeId
    patterns: list[str] = Field(min_length=1)
    reason: str
    sources: SourceIds


class CoIngredient(_Strict):
    id: SnakeId
    name: str
    names: list[str] = Field(min_length=1)
    severity: Literal["avoid", "ask_team", "info"]
    reason: str
    applies_to: list[str] = Field(min_length=1)
    sources: SourceIds


Phrase = Annotated[str, StringConstraints(pattern=r"^[a-z]+( [a-z]+)*$")]


class DirectionsSectionEnds(_Strict):
    also: list[Phrase] = []
    not_: list[Phrase] = Field(default=[], alias="not")


class SectionEnds(_Strict):
    """Phrases that open another section of a label (data/sections.yaml): the panel parser's
    list, and how the directions reader's differs from it."""

    phrases: list[Phrase] = Field(min_length=1)
    directions: DirectionsSectionEnds = DirectionsSectionEnds()

    @property
    def for_directions(self) -> list[str]:
        dropped = set(self.directions.not_)
        return [p for p in self.phrases if p not in dropped] + self.directions.also

    @model_validator(mode="after")
    def _check_lists(self) -> SectionEnds:
        _no_duplicates("section-end phrase", self.phrases + self.directions.also)
        strays = sorted(set(self.directions.not_) - set(self.phrases))
        if strays:
            raise ValueError(f"directions.not names phrases missing from phrases: {strays}")
        return self


class PanelEnds(_Strict):
    """Phrases that show a facts panel whole at its top (its heading) and at its bottom (what
    closes the table), for the photo-quality check (data/panel_ends.yaml)."""

    top: list[Phrase] = Field(min_length=1)
    bottom: list[Phrase] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_lists(self) -> PanelEnds:
        _no_duplicates("panel-end phrase", self.top + self.bottom)
        return self


class Knowledge(_Strict):
    version: str
    sources: dict[str, Source]
    atomic_weights: list[AtomicWeight]
    forms: list[Form]
    salts: list[Salt]
    nutrients: list[Nutrient]
    marks: list[Mark]
    lookalikes: list[LookAlike]
    coingredients: list[CoIngredient]
    section_ends: SectionEnds
    panel_ends: PanelEnds

    @model_validator(mode="after")
    def _check_references(self) -> Knowledge:
        if UNSOURCED not in self.sources or self.sources[UNSOURCED].status != "unsourced":
            raise ValueError(f"sources.yaml must define the reserved id {UNSOURCED!r}")
        missing = sorted({s for s in _all_source_ids(self) if s not in self.sources})
        if missing:
            raise ValueError(f"unknown source ids: {missing}")
        _no_duplicates("form id", [f.id for f in self.forms])
        _no_duplicates("nutrient id", [n.id for n in self.nutrients])
        _no_duplicates("mark id", [m.id for m in self.marks])
        _no_duplicates("co-ingredient id", [c.id for c in self.coingredients])
        minerals = {n.id for n in self.nutrients if n.kind == "mineral"}
        strays = sorted({f.mineral for f in self.forms} - minerals)
        if strays:
            raise ValueError(f"forms name minerals missing from nutrients.yaml: {strays}")
        for pattern in [p for m in self.marks for p in m.patterns] + [
            p for la in self.lookalikes for p in la.patterns
        ]:
            re.compile(pattern)
        return self


def _no_duplicates(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    dupes = sorted({i for i in ids if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
    if dupes:
        raise ValueError(f"duplicate {what}: {dupes}")


def _all_source_ids(k: Knowledge) -> list[str]:
    ids: list[str] = []
    for f in k.forms:
        ids += [s for v in f.variants for s in v.sources] + f.absorption.sources
        if f.tolerance:
            ids += f.tolerance.sources
        if f.plausible_ratio:
            ids += f.plausible_ratio.sources
    for n in k.nutrients:
        for dv in (n.dv, n.dv_pre2020):
            if dv:
                ids += dv.sources
        if n.iu_per_mcg:
            ids += n.iu_per_mcg.sources
    for m in k.marks:
        ids += m.sources
    for la in k.lookalikes:
        ids += la.sources
    for c in k.coingredients:
        ids += c.sources
    return ids


DATA_FILES = (
    "sources",
    "elements",
    "forms",
    "nutrients",
    "marks",
    "coingredients",
    "sections",
    "panel_ends",
)


# libyaml's safe loader when PyYAML was built with it: the same data, read about ten times
# faster (the pure-Python one took 0.15 s of every start, a visible share of a short batch).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(name: str) -> dict[str, Any]:
    text = resources.files("catalog").joinpath(f"data/{name}.yaml").read_text(encoding="utf-8")
    loaded = yaml.load(text, Loader=YAML_LOADER)
    if not isinstance(loaded, dict):
        raise ValueError(f"catalog/data/{name}.yaml must hold a mapping")
    return loaded


def load_knowledge() -> Knowledge:
    """Reads and validates every data file. Raises pydantic.ValidationError on bad data."""
    merged: dict[str, Any] = {}
    versions = []
    for name in DATA_FILES:
        data = _read(name)
        versions.append(f"{name}@{data.pop('version')}")
        merged.update(data)
    merged["version"] = ",".join(versions)
    return Knowledge.model_validate(merged)


@functools.cache
def knowledge() -> Knowledge:
    """The process-wide catalog, loaded on first use."""
    return load_knowledge()
