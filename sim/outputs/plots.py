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

import matplotlib.pyplot as plt
import numpy as np

from sim.readouts.lifecycle import smooth

# The backend is the caller's choice: the CLI and the dashboard select Agg, notebooks keep
# their inline backend.

PHASE_COLORS = {
    "germination": "#d9f0d3",
    "rapid growth": "#a6dba0",
    "active interaction": "#5aae61",
    "decline": "#fdb863",
    "dormancy": "#d8d8d8",
}
CIRCLE_COLORS = {"core": "#b2182b", "organizers": "#2166ac", "diffusion": "#67a9cf", "dormant": "#bdbdbd"}


def shade_phases(ax, phases: list[dict], labels: bool = True) -> None:
    """Shade the five lifecycle phases behind a time axis."""
    for p in phases:
        ax.axvspan(p["start"], p["end"], color=PHASE_COLORS[p["name"]], alpha=0.45, lw=0,
                   label=p["name"] if labels else None)


def lifecycle_figure(ts, life: dict, dunbar_limit: int = 150, title: str = "", smoothing: int = 7):
    """DAU and members over time, phases shaded, Dunbar-overload periods marked."""
    fig, ax = plt.subplots(figsize=(10, 5), dpi=110)
    days = np.asarray(ts["day"])
    shade_phases(ax, life.get("phases", []))
    ax.plot(days, ts["dau"], color="#1b7837", alpha=0.25, lw=0.8)
    ax.plot(days, smooth(ts["dau"], smoothing), color="#1b7837", lw=2, label=f"DAU ({smoothing}-day mean)")
    ax.set_xlabel("day")
    ax.set_ylabel("daily active members")
    ax2 = ax.twinx()
    ax2.plot(days, ts["members"], color="#542788", lw=1.5, ls="--", label="members")
    ax2.set_ylabel("members")
    ax2.set_ylim(bottom=0)
    ax.set_ylim(bottom=0)
    over = np.asarray(ts["max_group_size"]) > dunbar_limit
    if over.any():
        top = ax.get_ylim()[1]
        ax.fill_between(days, top * 0.97, top, where=over, color="#d73027", step="mid",
                        label=f"a group beyond Dunbar ({dunbar_limit})")
    if life.get("lifespan") is not None:
        ax.axvline(life["lifespan"], color="k", lw=1, ls=":")
        ax.annotate(f"dormant from day {life['lifespan']}", (life["lifespan"], ax.get_ylim()[1] * 0.04),
                    xytext=(-4, 0), textcoords="offset points", fontsize=8, ha="right")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper right", fontsize=8, framealpha=0.9)
    ax.set_title(title or "Predicted lifecycle")
    ax.set_xlim(days.min() if days.size else 0, days.max() if days.size else 1)
    fig.tight_layout()
    return fig


def circles_figure(ts, life: dict | None = None, title: str = ""):
    """Core, organizer, diffusion and dormant members over time (stacked)."""
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=110)
    days = np.asarray(ts["day"])
    keys = ["core", "organizers", "diffusion", "dormant"]
    ax.stackplot(days, *[np.asarray(ts[k]) for k in keys], labels=keys,
                 colors=[CIRCLE_COLORS[k] for k in keys], alpha=0.9)
    if life:
        for p in life.get("phases", [])[1:]:
            ax.axvline(p["start"], color="k", lw=0.6, ls=":")
    ax.set_xlabel("day")
    ax.set_ylabel("members")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title or "Circles over time")
    ax.set_xlim(days.min() if days.size else 0, days.max() if days.size else 1)
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
    """DAU fan chart per scenario: median, 50% and 90% bands; phases of the median marked."""
    from sim.readouts.lifecycle import analyse

    n = len(result.labels)
    fig, axes = plt.subplots(n, 1, figsize=(10, 2.6 * n + 0.6), dpi=100, sharex=True, squeeze=False)
    top = max((fan.quantile(0.95).max() for fan in result.fans.values()), default=1.0)
    for ax, lab, color in zip(axes[:, 0], result.labels, SCENARIO_COLORS * 4):
        fan = result.fans.get(lab)
        if fan is None or fan.n == 0:
            ax.text(0.5, 0.5, f"{lab}: no finished runs", transform=ax.transAxes, ha="center")
            continue
        days = np.arange(fan.days)
        med = fan.quantile(0.5)
        shade_phases(ax, analyse(med)["phases"], labels=ax is axes[0, 0])
        ax.fill_between(days, fan.quantile(0.05), fan.quantile(0.95), color=color, alpha=0.18, lw=0, label="90% band")
        ax.fill_between(days, fan.quantile(0.25), fan.quantile(0.75), color=color, alpha=0.35, lw=0, label="50% band")
        ax.plot(days, smooth(med, 7), color=color, lw=2, label="median (7-day mean)")
        ax.set_ylim(0, top * 1.05)
        ax.set_ylabel("DAU")
        ax.set_title(f"{lab} ({fan.n} runs)", fontsize=10, loc="left")
    axes[0, 0].legend(fontsize=7, ncol=4, loc="upper right")
    axes[-1, 0].set_xlabel("day")
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
    ax.set_xlabel(f"extra spend per run vs {result.labels[0]} (money)")
    ax.set_ylabel("extra active member-days per run")
    ax.set_title("Cost versus benefit (paired means, 95% bootstrap CI)", fontsize=10)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------ sweeps
def sweep_heatmap(result, measure: str = "lifespan"):
    """Mean of `measure` over a two-parameter grid."""
    t = result.table()
    kx, ky = result.keys[0], result.keys[1]
    piv = t.pivot_table(index=ky, columns=kx, values=measure, aggfunc="mean")
    fig, ax = plt.subplots(figsize=(7, 5.5), dpi=100)
    im = ax.imshow(piv.to_numpy(float), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(piv.shape[1]), [f"{v:.3g}" for v in piv.columns], rotation=45)
    ax.set_yticks(range(piv.shape[0]), [f"{v:.3g}" for v in piv.index])
    for (i, j), v in np.ndenumerate(piv.to_numpy(float)):
        if np.isfinite(v):
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=7, color="w")
    ax.set_xlabel(kx)
    ax.set_ylabel(ky)
    fig.colorbar(im, ax=ax, label=measure)
    ax.set_title(f"{measure}: mean over {len(result.seeds)} replications", fontsize=10)
    fig.tight_layout()
    return fig


def sweep_partial_dependence(result, measures=("lifespan", "active_member_days")):
    """Each read-out against each parameter: design points and a binned mean."""
    t = result.table()
    keys = result.keys
    fig, axes = plt.subplots(len(measures), len(keys), figsize=(3.6 * len(keys) + 1, 2.8 * len(measures)),
                             dpi=100, squeeze=False)
    for i, m in enumerate(measures):
        for j, k in enumerate(keys):
            ax = axes[i, j]
            x, y = t[k].to_numpy(float), t[m].to_numpy(float)
            ok = np.isfinite(y)
            ax.scatter(x[ok], y[ok], s=10, alpha=0.5, color="#2166ac")
            if ok.sum() >= 6:
                edges = np.unique(np.quantile(x[ok], np.linspace(0, 1, 7)))
                if edges.size > 2:
                    b = np.clip(np.searchsorted(edges, x[ok], side="right") - 1, 0, edges.size - 2)
                    cx = [x[ok][b == q].mean() for q in range(edges.size - 1) if (b == q).any()]
                    cy = [y[ok][b == q].mean() for q in range(edges.size - 1) if (b == q).any()]
                    ax.plot(cx, cy, color="#b2182b", lw=2)
            if i == len(measures) - 1:
                ax.set_xlabel(k, fontsize=8)
            if j == 0:
                ax.set_ylabel(m, fontsize=8)
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


def sweep_pareto(result, benefit: str = "active_member_days", cost: str = "incentive_spend"):
    """Design points on incentive cost versus benefit; the Pareto set highlighted."""
    t = result.table()
    front = result.pareto(benefit, cost)
    fig, ax = plt.subplots(figsize=(7, 5), dpi=100)
    ax.scatter(t[cost], t[benefit], s=14, color="#999999", label="design points")
    ax.plot(front[cost], front[benefit], "o-", color="#b2182b", label="Pareto set")
    ax.set_xlabel(cost)
    ax.set_ylabel(benefit)
    ax.legend(fontsize=8)
    ax.set_title("Benefit versus incentive cost", fontsize=10)
    fig.tight_layout()
    return fig
