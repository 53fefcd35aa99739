"""The interactive page in a real headless Chromium (Debian's, driven by Playwright).

The page loads, a run produces the lifecycle chart, moving a slider and running again
changes the result, and the browser console shows no errors. A screenshot of the page after
a run is written to the test's temp directory.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dashboard():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: apt-get install chromium (.ci/run does this)")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"dashboard exited: {proc.stdout.read()}")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("dashboard did not start within 90 s")
    yield f"http://127.0.0.1:{port}/"
    os.killpg(proc.pid, 15)
    proc.wait(timeout=20)


def _card(page, title):
    return page.locator(".v-card").filter(has_text=title).first


def _run_and_read(page, card, expect_lever: str):
    """Press Run and wait for the result of a run made with `expect_lever` (e.g. 'q_weak=0.2')."""
    from playwright.sync_api import expect

    card.get_by_role("button", name="Run").click()
    result = card.locator(".circlesim-result")
    expect(result).to_contain_text(expect_lever, timeout=120_000)
    chart = card.locator("img").first
    chart.wait_for(timeout=60_000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle(),
                           timeout=60_000)
    return result.inner_text(), chart.screenshot()


def test_page_runs_and_responds_to_sliders(dashboard, tmp_path):
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(dashboard, timeout=90_000)
        card = _card(page, "Design A")
        card.wait_for(timeout=90_000)
        sliders = card.get_by_role("slider")
        assert sliders.count() >= 6
        # small and short for speed: population and days to their minimum
        for idx in (0, 6):
            sliders.nth(idx).focus()
            sliders.nth(idx).press("Home")
        card.get_by_text("People on the graph: 300").wait_for(timeout=10_000)
        first_text, first_img = _run_and_read(page, card, "population.size=300")
        assert "lifespan" in first_text and len(first_img) > 5_000  # a drawn chart, not an empty box
        assert card.locator("img").count() >= 3  # lifecycle, circles, network
        card.locator("img").first.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / "dashboard.png"))
        # a lever changes the result: word of mouth to its maximum
        sliders.nth(1).focus()
        sliders.nth(1).press("End")
        card.get_by_text("(q_weak): 0.2").wait_for(timeout=10_000)
        second_text, second_img = _run_and_read(page, card, "acquisition.q_weak=0.2")
        assert second_text != first_text and second_img != first_img
        browser.close()
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
    assert problems == [], problems
    shot = os.environ.get("CIRCLESIM_SCREENSHOT")
    if shot:  # maintainers refresh docs/dashboard.png with CIRCLESIM_SCREENSHOT=docs/dashboard.png
        shutil.copy(tmp_path / "dashboard.png", shot)
