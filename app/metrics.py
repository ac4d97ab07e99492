"""Prometheus metrics, one registry per app (tests build many apps in one process)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# OCR of one photo takes 1-5 s on two cores; requests without OCR take milliseconds.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80)
_OCR_BUCKETS = (0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120)


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter(
            "labelscan_http_requests",
            "HTTP requests by route template, method and status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "labelscan_http_request_duration_seconds",
            "HTTP request latency by route template, method and status.",
            ["method", "route", "status"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.ocr_seconds = Histogram(
            "labelscan_ocr_seconds",
            "Time to read the photos of one scan (decode, OCR, parse), by engine.",
            ["engine"],
            buckets=_OCR_BUCKETS,
            registry=r,
        )
        self.pool_in_use = Gauge(
            "labelscan_scan_pool_in_use", "Scan workers busy reading photos.", registry=r
        )
        self.pool_queued = Gauge(
            "labelscan_scan_pool_queued", "Scans admitted and waiting for a worker.", registry=r
        )
        self.pool_rejected = Counter(
            "labelscan_scan_pool_rejected",
            "Scans refused with 503 because every worker and queue slot was taken.",
            registry=r,
        )
