"""Batch scoring: reserved for the batch issue. The routes exist so clients and the spec can
see the shape; each answers 501 problem+json until then."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import CurrentUser
from app.problems import NotImplementedYetError
from app.schemas.problems import problem_responses

router = APIRouter(prefix="/v1/batches", tags=["batches"])

_RESERVED = problem_responses(401, 501)
BatchId = Annotated[str, Path(description="Batch job id", examples=["b-20250601-1"])]
_DETAIL = "batch scoring is not implemented yet; score labels one by one with /v1/labels/score"


@router.post(
    "",
    status_code=202,
    summary="Submit a product CSV for scoring (not implemented yet: 501)",
    description="Reserved. Will accept a product CSV (wide or DSLD long layout, see the scan "
    "contract) as multipart `file` and return a job. Answers 501 until then.",
    responses=_RESERVED,
)
async def create_batch(_who: CurrentUser) -> None:
    raise NotImplementedYetError(_DETAIL)


@router.get(
    "/{batch_id}",
    summary="A batch job's progress (not implemented yet: 501)",
    responses=_RESERVED,
)
async def get_batch(batch_id: BatchId, _who: CurrentUser) -> None:
    raise NotImplementedYetError(_DETAIL)


@router.get(
    "/{batch_id}/results",
    summary="A batch job's results as CSV or JSON lines (not implemented yet: 501)",
    responses=_RESERVED,
)
async def get_batch_results(batch_id: BatchId, _who: CurrentUser) -> None:
    raise NotImplementedYetError(_DETAIL)
