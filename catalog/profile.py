"""Who the score is for: the medicines, organ and sensitivities that change the score and the
advice. Every field is optional; no profile means a general transplant recipient."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Medication = Literal[
    "tacrolimus",
    "cyclosporine",
    "sirolimus",
    "everolimus",
    "mycophenolate",
    "proton_pump_inhibitor",
    "levothyroxine",
    "calcium",
    "iron",
]
Organ = Literal["kidney", "liver", "heart", "lung"]
GiSensitivity = Literal["none", "sensitive", "constipation"]


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    medications: list[Medication] = Field(default_factory=list)
    organ: Organ | None = None
    gi: GiSensitivity = "none"
    # How many servings a day the person takes; None: the label's directions, else one.
    servings_per_day: float | None = Field(default=None, gt=0, le=24)
