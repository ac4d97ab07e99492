"""Label + profile -> an explained score. (Implemented by the scoring work; this stub keeps
the interface the service codes against.)"""

from __future__ import annotations

from catalog.models import ScanResult
from catalog.profile import Profile


def score_label(result: ScanResult, profile: Profile | None = None) -> ScanResult:
    """Fills `result.score` and the warnings that depend on the daily amount
    (above_supplemental_ul, gi_single_dose); returns the same object."""
    raise NotImplementedError("scoring is not implemented yet")
