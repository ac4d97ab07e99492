"""POST /v1/labels/score: score label text or a structured label without a photo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response
from fastapi.concurrency import run_in_threadpool

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
    responses=problem_responses(400, 401, 413, 422, 429, 503),
)
async def score_label(
    request: Annotated[ScoreRequest, Body(openapi_examples=_EXAMPLES)],
    session: SessionDep,
    who: CurrentUser,
) -> Response:
    if request.store or not _small(request):
        result, product_id = await run_in_threadpool(service.score_request, session, request, who)
    else:
        # A typical label scores in about 2 ms of pure CPU: on the event loop that costs less
        # than the hop to a worker thread and back (which buys no parallelism under the GIL).
        result, product_id = service.score_request(session, request, who)
    # Serialised here, once: the result was built by the catalog's own models, so FastAPI's
    # second validation against the response model would only repeat that work.
    body = ScoredLabel.model_construct(**dict(result), product_id=product_id)
    return Response(body.model_dump_json(), media_type="application/json")


# Above these a label goes to a worker thread, so one large request cannot hold the event loop
# (and every other request on it) for long.
_INLINE_TEXT_CHARS = 4000
_INLINE_ROWS = 40


def _small(request: ScoreRequest) -> bool:
    if request.text is not None:
        return len(request.text) <= _INLINE_TEXT_CHARS
    return request.label is not None and len(request.label.ingredients) <= _INLINE_ROWS
