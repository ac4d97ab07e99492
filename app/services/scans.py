"""A scan request: photos read on the worker pool, scored for the caller, stored."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.db.models import Product, Scan
from app.metrics import Metrics
from app.problems import NotFoundError, ServiceBusyError
from app.repositories import blobs as blob_repo
from app.repositories import products as product_repo
from app.repositories import scans as scan_repo
from app.services.auth import Principal
from app.services.pool import PoolSaturatedError, WorkerPool
from app.services.scoring import DEFAULT_PROFILE, scored_copy
from catalog.models import ScanResult
from catalog.profile import Profile
from ocr.engines import EngineName
from ocr.image import sniff

# The one place that joins OCR and catalog (app.scan.scan_photos), as a replaceable callable.
ScanFn = Callable[[Sequence[bytes], EngineName], ScanResult]

_MEDIA_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
}


@dataclass(frozen=True, slots=True)
class Reading:
    result: ScanResult
    seconds: float


async def read_photos(
    pool: WorkerPool,
    scan_fn: ScanFn,
    photos: Sequence[bytes],
    engine: EngineName,
    metrics: Metrics,
) -> Reading:
    def work() -> Reading:
        start = time.perf_counter()
        result = scan_fn(photos, engine)
        seconds = time.perf_counter() - start
        metrics.ocr_seconds.labels(engine=engine).observe(seconds)
        return Reading(result, seconds)

    try:
        return await pool.run(work)
    except PoolSaturatedError as exc:
        raise busy(pool, str(exc)) from exc


def busy(pool: WorkerPool, why: str) -> ServiceBusyError:
    """503: Retry-After is how long the work in the pool now takes to drain."""
    return ServiceBusyError(
        f"the service is reading other photos ({why}); try again shortly",
        retry_after_s=pool.retry_after_s(),
    )


def media_type(data: bytes) -> str:
    kind = sniff(data)
    return _MEDIA_TYPES.get(kind or "", "application/octet-stream")


def store(
    session: Session,
    *,
    photos: Sequence[bytes],
    reading: Reading,
    returned: ScanResult,
    engine: EngineName,
    profile: Profile | None,
    who: Principal,
) -> tuple[Product, Scan]:
    """Stores the photos (once per distinct content), the product and the scan. A scan whose
    barcode matches a stored product is added to it; that product's results (possibly corrected
    by a reviewer) are left as they are."""
    product = product_repo.by_upc(session, reading.result.upc) if reading.result.upc else None
    if product is None:
        as_stored = scored_copy(reading.result, DEFAULT_PROFILE).model_dump(mode="json")
        product = product_repo.add(
            session,
            Product(
                upc=reading.result.upc,
                source="scan",
                original_result=as_stored,
                current_result=as_stored,
                created_by=who.name,
            ),
        )
    assert product.id is not None
    hashes = [blob_repo.put(session, data, media_type(data)) for data in photos]
    scan = scan_repo.add(
        session,
        Scan(
            product_id=product.id,
            engine=engine,
            profile=(profile or DEFAULT_PROFILE).model_dump(mode="json"),
            result=returned.model_dump(mode="json"),
            ocr_seconds=round(reading.seconds, 3),
            created_by=who.name,
        ),
        hashes,
    )
    session.commit()
    return product, scan


def get_scan(session: Session, scan_id: int) -> Scan:
    scan = scan_repo.get(session, scan_id)
    if scan is None:
        raise NotFoundError(f"no scan {scan_id}")
    return scan


def photo_of(session: Session, scan: Scan, index: int | None) -> tuple[int, bytes, str]:
    """(index, bytes, media type) of one photo of a scan; by default the photo most rows were
    read from (the panel, when a product was sent as front and back)."""
    assert scan.id is not None
    images = scan_repo.images(session, scan.id)
    if index is None:
        result = ScanResult.model_validate(scan.result)
        counts = [0] * len(images)
        for ing in result.ingredients:
            if ing.image is not None and 0 <= ing.image < len(counts):
                counts[ing.image] += 1
        index = max(range(len(images)), key=lambda i: (counts[i], -i)) if images else 0
    if not 0 <= index < len(images):
        raise NotFoundError(f"scan {scan.id} has {len(images)} photo(s); no index {index}")
    blob = blob_repo.get(session, images[index].blob_sha256)
    if blob is None:  # pragma: no cover - a foreign key guards this
        raise NotFoundError(f"photo {index} of scan {scan.id} is missing")
    return index, blob.data, blob.media_type


def blob_info(session: Session, digest: str) -> tuple[str, int]:
    """(media type, size) of a stored photo."""
    found = blob_repo.info(session, digest)
    if found is None:  # pragma: no cover - a foreign key guards this
        raise NotFoundError(f"photo {digest} is missing")
    return found
