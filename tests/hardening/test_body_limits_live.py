"""Upload limits against the real server (uvicorn on loopback), where the transport is real:
a body over the limit declared up front, streamed with chunked encoding, or sent under a
Content-Length that lies, and clients that stall mid-body. Each is refused or dropped without a
5xx, and the server keeps answering others. And an idle keep-alive connection, reused, is
answered."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from bench.overload import LiveServer, live_server
from tests.hardening.hostile import jpeg

MAX_UPLOAD_BYTES = 3_000_000
CHUNK = 256 * 1024
IO_TIMEOUT_S = 20.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "LABELSCAN_MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES),
        "LABELSCAN_SCAN_RATE_LIMIT": "",
        "LABELSCAN_RATE_LIMIT": "",
    }
    with live_server(tmp_path_factory.mktemp("live"), env) as running:
        yield running


def _connect(server: LiveServer) -> socket.socket:
    host, port = server.base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=IO_TIMEOUT_S)
    sock.settimeout(IO_TIMEOUT_S)
    return sock


def _head(server: LiveServer, headers: dict[str, str]) -> bytes:
    lines = [
        "POST /v1/scans HTTP/1.1",
        f"Host: {server.base_url.removeprefix('http://')}",
        f"Authorization: Bearer {server.keys[0]}",
        "Content-Type: multipart/form-data; boundary=b",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _part_start() -> bytes:
    return b'--b\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\n'


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """The first response on the socket: status, headers (lower-case names), body."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        if not more:
            raise AssertionError(f"connection closed before a response: {data!r}")
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        more = sock.recv(65536)
        if not more:
            break
        body += more
    return int(status_line.split()[1]), headers, body[:length]


def _assert_problem(status: int, headers: dict[str, str], body: bytes, slug: str) -> None:
    assert headers["content-type"].startswith("application/problem+json"), headers
    problem = json.loads(body)
    assert problem["status"] == status
    assert problem["type"].endswith("/" + slug), problem


def _assert_still_serving(server: LiveServer) -> None:
    started = time.perf_counter()
    response = httpx.get(server.base_url + "/healthz", timeout=10)
    assert response.status_code == 200
    assert time.perf_counter() - started < 5
    assert server.proc.poll() is None, "the server died"
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and '"status": 500' not in log, log[-3000:]


def test_a_declared_length_over_the_limit_is_413_before_the_body(server: LiveServer) -> None:
    with contextlib.closing(_connect(server)) as sock:
        sock.sendall(_head(server, {"Content-Length": str(100 * MAX_UPLOAD_BYTES)}))
        status, headers, body = _read_response(sock)  # answered with no body byte sent
    assert status == 413
    _assert_problem(status, headers, body, "payload-too-large")
    assert headers.get("connection") == "close"
    _assert_still_serving(server)


def test_a_chunked_body_over_the_limit_is_cut_off_with_413(server: LiveServer) -> None:
    sent = 0
    with contextlib.closing(_connect(server)) as sock:
        sock.sendall(_head(server, {"Transfer-Encoding": "chunked"}))
        payload = _part_start() + jpeg()[:4] + bytes(CHUNK)
        try:
            # Up to five times the limit; the server should stop reading long before.
            while sent < 5 * MAX_UPLOAD_BYTES:
                sock.sendall(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
                sent += len(payload)
                payload = bytes(CHUNK)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what we want
        status, headers, body = _read_response(sock)
    assert status == 413
    _assert_problem(status, headers, body, "payload-too-large")
    _assert_still_serving(server)


def test_a_content_length_shorter_than_the_body_is_refused(server: LiveServer) -> None:
    """Declares 1000 bytes and sends 1 MB: the rest is never read as part of this upload.
    uvicorn parses the surplus as a next request on the connection, finds it invalid and
    answers 400 itself (plain text: the app never sees it), closing the connection."""
    body = _part_start() + jpeg() + bytes(1 << 20)
    with contextlib.closing(_connect(server)) as sock:
        sock.sendall(_head(server, {"Content-Length": "1000"}))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(body)
        status, headers, payload = _read_response(sock)
    assert status == 400, payload
    assert headers.get("connection") == "close"
    _assert_still_serving(server)


def test_a_content_length_longer_than_the_body_does_not_tie_up_the_server(
    server: LiveServer,
) -> None:
    """Clients that declare 2 MB, send 100 bytes and then stall (or hang up) cost the server a
    connection each, not a worker: others are served meanwhile."""
    stalled = []
    try:
        for _ in range(40):
            sock = _connect(server)
            sock.sendall(_head(server, {"Content-Length": str(2_000_000)}) + _part_start())
            stalled.append(sock)
        _assert_still_serving(server)
        score = httpx.post(
            server.base_url + "/v1/labels/score",
            json={"text": "Supplement Facts\nMagnesium (as magnesium glycinate) 200 mg 48%"},
            headers={"Authorization": f"Bearer {server.keys[0]}"},
            timeout=20,
        )
        assert score.status_code == 200, score.text
        # Half of them hang up mid-body: no traceback, no 500 in the log (checked below).
        for sock in stalled[::2]:
            sock.shutdown(socket.SHUT_WR)
    finally:
        for sock in stalled:
            sock.close()
    _assert_still_serving(server)


# A pooled client (httpx, and many others) keeps an idle connection this long, then closes it.
CLIENT_IDLE_S = 5.0


def test_an_idle_connection_outlives_a_pooled_clients_idle_window(server: LiveServer) -> None:
    """A client that reuses its connection after 5 s idle gets an answer, not a reset: the
    server's keep-alive (LABELSCAN_KEEP_ALIVE_S) is the longer of the two. With uvicorn's
    default of 5 s, the server closed first, and a request sent at that moment failed."""
    request = (
        f"GET /healthz HTTP/1.1\r\nHost: {server.base_url.removeprefix('http://')}\r\n\r\n"
    ).encode()
    with contextlib.closing(_connect(server)) as sock:
        sock.sendall(request)
        assert _read_response(sock)[0] == 200
        time.sleep(CLIENT_IDLE_S + 1.0)
        sock.sendall(request)
        status, headers, _ = _read_response(sock)
    assert status == 200
    assert headers.get("connection") != "close"
