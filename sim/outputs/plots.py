"""Figures a strategist would rather look at than read (matplotlib, headless-safe).

>>> import numpy as np, pandas as pd
>>> from sim.readouts.lifecycle import analyse
>>> ts = pd.DataFrame({"day": range(100), "dau": np.r_[np.arange(50), np.arange(50)[::-1]],
...                    "members": np.arange(100), "max_group_size": 10})
>>> fig = lifecycle_figure(ts, analyse(ts["dau"]))
>>> len(fig.axes) >= 1
True
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from sim.readouts.lifecycle import smooth

# The backend is the caller's choice: the CLI and the dashboard select Agg, notebooks keep
# their inline backend.

# Five distinct hues (not three greens), pale enough that any line drawn over them stays visible.
PHASE_COLORS = {
    "germination": "#fff3b0",
    "rapid growth": "#c7e9c0",
    "active interaction": "#b9d3ee",
    "decline": "#fdd0a2",
    "dormancy": "#e3e3e3",
}
CIRCLE_COLORS = {"core": "#b2182b", "organizers": "#2166ac", "diffusion": "#67a9cf", "dormant": "#bdbdbd"}
DAU_COLOR, MEMBERS_COLOR, GROUP_COLOR, OVERLOAD_COLOR = "#1a1a1a", "#762a83", "#2166ac", "#d6604d"
STRATEGY_COLOR = "#1b7837"  # the bars of the strategies in force


def shade_phases(ax, phases: list[dict], labels: bool = True, alpha: float = 0.6) -> None:
    """Shade the five lifecycle phases behind a time axis; `labels` writes each phase's name at the top.

    Names sit inside their band (turned upright when the band is narrow); a phase of zero
    days gets neither shading nor a name.
    """
    from matplotlib.transforms import blended_transform_factory

    spans = [p for p in phases if p["end"] > p["start"]]
    total = max((p["end"] for p in spans), default=1) - min((p["start"] for p in spans), default=0)
    where = blended_transform_factory(ax.transData, ax.transAxes)
    for p in spans:
        ax.axvspan(p["start"], p["end"], color=PHASE_COLORS[p["name"]], alpha=alpha, lw=0, zorder=0)
        if labels:
            narrow = (p["end"] - p["start"]) < 0.09 * max(total, 1)
            ax.text((p["start"] + p["end"]) / 2, 0.98, p["name"], transform=where, ha="center", va="top",
                    fontsize=7, color="#444444", rotation=90 if narrow else 0, zorder=5, clip_on=True)


def _top(values) -> float:
    """Largest value of a series (0 when empty)."""
    a = np.asarray(values, float)
    return float(a.max()) if a.size else 0.0


def tick_label(v: float) -> str:
    """A tick's text: thousands separators, and only the decimals a double can hold at that size.

    Whole numbers are written whole; a fractional tick (a narrow range) keeps its decimals, so
    ticks 45,000.5 and 45,001 are not both written "45,001". At most 15 significant digits are
    shown, since the 16th and 17th of a tick position are float noise (1e12 + 1e-4 is not a tick).

    >>> tick_label(45000.5), tick_label(3500.0), tick_label(1e12 + 1.2e-4), tick_label(0.25)
    ('45,000.5', '3,500', '1,000,000,000,000', '0.25')
    """
    if abs(v) < 1:
        return f"{v:g}"
    decimals = max(0, min(6, 15 - (int(math.log10(abs(v))) + 1)))
    text = f"{v:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text


def thousands(*axes, x: bool = False, y: bool = True) -> None:
    """Tick labels with thousands separators (3,500 rather than 3500) on the y (and with `x`, x) axes given."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: tick_label(v))
    for a in axes:
        if y:
            a.yaxis.set_major_formatter(fmt)
        if x:
            a.xaxis.set_major_formatter(fmt)


def _xlim(ax, days) -> None:
    """The days' span on the x axis; a single day (or none) gets a one-day-wide axis around it."""
    lo = float(days.min()) if days.size else 0.0
    hi = float(days.max()) if days.size else 1.0
    ax.set_xlim((lo, hi) if hi > lo else (lo - 0.5, lo + 0.5))


def strategy_windows(scenario, days: int | None = None) -> list[tuple[str, int, int]]:
    """(label, start, stop) of each strategy of `scenario` in force within `days` (default: its horizon).

    A strategy without a stop runs to the end; a recurring one (`every`) says how often.

    >>> from sim import load_scenario, scenarios_dir
    >>> strategy_windows(load_scenario(scenarios_dir() / "monthly_events.yaml"), 400)
    [('events, every 30 days', 30, 400)]
    """
    end = int(days if days is not None else scenario.horizon_days)
    windows = []
    for name, kind, spec in scenario.strategies:
        start = int(spec.start or 0)
        stop = end if spec.stop is None else min(int(spec.stop), end)
        if start >= stop:
            continue
        label = name if name == kind else f"{name} ({kind})"
        every = getattr(spec, "every", None)
        windows.append((label + (f", every {every} days" if every else ""), start, stop))
    return windows


def lifecycle_figure(ts, life: dict, dunbar_limit: int = 150, title: str = "", smoothing: int = 7,
                     strategies: list | None = None):
    """DAU and members over time with the phases shaded and named; below, group size against Dunbar.

    Top: daily DAU (thin grey), its `smoothing`-day mean (black) and members (purple, right
    axis); `strategies` ((label, start, stop), e.g. `strategy_windows(scenario)`) are drawn as
    labelled bars under the phase names, so a change in the curve can be read against what ran.
    Bottom: the monthly-active members of the most active group (and the largest
    group's size, dotted) against the Dunbar limit, the days above it shaded, and the
    overload share (readers whose group sent more than they could read) on the right axis,
    so "beyond Dunbar" is read as how far and with what effect, not only when.
    """
    fig, (ax, low) = plt.subplots(2, 1, figsize=(10, 6.4), dpi=110, sharex=True,
                                  gridspec_kw={"height_ratios": [3, 1.35]})
    days = np.asarray(ts["day"])
    shade_phases(ax, life.get("phases", []))
    shade_phases(low, life.get("phases", []), labels=False)
    ax.plot(days, ts["dau"], color="#8c8c8c", alpha=0.6, lw=0.7, label="DAU (each day)")
    ax.plot(days, smooth(ts["dau"], smoothing), color=DAU_COLOR, lw=2, label=f"DAU ({smoothing}-day mean)")
    ax.set_ylabel("daily active members")
    ax2 = ax.twinx()
    ax2.plot(days, ts["members"], color=MEMBERS_COLOR, lw=1.5, ls="--", label="members (right axis)")
    ax2.set_ylabel("members", color=MEMBERS_COLOR)
    ax2.set_ylim(bottom=0)
    windows = list(strategies or [])
    band = 0.9 - 0.065 * np.arange(len(windows))  # bar centres, in axes fractions: under the phase names
    # the curve's peak stays under the phase names (0.89 of the height) or under the lowest bar
    ceiling = 0.89 if not windows else band[-1] - 0.022 - 0.03
    ax.set_ylim(0, max(_top(ts["dau"]), 1.0) / ceiling)
    if windows:
        from matplotlib.transforms import blended_transform_factory

        where = blended_transform_factory(ax.transData, ax.transAxes)
        for (label, start, stop), y in zip(windows, band):
            ax.add_patch(plt.Rectangle((start, y - 0.022), stop - start, 0.044, transform=where,
                                       color=STRATEGY_COLOR, alpha=0.35, lw=0, zorder=4))
            ax.text(start, y, f" {label}", transform=where, fontsize=7, va="center", ha="left", zorder=6,
                    color="#222222", clip_on=True)
    thousands(ax, ax2)
    if life.get("lifespan") is not None:
        ax.axvline(life["lifespan"], color="k", lw=1, ls=":")
        ax.annotate(f"dormant from day {life['lifespan']:,}", (life["lifespan"], ax.get_ylim()[1] * 0.04),
                    xytext=(-4, 0), textcoords="offset points", fontsize=8, ha="right")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    # a row of its own above the panel, under the title: it covers no phase name, curve or title
    ax.legend(h1 + h2, l1 + l2, loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8, ncol=3, frameon=False,
              borderaxespad=0.2)
    ax.set_title(title or "Predicted lifecycle", loc="left", fontsize=11, pad=20)

    size = np.asarray(ts["max_group_size"], float) if "max_group_size" in ts else np.zeros(days.size)
    # the limit is compared with a group's monthly-active members (silent ones keep no tie up);
    # outputs of model version 10 and before have only the largest group's size
    has_active = "active_group_size" in ts
    active = np.asarray(ts["active_group_size"], float) if has_active else size
    if has_active:
        low.plot(days, size, color=GROUP_COLOR, lw=0.9, ls=":", label="largest group, all members")
    low.plot(days, active, color=GROUP_COLOR, lw=1.5,
             label="most active group (monthly-active members)" if has_active else "largest group")
    low.axhline(dunbar_limit, color="k", lw=1, ls="--", label=f"Dunbar limit ({dunbar_limit:,})")
    over = active > dunbar_limit
    if over.any():
        low.fill_between(days, dunbar_limit, active, where=over, color="#d73027", alpha=0.25, lw=0, step="mid",
                         label=f"above the limit ({int(over.sum()):,} days)")
    low.set_ylim(0, max(_top(size), _top(active), dunbar_limit) * 1.25)
    low.set_ylabel("members", fontsize=8)
    low.set_xlabel("day")
    handles, names = low.get_legend_handles_labels()
    if "overload_share" in ts:
        low2 = low.twinx()
        # weighted by readers (DAU), so the handful of readers of a dormant community do not draw noise
        dau = np.asarray(ts["dau"], float)
        weighted = smooth(np.asarray(ts["overload_share"], float) * dau, smoothing)
        share = np.divide(weighted, smooth(dau, smoothing), out=np.full(dau.size, np.nan),
                          where=smooth(dau, smoothing) > 0)
        low2.plot(days, 100 * share, color=OVERLOAD_COLOR, lw=1.2,
                  label=f"overloaded readers, % ({smoothing}-day mean, right axis)")
        low2.set_ylim(0, 105)
        low2.set_ylabel("overloaded readers %", fontsize=8, color=OVERLOAD_COLOR)
        h, n = low2.get_legend_handles_labels()
        handles, names = handles + h, names + n
    low.legend(handles, names, loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=7, ncol=4, frameon=False,
               borderaxespad=0.2)
    _xlim(ax, days)
    fig.tight_layout()
    return fig


def circles_figure(ts, life: dict | None = None, title: str = ""):
    """The circles over time in two panels, each on its own scale, phases named.

    Top: diffusion members who are active and the dormant (silent) ones, stacked, in the
    thousands. Bottom: the core and organizer circles, a handful of people, which a shared
    scale would flatten into an invisible line.
    """
    fig, (top, low) = plt.subplots(2, 1, figsize=(10, 5.6), dpi=110, sharex=True,
                                   gridspec_kw={"height_ratios": [2.2, 1]})
    days = np.asarray(ts["day"])
    phases = (life or {}).get("phases", [])
    shade_phases(top, phases, alpha=0.45)
    shade_phases(low, phases, labels=False, alpha=0.45)
    keys = ["diffusion", "dormant"]
    top.stackplot(days, *[np.asarray(ts[k]) for k in keys],
                  labels=["diffusion (active within 30 days)", "dormant (silent 30+ days, or muted)"],
                  colors=[CIRCLE_COLORS[k] for k in keys], alpha=0.9, zorder=2)
    top.set_ylabel("members")
    thousands(top)
    top.set_ylim(0, max(_top(np.asarray(ts["diffusion"]) + np.asarray(ts["dormant"])), 1.0) * 1.15)
    top.legend(loc="upper right", bbox_to_anchor=(1.0, 0.9), fontsize=8, framealpha=0.9)
    top.set_title(title or "Circles over time")
    for k in ("core", "organizers"):
        low.step(days, np.asarray(ts[k]), where="post", color=CIRCLE_COLORS[k], lw=1.8, label=k, zorder=2)
    low.set_ylim(0, max(_top(ts["core"]), _top(ts["organizers"]), 1.0) * 1.3)
    low.set_ylabel("persons")
    low.set_xlabel("day")
    low.legend(loc="upper right", fontsize=8, ncol=2, framealpha=0.9)
    _xlim(top, days)
    fig.tight_layout()
    return fig


def save(fig, path) -> None:
    """Save as PNG and close a figure."""
    fig.savefig(path, format="png")
    plt.close(fig)


def write_figures(figures: dict, out) -> dict:
    """Save {file name: figure} into folder `out` atomically; return {file name: path}."""
    from pathlib import Path

    from sim.experiments.store import atomic_write

    images = {}
    for name, fig in figures.items():
        atomic_write(Path(out) / name, lambda tmp, fig=fig: save(fig, tmp))
        images[name] = Path(out) / name
    return images


# ------------------------------------------------------------------ comparisons
SCENARIO_COLORS = ["#1b7837", "#2166ac", "#b2182b", "#762a83", "#e08214", "#35978f", "#8c510a", "#4d4d4d"]


def fan_figure(result):
    """DAU fan chart per scenario: median, 50% and 90% bands; phases of the median shaded and named.

    Every panel has its own legend in its scenario's colour (bands are that colour, lighter),
    and the median is drawn with a white halo so it stays visible on any phase's shade.
    """
    import matplotlib.patheffects as pe
    from matplotlib.patches import Patch

    from sim.readouts.lifecycle import analyse_with

    n = len(result.labels)
    fig, axes = plt.subplots(n, 1, figsize=(10, 2.8 * n + 0.6), dpi=100, sharex=True, squeeze=False)
    top = max((fan.quantile(0.95).max() for fan in result.fans.values()), default=1.0)
    for ax, lab, color in zip(axes[:, 0], result.labels, SCENARIO_COLORS * 4):
        fan = result.fans.get(lab)
        if fan is None or fan.n == 0:
            ax.text(0.5, 0.5, f"{lab}: no finished runs", transform=ax.transAxes, ha="center")
            continue
        days = np.arange(fan.days)
        med = fan.quantile(0.5)
        lc = result.scenarios[result.labels.index(lab)].lifecycle  # the scenario's own thresholds and floor
        shade_phases(ax, analyse_with(med, lc)["phases"], alpha=0.35)
        # bands smoothed like the median (7-day means), so the median line lies inside its 50% band
        ax.fill_between(days, smooth(fan.quantile(0.05), 7), smooth(fan.quantile(0.95), 7), color=color, alpha=0.2,
                        lw=0, zorder=2)
        ax.fill_between(days, smooth(fan.quantile(0.25), 7), smooth(fan.quantile(0.75), 7), color=color, alpha=0.4,
                        lw=0, zorder=2)
        ax.plot(days, smooth(med, 7), color=color, lw=2.2, zorder=3,
                path_effects=[pe.Stroke(linewidth=4.2, foreground="white"), pe.Normal()])
        handles = [plt.Line2D([], [], color=color, lw=2.2, label="median (7-day mean)"),
                   Patch(facecolor=color, alpha=0.4, label="middle 50% of runs"),
                   Patch(facecolor=color, alpha=0.2, label="middle 90% of runs")]
        ax.legend(handles=handles, fontsize=7, ncol=3, loc="upper right", bbox_to_anchor=(1.0, 0.88),
                  framealpha=0.9)
        ax.set_ylim(0, top * 1.15)
        ax.set_ylabel("DAU")
        thousands(ax)
        ax.set_title(f"{lab} ({fan.n} runs)", fontsize=10, loc="left")
        ax.set_xlim(0, max(fan.days - 1, 1))
    axes[-1, 0].set_xlabel("day (bands and median: 7-day means)")
    fig.tight_layout()
    return fig


def phase_timeline_figure(result):
    """Median start of each lifecycle phase per scenario, as a horizontal timeline."""
    runs = result.runs()
    fig, ax = plt.subplots(figsize=(10, 0.7 * len(result.labels) + 1.2), dpi=100)
    keys = [("germination", None), ("rapid growth", "t_growth"), ("active interaction", "t_active"),
            ("decline", "t_decline"), ("dormancy", "t_dormant")]
    for i, lab in enumerate(result.labels):
        sub = runs[runs["scenario"] == lab]
        starts = [0.0]
        for _, col in keys[1:]:
            # a phase not reached by the horizon is censored: it counts as "after the horizon"
            vals = np.nan_to_num(_as_floats(sub[col]), nan=np.inf)
            med = float(np.median(vals)) if vals.size else np.inf
            starts.append(med if np.isfinite(med) else np.nan)
        bounds = starts + [float(result.horizon)]
        for (name, _), a, b in zip(keys, bounds, bounds[1:]):
            if np.isnan(a):
                break
            b = result.horizon if np.isnan(b) else b
            ax.barh(i, b - a, left=a, color=PHASE_COLORS[name], edgecolor="white",
                    label=name if i == 0 else None)
        dormant = _as_floats(sub["t_dormant"])
        share = np.isfinite(dormant).mean() if len(dormant) else 0
        ax.text(result.horizon * 1.005, i, f"{share:.0%} dormant", va="center", fontsize=8)
    ax.set_yticks(range(len(result.labels)), result.labels)
    ax.invert_yaxis()
    ax.set_xlim(0, result.horizon * 1.12)
    ax.set_xlabel("day (median phase starts across runs)")
    ax.legend(fontsize=7, ncol=5, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout()
    return fig


def _as_floats(series) -> np.ndarray:
    """Values as floats, None -> NaN (read-outs such as lifespan can be missing)."""
    return np.array([np.nan if v is None else float(v) for v in series], dtype=float)


def distributions_figure(result):
    """Lifespan and active member-days per scenario: box plots with every run shown."""
    runs = result.runs()
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.5 * len(result.labels) + 2.5), dpi=100)
    rng = np.random.default_rng(0)
    for ax, col, title in ((axes[0], "lifespan", "lifespan (days; alive at horizon = horizon)"),
                           (axes[1], "active_member_days", "active member-days")):
        data = [_as_floats(runs[runs["scenario"] == lab][col]) for lab in result.labels]
        data = [d[np.isfinite(d)] for d in data]
        ax.boxplot(data, orientation="horizontal", widths=0.5, showfliers=False)
        for i, (d, color) in enumerate(zip(data, SCENARIO_COLORS * 4)):
            ax.scatter(d, i + 1 + rng.uniform(-0.15, 0.15, d.size), s=10, color=color, alpha=0.7)
        ax.set_yticks(range(1, len(result.labels) + 1), result.labels)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10)
        thousands(ax, x=True, y=False)  # the y ticks are the scenarios' names
    axes[1].set_yticklabels([])
    fig.tight_layout()
    return fig


def cost_benefit_figure(result):
    """Extra spend versus extra active member-days of each variant (paired means, 95% CI)."""
    fig, ax = plt.subplots(figsize=(7, 5), dpi=100)
    for lab, color in zip(result.labels[1:], SCENARIO_COLORS[1:] * 4):
        d = result._paired(lab, "active_member_days")
        c = result._paired(lab, "total_spend")
        if d["mean"] is None or c["mean"] is None:
            continue
        xerr = [[c["mean"] - (c["low"] if c["low"] is not None else c["mean"])],
                [(c["high"] if c["high"] is not None else c["mean"]) - c["mean"]]]
        yerr = [[d["mean"] - (d["low"] if d["low"] is not None else d["mean"])],
                [(d["high"] if d["high"] is not None else d["mean"]) - d["mean"]]]
        ax.errorbar(c["mean"], d["mean"], xerr=xerr, yerr=yerr, fmt="o", color=color, capsize=3)
        ax.annotate(lab, (c["mean"], d["mean"]), xytext=(6, 6), textcoords="offset points", fontsize=8)
    ax.axhline(0, color="k", lw=0.7)
    ax.axvline(0, color="k", lw=0.7)
    ax.set_xlabel(f"extra spend per run vs {result.labels[0]} ({result.currency})")
    ax.set_ylabel("extra active member-days per run")
    ax.set_title("Cost versus benefit (paired means, 95% t-intervals)", fontsize=10)
    thousands(ax, x=True)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ sweeps
def sweep_heatmap(result, measure: str = "lifespan"):
    """Mean of `measure` over a two-parameter grid, cells written out in full (34,812, not 3.48e+04).

    For lifespan, a cell whose runs were all still alive at the horizon reads "≥ horizon".
    """
    from sim.outputs.report import number

    t = result.table()
    kx, ky = result.keys[0], result.keys[1]
    piv = t.pivot_table(index=ky, columns=kx, values=measure, aggfunc="mean")
    alive = t.pivot_table(index=ky, columns=kx, values="alive_at_horizon", aggfunc="min") \
        if measure == "lifespan" and "alive_at_horizon" in t else None
    fig, ax = plt.subplots(figsize=(7, 5.5), dpi=100)
    im = ax.imshow(piv.to_numpy(float), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(piv.shape[1]), [f"{v:.3g}" for v in piv.columns], rotation=45)
    ax.set_yticks(range(piv.shape[0]), [f"{v:.3g}" for v in piv.index])
    for (i, j), v in np.ndenumerate(piv.to_numpy(float)):
        if np.isfinite(v):
            text = number(v)
            if alive is not None and alive.to_numpy(float)[i, j] == 1:
                text = f"≥ {number(v)}"
            # dark text on the light (yellow) end of viridis, white on the dark end
            light = im.norm(v) > 0.6 if np.isfinite(im.norm(v)) else False
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color="k" if light else "w")
    ax.set_xlabel(kx)
    ax.set_ylabel(ky)
    bar = fig.colorbar(im, ax=ax, label=measure)
    thousands(bar.ax)
    note = "; ≥: every run alive at the horizon" if alive is not None and (alive.to_numpy(float) == 1).any() else ""
    ax.set_title(f"{measure}: mean over {len(result.seeds)} replications{note}", fontsize=10)
    fig.tight_layout()
    return fig


def sweep_partial_dependence(result, measures=("lifespan", "active_member_days")):
    """Each read-out against each parameter: design points and a binned mean.

    Lifespan is censored at the horizon: a design point whose runs all stayed alive is drawn
    as a hollow marker on a dotted "horizon" line and named in the legend as alive at the
    horizon, so a flat stretch there reads as "longer than the horizon", not as a plateau.
    """
    t = result.table()
    keys = result.keys
    horizon = getattr(result, "horizon", None)
    fig, axes = plt.subplots(len(measures), len(keys), figsize=(3.6 * len(keys) + 1, 2.9 * len(measures)),
                             dpi=100, squeeze=False)
    for i, m in enumerate(measures):
        censored = (t["alive_at_horizon"].to_numpy(float) == 1) if m == "lifespan" and "alive_at_horizon" in t \
            else np.zeros(len(t), bool)
        for j, k in enumerate(keys):
            ax = axes[i, j]
            x, y = t[k].to_numpy(float), t[m].to_numpy(float)
            ok = np.isfinite(y)
            if (ok & ~censored).any():
                ax.scatter(x[ok & ~censored], y[ok & ~censored], s=10, alpha=0.5, color="#2166ac",
                           label="design point (mean of its runs)")
            if (ok & censored).any():
                ax.scatter(x[ok & censored], y[ok & censored], s=18, facecolors="none", edgecolors="#2166ac",
                           label="alive at horizon (lifespan ≥ horizon)")
            if m == "lifespan" and horizon:
                ax.axhline(horizon, color="k", lw=0.8, ls=":", label=f"horizon (day {horizon:,})")
                ax.set_ylim(0, horizon * 1.08)  # lifespans lie in [0, horizon]; a flat row sits under the line
                if ok.any() and censored[ok].all():
                    ax.text(0.5, 0.25, f"every design point alive at the horizon:\nlifespan ≥ {horizon:,} days "
                            "(censored, not a plateau)", transform=ax.transAxes, ha="center", va="center",
                            fontsize=7, bbox={"facecolor": "white", "alpha": 0.85, "lw": 0})
            if ok.sum() >= 6:
                edges = np.unique(np.quantile(x[ok], np.linspace(0, 1, 7)))
                if edges.size > 2:
                    b = np.clip(np.searchsorted(edges, x[ok], side="right") - 1, 0, edges.size - 2)
                    cx = [x[ok][b == q].mean() for q in range(edges.size - 1) if (b == q).any()]
                    cy = [y[ok][b == q].mean() for q in range(edges.size - 1) if (b == q).any()]
                    ax.plot(cx, cy, color="#b2182b", lw=2, label="binned mean")
            thousands(ax)
            if i == len(measures) - 1:
                ax.set_xlabel(k, fontsize=8)
            if j == 0:
                ax.set_ylabel(m + (" (days)" if m == "lifespan" else ""), fontsize=8)
            if j == len(keys) - 1:
                ax.legend(fontsize=6, loc="best", framealpha=0.85)
    fig.suptitle("Partial dependence (points: design points; line: binned mean)", fontsize=10)
    fig.tight_layout()
    return fig


def sweep_indices(result):
    """Sobol first-order and total-order indices with 95% intervals."""
    ind = result.indices()
    measures = list(dict.fromkeys(ind["measure"]))
    fig, axes = plt.subplots(1, len(measures), figsize=(5 * len(measures), 3.8), dpi=100, squeeze=False)
    for ax, m in zip(axes[0], measures):
        sub = ind[ind["measure"] == m]
        x = np.arange(len(sub))
        ax.bar(x - 0.2, sub["S1"], 0.4, yerr=sub["S1_conf"], label="first order S1", color="#67a9cf", capsize=3)
        ax.bar(x + 0.2, sub["ST"], 0.4, yerr=sub["ST_conf"], label="total order ST", color="#2166ac", capsize=3)
        ax.set_xticks(x, sub["parameter"], rotation=20, fontsize=8)
        ax.set_title(m, fontsize=10)
        ax.axhline(0, color="k", lw=0.6)
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def sweep_pareto(result, benefit: str = "active_member_days", cost: str = "total_spend"):
    """Design points on cost (total spend) versus benefit; the Pareto set highlighted."""
    t = result.table()
    front = result.pareto(benefit, cost)
    fig, ax = plt.subplots(figsize=(7, 5), dpi=100)
    ax.scatter(t[cost], t[benefit], s=14, color="#999999", label="design points")
    ax.plot(front[cost], front[benefit], "o-", color="#b2182b", label="Pareto set")
    ax.set_xlabel(cost)
    ax.set_ylabel(benefit)
    ax.legend(fontsize=8)
    ax.set_title(f"Benefit versus cost ({cost})", fontsize=10)
    fig.tight_layout()
    return fig
