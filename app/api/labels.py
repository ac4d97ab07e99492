"""POST /v1/labels/score: score label text or a structured label without a photo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from app.api.deps import CurrentUser, SessionDep
from app.schemas import examples
from app.schemas.labels import ScoredLabel, ScoreRequest
from app.schemas.problems import problem_responses
from app.services import labels as service

router = APIRouter(prefix="/v1/labels", tags=["labels"])

_EXAMPLES = {
    "text": {
        "summary": "Label text, one panel line per line",
        "value": {"text": examples.LABEL_TEXT, "profile": examples.PROFILE},
    },
    "structured": {
        "summary": "A structured label (rows as a database gives them), stored as a product",
        "value": {
            "label": examples.STRUCTURED_LABEL,
            "profile": {"medications": ["cyclosporine"]},
            "store": True,
            "product": {"name": "Magnesium Glycinate 200", "brand": "Example Labs"},
        },
    },
}


@router.post(
    "/score",
    response_model=ScoredLabel,
    summary="Score label text or a structured label",
    description="Reads and scores a label for the optional profile. Nothing is stored unless "
    '`"store": true`, which also returns the new `product_id`.',
    responses=problem_responses(401, 413, 422),
)
def score_label(
    request: Annotated[ScoreRequest, Body(openapi_examples=_EXAMPLES)],
    session: SessionDep,
    who: CurrentUser,
) -> ScoredLabel:
    result, product_id = service.score_request(session, request, who)
    return ScoredLabel(**result.model_dump(), product_id=product_id)
