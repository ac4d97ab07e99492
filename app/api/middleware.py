"""Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer streams and hide exceptions).

RequestContext: request id in and out, one access log line, metrics by route template, and the
last-resort 500 problem. BodyLimit: request bodies are counted as they stream in and refused
with 413 past the limit, before they reach a parser or a temp file (chunked bodies too: the
count never trusts Content-Length). ScanAdmission: a scan upload is refused with 503 before a
byte of it is read when every OCR worker and queue slot is taken."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import problem
from app.logs import get_logger
from app.metrics import Metrics
from app.problems import PayloadTooLargeError, ServiceBusyError
from app.services.pool import WorkerPool
from app.services.scans import busy
from app.settings import Settings

log = get_logger("labelscan.http")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_UPLOAD_PATHS = ("/v1/scans", "/v1/batches")
_SCAN_PATH = "/v1/scans"
# A refused upload up to this size is read and dropped before the refusal is sent.
_DRAIN_MAX_BYTES = 32 * 1024 * 1024
# With the access log off, requests slower than this are still logged.
_SLOW_S = 1.0


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _route(scope: Scope) -> str:
    """The route template ("/v1/products/{product_id}"), never the raw path: metric labels
    must not grow with every id a client sends."""
    route: Any = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(template, str):
        return template
    path = str(scope.get("path", ""))
    if path.startswith("/static/"):
        return "/static"
    return "unmatched"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, *, log_requests: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.log_requests = log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = message["status"]
                started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        start = time.perf_counter()
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                log.exception("unhandled_error", method=scope["method"], path=scope["path"])
                if started:
                    raise
                response = problem(
                    500,
                    "internal-error",
                    "Internal server error",
                    "an unexpected error occurred; quote the request id when reporting it",
                    request_id,
                )
                await response(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - start
                route = _route(scope)
                labels = {"method": scope["method"], "route": route, "status": str(status)}
                self.metrics.requests.labels(**labels).inc()
                self.metrics.latency.labels(**labels).observe(elapsed)
                if self.log_requests or status >= 500 or elapsed >= _SLOW_S:
                    log.info(
                        "request",
                        method=scope["method"],
                        path=scope["path"],
                        route=route,
                        status=status,
                        duration_ms=round(elapsed * 1000, 1),
                    )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def _limit(self, scope: Scope) -> int:
        path = str(scope.get("path", ""))
        if path.startswith("/v1/batches"):
            return self.settings.max_batch_bytes  # product CSVs: the service streams them to the DB
        if path.startswith(_UPLOAD_PATHS):
            return self.settings.max_upload_bytes
        return self.settings.max_json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            # Refused before a byte of the body is read.
            response = problem(
                413,
                PayloadTooLargeError.slug,
                PayloadTooLargeError.title,
                f"the request body is {int(declared)} bytes; the limit is {limit}",
                scope.get("state", {}).get("request_id"),
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException: FastAPI lets it through its body parsing untouched.
                    raise PayloadTooLargeError(
                        f"the request body is over the limit of {limit} bytes"
                    )
            return message

        await self.app(scope, counting_receive, send)


class ScanAdmissionMiddleware:
    """FastAPI reads (and spools) a whole multipart body before any dependency or route code
    runs, so a full pool would only be noticed after a 60 MB upload. This looks first. The
    pool admits again when the scan really starts, so a race here only costs a late 503."""

    def __init__(self, app: ASGIApp, pool: WorkerPool) -> None:
        self.app = app
        self.pool = pool

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and str(scope["path"]).rstrip("/") == _SCAN_PATH
            and self.pool.full()
        ):
            running, waiting = self.pool.stats()
            refusal: ServiceBusyError = busy(
                self.pool, f"{running} scans running and {waiting} waiting"
            )
            self.pool.rejected()
            # Closing a socket with unread request data resets it, and the client then loses
            # the 503 and its Retry-After (measured: one refused scan in eight under load). A
            # photo-sized body is read and dropped; past that, the connection is closed.
            drained = await _drain(receive, _DRAIN_MAX_BYTES)
            headers = dict(refusal.headers or {})
            if not drained:
                headers["Connection"] = "close"
            response = problem(
                refusal.status,
                refusal.slug,
                refusal.title,
                str(refusal.detail),
                scope.get("state", {}).get("request_id"),
                headers=headers,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _drain(receive: Receive, limit: int) -> bool:
    """Reads the request body to its end and drops it; False when the client went away or the
    body is longer than `limit` (or than the upload limit) and was left unread."""
    seen = 0
    while seen <= limit:
        try:
            message = await receive()
        except PayloadTooLargeError:
            return False
        if message["type"] != "http.request":
            return False
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return True
    return False
