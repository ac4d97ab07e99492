"""A reviewer's merge patch applied to a product's current result, and the diff kept of it."""

from __future__ import annotations

from typing import Any

from app.problems import InvalidRequestError
from app.schemas.products import ProductPatch
from app.services.ingredients import derive, unknown_forms
from catalog.models import Ingredient, ScanResult

CORRECTED_FLAG = "reviewer_corrected"


def apply_patch(result: ScanResult, patch: ProductPatch) -> ScanResult:
    """A corrected copy of `result` (rows re-derived, not yet re-checked or re-scored)."""
    out = result.model_copy(deep=True)
    if patch.panel is not None:
        for field in patch.panel.model_fields_set:
            setattr(out.panel, field, getattr(patch.panel, field))
        if "kind" in patch.panel.model_fields_set and patch.panel.kind is None:
            out.panel.kind = "unknown"
    if patch.other_ingredients is not None:
        out.other_ingredients = list(patch.other_ingredients)

    deleted: set[int] = set()
    for key, change in (patch.ingredients or {}).items():
        index = int(key)
        if index >= len(out.ingredients):
            raise InvalidRequestError(
                f"ingredients.{key}: no such row (the label has {len(out.ingredients)} rows)"
            )
        if change is None:
            deleted.add(index)
            continue
        ing = out.ingredients[index]
        explicit = set(change.model_fields_set)
        if change.forms is not None and (bad := unknown_forms(change.forms)):
            raise InvalidRequestError(f"ingredients.{key}.forms: unknown form ids {bad}")
        for field in explicit:
            value = getattr(change, field)
            if field in ("forms", "forms_text") and value is None:
                value = []
            if field == "name" and value is None:
                raise InvalidRequestError(f"ingredients.{key}.name: a row needs a name")
            setattr(ing, field, value)
        if CORRECTED_FLAG not in ing.flags:
            ing.flags.append(CORRECTED_FLAG)
        derive(ing, explicit)
    out.ingredients = [ing for i, ing in enumerate(out.ingredients) if i not in deleted]

    for n, row in enumerate(patch.add_ingredients or ()):
        if bad := unknown_forms(row.forms):
            raise InvalidRequestError(f"add_ingredients.{n}.forms: unknown form ids {bad}")
        ing = Ingredient(**row.model_dump(exclude_unset=True, exclude={"basis"}))
        if row.basis is not None:
            ing.basis = row.basis
        ing.flags.append(CORRECTED_FLAG)
        derive(ing, set(row.model_fields_set))
        out.ingredients.append(ing)
    return out


def json_diff(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    """Changes between two JSON values as [{path, from, to}] with JSON-pointer paths; a value
    that appears or disappears has `from` or `to` null."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[dict[str, Any]] = []
        for key in [*before, *(k for k in after if k not in before)]:
            sub = f"{path}/{_escape(str(key))}"
            changes += json_diff(before.get(key), after.get(key), sub)
        return changes
    if isinstance(before, list) and isinstance(after, list):
        changes = []
        for i in range(max(len(before), len(after))):
            old = before[i] if i < len(before) else None
            new = after[i] if i < len(after) else None
            changes += json_diff(old, new, f"{path}/{i}")
        return changes
    if before == after:
        return []
    return [{"path": path or "/", "from": before, "to": after}]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
