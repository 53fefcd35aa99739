"""Figures of a fit: forecast fan over the history, posterior pairs, prior versus posterior, dormancy day.

Each function takes a `sim.fitting.result.FitResult` and returns a matplotlib figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

FIT_COLOR = "#2166ac"
OBSERVED_COLOR = "#b2182b"
PRIOR_COLOR = "#9e9e9e"
LABELS = {"members": "members", "dau": "daily active members", "mau": "monthly active members",
          "posts": "posts per day", "joins": "joins per day", "leaves": "leaves per day"}


def _mark_last_observation(ax, result, label: bool = True) -> None:
    last = result.history.last_day
    ax.axvline(last, color="k", lw=1, ls="--")
    if label:
        ax.annotate(f"last observation\n{result.day_text(last)}", (last, ax.get_ylim()[1] * 0.97),
                    xytext=(4, 0), textcoords="offset points", fontsize=7, va="top")


def forecast_fan_figure(result):
    """Observed series (dots) over the posterior predictive fan (median, 50% and 90% bands) to the horizon."""
    series = result.fan_series()
    fig, axes = plt.subplots(len(series), 1, figsize=(10, 2.7 * len(series) + 0.8), dpi=100, sharex=True,
                             squeeze=False)
    for i, (ax, s) in enumerate(zip(axes[:, 0], series)):
        band = result.forecast_series(s)
        if len(band):
            ax.fill_between(band["day"], band["q05"], band["q95"], color=FIT_COLOR, alpha=0.18, lw=0,
                            label="90% band")
            ax.fill_between(band["day"], band["q25"], band["q75"], color=FIT_COLOR, alpha=0.38, lw=0,
                            label="50% band")
            ax.plot(band["day"], band["q50"], color=FIT_COLOR, lw=1.5, label="median forecast")
        if s in result.history.values:
            v = result.history.values[s]
            ok = ~np.isnan(v)
            ax.plot(result.history.days[ok], v[ok], ".", color=OBSERVED_COLOR, ms=2.5, label="observed")
        ax.set_ylabel(LABELS.get(s, s))
        ax.set_ylim(bottom=0)
        _mark_last_observation(ax, result, label=(i == 0))
        if i == 0:
            ax.legend(fontsize=7, loc="upper right", ncol=4)
    life = result.forecast()["lifespan"]
    if life["q05"] is not None:
        top = axes[-1, 0]
        hi = life["q95"] if life["q95"] is not None else result.horizon
        for ax in axes[:, 0]:
            ax.axvspan(life["q05"], hi, color="#d8d8d8", alpha=0.5, lw=0, zorder=0)
        top.annotate("dormancy (90% of forecasts)", (life["q05"], 0), xytext=(3, 3), textcoords="offset points",
                     fontsize=7)
    axes[-1, 0].set_xlabel("day since launch" + (f" (day 0 = {result.history.date_of(0)})"
                                                 if result.history.origin else ""))
    axes[-1, 0].set_xlim(0, result.horizon)
    fig.suptitle(f"{result.summary_title()}: history and forecast ({len([r for r in result.records if r])} "
                 "posterior draws)", fontsize=11)
    fig.tight_layout()
    return fig


def _density(prior, x, w, bins: int):
    """Weighted histogram of `x` and the prior, as densities on the axis the parameter is drawn on.

    The axis is log10 for log-uniform priors. Returns (edges, heights, grid, prior density).
    """
    if prior.log:
        edges = np.geomspace(prior.low, prior.high, bins + 1)
        widths = np.diff(np.log10(edges))
        grid = np.geomspace(prior.low, prior.high, 200)
        dens = prior.scipy().pdf(np.log10(grid))
    else:
        edges = np.linspace(prior.low, prior.high, bins + 1)
        widths = np.diff(edges)
        grid = np.linspace(prior.low, prior.high, 200)
        dens = prior.pdf(grid)
    h, _ = np.histogram(x, bins=edges, weights=w)
    h = h / max(h.sum(), 1e-300) / widths
    return edges, h, grid, dens


def _axis(ax, prior, which: str = "x") -> None:
    """Log axis with plain-number ticks for log-uniform parameters."""
    from matplotlib.ticker import LogLocator, NullFormatter

    if not prior.log:
        return
    axis = ax.xaxis if which == "x" else ax.yaxis
    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(lambda v, _: f"{v:g}")
    axis.set_minor_formatter(NullFormatter())


def posterior_pairs_figure(result):
    """Weighted posterior: marginal histograms (prior density dashed) on the diagonal, pairs below it."""
    keys = result.spec.keys
    d = len(keys)
    post = result.posterior()
    w = post["weight"].to_numpy()
    size = max(2.2 * d, 4.0)
    fig, axes = plt.subplots(d, d, figsize=(size, size), dpi=100, squeeze=False)
    for i, ki in enumerate(keys):
        for j, kj in enumerate(keys):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            xi = post[ki].to_numpy(float)
            xj = post[kj].to_numpy(float)
            if i == j:
                prior = result.spec.prior(ki)
                edges, h, grid, dens = _density(prior, xi, w, 24)
                ax.stairs(h, edges, color=FIT_COLOR, fill=True, alpha=0.7)
                ax.plot(grid, dens, color=PRIOR_COLOR, ls="--", lw=1)
                ax.set_yticks([])
                _axis(ax, prior, "x")
                ax.set_xlim(prior.low, prior.high)
            else:
                ax.scatter(xj, xi, s=4 + 40 * w / w.max(), color=FIT_COLOR, alpha=0.35, lw=0)
                pj, pi = result.spec.prior(kj), result.spec.prior(ki)
                _axis(ax, pj, "x")
                _axis(ax, pi, "y")
                ax.set_xlim(pj.low, pj.high)
                ax.set_ylim(pi.low, pi.high)
            if i == d - 1:
                ax.set_xlabel(kj, fontsize=8)
            else:
                ax.set_xticklabels([])
            if j == 0 and i != j:
                ax.set_ylabel(ki, fontsize=8)
            ax.tick_params(labelsize=7)
    fig.suptitle("Posterior: marginals (prior dashed) and pairs", fontsize=11)
    fig.tight_layout()
    return fig


def prior_posterior_figure(result):
    """Per parameter: prior density against the posterior, and the share of the prior's 90% interval kept."""
    keys = result.spec.keys
    summ = result.parameter_summary()
    post = result.posterior()
    w = post["weight"].to_numpy()
    fig, axes = plt.subplots(len(keys), 1, figsize=(8, 1.7 * len(keys) + 0.9), dpi=100, squeeze=False)
    for ax, k in zip(axes[:, 0], keys):
        prior = result.spec.prior(k)
        s = summ[k]
        edges, h, grid, dens = _density(prior, post[k].to_numpy(float), w, 30)
        top = max(h.max(), dens.max(), 1e-300)
        ax.fill_between(grid, dens / top, color=PRIOR_COLOR, alpha=0.35, lw=0, label="prior")
        ax.stairs(h / top, edges, color=FIT_COLOR, fill=True, alpha=0.6, label="posterior")
        ax.hlines(-0.12, s["prior_q05"], s["prior_q95"], color=PRIOR_COLOR, lw=4)
        ax.hlines(-0.25, s["q05"], s["q95"], color=FIT_COLOR, lw=4)
        ax.plot([s["q50"]], [-0.25], "o", color="k", ms=3)
        ax.set_ylim(-0.35, 1.1)
        ax.set_yticks([])
        _axis(ax, prior, "x")
        ax.set_xlim(prior.low, prior.high)
        ratio = s["interval_vs_prior"]
        ax.set_title(f"{k}: 90% interval {s['q05']:.3g} to {s['q95']:.3g}, {ratio:.0%} of the prior's: "
                     f"{s['verdict']}", fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
    axes[0, 0].legend(fontsize=7, loc="upper right")
    fig.suptitle("What the data constrained (bars: 90% intervals, prior grey, posterior blue)", fontsize=10)
    fig.tight_layout()
    return fig


def dormancy_figure(result):
    """The forecast distribution of the dormancy day; runs alive at the horizon in their own bar."""
    from sim.fitting.forecast import lifespans

    ok = [r for r in result.records if r is not None]
    life = lifespans(ok, result.horizon)
    finite = life[np.isfinite(life)]
    fig, ax = plt.subplots(figsize=(9, 3.6), dpi=100)
    if finite.size:
        bins = np.linspace(max(0, finite.min() - 10), result.horizon, 40)
        ax.hist(finite, bins=bins, color=FIT_COLOR, alpha=0.7, label="forecast draws")
    alive = int(np.sum(~np.isfinite(life)))
    if alive:
        ax.bar(result.horizon + 15, alive, width=20, color=PRIOR_COLOR, label=f"still active at day {result.horizon}")
    f = result.forecast()["lifespan"]
    if f["q05"] is not None:
        hi = f["q95"] if f["q95"] is not None else result.horizon
        ax.axvspan(f["q05"], hi, color="#fdb863", alpha=0.3, lw=0, label="90% interval")
    if f["most_likely"] is not None:
        ax.axvline(f["most_likely"], color="k", lw=1.2, label=f"most likely: day {f['most_likely']:.0f}")
    ax.axvline(result.history.last_day, color="k", lw=1, ls="--", label="last observation")
    ax.set_xlabel("first day of dormancy")
    ax.set_ylabel("draws")
    ax.legend(fontsize=7)
    ax.set_title(f"When the community goes dormant on its present course ({len(ok)} draws)", fontsize=10)
    fig.tight_layout()
    return fig


def calibration_figure(cal):
    """Simulation-based calibration: where each truth fell in its posterior, per quantity.

    A histogram of the posterior CDF at the truth (flat when calibrated) and the coverage of
    the 90% interval against its binomial band.
    """
    names = list(cal.quantities)
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names) + 0.6, 3.2), dpi=100, squeeze=False)
    n = cal.n
    for ax, name in zip(axes[0], names):
        u = np.asarray(cal.pit[name], float)
        ax.hist(u, bins=10, range=(0, 1), color=FIT_COLOR, alpha=0.75)
        ax.axhline(n / 10, color="k", lw=1, ls="--")
        lo, hi = cal.band
        cov = cal.covered(name)
        ok = lo <= cov <= hi
        ax.set_title(f"{name}\n90% covers {cov}/{n} ({'ok' if ok else 'OUT'}; band {lo}-{hi})", fontsize=8)
        ax.set_xlabel("posterior CDF at the truth", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0, 0].set_ylabel("communities")
    import textwrap

    title = f"Simulation-based calibration: {n} synthetic communities; {cal.description}"
    fig.suptitle("\n".join(textwrap.wrap(title, 110)), fontsize=8)
    fig.tight_layout()
    return fig


__all__ = ["calibration_figure", "dormancy_figure", "forecast_fan_figure", "posterior_pairs_figure",
           "prior_posterior_figure"]
