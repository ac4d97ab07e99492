"""POST /v1/scans: photos in, scan result out (stored); the stored photos and a preview."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from app.api.deps import (
    CurrentUser,
    MetricsDep,
    PoolDep,
    ScanFnDep,
    ScanUser,
    SessionDep,
    SettingsDep,
)
from app.api.profile_form import profile_from_form
from app.db.models import MAX_ID
from app.problems import TooManyImagesError
from app.repositories import scans as scan_repo
from app.schemas.problems import problem_responses
from app.schemas.scans import ScanDetail, ScanImageOut, ScanResponse
from app.services import preview
from app.services import scans as service
from app.services.products import aware
from app.services.scoring import scored_copy
from app.settings import Settings
from catalog.models import ScanResult
from ocr.engines import EngineName
from ocr.errors import ImageTooLarge
from ocr.image import check

router = APIRouter(prefix="/v1/scans", tags=["scans"])

ScanId = Annotated[int, Path(ge=1, le=MAX_ID, description="Scan id", examples=[34])]
_MULTIPART_EXAMPLE = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "example": {
                    "image": ["<back.jpg bytes>", "<front.jpg bytes>"],
                    "medications": "tacrolimus,mycophenolate",
                    "organ": "kidney",
                    "gi": "sensitive",
                    "servings_per_day": 1,
                }
            }
        }
    }
}

_CHUNK = 1 << 20


async def _read_photos(parts: list[UploadFile], settings: Settings) -> list[bytes]:
    """The parts' bytes, each counted as it is read and refused past the per-image limit."""
    if len(parts) > settings.max_images_per_scan:
        raise TooManyImagesError(
            f"{len(parts)} images sent; one scan takes at most {settings.max_images_per_scan}"
        )
    photos = []
    for n, part in enumerate(parts, start=1):
        chunks, size = [], 0
        while chunk := await part.read(_CHUNK):
            size += len(chunk)
            if size > settings.max_image_bytes:
                raise ImageTooLarge(
                    f"image {n} is over {settings.max_image_bytes} bytes; send a smaller photo"
                )
            chunks.append(chunk)
        photos.append(b"".join(chunks))
    for data in photos:
        # The bytes say what each part is, whatever its declared type, and its header how many
        # pixels it holds: a PDF or a script sent as image/jpeg, or a decompression bomb, is
        # refused here (415, 413, 422), before it takes an OCR worker.
        check(data, max_bytes=settings.max_image_bytes, max_pixels=settings.max_image_pixels)
    return photos


@router.post(
    "",
    status_code=201,
    response_model=ScanResponse,
    summary="Scan photos of one product's label",
    description="One or more `image` parts (JPEG, PNG, WebP or HEIC; front and back of one "
    "product are merged into one result), scored for the optional profile fields. The "
    "product and the scan are stored; the photos are kept for review.",
    responses=problem_responses(400, 401, 413, 415, 422, 429, 503, 504),
    openapi_extra=_MULTIPART_EXAMPLE,
)
async def create_scan(
    response: Response,
    who: ScanUser,
    session: SessionDep,
    settings: SettingsDep,
    pool: PoolDep,
    metrics: MetricsDep,
    scan_fn: ScanFnDep,
    image: Annotated[
        list[UploadFile], File(description="Photos of one product (repeat the part for several)")
    ],
    medications: Annotated[
        list[str] | None,
        Form(description="Repeated, or comma-separated", examples=["tacrolimus,mycophenolate"]),
    ] = None,
    organ: Annotated[
        str | None, Form(description="kidney, liver, heart or lung", examples=["kidney"])
    ] = None,
    gi: Annotated[
        str | None, Form(description="none, sensitive or constipation", examples=["sensitive"])
    ] = None,
    servings_per_day: Annotated[float | None, Form(examples=[1])] = None,
    engine: Annotated[EngineName | None, Form(description="OCR engine")] = None,
) -> ScanResponse:
    profile = profile_from_form(medications, organ, gi, servings_per_day)  # the cheap checks first
    photos = await _read_photos(image, settings)
    engine_name: EngineName = engine or settings.ocr_engine
    reading = await service.read_photos(pool, scan_fn, photos, engine_name, metrics)

    def finish() -> tuple[ScanResult, int, int]:
        returned = scored_copy(reading.result, profile)
        product, scan = service.store(
            session,
            photos=photos,
            reading=reading,
            returned=returned,
            engine=engine_name,
            profile=profile,
            who=who,
        )
        assert product.id is not None and scan.id is not None
        return returned, product.id, scan.id

    returned, product_id, scan_id = await run_in_threadpool(finish)
    response.headers["Location"] = f"/v1/scans/{scan_id}"
    return ScanResponse(**returned.model_dump(), product_id=product_id, scan_id=scan_id)


@router.get(
    "/{scan_id}",
    response_model=ScanDetail,
    summary="A stored scan: its photos, profile and result as returned",
    responses=problem_responses(401, 404, 429, 503),
)
def get_scan(scan_id: ScanId, session: SessionDep, _who: CurrentUser) -> ScanDetail:
    scan = service.get_scan(session, scan_id)
    assert scan.id is not None
    images = []
    for row in scan_repo.images(session, scan.id):
        blob = service.blob_info(session, row.blob_sha256)
        images.append(
            ScanImageOut(
                index=row.position,
                sha256=row.blob_sha256,
                media_type=blob[0],
                size=blob[1],
                url=f"/v1/scans/{scan.id}/image?index={row.position}",
                preview_url=f"/v1/scans/{scan.id}/preview.png?index={row.position}",
            )
        )
    return ScanDetail(
        id=scan.id,
        product_id=scan.product_id,
        engine=scan.engine,
        profile=scan.profile,
        ocr_seconds=scan.ocr_seconds,
        created_by=scan.created_by,
        created_at=aware(scan.created_at),
        images=images,
        result=ScanResult.model_validate(scan.result),
    )


_IMAGE_INDEX = Query(
    ge=0, description="Which photo of the scan; default: the one most rows were read from"
)


@router.get(
    "/{scan_id}/image",
    summary="The original bytes of a scan's photo",
    response_class=Response,
    responses={
        200: {
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}, "example": "<bytes>"}
                for kind in ("image/jpeg", "image/png", "image/webp", "image/heic")
            },
            "description": "The photo as sent, byte for byte",
        },
        **problem_responses(401, 404, 429, 503),
    },
)
def get_image(
    scan_id: ScanId,
    session: SessionDep,
    _who: CurrentUser,
    index: Annotated[int | None, _IMAGE_INDEX] = None,
) -> Response:
    scan = service.get_scan(session, scan_id)
    _, data, media_type = service.photo_of(session, scan, index)
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=3600"})


@router.get(
    "/{scan_id}/preview.png",
    summary="The photo with every row's box and reading drawn on it, for reviewers",
    response_class=Response,
    responses={
        200: {
            "content": {
                "image/png": {"schema": {"type": "string", "format": "binary"}, "example": "<PNG>"}
            },
            "description": "PNG preview",
        },
        **problem_responses(401, 404, 429, 503),
    },
)
def get_preview(
    scan_id: ScanId,
    session: SessionDep,
    settings: SettingsDep,
    _who: CurrentUser,
    index: Annotated[int | None, _IMAGE_INDEX] = None,
) -> Response:
    scan = service.get_scan(session, scan_id)
    chosen, data, _ = service.photo_of(session, scan, index)
    result = ScanResult.model_validate(scan.result)
    png = preview.render(
        data,
        result,
        chosen,
        max_bytes=settings.max_image_bytes,
        max_pixels=settings.max_image_pixels,
    )
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60"})
