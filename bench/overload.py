"""Overload test of the real server: more than it can serve, and how it sheds.

`labelscan serve` (one uvicorn worker process; OCR runs on its bounded scan pool) is started on
a free 127.0.0.1 port with a temporary SQLite database and real API keys (auth on, as in
production). An asyncio httpx driver then keeps a fixed number of clients busy for a fixed
time, each sending requests back to back without waiting on Retry-After:

- text scoring, `POST /v1/labels/score` (a 10-row magnesium label with a profile);
- photo scans, `POST /v1/scans` (synthetic Supplement Facts photos from `bench.synth`).

Reported: requests sent and answered per kind, p50/p99 latency per kind, the share of 429
(per-key rate limit) and 503 (scan pool full, with Retry-After), any other 5xx (there must be
none), requests that got no answer within the client timeout (hangs; there must be none), and
the server's resident memory (all its processes) sampled every second over the run.

    python -m bench.overload [--seconds 240] [--score-clients 48] [--scan-clients 12]

The same driver, bounded to about a minute, runs in tests/hardening/test_overload_live.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.services.auth import Role
from bench.api_load import HOST, SCORE_BODY, free_port, percentile, rss_mb, spawned

SCORE_PATH = "/v1/labels/score"
SCAN_PATH = "/v1/scans"
READY_TIMEOUT_S = 90.0
# A request unanswered after this is counted as a hang. A queued scan waits for up to
# (queue / workers) scans ahead of it, each 10-20 s of OCR on two busy cores.
REQUEST_TIMEOUT_S = 120.0
RSS_EVERY_S = 1.0


# --- the server ------------------------------------------------------------------------------


@dataclass
class LiveServer:
    proc: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    keys: list[str]

    def rss_mb(self) -> float:
        """Resident memory of the server and all its descendants, in MB."""
        return rss_mb(self.proc.pid)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]

    def log_errors(self) -> list[str]:
        """Error lines of the server's log (JSON lines at level error, tracebacks), with the
        request id, event and exception's last line each: what a 500 was."""
        found = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                if line.startswith("Traceback"):
                    found.append(line)
                continue
            if isinstance(record, dict) and record.get("level") in ("error", "critical"):
                exc = str(record.get("exception", "")).strip().splitlines()
                found.append(f"{record.get('event')}: {exc[-1] if exc else ''}")
        return found


def _make_keys(database_url: str, count: int, role: Role) -> list[str]:
    """API keys stored the way `labelscan keys create` stores them (after migrating)."""
    from sqlmodel import Session

    from app.db.migrate import upgrade
    from app.db.session import make_engine
    from app.services.auth import create_key

    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return [create_key(session, name=f"load-{n}", role=role) for n in range(count)]
    finally:
        engine.dispose()


def _wait_ready(server: LiveServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"server exited with {server.proc.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.base_url + "/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {READY_TIMEOUT_S:.0f} s:\n{server.log_tail()}")


@contextlib.contextmanager
def live_server(
    workdir: Path, env: Mapping[str, str] | None = None, keys: int = 1, role: Role = "app"
) -> Iterator[LiveServer]:
    """`labelscan serve` on a free loopback port with its own SQLite database and `keys` API
    keys of `role`; stopped (SIGTERM, then SIGKILL to its process group) on exit."""
    port = free_port()
    database = f"sqlite:///{workdir / f'overload-{port}.db'}"
    api_keys = _make_keys(database, keys, role)
    full_env = {
        **os.environ,
        "LABELSCAN_DATABASE_URL": database,
        "LABELSCAN_LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    for inherited in ("DATABASE_URL", "LABELSCAN_AUTH_DISABLED"):
        full_env.pop(inherited, None)
    log_path = workdir / f"server-{port}.log"
    command = [sys.executable, "-m", "app.cli", "serve", "--host", HOST, "--port", str(port)]
    with spawned(command, full_env, log_path) as proc:
        server = LiveServer(proc, f"http://{HOST}:{port}", log_path, api_keys)
        _wait_ready(server)
        yield server


# --- the load --------------------------------------------------------------------------------


def synthetic_photos(folder: Path, count: int, seed: int = 11) -> list[bytes]:
    """Supplement Facts photos from the seeded generator (the same bytes for the same seed)."""
    from bench.synth.generate import generate

    generate(folder, count, seed)
    return [p.read_bytes() for p in sorted((folder / "images").glob("*.jpg"))]


@dataclass
class KindStats:
    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)  # answered requests only
    hangs: int = 0  # no answer within REQUEST_TIMEOUT_S
    transport_errors: Counter[str] = field(default_factory=Counter)
    retry_after_missing: int = 0  # 429/503 without Retry-After

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    def share(self, status: int) -> float:
        return self.statuses[status] / self.answered if self.answered else 0.0

    def other_5xx(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500 and s != 503)


@dataclass
class LoadReport:
    seconds: float
    score_clients: int
    scan_clients: int
    kinds: dict[str, KindStats]
    rss_mb: list[tuple[float, float]]  # (seconds since start, MB)
    log_errors: list[str] = field(default_factory=list)  # the server's, during the run

    def rss_growth_mb(self, settle_s: float) -> float:
        """Growth of resident memory from the first samples after `settle_s` (the pool's
        engines and caches are loaded by then) to the end: the last third's lowest sample
        minus the first third's. A scan in flight holds a few hundred MB of image buffers for
        a second or so, so single samples swing by +-200 MB with no leak (a 250 s run's
        samples, flat over minutes, gave 45 s windows whose third-means differed by up to
        138 MB); the trough between scans is what a leak raises (same windows: at most 53)."""
        settled = [mb for t, mb in self.rss_mb if t >= settle_s]
        if len(settled) < 3:
            return 0.0
        third = max(1, len(settled) // 3)
        return min(settled[-third:]) - min(settled[:third])

    def summary(self) -> dict[str, object]:
        out: dict[str, object] = {
            "seconds": round(self.seconds, 1),
            "clients": {"score": self.score_clients, "scan": self.scan_clients},
        }
        for name, k in self.kinds.items():
            ok = [s for s in k.statuses if 200 <= s < 300]
            out[name] = {
                "sent": k.sent,
                "answered": k.answered,
                "served_2xx": sum(k.statuses[s] for s in ok),
                "per_s_2xx": round(sum(k.statuses[s] for s in ok) / self.seconds, 1),
                "statuses": dict(sorted(k.statuses.items())),
                "share_429": round(k.share(429), 3),
                "share_503": round(k.share(503), 3),
                "other_5xx": k.other_5xx(),
                "hangs": k.hangs,
                "transport_errors": dict(k.transport_errors),
                "retry_after_missing": k.retry_after_missing,
                "p50_ms": round(percentile(k.latencies_ms, 50), 1),
                "p99_ms": round(percentile(k.latencies_ms, 99), 1),
            }
        mbs = [mb for _, mb in self.rss_mb]
        out["log_errors"] = dict(Counter(self.log_errors))
        out["rss_mb"] = {
            "first": round(mbs[0], 1) if mbs else None,
            "max": round(max(mbs), 1) if mbs else None,
            "last": round(mbs[-1], 1) if mbs else None,
            "samples": [(round(t), round(mb)) for t, mb in self.rss_mb],
        }
        return out


class _Sampler:
    """RSS of the server every RSS_EVERY_S seconds, on a thread (the event loop is busy)."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss", daemon=True)
        self._start = time.monotonic()

    def _run(self) -> None:
        while True:
            self.samples.append((time.monotonic() - self._start, self.server.rss_mb()))
            if self._stop.wait(RSS_EVERY_S):
                return

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


async def _client(
    http: httpx.AsyncClient,
    kind: str,
    stats: KindStats,
    deadline: float,
    key: str,
    photos: Sequence[bytes],
    offset: int,
) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    n = offset
    while time.monotonic() < deadline:
        n += 1
        stats.sent += 1
        start = time.perf_counter()
        try:
            if kind == "score":
                response = await http.post(SCORE_PATH, json=SCORE_BODY, headers=headers)
            else:
                photo = photos[n % len(photos)]
                files = {"image": (f"{n}.jpg", photo, "image/jpeg")}
                response = await http.post(SCAN_PATH, files=files, headers=headers)
        except httpx.TimeoutException:
            stats.hangs += 1
            continue
        except httpx.TransportError as exc:
            stats.transport_errors[type(exc).__name__] += 1
            await asyncio.sleep(0.1)
            continue
        stats.latencies_ms.append((time.perf_counter() - start) * 1000)
        stats.statuses[response.status_code] += 1
        if response.status_code in (429, 503) and "retry-after" not in response.headers:
            stats.retry_after_missing += 1


async def _drive(
    server: LiveServer,
    seconds: float,
    score_clients: int,
    scan_clients: int,
    photos: Sequence[bytes],
) -> dict[str, KindStats]:
    kinds = {"score": KindStats(), "scan": KindStats()}
    limits = httpx.Limits(max_connections=score_clients + scan_clients + 4)
    timeout = httpx.Timeout(REQUEST_TIMEOUT_S, connect=10.0)
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=timeout) as http:
        deadline = time.monotonic() + seconds
        # Text scoring and scanning come from different keys (a phone app and a catalog
        # tool, say): the per-key limit covers every request of a key, and one kind must not
        # use up the other's allowance.
        half = max(1, len(server.keys) // 2)
        keys = {"score": server.keys[:half], "scan": server.keys[half:] or server.keys}
        tasks = [
            _client(http, kind, kinds[kind], deadline, keys[kind][i % len(keys[kind])],
                    photos, i)
            for kind, count in (("score", score_clients), ("scan", scan_clients))
            for i in range(count)
        ]  # fmt: skip
        await asyncio.gather(*tasks)
    return kinds


def run_load(
    server: LiveServer,
    seconds: float,
    score_clients: int,
    scan_clients: int,
    photos: Sequence[bytes],
) -> LoadReport:
    started = time.monotonic()
    with _Sampler(server) as sampler:
        kinds = asyncio.run(_drive(server, seconds, score_clients, scan_clients, photos))
    return LoadReport(
        seconds=time.monotonic() - started,
        score_clients=score_clients,
        scan_clients=scan_clients,
        kinds=kinds,
        rss_mb=sampler.samples,
        log_errors=server.log_errors(),
    )


def _print_report(report: LoadReport, env: Mapping[str, str]) -> None:
    s = report.summary()
    print(f"server: labelscan serve (1 uvicorn worker), settings {dict(env)}")
    print(f"load: {s['clients']} closed-loop clients for {s['seconds']} s (no pause on 429/503)")
    print(f"{'kind':6} {'sent':>7} {'2xx':>7} {'2xx/s':>7} {'429':>6} {'503':>6} "
          f"{'5xx*':>5} {'hang':>5} {'p50 ms':>8} {'p99 ms':>8}")  # fmt: skip
    for name in report.kinds:
        k = s[name]
        assert isinstance(k, dict)
        print(f"{name:6} {k['sent']:>7} {k['served_2xx']:>7} {k['per_s_2xx']:>7} "
              f"{k['share_429']:>6.1%} {k['share_503']:>6.1%} {k['other_5xx']:>5} "
              f"{k['hangs']:>5} {k['p50_ms']:>8} {k['p99_ms']:>8}")  # fmt: skip
    print("(5xx* = 5xx other than 503; hang = no answer within "
          f"{REQUEST_TIMEOUT_S:.0f} s)")  # fmt: skip
    rss = s["rss_mb"]
    assert isinstance(rss, dict)
    print(f"server RSS MB: first {rss['first']}, max {rss['max']}, last {rss['last']}, "
          f"growth after the first minute {report.rss_growth_mb(60):+.1f}")  # fmt: skip
    print("RSS samples (s, MB):", " ".join(f"{t}:{mb}" for t, mb in rss["samples"]))
    errors = Counter(report.log_errors)
    print(f"server log: {sum(errors.values())} error lines")
    for line, count in errors.most_common(5):
        print(f"  {count} x {line[:300]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=240.0)
    parser.add_argument("--score-clients", type=int, default=48)
    parser.add_argument("--scan-clients", type=int, default=12)
    parser.add_argument("--photos", type=int, default=6, help="synthetic photos to cycle")
    parser.add_argument("--keys", type=int, default=8, help="API keys (half for each kind)")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)
    # The shipped defaults for the pool and the rate limits, whatever the caller's shell says.
    env = {"LABELSCAN_SCAN_WORKERS": "2", "LABELSCAN_SCAN_QUEUE": "4"}
    with tempfile.TemporaryDirectory(prefix="labelscan-overload-") as tmp:
        workdir = Path(tmp)
        photos = synthetic_photos(workdir / "photos", args.photos)
        with live_server(workdir, env, keys=args.keys) as server:
            report = run_load(server, args.seconds, args.score_clients, args.scan_clients, photos)
    _print_report(report, env)
    if args.json:
        args.json.write_text(json.dumps(report.summary(), indent=1))
    bad = sum(k.other_5xx() + k.hangs for k in report.kinds.values())
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
