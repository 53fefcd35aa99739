"""The interactive page in a real headless Chromium (Debian's, driven by Playwright), issue 12.

* `test_step_play_overlay_scrubber_and_a_strategy_lever`: Step advances both designs by the
  days shown and the shared-axes overlay grows; Play runs until Pause (and then to the end);
  A and B are both drawn on the overlay; the day scrubber shows an earlier day of the network;
  the picker lists each scenario's description; a strategy lever (B's points strength) changes
  B's result and reaches the run; the title is not clipped; the console shows no errors.
* `test_two_slider_moves_then_run_use_both_values`: the slider/Run race of item 13. Two
  sliders moved 0.7 s apart while the page is busy playing, then Run at once: the run uses both
  new values, and every label shows its own knob's value.

Each test serves its own page. The first writes a screenshot of the page after a run to its
temp directory; `CIRCLESIM_SCREENSHOT=docs/dashboard.png pytest tests/test_dashboard.py`
copies it to the README's picture.
"""

from __future__ import annotations

import io
import os
import re
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
#: the designs' colours on the overlay (sim.outputs.dashboard_runs.DESIGN_COLORS)
BLUE, ORANGE = (0x1F, 0x77, 0xB4), (0xE6, 0x61, 0x01)
LONG = 120_000  # ms: a run on a busy two-core machine


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


@pytest.fixture
def browser_page(dashboard):
    """A loaded page, and the list its console errors are collected in."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1050})
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(dashboard, timeout=90_000)
        page.locator(".circlesim-design-b .circlesim-lever").first.wait_for(timeout=90_000)
        yield page, problems
        browser.close()


# ------------------------------------------------------------------ reading and moving the page
def _slider(page, side: str, key: str):
    return page.locator(f".circlesim-design-{side} .circlesim-lever[data-key='{key}'] [role=slider]")


def _label(page, side: str, key: str) -> str:
    return page.locator(f".circlesim-design-{side} .circlesim-lever[data-key='{key}'] .v-label").inner_text()


def _press(page, side: str, key: str, button: str) -> None:
    slider = _slider(page, side, key)
    slider.focus()
    slider.press(button)


def _status(page) -> str:
    return page.locator(".circlesim-day").inner_text()


def _day(page) -> int:
    m = re.search(r"day (\d+) of (\d+)", _status(page))
    return int(m.group(1)) if m else -1


def _wait_status(page, pattern: str, timeout: int = LONG) -> None:
    page.wait_for_function("p => new RegExp(p).test(document.querySelector('.circlesim-day').innerText)",
                           arg=pattern, timeout=timeout)


def _picture(page, selector: str) -> bytes:
    """A screenshot of a drawn image, once it has loaded."""
    img = page.locator(selector)
    img.wait_for(timeout=LONG)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(), timeout=LONG)
    return img.screenshot()


def _changed(page, selector: str, before: bytes, timeout: float = 60) -> bytes:
    """The image at `selector` once it differs from `before` (the server redraws it asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        now = _picture(page, selector)
        if now != before:
            return now
        assert time.monotonic() < deadline, f"{selector} was not redrawn"
        time.sleep(0.3)


def _pixels_near(png: bytes, rgb: tuple, tolerance: int = 40) -> int:
    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int((np.abs(a - np.array(rgb)).max(axis=2) <= tolerance).sum())


def _small(page) -> None:
    """Both designs at 300 people and 100 days (the levers' minimum), so runs take seconds."""
    for side in "ab":
        _press(page, side, "population.size", "Home")
        _press(page, side, "horizon_days", "Home")
    for side in "ab":
        page.locator(f".circlesim-design-{side}").get_by_text("People on the graph: 300").wait_for(timeout=10_000)
        page.locator(f".circlesim-design-{side}").get_by_text("Days: 100").wait_for(timeout=10_000)


def _labels_match_knobs(page) -> None:
    """Every lever's label shows its own knob's value."""
    rows = page.locator(".circlesim-lever").evaluate_all(
        "els => els.map(e => [e.dataset.key, e.querySelector('.v-label').innerText,"
        " e.querySelector('[role=slider]').getAttribute('aria-valuenow')])")
    assert len(rows) >= 18  # 8 levers for A (baseline), 8 + 2 for B (points)
    for key, label, knob in rows:
        shown = label.rsplit(": ", 1)[1]
        assert float(shown) == pytest.approx(float(knob)), (key, label, knob)


# ------------------------------------------------------------------ the tests
def test_step_play_overlay_scrubber_and_a_strategy_lever(browser_page, tmp_path):
    page, problems = browser_page
    title = page.locator(".circlesim-title")
    fits = title.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight + 1"
                          " && e.getBoundingClientRect().top >= 0")
    assert fits and "two designs day by day" in title.inner_text()  # the title is not clipped

    # the picker describes each scenario
    assert "Points for check-in" in page.locator(".circlesim-design-b .circlesim-description").inner_text()
    page.locator(".circlesim-design-a .circlesim-scenario").click()
    items = page.locator(".circlesim-scenario-item")
    items.first.wait_for(timeout=10_000)
    assert items.count() >= 10
    entries = [t.split("\n", 1) for t in items.all_inner_texts()]
    assert all(len(e) == 2 and e[0].endswith(".yaml") and e[1].strip() for e in entries), entries
    page.keyboard.press("Escape")

    _small(page)
    # Step: both designs advance by the days per step (10), the overlay grows
    page.locator(".circlesim-step").click()
    _wait_status(page, r"day 10 of 100 \(paused\)")
    first = _picture(page, ".circlesim-overlay")
    page.locator(".circlesim-step").click()
    _wait_status(page, r"day 20 of 100 \(paused\)")
    second = _changed(page, ".circlesim-overlay", first)
    assert _pixels_near(second, BLUE) > _pixels_near(first, BLUE)  # the curves grew to the right

    # Play: one day per frame, until Pause; then on to the horizon
    speed = page.locator(".circlesim-speed [role=slider]")
    speed.focus()
    speed.press("Home")
    page.get_by_text("Days per step: 1", exact=True).wait_for(timeout=10_000)
    page.locator(".circlesim-play").click()
    page.locator(".circlesim-play", has_text="Pause").wait_for(timeout=LONG)
    page.wait_for_function("() => /day ([3-9]\\d) of/.test(document.querySelector('.circlesim-day').innerText)",
                           timeout=LONG)
    page.locator(".circlesim-play").click()  # Pause
    _wait_status(page, r"\(paused\)")
    paused = _day(page)
    time.sleep(1.5)
    assert 30 <= paused < 100 and _day(page) == paused  # pausing stops the days
    page.locator(".circlesim-play").click()
    _wait_status(page, r"day 100 of 100 \(finished\)")
    assert page.locator(".circlesim-play").is_disabled() and page.locator(".circlesim-step").is_disabled()

    # the overlay: A and B on the same axes
    overlay = _picture(page, ".circlesim-overlay")
    assert _pixels_near(overlay, BLUE) > 500 and _pixels_near(overlay, ORANGE) > 500
    assert "A: baseline.yaml, B: points.yaml" in page.locator(".circlesim-overlay-caption").inner_text()

    # the day scrubber: the latest day, then day 0
    scrubber = page.locator(".circlesim-scrubber")
    assert "Network on day 99 (latest)" in scrubber.inner_text()
    latest = _picture(page, ".circlesim-network-a")
    knob = scrubber.get_by_role("slider")
    knob.focus()
    knob.press("Home")
    scrubber.get_by_text("Network on day 0", exact=True).wait_for(timeout=10_000)
    _changed(page, ".circlesim-network-a", latest)  # redrawn for day 0
    knob.press("End")
    scrubber.get_by_text("Network on day 99 (latest)").wait_for(timeout=10_000)

    # a strategy lever: B's points strength to its maximum changes B's result
    b = page.locator(".circlesim-result-b")
    before = b.inner_text()
    assert "strategies.points.value=0.02" in before
    _press(page, "b", "strategies.points.value", "End")
    assert _label(page, "b", "strategies.points.value") == "strength: motivation per point (assumption): 0.1"
    page.locator(".circlesim-stale-b").wait_for(timeout=10_000)  # the panel says the run shown is older
    page.locator(".circlesim-run").click()
    page.locator(".circlesim-result-b .circlesim-used", has_text="strategies.points.value=0.1").wait_for(
        timeout=LONG)
    _wait_status(page, r"Run 2: day 100 of 100 \(finished\)")
    after = b.inner_text()
    assert "--set strategies.points.value=0.1" in after
    table = [t.split("Ran with")[0] for t in (before, after)]
    assert table[0] != table[1]  # more motivation per point: other numbers
    assert page.locator(".circlesim-stale-b").count() == 0
    _labels_match_knobs(page)

    # the picture for the README: the whole page from its title (Solara scrolls an inner element)
    page.set_viewport_size({"width": 1400, "height": 1480})
    page.evaluate("() => document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
    page.locator(".circlesim-title").wait_for(state="visible")
    assert page.locator(".circlesim-title").evaluate("e => e.getBoundingClientRect().top") >= 0
    _picture(page, ".circlesim-network-b")
    page.screenshot(path=str(tmp_path / "dashboard.png"))
    assert (tmp_path / "dashboard.png").stat().st_size > 50_000
    assert problems == [], problems
    shot = os.environ.get("CIRCLESIM_SCREENSHOT")
    if shot:  # maintainers refresh docs/dashboard.png with CIRCLESIM_SCREENSHOT=docs/dashboard.png
        shutil.copy(tmp_path / "dashboard.png", shot)


def test_two_slider_moves_then_run_use_both_values(browser_page):
    page, problems = browser_page
    _small(page)
    speed = page.locator(".circlesim-speed [role=slider]")
    speed.focus()
    speed.press("Home")
    page.locator(".circlesim-play").click()  # keep the server busy drawing frames
    page.locator(".circlesim-play", has_text="Pause").wait_for(timeout=LONG)
    page.wait_for_function("() => /day [1-9]\\d? of/.test(document.querySelector('.circlesim-day').innerText)",
                           timeout=LONG)
    # item 13's timing: one slider, 0.7 s, another slider, Run at once
    _press(page, "a", "acquisition.q_weak", "End")
    time.sleep(0.7)
    _press(page, "a", "community.organizers", "End")
    page.locator(".circlesim-run").click()
    used = page.locator(".circlesim-result-a .circlesim-used")
    _wait_status(page, r"Run 2: day 100 of 100 \(finished\)")
    text = used.inner_text()
    assert "acquisition.q_weak=0.2" in text and "community.organizers=20" in text, text
    command = page.locator(".circlesim-result-a .circlesim-command").inner_text()
    assert "--set acquisition.q_weak=0.2" in command and "--set community.organizers=20" in command
    assert _label(page, "a", "acquisition.q_weak") == "Word of mouth per weak tie (q_weak): 0.2"
    assert _label(page, "a", "community.organizers") == "Organizers: 20"
    _labels_match_knobs(page)
    assert page.locator(".circlesim-stale-a").count() == 0
    assert problems == [], problems
