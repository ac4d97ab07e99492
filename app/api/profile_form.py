"""A patient profile from multipart form fields (scans and batch uploads carry files, so their
profile cannot be a JSON body)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from catalog.profile import Profile


def profile_from_form(
    medications: Iterable[str] | None,
    organ: str | None,
    gi: str | None,
    servings: float | None = None,
) -> Profile | None:
    """Medications repeated or comma-separated; None when no field was sent. A bad value is a
    422 pointing at its form field, like any other body error."""
    meds = [m.strip() for field in medications or () for m in field.split(",") if m.strip()]
    if not meds and organ is None and gi is None and servings is None:
        return None
    data: dict[str, object] = {"medications": meds}
    if organ:
        data["organ"] = organ
    if gi:
        data["gi"] = gi
    if servings is not None:
        data["servings_per_day"] = servings
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        ) from exc
