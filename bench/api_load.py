"""Load benchmark of the HTTP service on this machine (run on demand; not part of the tests).

Three parts, one compact table at the end:

1. In process: the text-scoring path of `POST /v1/labels/score`, sequentially, both through
   the service function the router calls (`app.services.labels.score_request`, request
   validation included) and through the whole ASGI stack with `fastapi.testclient.TestClient`.
   One realistic label (a magnesium glycinate product, 10 panel rows) is sent every time, so
   the catalog's name caches are warm. Aim: p50 under 10 ms.
2. Over HTTP: the real server on a free 127.0.0.1 port with a temporary SQLite database and
   `LABELSCAN_AUTH_DISABLED=1` (so no API-key lookup is made per request), driven for a fixed
   time by `wrk` (when installed) or a bounded httpx.AsyncClient load generator. One worker is
   `labelscan serve`; N > 1 workers is uvicorn with the app factory and `--workers N`
   (`labelscan serve` has no workers option). Aim: 500 requests/s on 2 cores. The load
   generator runs on the same cores as the server.
3. Photo scans over HTTP: photos of nutrition tables from the shared material posted to
   `POST /v1/scans` by more clients than the default pool admits (2 OCR workers + 4 waiting),
   so that shedding (503 with Retry-After) shows. A client pauses briefly after a 503 (shorter
   than Retry-After, to keep the pool saturated). The server's resident memory (the process
   and its children, from /proc) is sampled every second.

Every loop is bounded in time and count, only 127.0.0.1 is targeted, and every server started
here is stopped (SIGTERM, then SIGKILL to its process group) whatever happens.

    python bench/api_load.py [--seconds 20] [--concurrency 32] [--skip-photos] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.shared_data import REPO, shared_data

HOST = "127.0.0.1"
SCORE_PATH = "/v1/labels/score"
SCAN_PATH = "/v1/scans"

LABEL_TEXT = """Supplement Facts
Serving Size 2 Capsules
Servings Per Container 60
Amount Per Serving %Daily Value
Calories 5
Total Carbohydrate <1 g <1%*
Vitamin D3 (as cholecalciferol) 25 mcg (1,000 IU) 125%
Vitamin B6 (as pyridoxal 5'-phosphate) 2 mg 118%
Magnesium (as magnesium bisglycinate chelate) 200 mg 48%
Zinc (as zinc glycinate) 5 mg 45%
Sodium 10 mg <1%
Glycine 1,000 mg †
Taurine 250 mg †
L-Theanine 100 mg †
*Percent Daily Values are based on a 2,000 calorie diet.
† Daily Value not established.
Other ingredients: hypromellose (capsule), microcrystalline cellulose, magnesium stearate,
silicon dioxide.
"""
PROFILE: dict[str, Any] = {
    "medications": ["tacrolimus", "mycophenolate"],
    "organ": "kidney",
    "gi": "sensitive",
    "servings_per_day": 1,
}
SCORE_BODY: dict[str, Any] = {"text": LABEL_TEXT, "profile": PROFILE}

PHOTO_FOLDER = "photos-off-nutrition"
PHOTO_COUNT = 10
# The server's default pool, stated explicitly so that the figures say what they measured.
SCAN_ENV = {"LABELSCAN_SCAN_WORKERS": "2", "LABELSCAN_SCAN_QUEUE": "4"}
BUSY_PAUSE_S = 0.25  # a client's pause after a 503 (the server advises longer)

WARMUP_REQUESTS = 50
MAX_REQUESTS_PER_RUN = 5_000_000  # a hard bound besides the time limit
REQUEST_TIMEOUT_S = 60.0
DRAIN_GRACE_S = REQUEST_TIMEOUT_S + 10.0  # in-flight requests after the deadline
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 40.0  # the server's graceful shutdown is 30 s


# --- small reusable pieces ----------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its live descendants. On a busy
    shared machine requests/s move with everyone else's load; CPU per request does not."""
    total_ticks, todo = 0, [pid]
    seen: set[int] = set()
    while todo and len(seen) < 256:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        with contextlib.suppress(OSError, ValueError, IndexError):
            # Fields after the ")" that ends the command name: utime and stime are 12 and 13.
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total_ticks += int(fields[11]) + int(fields[12])
            todo += _children(current)
    return total_ticks / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB (0.0 once it is gone)."""
    total_kb, todo = 0, [pid]
    seen: set[int] = set()
    while todo and len(seen) < 256:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
            todo += _children(current)
    return total_kb / 1024


class RssSampler:
    """Samples `rss_mb(pid)` every second on a thread, for at most `max_seconds`."""

    def __init__(self, pid: int, max_seconds: float) -> None:
        self.pid = pid
        self.max_samples = int(max_seconds) + 1
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss", daemon=True)

    def _run(self) -> None:
        while len(self.samples) < self.max_samples:
            self.samples.append(rss_mb(self.pid))
            if self._stop.wait(1.0):
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    workers: int

    def log_problems(self) -> tuple[int, list[str]]:
        """(error lines, the first few distinct events) in the server's log."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        bad = [
            line
            for line in text.splitlines()
            if re.search(r'"level": "(error|critical)"', line) or line.startswith("Traceback")
        ]
        events: list[str] = []
        for line in bad:
            event = re.search(r'"event": "([^"]{0,120})', line)
            name = event.group(1) if event else line[:120]
            if name not in events:
                events.append(name)
        return len(bad), events[:5]


def server_command(port: int, workers: int) -> list[str]:
    if workers == 1:
        return [sys.executable, "-m", "app.cli", "serve", "--host", HOST, "--port", str(port)]
    return [
        sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
        "--host", HOST, "--port", str(port), "--workers", str(workers),
        "--proxy-headers", "--timeout-graceful-shutdown", "30",
    ]  # fmt: skip


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    healthy = False
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            tail = server.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"server exited with {server.proc.returncode}:\n{tail}")
        if not healthy:
            with contextlib.suppress(httpx.HTTPError):
                healthy = httpx.get(server.base_url + "/healthz", timeout=2).status_code == 200
        if healthy:
            started = server.log_path.read_text(errors="replace")
            if started.count("Application startup complete") >= server.workers:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {READY_TIMEOUT_S:.0f} s ({server.log_path})")


def _exited_unreaped(pid: int, timeout: float) -> bool:
    """Waits for a child to exit without reaping it (its pid and group id stay reserved)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None:
            return True
        time.sleep(0.1)
    return False


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (graceful), then SIGKILL to whatever is left of the server's own process group
    (uvicorn's workers share it). The leader is reaped last, so the group id cannot have been
    reused by another process when it is signalled."""
    if proc.returncode is not None:  # already reaped: it exited by itself
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
    _exited_unreaped(proc.pid, STOP_TIMEOUT_S)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@contextlib.contextmanager
def spawned(
    command: list[str], env: dict[str, str], log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process in a session of its own (so its workers stop with it), its output in
    `log_path`; stopped on exit, even when the caller fails."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            stop_server(proc)


@contextlib.contextmanager
def running_server(workdir: Path, workers: int, env: dict[str, str]) -> Iterator[Server]:
    """A server on a free loopback port with its own SQLite database, stopped on exit."""
    port = free_port()
    database = f"sqlite:///{workdir / f'bench-{port}.db'}"
    if workers > 1:  # `labelscan serve` upgrades the schema itself; plain uvicorn does not
        from app.db.migrate import upgrade

        upgrade(database)
    full_env = {
        **os.environ,
        "LABELSCAN_DATABASE_URL": database,
        "LABELSCAN_AUTH_DISABLED": "1",
        "LABELSCAN_LOG_LEVEL": "INFO",
        **env,
    }
    full_env.pop("DATABASE_URL", None)
    log_path = workdir / f"server-{port}.log"
    with spawned(server_command(port, workers), full_env, log_path) as proc:
        server = Server(proc, f"http://{HOST}:{port}", log_path, workers)
        _wait_ready(server)
        yield server


# --- results ---------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    client: str
    concurrency: int
    seconds: float
    ok: int
    p50_ms: float
    p99_ms: float
    statuses: Counter[str] = field(default_factory=Counter)
    retry_after: int = 0  # 503 responses that carried Retry-After
    rss: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    server_cpu_s: float | None = None  # the server's CPU seconds during the run

    @property
    def cpu_ms_per_request(self) -> float | None:
        total = sum(self.statuses.values())
        if self.server_cpu_s is None or not total:
            return None
        return self.server_cpu_s * 1000 / total

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


# --- 1. in process ---------------------------------------------------------------------------


def _timed(fn: Callable[[], None], requests: int) -> tuple[list[float], float]:
    for _ in range(WARMUP_REQUESTS):
        fn()
    latencies = []
    started = time.perf_counter()
    for _ in range(requests):
        t0 = time.perf_counter()
        fn()
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies, time.perf_counter() - started


async def _asgi_sequential(app: Any, requests: int) -> tuple[list[float], float]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def post() -> None:
            response = await client.post(SCORE_PATH, json=SCORE_BODY)
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")

        for _ in range(WARMUP_REQUESTS):
            await post()
        latencies = []
        started = time.perf_counter()
        for _ in range(requests):
            t0 = time.perf_counter()
            await post()
            latencies.append((time.perf_counter() - t0) * 1000)
        return latencies, time.perf_counter() - started


def bench_in_process(workdir: Path, requests: int) -> list[Result]:
    with warnings.catch_warnings():  # Starlette's notice about its test client's transport
        warnings.filterwarnings("ignore", message=".*testclient.*is deprecated")
        from fastapi.testclient import TestClient
    from sqlmodel import Session

    from app.db.migrate import upgrade
    from app.logs import configure_logging
    from app.main import create_app
    from app.schemas.labels import ScoreRequest
    from app.services.auth import LOCAL
    from app.services.labels import score_request
    from app.settings import Settings

    url = f"sqlite:///{workdir / 'in-process.db'}"
    upgrade(url)
    settings = Settings(database_url=url, auth_disabled=True, log_level="INFO")
    results = []
    # The app logs a line per request, as it does when served; here to /dev/null.
    with Path(os.devnull).open("w") as sink:
        with contextlib.redirect_stderr(sink):
            app = create_app(settings)
        try:
            engine = app.state.db_engine

            def service() -> None:
                with Session(engine, expire_on_commit=False) as session:
                    score_request(session, ScoreRequest.model_validate(SCORE_BODY), LOCAL)

            latencies, wall = _timed(service, requests)
            results.append(
                Result("in-process service", "direct", 1, wall, requests,
                       percentile(latencies, 50), percentile(latencies, 99))
            )  # fmt: skip

            # The ASGI stack without the test client's thread portal: httpx's ASGI transport
            # on one event loop, requests one after another.
            latencies, wall = asyncio.run(_asgi_sequential(app, requests))
            results.append(
                Result("in-process ASGI", "httpx-ASGI", 1, wall, requests,
                       percentile(latencies, 50), percentile(latencies, 99))
            )  # fmt: skip

            with TestClient(app) as client:

                def post() -> None:
                    response = client.post(SCORE_PATH, json=SCORE_BODY)
                    if response.status_code != 200:
                        raise RuntimeError(f"{response.status_code}: {response.text[:300]}")

                latencies, wall = _timed(post, requests)
            results.append(
                Result("in-process TestClient", "TestClient", 1, wall, requests,
                       percentile(latencies, 50), percentile(latencies, 99))
            )  # fmt: skip
        finally:
            # Later log records (migrations) go to the terminal again, warnings only.
            configure_logging("WARNING", json=False)
    return results


# --- 2. text scoring over HTTP ---------------------------------------------------------------

_WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[@BODY@]==]

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p99_us": %.1f, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "statuses": {%s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, table.concat(parts, ", ")))
end
"""


def run_wrk(url: str, body: str, concurrency: int, seconds: int, workdir: Path) -> Result:
    """wrk on one thread (it needs far less than a core at these rates)."""
    if "]==]" in body:
        raise ValueError("the body cannot be embedded in the Lua script")
    script = workdir / "score.lua"
    script.write_text(_WRK_SCRIPT.replace("@BODY@", body), encoding="utf-8")
    done = subprocess.run(
        ["wrk", "-t", "1", "-c", str(concurrency), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(script), url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_RESULT "))
    data = json.loads(line.removeprefix("BENCH_RESULT "))
    statuses: Counter[str] = Counter({k: int(v) for k, v in data["statuses"].items()})
    for kind in ("connect", "read", "write", "timeout"):
        if data[kind]:
            statuses[f"sock:{kind}"] += int(data[kind])
    return Result(
        name="",
        client="wrk",
        concurrency=concurrency,
        seconds=data["duration_us"] / 1e6,
        ok=statuses["200"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        statuses=statuses,
        notes=["wrk latency covers every response"],
    )


SendFn = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def closed_loop(
    base_url: str, send: SendFn, concurrency: int, seconds: float, ok_status: int
) -> Result:
    """`concurrency` clients, each sending its next request when the last one is answered,
    until the deadline (in-flight requests are then awaited, bounded by their timeout)."""
    statuses: Counter[str] = Counter()
    ok_latencies: list[float] = []
    retry_after = 0
    issued = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    timeout = httpx.Timeout(REQUEST_TIMEOUT_S)

    async def client_loop(client: httpx.AsyncClient, n: int) -> None:
        nonlocal retry_after, issued
        while time.monotonic() < deadline and issued < MAX_REQUESTS_PER_RUN:
            issued += 1
            t0 = time.perf_counter()
            try:
                response = await send(client, n)
            except httpx.HTTPError as exc:
                statuses[f"exc:{type(exc).__name__}"] += 1
                await asyncio.sleep(BUSY_PAUSE_S)
                continue
            elapsed = (time.perf_counter() - t0) * 1000
            statuses[str(response.status_code)] += 1
            if response.status_code == ok_status:
                ok_latencies.append(elapsed)
            elif response.status_code == 503:
                if "retry-after" in response.headers:
                    retry_after += 1
                await asyncio.sleep(BUSY_PAUSE_S)
            n += concurrency

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout) as client:
        tasks = [client_loop(client, i) for i in range(concurrency)]
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + DRAIN_GRACE_S)
    wall = time.perf_counter() - started
    return Result(
        name="",
        client="httpx",
        concurrency=concurrency,
        seconds=wall,
        ok=len(ok_latencies),
        p50_ms=percentile(ok_latencies, 50),
        p99_ms=percentile(ok_latencies, 99),
        statuses=statuses,
        retry_after=retry_after,
        notes=[f"latency of the {ok_status}s only"],
    )


def bench_score_http(
    workdir: Path, workers: int, concurrency: int, seconds: int, client: str
) -> Result:
    body = json.dumps(SCORE_BODY, ensure_ascii=False)
    use_wrk = client == "wrk" or (client == "auto" and shutil.which("wrk") is not None)
    with running_server(workdir, workers, {}) as server:
        # Warm the worker(s) so that first-request costs are not in the figures.
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S) as warm:
            for _ in range(WARMUP_REQUESTS * workers):
                warm.post(SCORE_PATH, json=SCORE_BODY).raise_for_status()
        cpu_before = cpu_seconds(server.proc.pid)
        with RssSampler(server.proc.pid, seconds + DRAIN_GRACE_S) as rss:
            if use_wrk:
                result = run_wrk(server.base_url + SCORE_PATH, body, concurrency, seconds, workdir)
            else:

                async def send(c: httpx.AsyncClient, _n: int) -> httpx.Response:
                    return await c.post(SCORE_PATH, json=SCORE_BODY)

                result = asyncio.run(
                    closed_loop(server.base_url, send, concurrency, seconds, ok_status=200)
                )
        result.server_cpu_s = cpu_seconds(server.proc.pid) - cpu_before
        errors, events = server.log_problems()
    result.name = f"HTTP score, {workers} worker{'s' if workers > 1 else ''}"
    if (cpu_ms := result.cpu_ms_per_request) is not None:
        cores = os.cpu_count() or 1
        result.notes.append(
            f"server CPU {cpu_ms:.2f} ms/request: at most {1000 / cpu_ms * cores:.0f} req/s "
            f"on {cores} cores if nothing else ran (the load generator not counted)"
        )
    result.rss = rss.samples
    if errors:
        result.notes.append(f"server log: {errors} error lines, e.g. {events}")
    return result


# --- 3. photo scans over HTTP ----------------------------------------------------------------


def pick_photos() -> list[tuple[str, bytes]]:
    """PHOTO_COUNT photos spread evenly over the sorted folder (a fixed choice)."""
    names = sorted((shared_data() / PHOTO_FOLDER).glob("*.jpg"))
    step = max(1, len(names) // PHOTO_COUNT)
    chosen = names[::step][:PHOTO_COUNT]
    return [(p.name, p.read_bytes()) for p in chosen]


def bench_scans(workdir: Path, clients: int, seconds: float) -> Result:
    photos = pick_photos()

    async def send(c: httpx.AsyncClient, n: int) -> httpx.Response:
        name, data = photos[n % len(photos)]
        return await c.post(SCAN_PATH, files=[("image", (name, data, "image/jpeg"))])

    with running_server(workdir, 1, SCAN_ENV) as server:
        # One scan first, so that the OCR models' loading is not counted.
        with httpx.Client(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S) as warm:
            name, data = photos[0]
            warm.post(SCAN_PATH, files=[("image", (name, data, "image/jpeg"))])
        with RssSampler(server.proc.pid, seconds + DRAIN_GRACE_S) as rss:
            result = asyncio.run(closed_loop(server.base_url, send, clients, seconds, 201))
        errors, events = server.log_problems()
    result.name = "HTTP scans, 1 worker"
    result.rss = rss.samples
    shed = result.statuses["503"]
    total = sum(result.statuses.values())
    result.notes.append(
        f"503 shed: {shed}/{total} = {shed / total if total else 0:.0%}, "
        f"{result.retry_after} with Retry-After; "
        f"client pause after a 503: {BUSY_PAUSE_S} s; photos: {len(photos)}"
    )
    other_5xx = sum(n for s, n in result.statuses.items() if s.startswith("5") and s != "503")
    if other_5xx:
        result.notes.append(f"UNEXPECTED: {other_5xx} other 5xx responses")
    if errors:
        result.notes.append(f"server log: {errors} error lines, e.g. {events}")
    return result


# --- report ----------------------------------------------------------------------------------


def _statuses(result: Result) -> str:
    if not result.statuses:
        return "-"
    return " ".join(f"{s}:{n}" for s, n in sorted(result.statuses.items()))


def _rss(samples: list[float]) -> str:
    if not samples:
        return "-"
    return f"{samples[0]:.0f}/{samples[-1]:.0f}/{max(samples):.0f}"


def print_table(results: list[Result]) -> None:
    header = (
        f"{'run':<24} {'client':<10} {'conc':>4} {'secs':>6} {'ok':>8} {'req/s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8}  {'RSS MB first/last/peak':<22} statuses"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<24} {r.client:<10} {r.concurrency:>4} {r.seconds:>6.1f} {r.ok:>8} "
            f"{r.rate:>8.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f}  {_rss(r.rss):<22} {_statuses(r)}"
        )
    for r in results:
        for note in r.notes:
            print(f"  {r.name}: {note}")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seconds", type=int, default=20, help="length of each text-scoring run")
    ap.add_argument("--concurrency", type=int, default=32, help="connections for text scoring")
    ap.add_argument("--workers", default="1,2", help="uvicorn worker counts to try")
    ap.add_argument("--requests", type=int, default=2000, help="in-process requests per path")
    ap.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    ap.add_argument("--skip-photos", action="store_true")
    ap.add_argument("--photo-clients", type=int, default=8)
    ap.add_argument("--photo-seconds", type=float, default=30.0)
    args = ap.parse_args()
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    if not 1 <= args.seconds <= 600 or not 1 <= args.concurrency <= 1024:
        ap.error("--seconds must be 1..600 and --concurrency 1..1024")
    if not 1 <= args.photo_clients <= 64 or not 1 <= args.photo_seconds <= 600:
        ap.error("--photo-clients must be 1..64 and --photo-seconds 1..600")
    if any(not 1 <= w <= 16 for w in workers) or not 1 <= args.requests <= 1_000_000:
        ap.error("--workers must be 1..16 each and --requests 1..1000000")

    print(f"cores: {os.cpu_count()}; wrk: {shutil.which('wrk') or 'not installed'}", flush=True)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="labelscan-load-") as tmp:
        workdir = Path(tmp)
        print("in process ...", flush=True)
        results += bench_in_process(workdir, args.requests)
        for n in workers:
            print(f"HTTP score, {n} worker(s), {args.seconds} s ...", flush=True)
            results.append(
                bench_score_http(workdir, n, args.concurrency, args.seconds, args.client)
            )
        if not args.skip_photos:
            print(f"HTTP scans, {args.photo_clients} clients, {args.photo_seconds:g} s ...")
            results.append(bench_scans(workdir, args.photo_clients, args.photo_seconds))
    print()
    print_table(results)
    print()
    for r in results:
        if r.name.startswith("in-process"):
            verdict = "met" if r.p50_ms < 10 else "MISSED"
            print(f"aim p50 < 10 ms in process, {r.name}: {verdict} ({r.p50_ms:.2f} ms)")
    for r in results:
        if r.name.startswith("HTTP score"):
            verdict = "met" if r.rate >= 500 else "MISSED"
            print(f"aim >= 500 req/s on {os.cpu_count()} cores, {r.name}: {verdict}")
    print("auth disabled: no API-key lookup per request (a real key adds one SQLite query).")


if __name__ == "__main__":
    main()
