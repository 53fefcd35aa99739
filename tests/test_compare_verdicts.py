"""Planner verdicts of `circlesim compare`: power advice, every differing measure, one interval
method consistent with the p-value, bounded shares, explained cost cells, no verdicts without a variant.

Most checks build a `CompareResult` from hand-made rows, so the statistics are known exactly and
no simulation runs; one runs the CLI on a single scenario.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.cli import main
from sim.experiments.compare import CompareResult
from sim.experiments.stats import MAX_REPLICATIONS, mean_ci, paired_difference, replications_needed, significant
from sim.readouts.registry import measures
from sim.scenario import load_scenario
from tests.conftest import SCENARIOS


def _result(variant_rows: dict, n: int = 8, seed: int = 0, base_overrides: dict | None = None,
            exact: bool = False, reached: dict | None = None) -> CompareResult:
    """A baseline and one variant on `n` common seeds.

    Every measure of the baseline is drawn around a plausible level; the variant copies it and
    adds, per measure in `variant_rows`, a shift and per-seed noise: {measure: (shift, noise sd)}.
    With `exact` the noise is standardised (mean over the seeds exactly 0, sd exactly the one
    given), so the paired differences have exactly the stated mean and sd and a verdict follows
    from the effect size alone, not from one draw. `reached`: {measure: seeds whose runs reach
    it}; the others' runs get NaN (a decline no run of that seed reached).
    """
    rng = np.random.default_rng(seed)
    noise = {}
    if exact:
        for i, m in enumerate(sorted(variant_rows)):
            z = np.random.default_rng([seed, i]).standard_normal(n)
            noise[m] = (z - z.mean()) / z.std(ddof=1)
    level = {m: 100.0 for m in measures()}
    level.update({"overload_share": 0.3, "viral_k": 0.5, "incentive_spend": 0.0, "total_spend": 0.0,
                  "points_issued": 0.0, "lifespan": 200.0, "t_dormant": float("nan")})
    level.update(base_overrides or {})
    rows = []
    for s in range(n):
        base = {m: (v if m in ("lifespan", "t_dormant", "incentive_spend", "total_spend", "points_issued")
                    else v * (1 + 0.05 * rng.standard_normal())) for m, v in level.items()}
        var = dict(base)
        for m, (shift, sd) in variant_rows.items():
            var[m] = base[m] + shift + sd * (noise[m][s] if exact else rng.standard_normal())
        for m, seeds in (reached or {}).items():
            if s not in seeds:
                base[m] = var[m] = float("nan")
        rows += [{"scenario": "baseline", "seed": s, **base}, {"scenario": "variant", "seed": s, **var}]
    sc = load_scenario(SCENARIOS / "baseline.yaml", days=200)
    return CompareResult([sc, sc], ["baseline", "variant"], list(range(n)), rows, {}, [], None, 0.0, 0, "serial")


# --------------------------------------------------------------------------- power
@pytest.mark.parametrize("effect, expected", [(1.0, 10), (0.5, 34), (0.8, 15)])
def test_replications_needed_matches_the_paired_t_test_tables(effect, expected):
    """Standard power tables (two-sided paired t, 5%, 80%): d=1 -> 10, d=0.5 -> 34, d=0.8 -> 15."""
    assert replications_needed(1.0, effect) == expected
    # the same answer in any unit, and for a decrease
    assert replications_needed(250.0, -250.0 * effect) == expected


def test_replications_needed_achieves_the_power_it_promises():
    """Simulated paired t-tests at the advised n reject ~80% of the time, one fewer falls short."""
    sd, delta = 3.0, 1.5
    n = replications_needed(sd, delta)
    rng = np.random.default_rng(11)
    trials = 4000

    def rate(k):
        d = rng.normal(delta, sd, size=(trials, k))
        return float((stats.ttest_1samp(d, 0.0, axis=1).pvalue < 0.05).mean())

    assert n == 34  # d = 0.5
    # binomial sd of a rate near 0.8 over 4000 trials is 0.63%, so 3 sd is 1.9 points; the exact
    # power is 0.808 at n = 34 and 0.768 at n = 31
    assert 0.78 < rate(n) < 0.83
    assert rate(n - 3) < 0.79


def test_replications_needed_says_when_it_cannot_tell():
    assert replications_needed(0.0, 1.0) is None          # no spread: any n settles it
    assert replications_needed(1.0, 0.0) is None          # no difference: no n settles it
    assert replications_needed(None, 1.0) is None
    assert replications_needed(1.0, 1e-4) == MAX_REPLICATIONS + 1


def test_too_few_replications_are_flagged_with_a_number_that_would_settle_it():
    # viral K shifts by 0.02 with sd 0.08 per pair (d = 0.25, t = 0.61 at 6 pairs): 6 are too
    # few (exact noise: the shared stream's draw moved when a read-out was added and was significant)
    res = _result({"viral_k": (0.02, 0.08)}, n=6, seed=3, exact=True)
    row = res.differences().set_index("measure").loc["viral_k"]
    assert not row["significant"]
    expected = replications_needed(row["sd"], row["mean"])
    assert row["replications_needed"] == expected and 6 < expected <= MAX_REPLICATIONS
    advice = res.replication_advice()
    assert len(advice) == 1
    assert f"viral K (about {expected:,})" in advice[0] and "6 replications are too few" in advice[0]
    assert "-r" in advice[0]
    # the report says it too
    md = res_markdown(res)
    assert "## Too few replications" in md and f"about {expected:,}" in md


def test_no_run_count_is_advised_for_lifespans_cut_at_the_horizon():
    """'lifespan (about 20)' with 7 of 8 runs alive at the horizon (statistician's red team, 2026-12-07):
    more runs repeat the cut; a longer horizon settles it, and the advice says so instead."""
    res = _result({"lifespan": (15.0, 40.0), "viral_k": (0.02, 0.08)}, n=6, seed=3, exact=True,
                  base_overrides={"t_dormant": 150.0})
    for r in res._rows:
        if r["scenario"] == "variant" and r["seed"] in (0, 1):
            r["t_dormant"] = float("nan")  # two runs of the variant outlived the horizon
    row = res.differences().set_index("measure").loc["lifespan"]
    assert not row["significant"] and row["p_holm"] == row["p_holm"]  # tested, unsettled
    assert row["replications_needed"] > 6  # a count the old advice would have given
    # two of twelve runs cut: the count stands, said to be for lifespans cut at the horizon
    (advice,) = res.replication_advice()
    assert "lifespan (cut at the horizon in 2 of 12 runs; about" in advice, advice
    # the baseline's runs all cut, the variant's not: the difference is conservative, more runs can settle it
    for r in res._rows:
        r["t_dormant"] = float("nan") if r["scenario"] == "baseline" else 150.0
    assert "lifespan (cut at the horizon in 6 of 12 runs; about" in res.replication_advice()[0]
    # most runs of both cut (all six of the variant's, four of the baseline's): no count, a longer horizon
    for r in res._rows:
        r["t_dormant"] = float("nan") if r["scenario"] == "variant" or r["seed"] in (0, 1, 2, 3) else 150.0
    (advice,) = res.replication_advice()
    assert "lifespan (" not in advice
    assert ("lifespan cannot be settled by more runs: 10 of 12 runs outlived the horizon (day 200); run longer, "
            "e.g. --days 400") in advice, advice
    assert "viral K (about" in advice and "to settle those" in advice  # the other measure's count stays
    # with nobody alive the count is given as before, with no note
    for r in res._rows:
        r["t_dormant"] = 150.0
    assert "lifespan (about" in " ".join(res.replication_advice())


def test_advice_counts_runs_for_a_measure_some_runs_never_reach():
    """'6 replications are too few to settle decline 80%->20% (about 4)' when only 2 of the 6
    pairs reached a decline (a newcomer's first hour, 2026-12-07): 4 pairs that reach it take
    about 12 runs at that rate, and the advice now says both."""
    res = _result({"decline_steepness": (2.0, 8.0)}, n=8, seed=3, exact=True,
                  reached={"decline_steepness": {0, 1, 2, 3, 4, 5}})
    row = res.differences().set_index("measure").loc["decline_steepness"]
    assert row["n"] == 6 and not row["significant"]
    runs = math.ceil(row["replications_needed"] * 8 / 6)
    (advice,) = res.replication_advice()
    assert f"decline 80%->20% (reached in 6 of 8 pairs; about {runs:,})" in advice, advice
    assert f"rerun with -r {runs:,}" in advice
    # over a fit's posterior the runs are draws x seeds: the terminal's and the report's heading agree
    assert res.advice_heading == "Too few replications"
    res.from_fit = {"draws": 3, "seeds_per_draw": 2}
    assert res.advice_heading == "Too few runs" and "## Too few runs" in res_markdown(res)
    assert "8 runs are too few" in res.replication_advice()[0]


def test_advice_gives_no_count_from_fewer_pairs_than_can_estimate_the_spread():
    """'2 replications ... rerun with -r 248' rested on a variance from one degree of freedom (its
    95% interval spans a factor of 5,000; a red team, 2026-12-07): from fewer than PLANNING_MIN
    pairs the advice names the unsettled measures and asks for more runs first, with no count."""
    from sim.experiments.compare import PLANNING_MIN

    res = _result({"viral_k": (0.02, 0.08)}, n=PLANNING_MIN - 1, seed=3, exact=True)
    assert replications_needed(*res.differences().set_index("measure").loc["viral_k", ["sd", "mean"]]) > PLANNING_MIN
    (advice,) = res.replication_advice()
    assert "viral K" in advice and "too few to say how many would" in advice and "about" not in advice, advice
    assert f"-r {10}" in advice
    # a measure reached in too few pairs beside one with a count: both, each for what it is
    mixed = _result({"viral_k": (0.02, 0.08), "decline_steepness": (2.0, 8.0)}, n=8, seed=3, exact=True,
                    reached={"decline_steepness": {0, 1, 2}})
    (advice,) = mixed.replication_advice()
    assert "viral K (about" in advice and "decline 80%->20% (reached in 3 of 8 pairs), and too few to say" in advice
    assert "to settle those" in advice and "all of them" not in advice  # not all: some have no count
    # over a fit's posterior the runs are draws x seeds: more of those, not "-r 10" (a review, 2026-12-07)
    res.from_fit = {"draws": 2, "seeds_per_draw": 2}
    (advice,) = res.replication_advice()
    assert "raise -r, up to the fit's draws, or --seeds-per-draw" in advice and "-r 10" not in advice, advice


def test_advice_says_how_few_settle_all_but_the_noisiest_measure():
    """One very noisy measure sets the headline rerun; the advice also says how many settle the
    rest (a newcomer was told to rerun with -r 709 when -r 99 settled all but lifespan)."""
    # viral K: d = 0.25 (about 130 pairs); overload share: d = 0.02 / 0.04 = 0.5 (about 34)
    res = _result({"viral_k": (0.02, 0.08), "overload_share": (0.02, 0.04)}, n=6, seed=8, exact=True)
    diff = res.differences().set_index("measure")
    k_viral, k_over = int(diff.loc["viral_k", "replications_needed"]), int(diff.loc["overload_share",
                                                                                 "replications_needed"])
    assert k_viral > 2 * k_over > 12, (k_viral, k_over)
    advice = res.replication_advice()
    assert len(advice) == 1
    assert f"rerun with -r {k_viral} to settle all of them (-r {k_over} settles all but viral K)" in advice[0]
    # comparable needs (d = 0.25 and 0.33: about 130 and 73): no such clause
    close = _result({"viral_k": (0.02, 0.08), "overload_share": (0.02, 0.06)}, n=6, seed=4, exact=True)
    needs = close.differences().set_index("measure")["replications_needed"]
    assert 6 < needs["overload_share"] < needs["viral_k"] < 2 * needs["overload_share"], needs
    advice = close.replication_advice()
    assert "rerun with -r" in advice[0] and "settles all but" not in advice[0]


def test_advice_does_not_ask_for_thousands_of_replications_to_settle_a_negligible_difference():
    """-r 10429 for a difference of a third of a member (a newcomer's find): above 1,000 pairs the
    advice names the need and says such a difference is rarely worth settling, and suggests no rerun."""
    # viral K: d = 0.04 / 0.8 = 0.05, about 3,100 pairs; overload share: d = 0.5, about 34
    res = _result({"viral_k": (0.04, 0.8), "overload_share": (0.02, 0.04)}, n=6, seed=8, exact=True)
    need = res.differences().set_index("measure")["replications_needed"]
    assert 1000 < need["viral_k"] < 100_000 and need["overload_share"] < 100, need
    advice = res.replication_advice()
    assert len(advice) == 1 and f"viral K (about {int(need['viral_k']):,}: a difference this small" in advice[0]
    assert f"rerun with -r {int(need['overload_share'])} to settle those" in advice[0]
    assert f"-r {int(need['viral_k'])}" not in advice[0]


def test_in_short_sorts_significant_differences_by_each_measures_better_direction():
    """More peak DAU is better, more overload worse; a difference the test cannot tell is in neither."""
    res = _result({"peak_dau": (30.0, 1.0), "overload_share": (0.1, 0.001), "viral_k": (0.02, 0.08),
                   "lifespan": (-40.0, 2.0)}, n=8, seed=4)
    diff = res.differences().set_index("measure")
    assert not diff.loc["viral_k", "significant"]
    assert res.trade_offs() == ["variant: better on peak DAU; worse on lifespan, overload share."]
    cheap = _result({"peak_dau": (30.0, 1.0), "total_spend": (500.0, 0.0)}, n=8, seed=4)  # exactly 500 a run
    assert cheap.trade_offs() == ["variant: better on peak DAU; worse on none; costs 500 cost units more per run."]
    saving = _result({"peak_dau": (30.0, 1.0), "total_spend": (-500.0, 0.0)}, n=8, seed=4)
    assert saving.trade_offs() == ["variant: better on peak DAU; worse on none; saves 500 cost units per run."]
    noisy = _result({"peak_dau": (30.0, 1.0), "total_spend": (1.0, 40.0)}, n=6, seed=5)
    assert noisy.trade_offs() == ["variant: better on peak DAU; worse on none; no detectable difference in "
                                  "total spend."]  # silence would read as "costs nothing more"
    # the test alone finds the extra spend and Holm's adjustment undoes it: "no detectable difference"
    # contradicted the verdict just below it (+2,096 a run, p = 0.025; a red team, 2026-12-07)
    holm = _result({"peak_dau": (30.0, 1.0), "total_spend": (1.0, 1.0), "viral_k": (0.0, 0.08),
                    "lifespan": (0.0, 5.0), "overload_share": (0.0, 0.01)}, n=8, seed=5, exact=True)
    spend = holm.differences().set_index("measure").loc["total_spend"]
    assert spend["significant"] and spend["p_holm"] >= 0.05, spend
    assert holm.trade_offs() == ["variant: better on peak DAU; worse on none; total spend +1 cost units per run, "
                                 "not settled after Holm's adjustment (see its verdict)."]
    assert _result({"peak_dau": (30.0, 1.0)}, n=1).trade_offs() == [
        "variant: cannot be judged on any headline measure (see the verdicts)."]  # one pair: no test at all


def test_advice_names_only_measures_the_verdict_tests():
    """Incentive spend that is all of the extra spend is tested as total spend (one verdict, one
    Holm test): the advice must not name incentive spend, which no verdict mentions."""
    noise = (1.0, 40.0)  # a small, noisy extra spend: no detectable difference at 6 pairs
    res = _result({"incentive_spend": noise, "total_spend": noise}, n=6, seed=5)
    runs = res.runs()  # the same draw in both columns: incentive spend is the whole extra spend
    runs["total_spend"] = runs["incentive_spend"]
    res = CompareResult(res.scenarios, res.labels, res.seeds, runs.to_dict("records"), {}, [], None, 0.0, 0, "serial")
    row = res.differences().set_index("measure").loc["total_spend"]
    assert not row["significant"] and row["replications_needed"] > 6  # so total spend gets advice
    advice = " ".join(res.replication_advice())
    verdicts = " ".join(res.verdicts())
    assert "total spend" in verdicts and "incentive spend" not in verdicts
    assert "total spend" in advice and "incentive spend" not in advice


def test_a_lifespan_against_the_dormancy_line_says_the_line_moved():
    """Dormancy is counted below max(10% of each run's own peak, the baseline's floor of 20): a
    burst that raises the peak 'dies' sooner at the same activity; a floor that holds both runs'
    lines moves nothing, and a shorter life with a lower peak needs no note."""
    died = {"lifespan": 150.0, "t_dormant": 150.0, "peak_dau": 400.0}  # every run dormant in the horizon

    def lifespan_line(shifts, **base):
        res = _result(shifts, n=8, seed=1, exact=True, base_overrides={**died, **base})
        line, = [v for v in res.verdicts() if "lifespan by" in v]
        return line

    def line_at(text):  # (variant's line, baseline's line), as printed
        v, b = re.search(r"puts that line at (\d+) active members a day against (\d+)", text).groups()
        return float(v), float(b)

    # the baseline's peaks are 400 x (1 + 5% noise): its mean line is 40 within 3 (4 sd over 8 seeds);
    # the variant's is exactly 16 above it (exact noise), so the printed lines differ by 16 within rounding
    burst_result = _result({"lifespan": (-100.0, 10.0), "peak_dau": (160.0, 20.0)}, n=8, seed=1, exact=True,
                           base_overrides=died)
    short, = burst_result.trade_offs()
    assert "worse on lifespan (partly the dormancy line moving: see its verdict)" in short
    burst = lifespan_line({"lifespan": (-100.0, 10.0), "peak_dau": (160.0, 20.0)})  # line 40 -> 56
    assert "shortens lifespan by 100 days" in burst and "the line rising" in burst
    v, b = line_at(burst)
    assert abs(b - 40) <= 3 and abs(v - b - 16) <= 1
    assert "(or 20, if higher) for 30 days in a row" in burst
    floor = lifespan_line({"lifespan": (-100.0, 10.0), "peak_dau": (40.0, 5.0)}, peak_dau=100.0)  # 20 -> 20
    assert "note:" not in floor
    same_peak = lifespan_line({"lifespan": (-100.0, 10.0)})
    assert "note:" not in same_peak
    plain, = _result({"lifespan": (-100.0, 10.0)}, n=8, seed=1, exact=True, base_overrides=died).trade_offs()
    assert "worse on lifespan;" in plain or plain.rstrip(".").endswith("worse on lifespan")
    both_down = lifespan_line({"lifespan": (-100.0, 10.0), "peak_dau": (-160.0, 20.0)})
    assert "note:" not in both_down  # a lower peak and a shorter life agree: nothing to warn about
    longer = lifespan_line({"lifespan": (100.0, 10.0), "peak_dau": (-160.0, 20.0)})  # line 40 -> 24
    assert "lengthens lifespan by 100 days" in longer and "the line falling" in longer
    v, b = line_at(longer)
    assert abs(b - 40) <= 3 and abs(b - v - 16) <= 1


def test_advice_over_a_fits_posterior_names_draws_and_seeds_per_draw():
    res = _result({"viral_k": (0.02, 0.08)}, n=6, seed=3, exact=True)
    res.from_fit = {"draws": 6, "seeds_per_draw": 1}
    res.note = "Over 6 posterior draws of the fit in out/fit (1 seed each)."
    advice = res.replication_advice()
    assert len(advice) == 1 and "6 posterior draws x 1 seed(s)" in advice[0] and "--seeds-per-draw" in advice[0]
    assert "rerun with -r" not in advice[0]
    md = res_markdown(res)
    assert md.count("Over 6 posterior draws") == 1 and "bootstrap" not in md


def res_markdown(res) -> str:
    from sim.outputs.report import compare_markdown

    return compare_markdown(res)


def test_one_replication_is_flagged_as_no_test_at_all():
    res = _result({"viral_k": (0.2, 0.01)}, n=1, seed=12)
    advice = res.replication_advice()
    assert len(advice) == 1 and "no interval or test is possible" in advice[0] and "-r 10" in advice[0]


def test_one_replication_gives_no_verdict_of_no_difference():
    """With one pair of runs a large shift is neither 'no detectable difference' nor 'raises': it cannot be judged."""
    res = _result({"viral_k": (0.2, 0.01)}, n=1, seed=12)
    verdicts = res.verdicts()
    assert not any("viral K" in v and "no detectable difference" in v for v in verdicts), verdicts
    judged = [v for v in verdicts if "cannot be judged from a single pair of runs" in v]
    assert len(judged) == 1 and "viral K (Δ +0.1" in judged[0] and "-r 10" in judged[0]
    assert "CI n/a" not in " ".join(verdicts)
    md = res_markdown(res)
    row = r"\| viral_k \| 0\.[12]\d* \| n/a to n/a \| p n/a \| n/a \| 1 \| cannot be judged from one pair of runs \|"
    assert re.search(row, md)
    assert "no detectable difference |" not in md
    assert "one pair of runs: no test" in md  # the blank cost per extra day says why
    two = _result({"viral_k": (0.2, 0.01)}, n=2, seed=12).verdicts()  # two pairs: an interval and a test
    assert not any("cannot be judged" in v for v in two)


def test_enough_replications_give_no_advice():
    res = _result({"viral_k": (0.2, 0.01)}, n=10, seed=4)
    assert res.differences().set_index("measure").loc["viral_k", "significant"]
    assert res.replication_advice() == []


# --------------------------------------------------------------------------- verdicts
def test_every_differing_headline_measure_gets_a_verdict():
    """overload_share has no verdict phrase of its own and was left out; now it is there, in points."""
    res = _result({"overload_share": (0.1, 0.01), "peak_dau": (20.0, 2.0)}, n=8, seed=5,
                  base_overrides={"decline_steepness": float("nan")})  # no run declined
    diff = res.differences().set_index("measure")
    assert diff.loc["overload_share", "significant"] and diff.loc["peak_dau", "significant"]
    verdicts = res.verdicts()
    share = [v for v in verdicts if v.startswith("variant raises overload share")]
    assert len(share) == 1 and "percentage points" in share[0]
    # the amount in percentage points is the observed mean difference times 100
    assert f"{100 * diff.loc['overload_share', 'mean']:.3g} percentage points" in share[0]
    assert any(v.startswith("variant raises peak DAU by") for v in verdicts)
    # the non-differing headline measures are listed in one sentence, not dropped
    quiet = [v for v in verdicts if v.startswith("variant: no detectable difference in")]
    assert len(quiet) == 1 and "viral K" in quiet[0]
    # a measure no pair of runs reached is not a "no detectable difference": a line of its own, and so
    # is a lifespan every run outlived (every run here is alive at the horizon)
    assert "decline" not in quiet[0] and "lifespan" not in quiet[0]
    assert "variant: not measured, since no seed's runs of both reached it within the horizon (a longer " \
           "--days would judge it): lifespan (every run of both still alive at the horizon, day 200); " \
           "decline 80%->20%." in verdicts
    # the report's table says the same, in the same units
    md = res_markdown(res)
    assert f"| overload_share | {100 * diff.loc['overload_share', 'mean']:.3g} pp |" in md
    assert "| decline_steepness | n/a | n/a to n/a | p n/a | n/a | 0 | not measured" in md


def test_a_design_whose_extra_spend_is_no_incentive_says_so_rather_than_test_zeros():
    """Events cost money but no incentives: the verdicts listed "incentive spend (Δ +0, 95% CI 0 to 0,
    p = 1.000)" among the undetected differences, a test of two columns of zeros (a newcomer's find)."""
    res = _result({"total_spend": (500.0, 10.0)}, n=8, seed=3)
    verdicts = res.verdicts()
    quiet = [v for v in verdicts if v.startswith("variant: no detectable difference in")]
    assert len(quiet) == 1 and "incentive spend (none in either design)" in quiet[0]
    assert "incentive spend (Δ" not in quiet[0]
    assert any(v.startswith("variant raises total spend by") for v in verdicts)


def test_two_designs_that_spend_nothing_say_so_rather_than_test_zeros():
    """Group sizes cost nothing: "total spend (Δ +0 cost units, 95% CI 0 to 0, p = 1.000)" was a test of
    two columns of zeros (notebook 02's Dunbar designs)."""
    res = _result({"peak_dau": (5.0, 1.0)}, n=8, seed=3)
    quiet = next(v for v in res.verdicts() if v.startswith("variant: no detectable difference in"))
    assert "total spend (none in either design)" in quiet and "total spend (Δ" not in quiet


def test_interval_excludes_zero_exactly_when_p_is_below_five_percent():
    rng = np.random.default_rng(6)
    disagree = 0
    for _ in range(400):
        base = rng.normal(0, 1, 8)
        d = paired_difference(base, base + rng.normal(0.6, 1, 8))
        excludes = d["low"] > 0 or d["high"] < 0
        disagree += excludes != (d["p"] < 0.05)
        assert excludes == significant(d) or math.isclose(d["p"], 0.05, abs_tol=1e-9)
    assert disagree == 0


def test_shares_and_their_differences_stay_in_range():
    # a share near zero with large spread: the plain t-interval would dip below 0
    ci = mean_ci([0.0, 0.0, 0.01, 0.2], bounds=(0, 1))
    assert ci["low"] == 0.0 and 0 < ci["high"] <= 1
    unclipped = mean_ci([0.0, 0.0, 0.01, 0.2])
    assert unclipped["low"] < 0 and unclipped["high"] == ci["high"]
    res = _result({"overload_share": (0.0, 0.4)}, n=4, seed=7, base_overrides={"overload_share": 0.02})
    summ = res.summary()
    shares = summ[summ["measure"].isin(["overload_share", "retention.d1", "dau_mau_at_peak"])]
    assert (shares[["low", "high"]].dropna() >= 0).all().all()
    assert (shares[["low", "high"]].dropna() <= 1).all().all()
    diff = res.differences().set_index("measure").loc["overload_share"]
    assert -1 <= diff["low"] <= diff["high"] <= 1


def test_a_count_near_zero_never_shows_a_negative_lower_bound():
    """external joins 0, 0, 1, 5 across runs: the t-interval of the mean dips below 0; no count can."""
    res = _result({}, n=4, seed=7)
    runs = res.runs()
    runs.loc[runs["scenario"] == "baseline", "external_joins"] = [0, 0, 1, 5]
    res = CompareResult(res.scenarios, res.labels, res.seeds, runs.to_dict("records"), {}, [], None, 0.0, 0, "serial")
    row = res.summary().set_index(["scenario", "measure"]).loc[("baseline", "external_joins")]
    assert mean_ci([0, 0, 1, 5])["low"] < 0  # what the interval would be unclipped
    assert row["low"] == 0.0 and row["high"] == pytest.approx(mean_ci([0, 0, 1, 5])["high"])


def test_a_lifespan_interval_never_reaches_past_the_horizon():
    """lifespans 400, 1,000 (alive), 1,000 and 1,000 days of a 1,000-day run: the t-interval of the
    mean reaches past day 1,000, which no lifespan can; the difference's interval stays in +-horizon."""
    res = _result({}, n=4, seed=7)
    horizon = res.horizon
    runs = res.runs()
    life = [0.4 * horizon, horizon, horizon, horizon]
    runs.loc[runs["scenario"] == "baseline", "lifespan"] = life
    runs.loc[runs["scenario"] == "variant", "lifespan"] = [horizon, 0.1 * horizon, horizon, horizon]
    res = CompareResult(res.scenarios, res.labels, res.seeds, runs.to_dict("records"), {}, [], None, 0.0, 0, "serial")
    row = res.summary().set_index(["scenario", "measure"]).loc[("baseline", "lifespan")]
    assert mean_ci(life)["high"] > horizon  # what the interval would be unclipped
    assert row["high"] == horizon and row["low"] == pytest.approx(mean_ci(life)["low"])
    diff = res.differences().set_index(["variant", "measure"]).loc[("variant", "lifespan")]
    assert -horizon <= diff["low"] <= diff["high"] <= horizon


def test_blank_cost_cells_are_explained():
    res = _result({"active_member_days": (0.0, 5.0)}, n=6, seed=8)
    costs = res.costs().set_index("variant").loc["variant"]
    assert pd.isna(costs["spend_per_extra_day"])
    assert "no detectable change in active member-days" in costs["note"]
    gain = _result({"active_member_days": (50.0, 1.0), "total_spend": (10.0, 0.5)}, n=6, seed=9)
    c = gain.costs().set_index("variant").loc["variant"]
    assert c["note"] == ""
    assert c["spend_per_extra_day"] == pytest.approx(c["extra_spend"] / c["extra_active_member_days"])
    md = res_markdown(res)
    assert "why blank, or provisional" in md and "no detectable change in active member-days" in md


# --------------------------------------------------------------------------- no variant
def test_one_scenario_says_there_is_nothing_to_compare(tmp_path, capsys):
    out = tmp_path / "one"
    code = main(["compare", str(SCENARIOS / "baseline.yaml"), "-r", "2", "--serial", "--quiet", "--out", str(out),
                 "--set", "population.size=300", "--days", "80"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Nothing to compare" in printed and "no variant" in printed
    assert "active member-days" in printed  # the baseline's own read-outs are still shown
    md = (out / "report.md").read_text()
    assert "## Verdicts" not in md and "Nothing to compare" in md
    assert "no variant to compare" in (out / "report.html").read_text()
    assert pd.read_csv(out / "differences.csv").empty


def test_one_scenario_read_outs_say_what_they_cannot_show(tmp_path, capsys):
    """A lifespan every run outlived is a lower bound (not '80 [80, 80]'); one run has no interval."""
    for r, tail in (("2", "["), ("1", "(no interval from one run)")):
        out = tmp_path / f"one{r}"
        assert main(["compare", str(SCENARIOS / "baseline.yaml"), "-r", r, "--serial", "--quiet", "--out", str(out),
                     "--set", "population.size=300", "--days", "80"]) == 0
        lines = {line.split("  ")[1].strip(): line for line in capsys.readouterr().out.splitlines()
                 if line.startswith("  ")}
        assert lines["lifespan"].endswith("≥ 80 (every run alive at the horizon)"), lines
        assert "[80, 80]" not in lines["lifespan"]
        assert tail in lines["active member-days"]


# --------------------------------------------------------------------------- fan chart
def test_fan_has_a_legend_per_panel_in_its_own_colour_and_a_visible_median():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgb

    from sim.experiments.compare import FanAccumulator

    res = _result({}, n=4, seed=10)
    rng = np.random.default_rng(10)
    t = np.arange(120)
    for lab, height in (("baseline", 300), ("variant", 400)):
        fan = FanAccumulator(days=120, max_value=2000)
        for _ in range(12):
            fan.add(np.maximum(0, height * np.sin(np.pi * t / 120) + rng.normal(0, 20, 120)).astype(int))
        res.fans[lab] = fan
    fig = res.plot_fan()
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert len(panels) == 2
    for ax in panels:
        legend = ax.get_legend()
        assert legend is not None, ax.get_title(loc="left")
        assert [x.get_text() for x in legend.get_texts()] == ["median (7-day mean)", "middle 50% of runs",
                                                             "middle 90% of runs"]
        median = ax.lines[0]
        colour = to_rgb(median.get_color())
        # the legend's band swatches and the drawn bands are the median's colour
        for handle in legend.legend_handles[1:]:
            assert to_rgb(handle.get_facecolor()[:3]) == pytest.approx(colour)
        bands = [c for c in ax.collections if c.get_zorder() == 2]
        assert len(bands) == 2
        for band in bands:
            assert tuple(band.get_facecolor()[0][:3]) == pytest.approx(colour)
        # the median sits above bands and phase shading, with a white halo
        shading = list(ax.patches)
        assert shading  # the phases of a rise and fall are shaded
        assert all(median.get_zorder() > p.get_zorder() for p in shading + bands)
        assert median.get_path_effects()
    plt.close(fig)


def test_a_lifespan_no_run_reached_reads_as_at_least_the_horizon():
    """Every run alive at the horizon: the summary says '≥ 200 (every run alive ...)', not '200 [200, 200]'."""
    res = _result({"active_member_days": (50.0, 1.0)}, n=4, seed=3)
    md = res_markdown(res)
    assert "≥ 200 (every run alive at the horizon)" in md
    assert "200 [200, 200]" not in md
    died = _result({"active_member_days": (50.0, 1.0)}, n=4, seed=3,
                   base_overrides={"lifespan": 150.0, "t_dormant": 150.0})
    md = res_markdown(died)
    assert "≥ 150" not in md and "150 [150, 150]" in md  # measured lifespans keep their interval


def test_a_lifespan_difference_against_runs_alive_at_the_horizon_is_a_lower_bound():
    """Baseline dies on day 150 in every run; the variant outlives the 200-day horizon in 3 of 4:
    its '+x days' only bounds the difference from below, and the verdict says so."""
    res = _result({}, n=4, seed=3, base_overrides={"lifespan": 150.0, "t_dormant": 150.0})
    runs = res.runs()
    var = runs["scenario"] == "variant"
    alive = var & (runs["seed"] < 3)
    runs.loc[alive, ["lifespan", "t_dormant"]] = [200.0, float("nan")]
    runs.loc[var & ~alive, ["lifespan", "t_dormant"]] = [190.0, 190.0]
    sc = res.scenarios
    res = CompareResult(sc, ["baseline", "variant"], list(range(4)), runs.to_dict("records"), {}, [], None, 0.0, 0,
                        "serial")
    line = next(v for v in res.verdicts() if "lifespan" in v)
    assert line.startswith("variant lengthens lifespan by") and "a lower bound: 3 of 4 runs of variant" in line
    # a small difference in peak DAU, so the variant is not identical to the baseline and its lifespan is judged
    died = _result({"peak_dau": (0.0, 1.0)}, n=4, seed=3, base_overrides={"lifespan": 150.0, "t_dormant": 150.0})
    assert any("lifespan" in v for v in died.verdicts())
    assert not any("lower bound" in v for v in died.verdicts())  # nobody censored: no caveat


def test_distributions_figure_writes_member_days_with_thousands_separators():
    import matplotlib

    matplotlib.use("Agg")
    from sim.outputs.plots import distributions_figure

    res = _result({}, base_overrides={"active_member_days": 45_000.0})
    fig = distributions_figure(res)
    fig.canvas.draw()
    days_axis = fig.axes[1]
    labels = [t.get_text() for t in days_axis.get_xticklabels() if t.get_text()]
    assert labels and all("e+" not in x for x in labels) and any("," in x for x in labels), labels
    # the scenario names stay on the first panel's y axis
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["baseline", "variant"]


def test_comparing_a_scenario_with_itself_warns(tmp_path):
    from sim.experiments.compare import compare

    sc = load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.size=200"], days=20)
    with pytest.warns(UserWarning, match="have the same parameters"):
        compare([sc, sc], replications=1, executor="serial", progress=False, store=tmp_path / "s")


# --------------------------------------------------------------------------- red team of 2026-12-05
def test_holm_adjusts_each_variants_headline_tests_and_the_verdict_says_when_a_finding_does_not_survive():
    """Several headline tests per variant at 5% each: one null measure in twenty read as a finding, unadjusted."""
    from sim.experiments.compare import verdict_measures
    from sim.experiments.stats import holm

    # peak DAU shifted a little; the other headline measures vary by seed with no shift (true nulls)
    noisy = {"peak_dau": (3.0, 6.0), "active_member_days": (0.0, 6.0), "peak_members": (0.0, 6.0),
             "viral_k": (0.0, 0.03), "overload_share": (0.0, 0.03), "decline_steepness": (0.0, 6.0)}
    found = None
    for seed in range(300):  # a fixed search: the first seed where peak DAU differs alone but not after Holm
        r = _result(noisy, seed=seed)
        d = r.differences().set_index("measure")
        if 0.01 < d.loc["peak_dau", "p"] < 0.05 and d.loc["peak_dau", "p_holm"] >= 0.05:
            found = r
            break
    assert found is not None
    d = found.differences()
    head = d[d["measure"].isin(verdict_measures())]
    # every run of both is alive at the horizon here: lifespan is no test and stays out of the family;
    # so does spend, 0 against 0 in every pair (equal by construction)
    assert found.all_alive("baseline", "variant")
    said = [v for v in found.verdicts() if "lifespan (every run of both still alive at the horizon, day 200)" in v]
    assert len(said) == 1 and "not measured" in said[0] and "a longer --days would judge it" in said[0]
    assert "no detectable difference in lifespan" not in " ".join(found.verdicts())  # not a null result
    found.from_fit = {"draws": 10, "seeds_per_draw": 1}  # compare --from-fit has no --days to lengthen
    assert any("a longer horizon would judge it" in v and "day 200)" in v for v in found.verdicts())
    del found.from_fit
    out = head["measure"].isin(["lifespan", "incentive_spend", "total_spend"])
    assert head[out]["p_holm"].isna().all()
    family = head[~out]
    assert len(family) == 6
    assert np.allclose(family["p_holm"].astype(float), holm(family["p"].astype(float)), equal_nan=True)
    assert d[~d["measure"].isin(verdict_measures())]["p_holm"].isna().all()
    line = next(v for v in found.verdicts() if "peak DAU by" in v)
    assert "not significant once adjusted for the 6 headline measures tested (Holm: p = " in line
    assert found.trade_offs() == ["variant: better on no headline measure; worse on none."]  # not counted there
    strong = _result({**noisy, "peak_dau": (30.0, 1.0)})  # p far below 5%/6: survives, said plainly
    assert any("peak DAU by" in v and "Holm" not in v for v in strong.verdicts())


def _with_phases(r: CompareResult, reached: dict) -> CompareResult:
    """Set per seed which runs reached dormancy (t_dormant) and the decline: {seed: (dormant?, decline?)}."""
    for row in r._rows:
        dormant, declined = reached.get(row["seed"], (False, False))
        row["t_dormant"] = 150.0 if dormant else float("nan")
        row["decline_steepness"] = 60.0 + row["seed"] if declined else float("nan")
    return r


def test_a_lifespan_not_detected_says_how_many_runs_were_cut_at_the_horizon_and_cells_say_it_too():
    from sim.outputs.report import compare_markdown

    r = _with_phases(_result({"lifespan": (2.0, 20.0)}, n=10), {s: (s != 3, True) for s in range(10)})
    quiet = next(v for v in r.verdicts() if "no detectable difference in lifespan" in v)
    assert ("1 of 10 runs of baseline and 1 of 10 runs of variant still alive at the horizon (day 200) count as "
            "dying there") in quiet
    summ = r.summary().set_index(["scenario", "measure"])
    assert summ.loc[("baseline", "lifespan"), "alive_at_horizon"] == 1
    assert summ.loc[("baseline", "lifespan"), "runs"] == 10
    assert summ.loc[("baseline", "peak_dau"), "alive_at_horizon"] == 0
    assert "(≥: 1 of 10 runs alive at the horizon count as dying there)" in compare_markdown(r)


def test_a_phase_only_one_seed_reached_asks_for_a_longer_horizon_not_more_runs():
    """With -r 10 the advice was 'run at least -r 10', when 9 of 10 runs never declined within the horizon."""
    from sim.outputs.report import compare_markdown

    # the variant differs a little on peak DAU: a variant identical to the baseline in every run gets
    # one sentence saying so instead of per-measure verdicts (test_planner_findings.py)
    r = _with_phases(_result({"peak_dau": (0.0, 1.0)}, n=10), {0: (True, True)})
    text = " ".join(r.verdicts())
    assert "only one seed's runs of both reached it within the horizon (day 200)" in text
    assert "a longer horizon, not more replications" in text and "run at least -r 10" not in text
    assert "(1 of 10 runs reached it)" in compare_markdown(r)


def test_no_cost_per_extra_day_beside_a_note_that_there_is_none():
    """costs.csv had -0.69 per extra day next to 'no extra spend'; the report left the cell blank."""
    r = _result({"active_member_days": (50.0, 1.0), "total_spend": (-10.0, 0.0)})
    c = r.costs().iloc[0]
    assert c["note"].startswith("no extra spend") and c["spend_per_extra_day"] is None


def test_shares_read_in_percent_in_the_summary_cells_as_their_differences_do():
    """Summary cells said 0.676 [0.598, 0.754] beside verdicts in percentage points."""
    from sim.outputs.report import mean_ci_text

    r = _result({"overload_share": (0.05, 0.01)})
    summ = r.summary().set_index(["scenario", "measure"])
    row = summ.loc[("baseline", "overload_share")]
    cell = mean_ci_text(r, "baseline", "overload_share", row)
    assert cell == f"{100 * row['mean']:.1f}% [{100 * row['low']:.1f}%, {100 * row['high']:.1f}%]"
    assert not mean_ci_text(r, "baseline", "peak_dau", summ.loc[("baseline", "peak_dau")]).count("%")


def test_all_alive_names_the_compared_scenarios_when_given_none_or_a_typo():
    """`all_alive("point")` returned False, which reads as an answer (a red team's find, 2026-12-06)."""
    res = _result({"peak_dau": (5.0, 1.0)}, n=4, seed=1)
    with pytest.raises(ValueError, match="not one of them: 'point'"):
        res.all_alive("point")
    with pytest.raises(ValueError, match="name one or more of the compared scenarios"):
        res.all_alive()
    assert res.all_alive("baseline", "variant") is True  # _result: no run has a start of dormancy


def test_advice_covers_a_difference_the_test_finds_and_holms_adjustment_undoes():
    """+24,897 active member-days at p = 0.022 (Holm 0.065) is left out of "In short" and was left
    out of the advice too, which only covered measures with no raw difference (a newcomer, 2026-12-07):
    it is not settled, so the advice says how many replications would settle it."""
    res = _result({"active_member_days": (10.0, 10.0), "peak_dau": (30.0, 1.0), "viral_k": (0.0, 0.08),
                   "lifespan": (0.0, 5.0), "overload_share": (0.0, 0.01)}, n=8, seed=5, exact=True)
    row = res.differences().set_index("measure").loc["active_member_days"]
    assert row["significant"] and row["p_holm"] >= 0.05, row
    (advice,) = res.replication_advice()
    # settling it takes power at its Holm-adjusted level, not at 5%: more replications than at 5%
    need = replications_needed(row["sd"], row["mean"], 0.05 * row["p"] / row["p_holm"], 0.8)
    assert need > row["replications_needed"]
    assert f"active member-days (about {need:,})" in advice and "Holm-adjusted level" in advice, advice
    assert "active member-days" not in res.trade_offs()[0]  # and "In short" still counts only what Holm keeps
    # p about 0.01 at 8 pairs: at 5% the observed effect needs no more than 8, so it was dropped (a review)
    close = _result({"active_member_days": (12.0, 10.0), "peak_dau": (30.0, 1.0), "viral_k": (0.0, 0.08),
                     "lifespan": (0.0, 5.0), "overload_share": (0.0, 0.01), "peak_members": (0.0, 5.0),
                     "decline_steepness": (0.0, 5.0)}, n=8, seed=5, exact=True)
    row = close.differences().set_index("measure").loc["active_member_days"]
    assert row["significant"] and row["p_holm"] >= 0.05 and row["replications_needed"] <= 8, row
    assert any("active member-days (about" in line for line in close.replication_advice())


def test_a_cost_per_extra_day_whose_gain_holm_undoes_is_marked_provisional():
    """0.337 per extra day, unflagged, beside 'better on no headline measure' (statistician's red team,
    2026-12-07): the table keeps the figure and says it rests on a gain the adjustment undoes."""
    res = _result({"active_member_days": (954.0, 1000.0), "total_spend": (500.0, 10.0), "viral_k": (0.0, 0.1)},
                  n=8, seed=7, exact=True)
    d = res.differences().set_index("measure")
    assert d.loc["active_member_days", "significant"] and d.loc["active_member_days", "p_holm"] >= 0.05
    c = res.costs().set_index("variant").loc["variant"]
    assert c["spend_per_extra_day"] == pytest.approx(500.0 / 954.0)
    assert c["note"].startswith("provisional: the gain in active member-days is not significant once adjusted")
    md = res_markdown(res)
    assert f"{500.0 / 954.0:.3g}" in md and "provisional" in md
    # a gain that survives the adjustment carries no such note
    sure = _result({"active_member_days": (3000.0, 1000.0), "total_spend": (500.0, 10.0)}, n=8, seed=7, exact=True)
    assert sure.costs().set_index("variant").loc["variant", "note"] == ""


def test_a_designs_own_seed_not_used_is_said_in_the_report_too():
    """--quiet silences the terminal's notes; the reports keep this one, which is about method (red team)."""
    import warnings

    import sim

    base = load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.size=200"], days=20)
    other = base.with_overrides(["seed=99", "name=other"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as --quiet does
        res = sim.compare([base, other], replications=2, executor="serial", progress=False)
    assert res.seed_note.startswith("the seed of other (seed 99) not used: every design runs on the same replication")
    assert f"Seeds: {res.seed_note}." in res_markdown(res)
    same = sim.compare([base, base.with_overrides(["name=same"])], replications=2, executor="serial", progress=False)
    assert same.seed_note is None and "Seeds:" not in res_markdown(same)
