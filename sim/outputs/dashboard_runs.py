"""What the interactive page runs and draws, without Solara: levers, designs that step, figures.

`sim.outputs.dashboard` is the page; everything it computes lives here, so it can be tested
without a browser and so the page shows exactly what `circlesim run` computes:

* `levers_for(name)` lists a scenario's levers: eight global ones (population, word of mouth,
  sharing, novelty, need for information, organizers, group cap, days) plus, for each
  strategy in the file, its start day and its strength (the one parameter that says how hard
  the strategy pushes, `STRENGTH`). `overrides` turns lever values into the `--set KEY=VALUE` list of
  `circlesim run`, clamped to the levers' ranges; any other key is refused.
* `Track` is one design being simulated: the scenario file plus the overrides, built into a
  `CommunityModel` and stepped a number of days at a time (step / play), or to the end (run).
  Stepping calls `CommunityModel.step`, the very method `run` calls, so a track stepped to the
  horizon in any chunks equals `circlesim run` with the same file, seed and `--set` values
  (tests/test_dashboard_runs.py). It also records, each day, the state of up to
  `NETWORK_LIMIT` people (the founders and their neighbourhood) for the network view's day
  scrubber; that recording reads the model and never changes it.
* `overlay_figure` draws designs A and B on shared axes; `network_figure` one design's people on
  one day, at positions computed once per track (`layout`), so scrubbing only recolours.

Figures are built with matplotlib's object API (`Figure`, no pyplot state) under `PLOT_LOCK`:
the page draws from its websocket thread and from its play thread.
"""

from __future__ import annotations

import io
import logging
import os
import shlex
import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.scenario.paths import scenario_dir
from sim.scenario.schema import role_of

log = logging.getLogger("circlesim.dashboard")

SCENARIO_DIR = scenario_dir()
NETWORK_LIMIT = 1000
#: the latest start day a strategy lever offers (the Days lever's maximum)
START_MAX = 1500
#: one lock for every figure the page draws (matplotlib is not thread-safe)
PLOT_LOCK = threading.RLock()

#: Colours of the two designs on the shared axes (A blue, B orange: readable by colour-blind viewers)
DESIGN_COLORS = {"A": "#1f77b4", "B": "#e66101"}


@dataclass(frozen=True)
class Lever:
    """One slider of a design: a dotted scenario key, its label and range, and whether it is whole.

    >>> Lever("community.organizers", "Organizers", 0, 20, 1, True).clamp(99.7)
    20
    >>> Lever("acquisition.q_weak", "q_weak", 0.0, 0.2, 0.005, False).clamp("0.05")
    0.05
    """

    key: str
    label: str
    low: float
    high: float
    step: float
    integer: bool
    group: str = "Community"

    def clamp(self, value):
        """`value` as this lever's type, inside its range (TypeError/ValueError if it is not a number)."""
        if isinstance(value, bool) or value is None:
            raise TypeError(f"{self.key}: expected a number, got {value!r}")
        number = float(value)
        if not np.isfinite(number):
            raise ValueError(f"{self.key}: expected a finite number, got {value!r}")
        number = min(max(number, self.low), self.high)
        return int(round(number)) if self.integer else number

    def spec(self) -> dict:
        """What the page's slider needs (plain JSON)."""
        return {"key": self.key, "label": self.label, "min": self.low, "max": self.high, "step": self.step,
                "integer": self.integer, "group": self.group}


#: The slider groups of the global keys, by what each key stands for (`sim.scenario.schema.role_of`):
#: the design's levers apart from the assumptions about the world and the market.
ROLE_GROUPS = {"lever": "Community (levers)", "assumption": "The world (assumptions)", "market": "Market",
               "run": "Run", "read-out": "Read-outs"}

#: The global sliders: (dotted key, label, min, max, step, whole number), grouped by role below
GLOBAL_LEVERS = [
    Lever("population.size", "People on the graph", 300, 10000, 100, True),
    Lever("acquisition.q_weak", "Word of mouth per weak tie (q_weak)", 0.0, 0.2, 0.005, False),
    Lever("acquisition.share_rate", "Sharing rate", 0.0, 1.0, 0.05, False),
    Lever("motivation.novelty_halflife", "Novelty half-life (days)", 30.0, 1000.0, 10.0, False),
    Lever("motivation.information_need", "Need for information (share only information meets)", 0.0, 0.5, 0.05,
          False),
    Lever("community.organizers", "Organizers", 0, 20, 1, True),
    Lever("community.group_cap", "Group cap", 20, 1000, 10, True),
    Lever("horizon_days", "Days", 100, 1500, 50, True),
]
GLOBAL_LEVERS = sorted((replace(lv, group=ROLE_GROUPS[role_of(lv.key)]) for lv in GLOBAL_LEVERS),
                       key=lambda lv: list(ROLE_GROUPS.values()).index(lv.group))  # levers first

#: Each strategy kind's strength: (parameter, label, min, max, step). The parameter that says how
#: hard the strategy pushes; ranges are the sensible part of the parameter's allowed range.
#: `personalized_feed` has none (it is on or off: only its start day is a lever).
STRENGTH = {
    "points": ("value", "motivation per point", 0.0, 0.1, 0.005),
    "tiers": ("bonus", "interest per tier", 0.0, 0.3, 0.01),
    "invite_reward": ("share_boost", "sharing multiplier", 1.0, 10.0, 0.5),
    "koc_promotion": ("per_round", "promoted per round", 0, 20, 1),
    "events": ("wake", "chance a dormant member wakes", 0.0, 1.0, 0.05),
    "content": ("attitude", "share of attitude content", 0.0, 1.0, 0.05),
    "split_groups": ("cap", "split groups above", 20, 500, 10),
    "cross_promotion": ("boost", "external joining multiplier", 1.0, 50.0, 1.0),
    "operating_mode": ("brand_share", "brand's share of the running", 0.0, 1.0, 0.05),
}


# ------------------------------------------------------------------ scenarios the page offers
def scenario_files() -> list[str]:
    """The scenarios the page offers: the shipped folder's `*.yaml`, plus the one given on the command line."""
    try:
        files = sorted(p.name for p in SCENARIO_DIR.glob("*.yaml") if p.is_file())
    except OSError:
        files = []
    extra = os.environ.get("CIRCLESIM_DASHBOARD_SCENARIO")
    if extra and Path(extra).name not in files:
        files.insert(0, str(Path(extra).resolve()))
    return files


def resolve(name) -> Path:
    """The file of a scenario the page offers; ValueError for any other value (paths, '../', ...)."""
    if not isinstance(name, str) or name not in scenario_files():
        raise ValueError("unknown scenario; pick one from the list")
    p = Path(name)
    return p if p.is_absolute() else SCENARIO_DIR / name


def page_error(exc: BaseException) -> str:
    """What the page says about an error: scenario problems verbatim, anything else one line (traceback logged)."""
    from sim.model.memory import MemoryEstimateError
    from sim.model.strategies import StrategyConflict
    from sim.scenario import ScenarioError

    if isinstance(exc, (ScenarioError, MemoryEstimateError, StrategyConflict)) or type(exc) is ValueError:
        return str(exc)
    log.error("dashboard error", exc_info=exc)
    return f"{type(exc).__name__}: the run failed; the details are in the server's log."


def _stamp(path: Path):
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


@lru_cache(maxsize=256)
def _load(path: str, stamp):
    from sim.scenario import load_scenario

    return load_scenario(path)


def load_offered(name: str):
    """The scenario a page name stands for, as the file says (no levers applied); cached per file version."""
    path = resolve(name)
    return _load(str(path), _stamp(path))


def describe(name: str) -> str:
    """The scenario's own one-line `description` ('' if it cannot be read: the picker still lists it)."""
    try:
        return load_offered(name).description or ""
    except Exception:  # noqa: BLE001 - a broken file is reported when it is picked, not in the list
        return ""


def picker_items() -> list[dict]:
    """The scenario picker's entries: the file name and its description, for each offered scenario."""
    return [{"title": Path(n).name, "value": n, "description": describe(n)} for n in scenario_files()]


# ------------------------------------------------------------------ levers
def _strategy_levers(scenario) -> list[Lever]:
    from sim.model.strategies import KINDS

    out = []
    for name, kind, spec in scenario.strategies:
        stop = spec.stop
        last = START_MAX if stop is None else min(START_MAX, int(stop) - 1)
        group = f"Strategy: {name}" + ("" if name == kind else f" ({kind})")
        out.append(Lever(f"strategies.{name}.start", "start day", 0, max(last, int(spec.start)), 1, True, group))
        if kind in STRENGTH:
            param, label, lo, hi, step = STRENGTH[kind]
            p = KINDS[kind].PARAMS[param]
            integer = p.type == "int"
            current = _strength_value(kind, spec)
            lo, hi = min(lo, current), max(hi, current)  # a file's own value is always reachable
            if role_of(f"strategies.{name}.{param}", scenario) == "assumption":  # how members respond
                label += " (assumption)"
            out.append(Lever(f"strategies.{name}.{param}", f"strength: {label}", lo, hi, step, integer, group))
    return out


def _strength_value(kind: str, spec):
    """The strength parameter's effective value (a null that means 'by mode' is that mode's value)."""
    param = STRENGTH[kind][0]
    value = spec[param]
    if value is None and kind == "operating_mode":
        from sim.model.strategies.operating_mode import MODE_SHARE

        value = MODE_SHARE[spec.mode]
    return value


def _value(scenario, key: str):
    node = scenario
    for part in key.split("."):
        node = node[part]
    return node


def _reaching(lever: Lever, value) -> Lever:
    """`lever` with its range widened to include `value` (a file's own value is always reachable)."""
    if lever.low <= value <= lever.high:
        return lever
    return Lever(lever.key, lever.label, min(lever.low, value), max(lever.high, value), lever.step, lever.integer,
                 lever.group)


def levers_for(name: str) -> list[Lever]:
    """The levers of an offered scenario: the global ones, then each strategy's start day and strength.

    A range is widened to hold the file's own value, so a design runs as written until a lever
    moves (one_group.yaml's group cap of 10,000,000 is not cut to the slider's usual 1,000).

    >>> [lv.high for lv in levers_for("one_group.yaml") if lv.key == "community.group_cap"]
    [10000000]
    """
    sc = load_offered(name)
    return [_reaching(lv, _value(sc, lv.key)) for lv in GLOBAL_LEVERS] + _strategy_levers(sc)


def defaults_for(name: str) -> dict:
    """Lever values taken from the scenario file itself (keys as in `levers_for`)."""
    sc = load_offered(name)
    kinds = {n: (k, s) for n, k, s in sc.strategies}
    out = {}
    for lever in levers_for(name):
        parts = lever.key.split(".")
        if parts[0] == "strategies":
            kind, spec = kinds[parts[1]]
            out[lever.key] = spec.start if parts[2] == "start" else _strength_value(kind, spec)
        else:
            out[lever.key] = _value(sc, lever.key)
    return out


def clamped(name: str, levers: dict) -> dict:
    """These lever values, each clamped to its lever's range and type.

    ValueError for a key that is not one of the scenario's levers (a websocket can send anything).
    """
    if not isinstance(levers, dict):
        raise ValueError("levers must be a mapping of key: value")
    known = {lever.key: lever for lever in levers_for(name)}
    unknown = sorted(map(str, set(levers) - set(known)))
    if unknown:
        raise ValueError(f"unknown levers: {', '.join(unknown)}"[:200])
    return {k: known[k].clamp(v) for k, v in levers.items()}


def overrides(name: str, levers: dict) -> list[str]:
    """The `--set KEY=VALUE` list for these lever values, clamped to the levers' ranges (`clamped`).

    >>> overrides("baseline.yaml", {"community.organizers": 99})
    ['community.organizers=20']
    """
    return [f"{k}={_text(v)}" for k, v in clamped(name, levers).items()]


def _text(value) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def command_line(name: str, levers: dict, seed: int) -> str:
    """The `circlesim run` command that computes what the page shows (levers that differ from the file).

    >>> command_line("baseline.yaml", {"community.organizers": 5}, 2)
    'circlesim run scenarios/baseline.yaml --seed 2 --set community.organizers=5'
    """
    base = defaults_for(name)
    changed = {k: v for k, v in levers.items() if k not in base or _text(base[k]) != _text(v)}
    path = name if Path(name).is_absolute() else f"scenarios/{name}"
    sets = "".join(f" --set {item}" for item in overrides(name, changed))
    return f"circlesim run {shlex.quote(path)} --seed {int(seed)}{sets}"


# ------------------------------------------------------------------ one design, stepping
#: the network view's state codes, in drawing order, with their colours and legend labels
CODES = {
    0: ("#f0f0f0", "outsider"),
    1: ("#67a9cf", "diffusion"),
    2: ("#bdbdbd", "dormant"),
    3: ("#b2182b", "core"),
    4: ("#2166ac", "organizer"),
    5: ("#f4a582", "left"),
}


def sample_people(model, limit: int = NETWORK_LIMIT) -> np.ndarray:
    """Up to `limit` people to draw: the founders, then their neighbourhood outwards (breadth first).

    Word of mouth spreads along ties from the founders, so this is where the community grows;
    the set is fixed for the whole run, so every day is drawn on the same people.
    """
    from collections import deque

    from sim.model.state import Status

    n = model.population.n
    if n <= limit:
        return np.arange(n)
    ties = model.population.maintained
    chosen = list(np.flatnonzero(model.state.status == Status.MEMBER)[:limit])
    seen = np.zeros(n, bool)
    seen[chosen] = True
    queue = deque(chosen)
    while queue and len(chosen) < limit:
        person = queue.popleft()
        for friend in ties.indices[ties.indptr[person]:ties.indptr[person + 1]]:
            if not seen[friend]:
                seen[friend] = True
                chosen.append(int(friend))
                queue.append(int(friend))
                if len(chosen) >= limit:
                    break
    if len(chosen) < limit:  # a small component: fill with others, drawn from the model's seed
        rest = np.flatnonzero(~seen)
        rng = np.random.default_rng(model.seed_value)
        chosen += list(rng.permutation(rest)[: limit - len(chosen)])
    return np.sort(np.asarray(chosen, dtype=np.int64))


def layout(n: int, edges: np.ndarray, seed: int = 1, iterations: int = 50) -> np.ndarray:
    """Positions (n x 2, in [0, 1]) of a force-directed layout (Fruchterman-Reingold), vectorised.

    networkx's spring layout takes seconds on 1,000 people; this dense numpy version takes a
    fraction of one and is computed once per track.

    >>> pos = layout(3, np.array([[0, 1], [1, 2]]))
    >>> pos.shape, bool((pos >= 0).all() and (pos <= 1).all())
    ((3, 2), True)
    """
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)).astype(np.float32)
    if n < 2:
        return pos.astype(float)
    k2 = np.float32(1.0 / n)  # the ideal distance k = 1/sqrt(n), squared
    temperature = 0.1
    cool = temperature / (iterations + 1)
    for _ in range(iterations):
        x, y = pos[:, 0], pos[:, 1]
        dx, dy = x[:, None] - x[None, :], y[:, None] - y[None, :]
        force = dx * dx
        force += dy * dy
        np.maximum(force, 1e-6, out=force)
        np.divide(k2, force, out=force)  # repulsion between every pair: k^2 / distance
        disp = np.stack([(force * dx).sum(1), (force * dy).sum(1)], 1)
        if len(edges):
            d = pos[edges[:, 0]] - pos[edges[:, 1]]
            pull = np.sqrt((d * d).sum(1))[:, None] * d / np.sqrt(k2)  # attraction along ties: distance^2 / k
            np.add.at(disp, edges[:, 0], -pull)
            np.add.at(disp, edges[:, 1], pull)
        length = np.maximum(np.sqrt((disp * disp).sum(1)), 1e-9)
        pos += disp / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature -= cool
    pos = pos.astype(float)
    pos -= pos.min(0)
    span = pos.max(0)
    return pos / np.where(span > 0, span, 1)


@dataclass(frozen=True, eq=False)
class Frame:
    """What the page draws of a track after some days: a consistent copy, safe to read while it steps.

    Frames compare by identity (the page redraws when a new frame replaces the old one).
    """

    label: str
    name: str
    day: int           # days simulated so far
    horizon: int
    ts: object         # pandas DataFrame of the daily read-outs, one row per simulated day
    levers: dict
    seed: int
    summary: dict | None = None  # the run summary so far (None before the first day)
    track: "Track | None" = None  # for the network view: its positions and recorded days

    @property
    def done(self) -> bool:
        """Whether the track reached its horizon."""
        return self.day >= self.horizon

    def _replace_label(self, label: str) -> "Frame":
        return Frame(label, self.name, self.day, self.horizon, self.ts, self.levers, self.seed)


class Track:
    """One design being simulated: a scenario file plus lever values and a seed, stepped a chunk at a time.

    Parameters
    ----------
    label : str
        'A' or 'B' (the design's side of the page).
    name : str
        A scenario the page offers (`scenario_files`).
    levers : dict
        Lever values by dotted key (`levers_for`); clamped, other keys refused.
    seed : int
        The run's seed (as `circlesim run --seed`).
    """

    def __init__(self, label: str, name: str, levers: dict, seed: int, limit: int = NETWORK_LIMIT):
        from sim.model import CommunityModel
        from sim.scenario import load_scenario

        self.label, self.name, self.seed = label, name, int(seed)
        self.levers = clamped(name, levers)
        self.overrides = overrides(name, self.levers)
        self.scenario = load_scenario(resolve(name), overrides=self.overrides, seed=self.seed)
        self.model = CommunityModel(self.scenario)
        self.horizon = int(self.scenario.horizon_days)
        self.people = sample_people(self.model, limit)
        sub = self.model.population.subgraph(self.people)
        index = {int(p): i for i, p in enumerate(self.people)}
        self.edges = np.array([(index[a], index[b]) for a, b in sub.edges()], dtype=np.int64).reshape(-1, 2)
        self.pos = layout(len(self.people), self.edges, seed=self.seed)
        self.codes: list[np.ndarray] = []  # one int8 array per simulated day (CODES)

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.model.day

    @property
    def done(self) -> bool:
        """Whether the horizon is reached."""
        return self.model.day >= self.horizon

    def step(self, days: int) -> int:
        """Simulate up to `days` more days (never past the horizon); return how many were simulated."""
        todo = max(0, min(int(days), self.horizon - self.model.day))
        for _ in range(todo):
            self.model.step()
            self.codes.append(self._codes())
        return todo

    def run(self) -> None:
        """Simulate to the horizon."""
        self.step(self.horizon)

    def _codes(self) -> np.ndarray:
        """Today's state of the drawn people, as `CODES` (read-only look at the model's arrays)."""
        from sim.model.state import Circle, Status

        st, p = self.model.state, self.people
        today = self.model.last_day.number
        member = st.status[p] == Status.MEMBER
        circle = st.circle[p]
        silent = (today - st.last_active_day[p]) >= self.scenario.churn.dormant_after
        silent |= st.muted[p]
        out = np.zeros(len(p), np.int8)
        out[st.status[p] == Status.LEFT] = 5
        out[member] = 1
        out[member & silent] = 2
        out[member & (circle == Circle.CORE)] = 3
        out[member & (circle == Circle.ORGANIZER)] = 4
        return out

    def frame(self) -> Frame:
        """A copy of what the page draws now (made by the thread that steps the track, between steps)."""
        return Frame(self.label, self.name, self.model.day, self.horizon, self.model.timeseries().copy(),
                     dict(self.levers), self.seed, self.summary(), self)

    def summary(self) -> dict | None:
        """The run summary so far (None before the first day)."""
        return self.model.summary() if self.model.day else None

    def command_line(self) -> str:
        """The `circlesim run` command that computes this track (`command_line`)."""
        return command_line(self.name, self.levers, self.seed)


def run_design(name: str, levers: dict, seed: int) -> dict:
    """Run one design to its horizon; what the page shows of it (figures are built by the caller)."""
    track = Track("A", name, levers, seed)
    track.run()
    return {"model": track.model, "ts": track.model.timeseries(), "summary": track.model.summary(),
            "scenario": track.scenario, "levers": dict(track.levers), "track": track}


# ------------------------------------------------------------------ figures
def png(fig) -> bytes:
    """A figure as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buf = io.BytesIO()
    with PLOT_LOCK:
        FigureCanvasAgg(fig)
        fig.savefig(buf, format="png")
    return buf.getvalue()


#: the overlay's panels: (read-out, y label); "spend_to_date" is the running total of `spend`
OVERLAY = [("members", "members"), ("dau", "daily active members (7-day mean)"),
           ("dormant", "dormant members"), ("spend_to_date", "spend to date")]


def _series(ts, column: str, smoothing: int) -> np.ndarray:
    from sim.readouts.lifecycle import smooth

    if column == "spend_to_date":
        return np.cumsum(np.asarray(ts["spend"], float))
    if column == "dau":
        return np.asarray(smooth(ts["dau"], smoothing))
    return np.asarray(ts[column])


def overlay_figure(frames: dict, horizon: int | None = None, smoothing: int = 7):
    """Designs A and B on shared axes: members, daily active members, dormant members and spend, by day.

    The day axis spans the longest horizon from the start, so during play the curves grow
    from left to right; a dotted line marks each design's current day.

    >>> import pandas as pd
    >>> ts = pd.DataFrame({"day": range(5), "members": range(5), "dau": range(5), "dormant": 0, "spend": 1.0})
    >>> f = Frame("A", "baseline.yaml", 5, 10, ts, {}, 1)
    >>> fig = overlay_figure({"A": f, "B": f._replace_label("B")})
    >>> [[line.get_label() for line in ax.get_lines()][::2] for ax in fig.axes][0]
    ['A: baseline', 'B: baseline']
    """
    from matplotlib.figure import Figure

    with PLOT_LOCK:
        fig = Figure(figsize=(11, 5.6), dpi=90)
        axes = fig.subplots(2, 2, sharex=True).ravel()
        span = horizon or max((f.horizon for f in frames.values()), default=1)
        for label, f in sorted(frames.items()):
            color = DESIGN_COLORS.get(label, "k")
            days = np.asarray(f.ts["day"]) if len(f.ts) else np.array([], int)
            for ax, (column, _) in zip(axes, OVERLAY):
                y = _series(f.ts, column, smoothing) if len(f.ts) else days
                ax.plot(days, y, color=color, lw=1.8, label=f"{label}: {Path(f.name).stem}")
                ax.axvline(max(f.day - 1, 0), color=color, lw=0.8, ls=":")
        for ax, (_, ylabel) in zip(axes, OVERLAY):
            ax.set_title(ylabel, fontsize=9)
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.25)
            ax.tick_params(labelsize=8)
        axes[0].set_xlim(0, max(span - 1, 1))
        axes[0].legend(loc="lower right", fontsize=8, framealpha=0.9)
        for ax in axes[2:]:
            ax.set_xlabel("day", fontsize=8)
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.09, top=0.95, wspace=0.14, hspace=0.22)  # no
        # tight_layout: it draws the figure once more, and the page draws this every frame
    return fig


def network_figure(track: Track, day: int | None = None, upto: int | None = None):
    """The drawn people of `track` at the end of `day`, coloured by state.

    `day` defaults to the latest recorded day, or to day `upto - 1` when `upto` (days simulated
    in the frame being shown) is given: a track may already be further on than the frame.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    last = (len(track.codes) if upto is None else min(int(upto), len(track.codes))) - 1
    day = last if day is None else min(max(int(day), 0), last)
    codes = track.codes[day] if day >= 0 else np.zeros(len(track.people), np.int8)
    with PLOT_LOCK:
        fig = Figure(figsize=(5.4, 5.6), dpi=90)
        ax = fig.subplots()
        if len(track.edges):
            ax.add_collection(LineCollection(track.pos[track.edges], linewidths=0.2, colors="#555555", alpha=0.3))
        colors = np.array([CODES[c][0] for c in range(len(CODES))])[codes]
        order = np.argsort(codes, kind="stable")  # members on top of outsiders
        ax.scatter(track.pos[order, 0], track.pos[order, 1], s=11, c=colors[order], linewidths=0.2,
                   edgecolors="#999999")
        ax.set_xlim(-0.03, 1.03)
        ax.set_ylim(-0.03, 1.03)
        ax.set_axis_off()
        counts = np.bincount(codes, minlength=len(CODES))
        handles = [Line2D([], [], ls="", marker="o", markersize=6, markerfacecolor=CODES[c][0],
                          markeredgecolor="#999999", label=f"{CODES[c][1]} {counts[c]}") for c in CODES]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=7,
                  frameon=False)
        ax.set_title(f"{track.label}: {Path(track.name).stem}, {len(track.people)} people on day {max(day, 0)}",
                     fontsize=9)
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.1, top=0.94)
    return fig


def summary_html(s: dict, levers: dict | None = None, command: str = "") -> str:
    """The summary numbers as a small HTML table (plain HTML: no Markdown/KaTeX assets).

    Below it, the lever values the run used and the `circlesim run` command that computes the
    same numbers.
    """
    import html

    from sim.readouts.lifecycle import never_came_alive
    from sim.readouts.registry import RUN, RunView, from_summary

    currency = (s.get("parameters") or {}).get("currency") or "cost units"
    rows = []
    for name, r in RUN.items():  # the headline read-outs, as the registry declares them
        if not r.key:
            continue
        if name == "lifespan":
            life = s["lifespan"]
            text = f"{life} days" if life is not None else f"alive at day {s['horizon_days']}"
            if never_came_alive(s):  # people were active, below the scenario's floor throughout
                text += " (never reached lifecycle.dormant_below)"
        else:
            value = from_summary(name)(RunView(s, None))
            # money in the scenario's currency, as the text report prints it
            unit = "" if r.unit in ("share", "day", "-") or "%" in r.fmt else f" {r.unit_in(currency)}"
            text = r.format(value) + (unit if value is not None else "")
            if name == "peak_dau" and s.get("peak_day") is not None:
                text += f" on day {s['peak_day']}"
        rows.append((r.label, text))
    phases = " → ".join(f"{p['name']} {p['start']}" for p in s["lifecycle"]["phases"])
    body = "".join(f"<tr><td>{html.escape(a)}</td><td style='text-align:right'>{html.escape(b)}</td></tr>"
                   for a, b in rows)
    used = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in (levers or {}).items())
    return (f"<table class='circlesim-summary' style='border-collapse:collapse;font-size:13px'>{body}</table>"
            f"<p style='font-size:12px'>Phases (start day): {html.escape(phases)}</p>"
            + (f"<p class='circlesim-used' style='font-size:11px;color:#555'>Ran with {html.escape(used)}</p>"
               if used else "")
            + (f"<p style='font-size:11px;color:#555'>Same numbers: <code class='circlesim-command' "
               f"style='font-size:11px !important;background:none;padding:0'>"  # !important: beats Solara's code style
               f"{html.escape(command)}</code></p>" if command else ""))
