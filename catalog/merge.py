"""Several photos of one product -> one result.

A user photographs the back (the panel) and the front (the seals). The panel comes from the
photo that read the most rows; marks, look-alikes, other ingredients and the barcode are
gathered from every photo; interactions and warnings are recomputed over the whole.
"""

from __future__ import annotations

from catalog.checks import annotate
from catalog.models import Quality, ScanResult


def merge(results: list[ScanResult]) -> ScanResult:
    if not results:
        raise ValueError("nothing to merge")
    if len(results) == 1:
        return results[0]
    ranked = sorted(
        range(len(results)), key=lambda i: (len(results[i].ingredients), -i), reverse=True
    )
    primary = results[ranked[0]].model_copy(deep=True)
    for index in ranked[1:]:
        other = results[index]
        if not primary.other_ingredients and other.other_ingredients:
            primary.other_ingredients = list(other.other_ingredients)
        primary.unparsed += other.unparsed
        primary.upc = primary.upc or other.upc
    annotate(primary)
    # Marks and look-alikes are read from each photo's own text; a seal on the front counts.
    for index in ranked[1:]:
        other = results[index]
        known = {m.id for m in primary.marks}
        primary.marks += [m for m in other.marks if m.id not in known]
        primary.lookalikes += [t for t in other.lookalikes if t not in primary.lookalikes]
    primary.quality = _panel_quality(results[ranked[0]].quality, primary)
    return primary


def _panel_quality(panel_photo: Quality, merged: ScanResult) -> Quality:
    """The panel photo decides: a blurry front shot does not matter if the back read well."""
    return panel_photo.model_copy(deep=True)
