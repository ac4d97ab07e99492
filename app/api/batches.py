"""Batch scoring of product CSVs: submit a file, poll its job, download its results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine

from app.api.deps import CurrentUser, SessionDep, SettingsDep
from app.api.profile_form import profile_from_form
from app.batch.queue import Runner
from app.schemas.batches import JOB_EXAMPLE, BatchJobOut, ResultFormat
from app.schemas.problems import problem_responses
from app.services import batches as service

router = APIRouter(prefix="/v1/batches", tags=["batches"])

BatchId = Annotated[str, Path(description="Batch job id", examples=["b-5f0c2a9d1e7b4c3a8d6e"])]
_MULTIPART_EXAMPLE = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "example": {
                    "file": "<catalog.csv bytes>",
                    "format": "csv",
                    "medications": "tacrolimus,mycophenolate",
                    "organ": "kidney",
                }
            }
        }
    }
}
_MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}


def _runner(request: Request) -> Runner:
    runner: Runner = request.app.state.batch_runner
    return runner


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.db_engine
    return engine


@router.post(
    "",
    status_code=202,
    response_model=BatchJobOut,
    summary="Submit a product CSV for scoring; returns its job at once",
    description="A product CSV (wide or DSLD long layout, see the contract) as multipart "
    "`file`, scored for the optional profile fields. The answer is the job (202, `Location` "
    "to poll). The same file sent again by the same key for the same profile is recognised: "
    "200 with the job it already has (`duplicate: true`), unless that job failed. A file that "
    "is no product CSV is refused with 422 (`code` in the detail); one over the size limit "
    "with 413.",
    responses={
        200: {
            "model": BatchJobOut,
            "description": "The same file was sent before",
            "content": {
                "application/json": {
                    "example": {
                        **JOB_EXAMPLE,
                        "duplicate": True,
                    }
                }
            },
        },
        **problem_responses(400, 401, 413, 422, 429, 503),
    },
    openapi_extra=_MULTIPART_EXAMPLE,
)
async def create_batch(
    request: Request,
    response: Response,
    who: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="The product CSV")],
    format: Annotated[ResultFormat, Form(description="Default format of the results")] = "csv",
    medications: Annotated[
        str | None, Form(description="Comma-separated", examples=["tacrolimus,mycophenolate"])
    ] = None,
    organ: Annotated[str | None, Form(description="kidney, liver, heart or lung")] = None,
    gi: Annotated[str | None, Form(description="none, sensitive or constipation")] = None,
) -> BatchJobOut:
    profile = profile_from_form([medications] if medications else None, organ, gi)
    runner = _runner(request)

    def submit() -> service.Submitted:
        return service.submit(
            session,
            runner,
            file.file,
            filename=file.filename,
            fmt=format,
            profile=profile,
            who=who,
            max_bytes=settings.max_batch_bytes,
            chunk_products=settings.batch_chunk_products,
        )

    done = await run_in_threadpool(submit)
    if done.duplicate:
        response.status_code = 200
    response.headers["Location"] = f"/v1/batches/{done.job.id}"
    return service.describe(done.job, done.size, duplicate=done.duplicate)


@router.get(
    "/{batch_id}",
    response_model=BatchJobOut,
    summary="A batch job's state and progress",
    description="Visible to the key that submitted it and to reviewers.",
    responses=problem_responses(401, 404, 429, 503),
)
def get_batch(batch_id: BatchId, session: SessionDep, who: CurrentUser) -> BatchJobOut:
    job = service.get_job(session, batch_id, who)
    return service.describe(job, service.upload_size(session, job.sha256))


@router.get(
    "/{batch_id}/results",
    summary="A finished batch job's results as CSV or JSON lines",
    description="One row per product, in file order. CSV cells that a spreadsheet would run "
    "as a formula start with an apostrophe. 409 while the job is not done.",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "product_id,product_name,brand,upc,score,grade,...\n"
                    "p0001,Magnesium Glycinate 200,,,84,B,...\n",
                },
                "application/jsonl": {
                    "schema": {"type": "string"},
                    "example": '{"product_id": "p0001", "score": 84, "grade": "B", ...}\n',
                },
            },
            "description": "The results, streamed",
        },
        **problem_responses(401, 404, 409, 429, 503),
    },
)
def get_batch_results(
    request: Request,
    batch_id: BatchId,
    session: SessionDep,
    who: CurrentUser,
    format: Annotated[
        ResultFormat | None, Query(description="csv or jsonl; default: as submitted")
    ] = None,
) -> StreamingResponse:
    job = service.get_job(session, batch_id, who)
    service.ready_for_download(job)
    fmt: ResultFormat = format or job.format  # type: ignore[assignment]
    name = f"{job.id}.{fmt}"
    return StreamingResponse(
        service.results(_engine(request), job.id, fmt),
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
