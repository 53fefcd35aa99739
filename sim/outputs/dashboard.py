"""The interactive page: pick a scenario, move the main levers, run, compare two designs.

Served by `circlesim dashboard [SCENARIO.yaml]` (Solara, bound to 127.0.0.1 by default). Each
side of the page is one design: a scenario file plus slider overrides. A run shows the
lifecycle with its phases, the circles over time, a network view of up to ~1,000 people
coloured by circle and state, and the summary numbers. Layouts are computed here with a
bounded number of iterations (Mesa's default spring layout on large graphs is never used).

What a browser sends is untrusted (a websocket message can set any widget value): a scenario
is accepted only by its name in the list the page offers (`resolve`), lever values are
clamped to their sliders' ranges, and an error shows one line on the page while its
traceback goes to the server's log.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import solara  # noqa: E402

from sim.outputs.plots import CIRCLE_COLORS, circles_figure, lifecycle_figure  # noqa: E402
from sim.scenario.paths import scenario_dir  # noqa: E402

SCENARIO_DIR = scenario_dir()
NETWORK_LIMIT = 1000

#: The levers on the sliders: (label, dotted key, min, max, step, kind)
LEVERS = [
    ("People on the graph", "population.size", 300, 10000, 100, int),
    ("Word of mouth per weak tie (q_weak)", "acquisition.q_weak", 0.0, 0.2, 0.005, float),
    ("Sharing rate", "acquisition.share_rate", 0.0, 1.0, 0.05, float),
    ("Novelty half-life (days)", "motivation.novelty_halflife", 30.0, 1000.0, 10.0, float),
    ("Organizers", "community.organizers", 0, 20, 1, int),
    ("Group cap", "community.group_cap", 20, 1000, 10, int),
    ("Days", "horizon_days", 100, 1500, 50, int),
]


log = logging.getLogger("circlesim.dashboard")


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
    from sim.scenario import ScenarioError

    if isinstance(exc, (ScenarioError, MemoryEstimateError)) or type(exc) is ValueError:
        return str(exc)
    log.error("dashboard error", exc_info=exc)
    return f"{type(exc).__name__}: the run failed; the details are in the server's log."


def defaults_for(name: str) -> dict:
    """Slider values taken from the scenario file itself."""
    from sim.scenario import load_scenario

    sc = load_scenario(resolve(name))
    out = {}
    for _, key, *_ in LEVERS:
        node = sc
        for part in key.split("."):
            node = node[part]
        out[key] = node
    return out


def run_design(name: str, levers: dict, seed: int) -> dict:
    """Run one design and return what the page shows (figures are built by the caller)."""
    from sim.model import CommunityModel
    from sim.scenario import load_scenario

    ranges = {key: (lo, hi, kind) for _, key, lo, hi, _, kind in LEVERS}
    unknown = sorted(set(levers) - set(ranges))
    if unknown:
        raise ValueError(f"unknown levers: {', '.join(unknown)}")
    overrides = [f"{k}={min(max(ranges[k][2](v), ranges[k][0]), ranges[k][1])}" for k, v in levers.items()]
    sc = load_scenario(resolve(name), overrides=overrides, seed=seed)
    model = CommunityModel(sc)
    model.run()
    return {"model": model, "ts": model.timeseries(), "summary": model.summary(), "scenario": sc,
            "levers": dict(levers)}


def network_figure(model, limit: int = NETWORK_LIMIT, seed: int = 1):
    """Up to `limit` people (members first, then their neighbours), coloured by circle/state."""
    from sim.model.state import Circle, Status

    st = model.state
    members = np.flatnonzero(st.status == Status.MEMBER)
    chosen = list(members[:limit])
    if len(chosen) < limit:
        others = np.flatnonzero(st.status != Status.MEMBER)
        rng = np.random.default_rng(seed)
        chosen += list(rng.permutation(others)[: limit - len(chosen)])
    sub = model.population.subgraph(chosen)  # never the whole graph's networkx view
    pos = nx.spring_layout(sub, iterations=25, seed=seed) if sub.number_of_nodes() else {}
    colors = []
    dormant_after = model.scenario.churn.dormant_after
    for n in sub.nodes():
        if st.status[n] == Status.MEMBER:
            if st.circle[n] == Circle.CORE:
                colors.append(CIRCLE_COLORS["core"])
            elif st.circle[n] == Circle.ORGANIZER:
                colors.append(CIRCLE_COLORS["organizers"])
            elif model.day - st.last_active_day[n] >= dormant_after:
                colors.append(CIRCLE_COLORS["dormant"])
            else:
                colors.append(CIRCLE_COLORS["diffusion"])
        elif st.status[n] == Status.LEFT:
            colors.append("#f4a582")
        else:
            colors.append("#f0f0f0")
    fig, ax = plt.subplots(figsize=(5.5, 5.5), dpi=90)
    if pos:
        nx.draw_networkx_edges(sub, pos, ax=ax, width=0.2, alpha=0.3)
        nx.draw_networkx_nodes(sub, pos, ax=ax, node_size=12, node_color=colors, linewidths=0)
    ax.set_axis_off()
    ax.set_title(f"{sub.number_of_nodes()} people on day {model.day}: core red, organizers blue, "
                 f"diffusion light blue, dormant grey, left orange, outsiders white", fontsize=7)
    fig.tight_layout()
    return fig


def summary_html(s: dict, levers: dict | None = None) -> str:
    """The summary numbers as a small HTML table (plain HTML: no Markdown/KaTeX assets)."""
    import html

    from sim.readouts.registry import RUN, RunView, from_summary

    rows = []
    for name, r in RUN.items():  # the headline read-outs, as the registry declares them
        if not r.key:
            continue
        if name == "lifespan":
            life = s["lifespan"]
            text = f"{life} days" if life is not None else f"alive at day {s['horizon_days']}"
        else:
            value = from_summary(name)(RunView(s, None))
            unit = "" if r.unit in ("share", "day", "-", "currency") or "%" in r.fmt else f" {r.unit}"
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
            + (f"<p style='font-size:11px;color:#555'>Ran with {html.escape(used)}</p>" if used else ""))


def _note(text: str, color: str) -> None:
    import html

    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text),
                style=f"color:{color};padding:4px 0;font-size:13px")


@solara.component
def Design(title: str, initial: str, seed: solara.Reactive):
    files = scenario_files()
    start = initial if initial in files else (files[0] if files else "")

    def first_values():
        try:
            return defaults_for(start), ""
        except Exception as exc:  # noqa: BLE001 - the page shows one line, the log the rest
            return {key: lo for _, key, lo, *_ in LEVERS}, page_error(exc)

    # state created once per design panel (use_reactive(value) would re-sync to `value`
    # on every render and undo the sliders)
    initial_values, initial_error = solara.use_memo(first_values, [])
    name = solara.use_memo(lambda: solara.reactive(start), [])
    values = solara.use_memo(lambda: solara.reactive(initial_values), [])
    result = solara.use_memo(lambda: solara.reactive(None), [])
    error = solara.use_memo(lambda: solara.reactive(initial_error), [])
    running = solara.use_memo(lambda: solara.reactive(False), [])

    def choose(new):
        if new not in scenario_files():  # only names from the list (a websocket can send anything)
            log.warning("refused scenario choice %.80r", new)
            error.set("unknown scenario; pick one from the list")
            return
        try:
            fresh = defaults_for(new)
        except Exception as exc:  # noqa: BLE001 - the page shows one line, the log the rest
            error.set(page_error(exc))
            return
        name.set(new)
        values.set(fresh)
        result.set(None)
        error.set("")

    def run():
        running.set(True)
        error.set("")
        try:
            result.set(run_design(name.value, dict(values.value), seed.value))
        except Exception as exc:  # noqa: BLE001 - shown on the page (one line), logged in full
            error.set(page_error(exc))
        finally:
            running.set(False)

    with solara.Card(title):
        solara.Select(label="Scenario", value=name.value, values=files, on_value=choose)
        for label, key, lo, hi, step, kind in LEVERS:
            current = values.value[key]

            def setter(v, key=key, kind=kind, lo=lo, hi=hi):
                try:
                    values.set({**values.value, key: min(max(kind(v), kind(lo)), kind(hi))})
                except (TypeError, ValueError, OverflowError):
                    log.warning("refused lever value %.80r for %s", v, key)

            if kind is int:
                solara.SliderInt(label=f"{label}: {current}", value=int(current), min=int(lo), max=int(hi),
                                 step=int(step), on_value=setter)
            else:
                solara.SliderFloat(label=f"{label}: {current:g}", value=float(current), min=lo, max=hi,
                                   step=step, on_value=setter)
        solara.Button("Run", on_click=run, color="primary", disabled=running.value,
                      classes=[f"run-{title.split()[-1].lower()}"])
        if running.value:
            _note("Running ...", "#2166ac")
        if error.value:
            _note(error.value, "#b2182b")
        res = result.value
        if res is not None:
            s = res["summary"]
            sc = res["scenario"]
            solara.HTML(tag="div", unsafe_innerHTML=summary_html(s, res["levers"]), classes=["circlesim-result"])
            solara.FigureMatplotlib(lifecycle_figure(res["ts"], s["lifecycle"], sc.population.dunbar_limit,
                                                     f"{title}: lifecycle"), format="png")
            solara.FigureMatplotlib(circles_figure(res["ts"], s["lifecycle"], f"{title}: circles"), format="png")
            solara.FigureMatplotlib(network_figure(res["model"]), format="png")
            plt.close("all")


@solara.component
def Page():
    """The dashboard page: two designs side by side, run on one shared seed so differences come from the design."""
    seed = solara.use_reactive(1)
    solara.Title("circlesim")
    with solara.Column(style="padding: 0 16px"):
        solara.HTML(tag="h2", unsafe_innerHTML="circlesim: community lifecycle")
        solara.HTML(tag="p", unsafe_innerHTML="Pick a scenario for each design, move the levers, press Run. "
                    "Both sides use the same seed, so differences come from the design.")
        solara.InputInt("Seed", value=seed)
    initial = os.environ.get("CIRCLESIM_DASHBOARD_SCENARIO")
    first = str(Path(initial).resolve()) if initial else "baseline.yaml"
    with solara.Columns([1, 1], style="padding: 0 12px"):
        Design("Design A", first, seed)
        Design("Design B", "points.yaml", seed)


__all__ = ["Page", "run_design", "network_figure", "summary_html", "resolve", "LEVERS"]
