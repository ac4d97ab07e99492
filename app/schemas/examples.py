"""Example payloads shown in the OpenAPI spec and on /docs (also used by the browser test)."""

from __future__ import annotations

from typing import Any

LABEL_TEXT = (
    "Supplement Facts\n"
    "Serving Size 2 Capsules\n"
    "Amount Per Serving %Daily Value\n"
    "Magnesium (as magnesium bisglycinate chelate) 200 mg 48%\n"
    "Other ingredients: hypromellose (capsule), microcrystalline cellulose."
)

PROFILE: dict[str, Any] = {
    "medications": ["tacrolimus"],
    "organ": "kidney",
    "gi": "sensitive",
    "servings_per_day": 1,
}

INGREDIENT: dict[str, Any] = {
    "name": "Magnesium",
    "forms": ["magnesium_glycinate"],
    "forms_text": ["magnesium bisglycinate chelate"],
    "flags": [],
    "amount": 200.0,
    "unit": "mg",
    "dv_percent": 48.0,
    "basis": "elemental",
    "elemental_mg": 200.0,
    "compound_mg": None,
    "blend": None,
    "confidence": 0.88,
    "bbox": [412, 380, 610, 44],
    "text": "Magnesium (as magnesium bisglycinate chelate) 200 mg 48%",
}

RESULT: dict[str, Any] = {
    "panel": {
        "kind": "supplement_facts",
        "serving_size": "2 capsules",
        "servings_per_container": "60",
        "confidence": 0.91,
    },
    "ingredients": [INGREDIENT],
    "other_ingredients": ["hypromellose (capsule)", "microcrystalline cellulose"],
    "marks": [{"id": "usp_verified", "text": "USP VERIFIED", "confidence": 0.8}],
    "warnings": [],
    "interactions": [],
    "score": {
        "value": 74,
        "grade": "B",
        "components": {"form": 0.9, "dose": 0.8},
        "explanations": ["Glycinate is a well-absorbed, gentle form (+18)."],
        "advice": ["Take it at least two hours apart from tacrolimus."],
    },
    "quality": {"ok": True, "retake": False, "reasons": []},
}

STRUCTURED_LABEL: dict[str, Any] = {
    "panel": {"kind": "supplement_facts", "serving_size": "2 capsules"},
    "ingredients": [
        {
            "name": "Magnesium",
            "forms": ["magnesium_glycinate"],
            "amount": 200,
            "unit": "mg",
            "dv_percent": 48,
        }
    ],
    "other_ingredients": ["hypromellose (capsule)"],
    "marks": ["USP Verified"],
}
