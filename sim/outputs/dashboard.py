"""The interactive page: two designs, stepped or played side by side, drawn on shared axes.

Served by `circlesim dashboard [SCENARIO.yaml]` (Solara, bound to 127.0.0.1 by default). The
page follows the idioms of Mesa's SolaraViz and of NetLogo: controls in a side column (seed,
days per step, **Reset**, **Step**, **Play**/**Pause**, **Run**), the model's plots beside
them, growing as the days advance. Each design is a scenario (picked from a list that shows
each scenario's description) plus levers: eight global ones and, for each strategy in the
file, its start day and strength (`sim.outputs.dashboard_runs.levers_for`). Designs A and B
share the seed and advance together; their members, daily active members, dormant members and
spend are drawn on shared axes, and a network view of up to 1,000 people (the founders and
their neighbourhood) shows any simulated day through a day scrubber. What the page computes
equals `circlesim run` with the same file, seed and `--set` values; each summary prints that
command.

Inputs and their order. The design panels, the controls and the scrubber are Vue templates
(`dashboard_*.vue`) that send every change and click as an event, on one ordered channel, so
a click always acts on the values the page shows, and each label is drawn from its own knob
(the slider/Run race of issue 12; see `dashboard_design.vue`). Clicks become actions in a
queue worked off by one thread per page (`PageState`), so a long run never blocks the page,
and a new action interrupts Play or Run.

What a browser sends is untrusted (a websocket message can carry anything): a scenario is
accepted only by its name in the list the page offers (`resolve`), lever values are clamped
to their sliders' ranges and other keys refused (`clamped`), the seed must be a whole number
in range, and an error shows one line on the page while its traceback goes to the server's log.
"""

from __future__ import annotations

import collections
import html
import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")
import solara  # noqa: E402

from sim.outputs.dashboard_runs import (  # noqa: E402 - re-exported: the page's public names
    GLOBAL_LEVERS,
    NETWORK_LIMIT,
    PLOT_LOCK,
    Track,
    clamped,
    defaults_for,
    levers_for,
    network_figure,
    overlay_figure,
    page_error,
    picker_items,
    png,
    resolve,
    run_design,
    scenario_files,
    summary_html,
)

log = logging.getLogger("circlesim.dashboard")

#: the designs' sides and the scenario each opens with (A: the command line's, else the baseline)
SIDES = ("A", "B")
DEFAULT_SCENARIOS = {"A": "baseline.yaml", "B": "points.yaml"}
#: seconds between two frames while playing (Mesa's play interval); Run draws a frame this often
PLAY_INTERVAL = 0.15
RUN_FRAME_SECONDS = 0.5
SEED_MAX = 2**63 - 1
#: `LEVERS` of the first page, kept for callers: (label, key, min, max, step, kind)
LEVERS = [(lv.label, lv.key, lv.low, lv.high, lv.step, int if lv.integer else float) for lv in GLOBAL_LEVERS]


# ------------------------------------------------------------------ the page's state
def design_input(name: str, revision: int = 0, error: str = "") -> dict:
    """A design panel's state for scenario `name`: its levers, their file values, and a revision."""
    levers = levers_for(name)
    values = defaults_for(name)
    return {"revision": revision, "scenario": name, "values": values, "levers": [lv.spec() for lv in levers],
            "error": error}


class PageState:
    """One browser page: both designs' inputs, their tracks, and the queue of actions on them.

    The websocket thread validates what the browser sends and appends actions; one worker
    thread (started when there is work, gone when there is none) carries them out in order.
    Play and Run step in chunks and stop as soon as another action is waiting. The tracks are
    touched only by the worker; the page draws from `frames`, copies made after each chunk.
    """

    def __init__(self, first: dict):
        self.designs = {side: solara.reactive(self._first_input(first[side])) for side in SIDES}
        self.controls = solara.reactive({"revision": 0, "seed": 1, "days": 10})
        self.frames = solara.reactive({})  # side -> Frame
        self.playing = solara.reactive(False)
        self.message = solara.reactive("")
        self.view = solara.reactive({"revision": 0, "day": None})  # the network view's day (None: latest)
        self.tracks: dict[str, Track] = {}
        self.runs = solara.reactive(0)  # runs built so far (Reset and Run start a new one)
        self._actions: collections.deque = collections.deque()
        self._lock = threading.Lock()
        self._working = False
        self.closed = False

    @staticmethod
    def _first_input(name: str) -> dict:
        files = scenario_files()
        name = name if name in files else (files[0] if files else "")
        try:
            return design_input(name)
        except Exception as exc:  # noqa: BLE001 - the page shows one line, the log the rest
            return {"revision": 0, "scenario": name, "values": {}, "levers": [], "error": page_error(exc)}

    # -------------------------------------------------------------- from the browser
    def change(self, side: str, data) -> None:
        """A design panel's levers as the browser shows them (stale revisions and bad values are dropped)."""
        current = self.designs[side].value
        if not isinstance(data, dict) or data.get("revision") != current["revision"] \
                or data.get("scenario") != current["scenario"]:
            return  # sent before the panel showed the server's latest state: superseded
        try:
            values = clamped(current["scenario"], data.get("values") or {})
        except (TypeError, ValueError) as exc:
            log.warning("refused lever values for %s: %.120s", side, exc)
            return
        self.designs[side].set({**current, "values": {**current["values"], **values}, "error": ""})

    def pick(self, side: str, data) -> None:
        """A scenario chosen in a design's picker: its levers at the file's values (anything else refused)."""
        current = self.designs[side].value
        name = data.get("scenario") if isinstance(data, dict) else None
        if not isinstance(name, str) or name not in scenario_files():
            log.warning("refused scenario choice %.80r", name)
            self.designs[side].set({**current, "revision": current["revision"] + 1,
                                    "error": "unknown scenario; pick one from the list"})
            return
        try:
            fresh = design_input(name, current["revision"] + 1)
        except Exception as exc:  # noqa: BLE001 - the page shows one line, the log the rest
            self.designs[side].set({**current, "revision": current["revision"] + 1, "error": page_error(exc)})
            return
        self.designs[side].set(fresh)

    def act(self, data) -> None:
        """A click on the controls: read the seed and step size it carries, then queue the action."""
        if not isinstance(data, dict) or data.get("action") not in ("reset", "step", "play", "pause", "run"):
            log.warning("refused control event %.80r", data)
            return
        try:
            seed = int(str(data.get("seed")).strip())
            if not 0 <= seed <= SEED_MAX:
                raise ValueError
        except (TypeError, ValueError):
            self.message.set(f"The seed must be a whole number from 0 to {SEED_MAX}.")
            return
        try:
            days = min(max(int(data.get("days")), 1), 100)
        except (TypeError, ValueError, OverflowError):
            days = self.controls.value["days"]
        self.controls.set({**self.controls.value, "seed": seed, "days": days})
        self.message.set("")
        self.submit(data["action"], seed, days)

    def pick_day(self, data) -> None:
        """The network view's day from the scrubber (None: follow the latest day)."""
        view = self.view.value
        if not isinstance(data, dict) or data.get("revision") != view["revision"]:
            return
        day = data.get("day")
        if day is not None:
            try:
                day = max(int(day), 0)
            except (TypeError, ValueError, OverflowError):
                return
        self.view.set({**view, "day": day})

    # -------------------------------------------------------------- the worker
    def submit(self, action: str, seed: int, days: int) -> None:
        """Queue an action; start the worker if none runs."""
        inputs = {side: (d.value["scenario"], dict(d.value["values"])) for side, d in self.designs.items()}
        with self._lock:
            self._actions.append((action, seed, days, inputs))
            if not self._working:
                self._working = True
                threading.Thread(target=self._work, name="circlesim-page", daemon=True).start()

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._actions or self.closed:
                    self._actions.clear()
                    self._working = False
                    return
                action, seed, days, inputs = self._actions.popleft()
            try:
                self._do(action, seed, days, inputs)
            except Exception as exc:  # noqa: BLE001 - shown on the page (one line), logged in full
                self.message.set(page_error(exc))
            finally:
                if self.playing.value:
                    self.playing.set(False)

    def _interrupted(self) -> bool:
        return bool(self._actions) or self.closed

    def _do(self, action: str, seed: int, days: int, inputs: dict) -> None:
        if action == "pause":
            return
        if action in ("reset", "run") or not self.tracks:
            self._build(seed, inputs)
            if action == "reset":
                return
        if action == "step":
            self._advance(days)
            return
        self.playing.set(True)
        last_frame = time.monotonic()
        while not self._interrupted() and not all(t.done for t in self.tracks.values()):
            if action == "play":
                self._advance(days)
                time.sleep(PLAY_INTERVAL)
            else:  # run: as fast as it goes, a frame now and then so the curves grow
                for track in self.tracks.values():
                    track.step(10)
                if time.monotonic() - last_frame >= RUN_FRAME_SECONDS:
                    self._publish()
                    last_frame = time.monotonic()
        self._publish()

    def _build(self, seed: int, inputs: dict) -> None:
        self.tracks = {}
        self.frames.set({})
        self.view.set({"revision": self.view.value["revision"] + 1, "day": None})
        tracks = {}
        for side, (name, values) in inputs.items():
            tracks[side] = Track(side, name, values, seed)
        self.tracks = tracks
        self.runs.set(self.runs.value + 1)
        self._publish()

    def _advance(self, days: int) -> None:
        for track in self.tracks.values():
            track.step(days)
        self._publish()

    def _publish(self) -> None:
        self.frames.set({side: track.frame() for side, track in self.tracks.items()})

    def close(self) -> None:
        """The page went away: stop any work (the worker exits at its next chunk)."""
        self.closed = True


# ------------------------------------------------------------------ Vue templates
@solara.component_vue("dashboard_design.vue")
def DesignPanel(slug: str, scenarios: list, state: dict, event_change: Callable, event_pick: Callable):
    """One design's scenario picker and levers (see dashboard_design.vue)."""


@solara.component_vue("dashboard_controls.vue")
def Controls(state: dict, status: dict, event_act: Callable):
    """Seed, days per step and the Reset / Step / Play-Pause / Run buttons (see dashboard_controls.vue)."""


@solara.component_vue("dashboard_scrubber.vue")
def DayScrubber(revision: int, last: int, event_pick: Callable):
    """The network view's day slider (see dashboard_scrubber.vue)."""


# ------------------------------------------------------------------ drawing
def _note(text: str, color: str, classes: list | None = None) -> None:
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=classes or [],
                style=f"color:{color};padding:4px 0;font-size:13px")


def _image(data: bytes, classes: list) -> None:
    solara.Image(data, format="png", classes=classes)


def _stale(design: dict, frame) -> bool:
    """Whether a design's panel differs from the run on screen (then Reset or Run applies it)."""
    if frame is None:
        return False
    try:
        return design["scenario"] != frame.name or clamped(design["scenario"], design["values"]) != frame.levers
    except ValueError:
        return True


def _status_text(frames: dict, playing: bool, run: int) -> str:
    if not frames:
        return "Not started: Reset, Step, Play or Run."
    day = max(f.day for f in frames.values())
    horizon = max(f.horizon for f in frames.values())
    state = "playing" if playing else ("finished" if all(f.done for f in frames.values()) else "paused")
    return f"Run {run}: day {day} of {horizon} ({state})"


@solara.component
def Overlay(frames: dict):
    """Designs A and B on shared axes (members, daily active, dormant, spend), as far as they are simulated."""
    data = solara.use_memo(lambda: png(overlay_figure(frames)) if frames else None, [frames])
    if data is None:
        _note("Press Step, Play or Run: A and B appear here on shared axes, growing day by day.", "#555",
              ["circlesim-overlay-empty"])
        return
    names = ", ".join(f"{side}: {Path(f.name).name}" for side, f in sorted(frames.items()))
    _image(data, ["circlesim-overlay"])
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(f"Shared axes, same seed. {names}."),
                classes=["circlesim-overlay-caption"], style="font-size:12px;color:#555")


@solara.component
def Network(frame, day):
    """One design's people on the scrubber's day."""
    shown = None if frame is None or frame.day == 0 else (frame.day - 1 if day is None else min(day, frame.day - 1))
    data = solara.use_memo(lambda: png(network_figure(frame.track, shown, frame.day)) if shown is not None else None,
                           [frame.track if frame else None, shown])
    if data is None:
        return
    _image(data, [f"circlesim-network-{frame.label.lower()}"])


@solara.component
def Details(frame):
    """A design's lifecycle (phases) and circles over time, once it reached its horizon."""
    from sim.outputs.plots import circles_figure, lifecycle_figure, strategy_windows

    def draw():
        if frame is None or not frame.done or frame.summary is None:
            return None
        import matplotlib.pyplot as plt

        s = frame.summary
        with PLOT_LOCK:
            title = f"{frame.label}: {Path(frame.name).stem}"
            scenario = frame.track.scenario
            figs = [lifecycle_figure(frame.ts, s["lifecycle"], scenario.population.dunbar_limit,
                                     f"{title}: lifecycle", strategies=strategy_windows(scenario, len(frame.ts))),
                    circles_figure(frame.ts, s["lifecycle"], f"{title}: circles")]
            out = [png(f) for f in figs]
            for f in figs:
                plt.close(f)
        return out

    images = solara.use_memo(draw, [frame])
    if images:
        for data in images:
            _image(data, [f"circlesim-details-{frame.label.lower()}"])


@solara.component
def Summary(frame):
    """A design's summary as of the day reached, the levers it ran with and the equivalent command."""
    if frame is None or frame.summary is None:
        return
    text = summary_html(frame.summary, frame.levers, frame.track.command_line())
    solara.HTML(tag="div", unsafe_innerHTML=f"<p style='font-size:13px;margin:0 0 4px 0'><b>{frame.label}: "
                f"{html.escape(Path(frame.name).name)}</b>, day {frame.day} of {frame.horizon}</p>" + text,
                classes=["circlesim-result", f"circlesim-result-{frame.label.lower()}"])


TITLE_STYLE = ("margin:12px 0 4px 0;padding-top:4px;font-size:24px;line-height:1.35;font-weight:600;"
               "white-space:normal;overflow-wrap:anywhere")


@solara.component
def Page():
    """The dashboard page: controls and both designs in a side column, the plots beside them."""
    initial = os.environ.get("CIRCLESIM_DASHBOARD_SCENARIO")
    first = {**DEFAULT_SCENARIOS, **({"A": str(Path(initial).resolve())} if initial else {})}
    state = solara.use_memo(lambda: PageState(first), [])
    solara.use_effect(lambda: state.close, [])  # the page closes: stop its work
    frames = state.frames.value
    playing = state.playing.value
    items = solara.use_memo(picker_items, [])
    solara.Title("circlesim: two designs, day by day")
    with solara.Column(style="padding: 0 16px 16px 16px", classes=["circlesim-page"]):
        solara.HTML(tag="h1", unsafe_innerHTML="circlesim: a community's lifecycle, two designs day by day",
                    classes=["circlesim-title"], style=TITLE_STYLE)
        solara.HTML(tag="p", unsafe_innerHTML=html.escape(
            "Pick a scenario for each design and move its sliders, then Step, Play or Run: levers are what "
            "operators choose, assumptions are how people behave (a design does not choose them). Both designs "
            "use the same seed and advance together, so differences come from what the two set differently."),
            style="margin:0 0 8px 0;font-size:14px")
        with solara.Columns([5, 9], gutters_dense=True):
            with solara.Column():
                with solara.Card("Run", margin=0):
                    done = bool(frames) and all(f.done for f in frames.values())
                    text = _status_text(frames, playing, state.runs.value)
                    Controls(state=state.controls.value, status={"playing": playing, "done": done, "text": text},
                             event_act=state.act)
                    if state.message.value:
                        _note(state.message.value, "#b2182b", ["circlesim-message"])
                for side in SIDES:
                    design = state.designs[side].value
                    with solara.Card(f"Design {side}", margin=0, classes=[f"circlesim-card-{side.lower()}"]):
                        DesignPanel(slug=side.lower(), scenarios=items,
                                    state={k: design[k] for k in ("revision", "scenario", "values", "levers")},
                                    event_change=lambda data, side=side: state.change(side, data),
                                    event_pick=lambda data, side=side: state.pick(side, data))
                        if design["error"]:
                            _note(design["error"], "#b2182b", [f"circlesim-error-{side.lower()}"])
                        if _stale(design, frames.get(side)):
                            _note("Changed since the run shown: Reset or Run applies it.", "#8a5a00",
                                  [f"circlesim-stale-{side.lower()}"])
            with solara.Column():
                with solara.Card("A and B on shared axes", margin=0):
                    Overlay(frames)
                with solara.Card("Network", margin=0):
                    view = state.view.value
                    last = max((f.day for f in frames.values()), default=0) - 1
                    DayScrubber(revision=view["revision"], last=last, event_pick=state.pick_day)
                    with solara.Columns([1, 1], gutters_dense=True):
                        for side in SIDES:
                            Network(frames.get(side), view["day"])
                with solara.Columns([1, 1], gutters_dense=True):
                    for side in SIDES:
                        with solara.Column():
                            Summary(frames.get(side))
                with solara.Columns([1, 1], gutters_dense=True):
                    for side in SIDES:
                        with solara.Column():
                            Details(frames.get(side))


__all__ = ["Page", "PageState", "run_design", "network_figure", "overlay_figure", "summary_html", "resolve",
           "scenario_files", "defaults_for", "levers_for", "page_error", "LEVERS", "NETWORK_LIMIT"]
