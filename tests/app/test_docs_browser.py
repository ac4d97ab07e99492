"""/docs in a real browser: the real server (uvicorn via `labelscan serve`, SQLite, auth off),
headless Chromium driven by Selenium, no internet. Every wait is bounded."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT_S = 30

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="Debian's chromium and chromium-driver are not installed (scripts/system-packages.txt)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        LABELSCAN_DATABASE_URL=f"sqlite:///{tmp_path / 'docs.db'}",
        LABELSCAN_AUTH_DISABLED="1",
        LABELSCAN_LOG_LEVEL="WARNING",
    )
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {(tmp_path / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("server did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,2200",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(WAIT_S)
    driver.set_script_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver: WebDriver, tmp_path: Path) -> Path:
    shot = tmp_path / "docs.png"
    driver.save_screenshot(str(shot))
    if not os.environ.get("CI"):
        keep = REPO / "var" / "docs-browser.png"
        keep.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, keep)
    return shot


def test_try_it_out_scores_the_example_label(
    server: str, browser: WebDriver, tmp_path: Path
) -> None:
    wait = WebDriverWait(browser, WAIT_S)
    browser.get(f"{server}/docs")
    block_id = "operations-labels-score_label_v1_labels_score_post"
    try:
        block = wait.until(ec.presence_of_element_located((By.ID, block_id)))
        block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
        wait.until(
            ec.element_to_be_clickable((By.CSS_SELECTOR, f"#{block_id} .try-out__btn"))
        ).click()
        wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f"#{block_id} .execute"))).click()
        status = wait.until(
            ec.visibility_of_element_located(
                (
                    By.CSS_SELECTOR,
                    f"#{block_id} .live-responses-table tr.response .response-col_status",
                )
            )
        )
        body = browser.find_element(
            By.CSS_SELECTOR, f"#{block_id} .live-responses-table .microlight"
        )
    except TimeoutException:
        _screenshot(browser, tmp_path)
        raise
    assert status.text.strip().startswith("200"), status.text
    assert "magnesium_glycinate" in body.text
    assert _screenshot(browser, tmp_path).stat().st_size > 10_000

    # Everything the page loaded came from the server itself.
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert loaded and all(url.startswith(server) for url in loaded), loaded
