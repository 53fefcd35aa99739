"""Figures a strategist would rather look at than read (matplotlib, headless-safe).

>>> import numpy as np, pandas as pd
>>> from sim.lifecycle import analyse
>>> ts = pd.DataFrame({"day": range(100), "dau": np.r_[np.arange(50), np.arange(50)[::-1]],
...                    "members": np.arange(100), "max_group_size": 10})
>>> fig = lifecycle_figure(ts, analyse(ts["dau"]))
>>> len(fig.axes) >= 1
True
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.lifecycle import smooth  # noqa: E402

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
    """Save and close a figure."""
    fig.savefig(path)
    plt.close(fig)
