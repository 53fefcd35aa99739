"""The regularities of docs/evidence.md, each checked against runs with fixed seeds.

Tolerances come from the sampling error of the measured quantity, not from one run's output:
t-intervals over replications (`sim.experiments.stats`: Welch's between independent sets of
runs, paired by seed where two quantities come from the same runs), binomial errors for shares
pooled inside one set of runs. Each test says what change in the model would make it fail, and
is marked with its kind: `evidence` (a published regularity the model was not built to
produce), `calibration` (a target a parameter was set to meet) or `code_check` (the code does
what a rule says). A target the model misses is asserted too, in a test marked
`xfail(strict=True)` named `test_known_miss_*`, which fails the suite the day the model meets
it, so the mark must then go (docs/evidence.md lists the measured values).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest

from sim.experiments import evidence, stats
from sim.model import CommunityModel
from tests.conftest import small

# ------------------------------------------------------------------------------------ E1
E1_BINS = [(1, 1), (2, 3), (4, 6), (7, 12), (13, 39)]


@functools.lru_cache(maxsize=None)
def curves_at(size: int):
    """E1's curve per seed (8 runs of `size` people, 300 days): (curves, mean k, P(join)) per bin of `E1_BINS`.

    Per seed, not pooled: outsiders of one run share its history, so their joins are not
    independent draws; the spread between seeds is the honest error (seed-clustered)."""
    curves = [evidence.join_curve(seeds=(s,), days=300, size=size) for s in range(1, 9)]
    k = np.array([[evidence.pooled(c, lo, hi)[0] for lo, hi in E1_BINS] for c in curves])
    p = np.array([[evidence.pooled(c, lo, hi)[1] for lo, hi in E1_BINS] for c in curves])
    return curves, k, p


@pytest.fixture(scope="module", params=[5000, 20000], ids=["5k", "20k"])
def join_curves(request):
    """E1 at two sizes: the shape must not be an accident of one graph size (at 20,000 people the
    curve is nearly straight up to k = 7-12, at 5,000 convex there; both bend down beyond)."""
    return curves_at(request.param)


def slopes(k, p, a, b):
    """Per seed, the slope of P(join) from bin a to bin b of `E1_BINS`."""
    return (p[:, b] - p[:, a]) / (k[:, b] - k[:, a])


@pytest.mark.evidence
def test_e1_joining_rises_with_friends_with_diminishing_returns_to_the_published_level(join_curves):
    """Backstrom et al. 2006: P(join | k friends inside) increases with k, with diminishing
    returns over k up to ~40, and plateaus around 0.005-0.03. Every comparison is paired by
    seed (the bins of one run share its history) with a t-interval over the 8 seeds. Fails if
    friends stop mattering (word of mouth reaching random people instead of friends fails it)
    or if word of mouth is an order of magnitude too strong or too weak. Not if influence
    adds up without saturating: a red team's additive join rule passed, since friends seldom
    share on the same day. The concavity the literature states from k = 2 on is a known miss
    (below)."""
    curves, k, p = join_curves
    for a in range(len(E1_BINS) - 1):  # P(k) rises from every bin to the next, beyond the interval
        d = stats.paired_difference(p[:, a], p[:, a + 1])
        assert d["low"] > 0, (E1_BINS[a], E1_BINS[a + 1], d)
    # a friend inside matters far more than none: P(k=1) above 5x P(k=0), with P(k=0) taken at
    # least at its 95% upper bound when no outsider without friends inside joined (rule of three)
    zero = pd.concat([c.iloc[[0]] for c in curves])
    exposures, joins = zero["exposures"].sum(), zero["joins"].sum()
    p0_upper = max(joins / exposures + 2 * math.sqrt(joins) / exposures, 3.0 / exposures)
    one = stats.mean_ci(p[:, 0])
    assert one["low"] > 5 * p0_upper, (one, p0_upper)
    # diminishing returns over the published range (k up to ~40): the slope from k = 2-3 to
    # k = 7-12 exceeds the slope from there to k = 13-39
    d = stats.paired_difference(slopes(k, p, 1, 3), slopes(k, p, 3, 4))
    assert d["high"] < 0, d
    plateau = stats.mean_ci([evidence.pooled(c, 7, 39)[1] for c in curves])
    assert 0.005 < plateau["low"] and plateau["high"] < 0.03, plateau


@pytest.mark.evidence
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known miss: P(join | k) is convex from k = 2 to 12, not concave "
                          "(docs/evidence.md, E1)")
def test_known_miss_e1_joining_is_concave_from_two_friends():
    """Backstrom et al. 2006 (docs/evidence.md's target): P(join | k) is concave for k >= 2, each
    added friend adding less. The model's curve is convex up to about k = 10 (slope from k = 2-3
    to 4-6 between a third and nine tenths of the slope from 4-6 to 7-12 in each of 8 seeds) and concave only beyond, so
    diminishing returns set in later than in LiveJournal. Why (docs/evidence.md): only members
    active today share, and more member friends means more chance of an active, close one; with
    every member sharing, active or not, the curve is concave from k = 1. Strict: the suite
    fails the day the curve bends the published way, and the mark must go."""
    _, k, p = curves_at(5000)
    d = stats.paired_difference(slopes(k, p, 1, 2), slopes(k, p, 2, 3))
    assert d["high"] < 0, d  # the later slope is smaller


# ------------------------------------------------------------------------------------ E2
@pytest.fixture(scope="module")
def shares():
    """Post shares in the month of the peak, baseline (propensity sigma <= 1.5), 10 seeds."""
    assert small().population.post_propensity_sigma <= 1.5
    return evidence.post_shares(seeds=range(10), days=400)


@pytest.mark.evidence
def test_e2_the_bottom_90_percent_post_little_and_the_top_1_percent_most(shares):
    """van Mierlo 2014: the bottom 90% make under 10% of posts, and a few make most of them
    (over 10 seeds). Fails if every visitor speaks (no lurking), if speakers share the
    conversation equally, or if who leads it is reshuffled at random every day: with all four
    (`speak_chance` 1000, `turn_ratio` 1, no spread of propensity or visits) the bottom 90%
    make 73% (3 seeds, 2026-12-07). In the month of the peak the bottom 90% post nothing in
    every seed (fewer than a tenth of the month's members post), so a t-interval would have
    zero width; the bound is checked on every seed instead."""
    assert max(shares["bottom90"]) < 0.10, shares["bottom90"]
    top = stats.mean_ci(shares["top1"])
    assert top["low"] > 0.40, top   # a few make most; the published 60-90% is tested below


@pytest.mark.calibration
def test_e2_top_1_percent_make_most_posts(shares):
    """van Mierlo 2014: the top 1% make 60-90% of posts in a mature month. A calibration check:
    the share follows `content.turn_ratio`, how much of a conversation each next speaker gets
    (0.3 in the baseline, 68%; the companion below shows 0.7 misses). Also fails if every member
    comes as often (visit_rate_sigma 0: 58%, the miss of model version 2)."""
    top = stats.mean_ci(shares["top1"])
    assert 0.6 < top["low"] and top["high"] < 0.9, top


@pytest.mark.calibration
def test_e2_the_top_share_is_carried_by_the_turn_ratio():
    """The companion of the calibration check above: with speakers sharing a conversation more
    evenly (`content.turn_ratio` 0.7 instead of 0.3) the top 1% make well under 60% (about 38%,
    docs/evidence.md), so the 60-90% check can fail and says which parameter carries it."""
    even = stats.mean_ci(evidence.post_shares(seeds=range(4), days=400,
                                              overrides=["content.turn_ratio=0.7"])["top1"])
    assert even["high"] < 0.6, even


@pytest.mark.evidence
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known miss: over a community's life the bottom 90% make 0.14% of posts, "
                          "against van Mierlo's 1.3% (docs/evidence.md, E2)")
def test_known_miss_e2_the_bottom_90_percent_post_about_van_mierlos_share():
    """van Mierlo 2014 measured, over four networks' histories, the bottom 90% making 1.3% of
    posts: lurkers post, rarely. Measured the same way (all posts of a 730-day run, everyone who
    ever joined; 4 seeds), the model's bottom 90% make about 0.14%, a tenth of that (in the month
    of the peak, none: fewer than a tenth of the month's members post). The top 1% and next 9%
    (about 69% and 31%) are near van Mierlo's 74.7% and 24.0%. The band is a factor of 3 either
    side of 1.3%. Strict: the suite fails the day the model meets it."""
    bottom = stats.mean_ci(evidence.lifetime_post_shares(seeds=range(4))["bottom90"])
    assert 0.013 / 3 < bottom["low"] and bottom["high"] < 0.013 * 3, bottom


# ------------------------------------------------------------------------------ E3 E4 E12
@pytest.fixture(scope="module")
def groups():
    """Fixed groups of 25 to 1,000 members (8 seeds each), days 30-90.

    Eight, not three: sizes are compared by Welch t-intervals, which at three seeds a side
    need about 3.3-3.9 standard errors (an audit found two of the engagement steps passing
    at 2 SE and failing so)."""
    sizes = (25, 150, 250, 500, 1000)
    res = {n: [evidence.fixed_group(n, s) for s in range(8)] for n in sizes}
    return sizes, res


def values(res, n, key):
    return [r[key] for r in res[n]]


@pytest.mark.evidence
def test_e12_message_volume_matches_seed_004_and_saturates(groups):
    """Seed 004: 20-30 people make hundreds of messages a day, 200-300 people at most about a
    thousand; per-member messages fall with size. Fails if conversation does not breed
    replies (small groups too quiet) or if volume grows with size (a red team removed the
    per-member typing cap: it failed; removing the per-group message ceiling alone did not,
    volume levelling off near 690 a day without it). The level of the plateau is largely
    built in (the 1,000-a-day ceiling shared out geometrically, docs/evidence.md); the level
    at 25 people is the real check."""
    sizes, res = groups
    m25, m250 = stats.mean_ci(values(res, 25, "messages")), stats.mean_ci(values(res, 250, "messages"))
    assert 100 < m25["low"] and m25["high"] < 500, m25
    assert 300 < m250["low"] and m250["high"] < 1500, m250
    for a, b in zip(sizes, sizes[1:]):
        d = stats.welch_difference(values(res, a, "messages_per_member"), values(res, b, "messages_per_member"))
        assert d["high"] < 0, (a, b, d)
    # saturation: 1,000 members make less than twice what 150 make (measured: 24 more, 11-36)
    d = stats.welch_difference([2 * m for m in values(res, 150, "messages")], values(res, 1000, "messages"))
    assert d["high"] < 0, d


@pytest.mark.evidence
def test_e3_e4_engagement_falls_and_dropout_rises_as_groups_grow(groups):
    """E3: per-member engagement falls as groups grow past ~150 and small groups are the
    liveliest. E4: overload and strangers rise with size; more members stop participating
    (go dormant or leave: formal leaving is rare in 90 days, so this is mostly dormancy).
    Welch t-intervals over 8 seeds a size. Fails if group size stops mattering to value: a
    red team removed the overload and stranger costs, the value of familiar voices and muting
    under overload, and it failed (250 -> 500); removing the two direct costs alone still
    passes, as the other two still make large groups worth less. The stranger share is the
    formula 1 - acquaintances / (n - 1), a code check."""
    sizes, res = groups
    # engagement falls at every step from 150 to 500 members; beyond, it no longer rises
    for a, b in zip(sizes[1:], sizes[2:]):
        d = stats.welch_difference(values(res, a, "engagement"), values(res, b, "engagement"))
        if b <= 500:
            assert d["high"] < 0, (a, b, d)
        else:
            assert d["low"] < 0, (a, b, d)
    d = stats.welch_difference(values(res, 500, "engagement"), values(res, 25, "engagement"))
    assert d["low"] > 0, d
    # overload is higher at 1,000 than at 25 (measured: 0.24 higher, 0.07-0.42), the stranger share
    # at least 0.3 higher than at 150 (0.60, 0.57-0.63; a formula of the acquaintance limit)
    assert stats.welch_difference(values(res, 25, "overload"), values(res, 1000, "overload"))["low"] > 0
    assert stats.welch_difference(values(res, 150, "strangers"), values(res, 1000, "strangers"))["low"] > 0.3
    d = stats.welch_difference(values(res, 150, "dropout"), values(res, 1000, "dropout"))
    assert d["low"] > 0, d


@pytest.mark.evidence
def test_e3_engagement_falls_with_size_even_among_people_who_all_know_each_other():
    """The stranger share is a formula of the acquaintance limit (a code check), so the fall of
    engagement with size must not rest on it: with everyone knowing everyone by sight
    (`attention.acquaintances` 100,000; no strangers at any size) engagement still falls at every
    step from 25 to 1,000 members (Welch t, 12 seeds a size, as the step from 150 to 250 is
    small at 8; 0.57 to 0.20 a day, against 0.58 to
    0.13 with the limit). What carries it then is how few of a large group's voices are one's
    friends: with friends' messages worth no more than strangers' (`content.friend_weight` and
    `close_weight` 1) and no pull from their messages (`activity.notification_pull` 0) it is
    flat, 0.12-0.15 at every size, and this test fails (docs/evidence.md, measured 2026-12-07)."""
    sizes = (25, 150, 250, 500, 1000)
    known = {"attention": {"acquaintances": 100_000}}
    res = {n: [evidence.fixed_group(n, s, sections=known) for s in range(12)] for n in sizes}
    assert max(r["strangers"] for n in sizes for r in res[n]) == 0
    for a, b in zip(sizes, sizes[1:]):
        d = stats.welch_difference(values(res, a, "engagement"), values(res, b, "engagement"))
        assert d["high"] < 0, (a, b, d)


@pytest.mark.code_check
def test_e3_maintained_ties_never_exceed_the_limit():
    """A code check: ties are chosen as min(degree, limit); Dunbar's 150 is an input, not an outcome."""
    m = CommunityModel(small(["population.size=3000", "population.dunbar_limit=12",
                              "population.close_ties=4"]))
    per_person = np.diff(m.population.maintained.indptr)
    degree = np.array([d for _, d in m.population.graph.degree()])
    assert per_person.max() == 12 and (degree > 12).any()
    assert np.array_equal(per_person, np.minimum(degree, 12))
    assert np.diff(m.population.close.indptr).max() == 4


# ------------------------------------------------------------------------------------ E6
@pytest.mark.code_check
def test_e6_bass_closed_form_on_complete_graph():
    """Bass 1969: churn off, complete graph, everyone shares: cumulative joins follow F(t).
    A code check: the join rule is Bass's on a complete graph (q off by 25% fails)."""
    n, p, q, days, reps = 400, 0.002, 0.04, 300, 6
    curves = evidence.bass_runs(n, p, q, days, reps)
    t = np.arange(1, days + 1)
    closed = evidence.bass_closed_form(t, p, q)
    # the model runs in whole days: the exact expectation of the daily process differs from
    # the continuous closed form by a deterministic discretisation term, computed here
    disc = evidence.bass_discrete(days, n, p, q)
    se = curves.std(axis=0, ddof=1) / math.sqrt(reps) + 1.0 / n
    gap = np.abs(curves.mean(axis=0) - closed)
    assert np.all(gap <= np.abs(disc - closed) + 4 * se), float((gap - np.abs(disc - closed) - 4 * se).max())
    # the adoption peak, ln(q/p)/(p+q) days: read off the mean daily joins smoothed over three
    # weeks (the raw daily argmax of 6 runs of 400 people wanders by more than the tolerance)
    daily = np.diff(curves.mean(axis=0), prepend=0)
    peak_day = int(np.argmax(np.convolve(daily, np.ones(21) / 21, mode="same")))
    assert abs(peak_day - math.log(q / p) / (p + q)) < 15, peak_day


# ------------------------------------------------------------------------------------ E7
@pytest.mark.evidence
def test_e7_a_word_of_mouth_sweep_locates_the_viral_threshold():
    """Ribeiro 2014: after a campaign stops, activity dies out below a word-of-mouth
    threshold and persists above it. The sweep locates the threshold inside its range: at the
    low end (no word of mouth) at most one run in six is still alive, at the high end at most
    one has died, the share that survives never falls as word of mouth grows (beyond two
    binomial standard errors of the two shares: near the threshold each run is a coin flip),
    and the threshold (the first strength at which half the runs survive) lies strictly
    inside the sweep. Fails if word of mouth cannot sustain activity, or if activity never
    decays. "At most one in six" rather than "none" since model version 3: the most regular
    visitors give a dying community a long tail (without word of mouth one run in six still
    had 2.8 daily active members on days 330-360 and none after day 420; docs/evidence.md)."""
    qs = (0.0, 0.0025, 0.005, 0.01, 0.02, 0.04)
    n = 6
    df = evidence.viral_threshold(q_values=qs, seeds=range(n), size=4000)
    # alive: members still active over the last 30 days (at least 2 a day on average; a dying
    # community has none left). A strong campaign can boom and settle lower: that is alive too.
    # An audit found "2 of 4,000" a weak bar, so the same is asked relative to the campaign: still
    # a tenth of the members active a day in the campaign's last week, and some (measured
    # 2026-12-07: 1, 1, 4, 2, 6, 6 of 6 alive; with the absolute bar 1, 1, 4, 3, 6, 6, the dip at
    # q = 0.01 inside the binomial slack either way).
    relative = (df["dau_horizon"] >= 0.1 * df["dau_end_campaign"]) & (df["dau_horizon"] > 0)
    for alive in (df["dau_horizon"] >= 2.0, relative):
        survival = df.assign(alive=alive).groupby("q_weak")["alive"].mean().reindex(qs)
        assert survival.iloc[0] <= 1 / n and survival.iloc[-1] >= 1 - 1 / n, survival
        for a, b in zip(survival.iloc[:-1], survival.iloc[1:]):
            se = math.sqrt((a * (1 - a) + b * (1 - b)) / n)
            assert b >= a - 2 * se, survival
        threshold = survival.index[survival.to_numpy() >= 0.5][0]
        assert qs[0] < threshold < qs[-1], survival


@pytest.mark.evidence
def test_e7_the_threshold_exists_at_the_baselines_own_clock():
    """The sweep above shortens the novelty half-life to 120 days so that a community without
    word of mouth dies inside a year. At the baseline's own 750-day half-life, over 1,000 days
    (6 seeds, measured 2026-12-07): without word of mouth no run is alive at the end, with
    q_weak = 0.01 every run is. Between, survival is not monotone: strong word of mouth
    (q_weak 0.04) booms and burns out (1 run in 6 keeps a tenth of the campaign's activity),
    the lifecycle of E8 that Ribeiro's model, without novelty decay, does not have
    (docs/evidence.md). Fails if word of mouth cannot carry a community past its campaign at
    the baseline's clock, or if a community lives on without it."""
    df = evidence.viral_threshold(q_values=(0.0, 0.01), seeds=range(6), size=4000, halflife=750, days=1000)
    alive = df.assign(alive=df["dau_horizon"] >= 2.0).groupby("q_weak")["alive"].mean()
    assert alive.loc[0.0] <= 1 / 6 and alive.loc[0.01] >= 5 / 6, alive


# ------------------------------------------------------------------------------------ E8
@pytest.mark.calibration
def test_e8_baseline_goes_dormant_in_500_to_1000_days():
    """Seed 004: a brand community lives about two years; decline is the rule. A calibration
    check: `baseline.yaml` was set to meet it; only a shift of about 200 days fails it."""
    lifespans = evidence.baseline_lifespans(10)
    inside = sum(1 for x in lifespans if x is not None and 500 <= x <= 1000)
    assert inside >= 8, lifespans


@pytest.mark.evidence
def test_e8_lifespan_does_not_hinge_on_the_graph_size():
    """With the staffing policy, the baseline lives 500-1,000 days at 5k, 20k and 50k people,
    and the lifespans at 20k and 50k are equivalent to 5k's within 25%: the Welch 95% interval of
    each difference lies inside +-25% of the 5k mean (an equivalence test, 4 seeds a size;
    measured 2026-12-07: 20k 0.98-1.11 and 50k 1.02-1.17 times 5k's, so larger communities do live
    a little longer, by less than the margin). Fails if lifespan comes to depend on the graph's
    size: with half the word-of-mouth rates (the spread through a larger graph then takes long
    against the members' own clocks, docs/evidence.md) the 20k and 50k communities outlive the
    1,000-day horizon (the first assertion; over 1,600 days 50k lives 1.39x as long as 5k, which
    the second would catch too). Not if staff stay fixed: a red team fixed them at the launch
    team and the ratio stayed 1.06 (2 seeds)."""
    df = evidence.size_lifespans(sizes=(5000, 20000, 50000), seeds=range(4))
    assert df["lifespan"].notna().all() and df["lifespan"].between(500, 1000).all(), df
    small_ = df[df["size"] == 5000]["lifespan"]
    margin = 0.25 * small_.mean()
    for n in (20000, 50000):
        d = stats.welch_difference(small_, df[df["size"] == n]["lifespan"])
        assert -margin < d["low"] and d["high"] < margin, (n, d, margin)


@pytest.mark.evidence
def test_e8_size_invariance_rests_on_fast_word_of_mouth():
    """Why lifespans hardly depend on size (docs/evidence.md): a larger graph takes longer to
    spread through, and at the baseline's word-of-mouth rates that delay is short against the
    members' own clocks. At half those rates it is not: over 6 seeds and a 1,600-day horizon
    the 50k community lives 1.42 times as long as the 5k one (per seed 1.32-1.58; t-interval of
    the per-seed ratios 1.33-1.52, above the 1.25 asked), against 1.10 at the baseline's rates,
    and peaks later (1.91 times, 1.50-2.32; the test asks only "later", as a margin of 1.5
    would sit on the interval's edge; measured 2026-12-07). Each seed's pair of runs is one
    draw of the ratio. Fails if lifespan stops following the spread (e.g. a global clock that
    ends every community alike), which would make the README's advice to slow-spreading
    communities wrong."""
    slow = evidence.size_lifespans(sizes=(5000, 50000), seeds=range(6), days=1600,
                                   overrides=["acquisition.q_weak=0.025", "acquisition.q_close=0.075"])
    assert slow["lifespan"].notna().all(), slow     # every run ends inside the longer horizon
    small_, large = (slow[slow["size"] == n].set_index("seed") for n in (5000, 50000))
    lives = stats.mean_ci(large["lifespan"] / small_["lifespan"])
    assert lives["low"] > 1.25, lives
    peaks = stats.mean_ci(large["peak_day"] / small_["peak_day"])
    assert peaks["low"] > 1.0, peaks


# ------------------------------------------------------------------------------------ E9
@pytest.mark.evidence
def test_e9_weak_and_strong_ties_both_drive_adoption_and_bridges_win_at_equal_counts():
    """Goldenberg et al. 2001: weak and strong ties both drive adoption; at equal tie counts,
    ties placed as weak bridges between clusters spread adoption faster than the same number
    of strong ties inside clusters. Fails if either kind of tie stops passing the word on.
    The bridges' win comes from the graph (the local arm never reaches 95% inside 600 days);
    the next test is the one about tie strength."""
    local, bridged = evidence.tie_strength_graphs()
    assert local.number_of_edges() == bridged.number_of_edges()
    kw = dict(q_weak=0.01, q_close=0.03, close_ties=8)
    fast = [evidence.time_to_adoption(bridged, s, **kw) for s in range(3)]
    slow = [evidence.time_to_adoption(local, s, **kw) for s in range(3)]
    assert max(fast) < min(slow), (fast, slow)
    no_weak = [evidence.time_to_adoption(bridged, s, **{**kw, "q_weak": 0.0}) for s in range(3)]
    no_close = [evidence.time_to_adoption(bridged, s, **{**kw, "q_close": 0.0}) for s in range(3)]
    assert max(fast) < min(no_weak) and max(fast) < min(no_close), (fast, no_weak, no_close)


@pytest.mark.evidence
def test_e9_the_same_bridges_spread_faster_as_strong_ties_than_as_weak_ones():
    """Goldenberg et al. 2001's per-tie rates: a strong tie passes the word on more often than a
    weak one (b_s > b_w). Same graph, same bridges between clusters, only their strength
    differs (weak, or the strongest and so close, each then taking an in-cluster tie's close
    slot, so the count of strong ties stays about equal): the strong bridges bring 95% adoption sooner,
    by a Welch t-interval over 6 seeds a side (about 85 against 134 days). Fails if the model
    stops telling weak from strong ties: with equal rates (q_weak = q_close = 0.02) the two arms
    take about as long (103 and 104 days, measured 2026-12-07)."""
    _, bridged = evidence.tie_strength_graphs()
    strong = evidence.as_strong_bridges(bridged)
    kw = dict(q_weak=0.01, q_close=0.03, close_ties=8)
    weak_days = [evidence.time_to_adoption(bridged, s, **kw) for s in range(6)]
    strong_days = [evidence.time_to_adoption(strong, s, **kw) for s in range(6)]
    d = stats.welch_difference(weak_days, strong_days)
    assert d["high"] < 0, (weak_days, strong_days, d)


# ----------------------------------------------------------------------------------- E10
def posted_again_by(df, column) -> dict:
    """Per value of `column`: the pooled share of newcomers who posted again, its binomial SE, and n."""
    out = {}
    for key, sub in df.groupby(column):
        n = sub["newcomers"].sum()
        p = float((sub["posted_again"].fillna(0) * sub["newcomers"]).sum() / n)
        out[key] = (p, math.sqrt(p * (1 - p) / n), n)
    return out


@pytest.fixture(scope="module")
def newcomers():
    """Newcomers who posted in their first week, answered or not, per run (12 runs of the baseline, 400 days).

    Twelve, not four: only 12-43 newcomers a run go unanswered, so the gap is judged over runs
    (a t-interval of the per-run gaps, paired by run), not by a pooled binomial error that
    treats every newcomer as independent of its community."""
    return evidence.newcomer_replies(seeds=range(12), days=400)


@pytest.mark.evidence
def test_e10_a_reply_brings_a_newcomer_back(newcomers):
    """Joyce & Kraut 2006: newcomers whose first post got a reply posted again 56% vs 44%.
    Measured per run and paired by run (12 runs; 2026-12-07: 23.2 points, 18.7-27.7): answered
    newcomers post again more often, by less than 30 points. Fails if recognition stops
    mattering to newcomers, or matters an implausible amount."""
    per_run = newcomers.pivot(index="seed", columns="answered", values="posted_again")
    counts = newcomers.groupby("answered")["newcomers"].sum()
    assert counts[False] >= 30 and counts[True] >= 30, counts
    gap = stats.paired_difference(per_run[False], per_run[True])
    assert gap["low"] > 0, gap
    assert gap["high"] < 0.30, gap  # of the order of Joyce & Kraut's 12 points, not a switch


@pytest.mark.evidence
def test_e10_a_reply_causes_a_newcomer_to_come_back_by_about_joyce_and_krauts_margin():
    """The same effect measured as an experiment inside the model: of the newcomers whose first
    post was answered, a random half have the reply taken away (recognition and voice), so
    the difference in posting again is the reply's effect, free of who gets answered. Joyce &
    Kraut's 12 points (56% vs 44%): the effect's 95% t-interval lies inside 5-25 points. Fails if
    a reply stops mattering (recognition_weight 0 gives -0.9 points, SE 1.8) or acts as a
    switch. (The observed gap above, 24 points, is loosely measured: about 110 unanswered.)"""
    df = evidence.newcomer_reply_experiment(seeds=range(6), days=400)
    arms = posted_again_by(df, "arm")
    assert arms["kept"][2] >= 300 and arms["removed"][2] >= 300, arms
    # paired by seed (both arms live in one run): a t-interval over the 6 runs' effects, wider
    # than the pooled binomial one, which understates the spread between runs (1.9 vs 2.4 points)
    per_seed = df.pivot(index="seed", columns="arm", values="posted_again")
    effect = stats.paired_difference(per_seed["removed"], per_seed["kept"])
    assert 0.05 < effect["low"] and effect["high"] < 0.25, (arms, effect)


@pytest.fixture(scope="module")
def newcomers_without_staff():
    """As `newcomers`, in Joyce & Kraut's setting: no operations staff (`evidence.NO_STAFF`), 12 runs."""
    return evidence.newcomer_replies(seeds=range(12), days=400, overrides=evidence.NO_STAFF)


def answered_share(newcomers) -> pd.Series:
    """Per run: the share of newcomers posting in their first week whose first post was answered."""
    n = newcomers.pivot(index="seed", columns="answered", values="newcomers")
    return n[True] / (n[True] + n[False])


@pytest.mark.evidence
def test_e10_without_staff_newcomers_are_answered_as_often_as_in_joyce_and_krauts_newsgroups(
        newcomers, newcomers_without_staff):
    """Joyce & Kraut 2006: 61% of newcomers' first posts were answered, in Usenet newsgroups, where
    fellow posters alone answer. In that setting (no organizers) the per-run share's t-interval
    over 12 runs lies within ten points of 61% (2026-12-07: 65.2%, 63.5-67.0). The baseline's
    staff answer more (94.7%, 93.4-96.0; the Welch interval of the difference above zero): a
    prediction for staffed groups that no published figure we know tests. Fails if members' own
    replies answer nearly every newcomer or few, or if staff stop answering newcomers."""
    alone = stats.mean_ci(answered_share(newcomers_without_staff))
    assert 0.61 - 0.10 < alone["low"] and alone["high"] < 0.61 + 0.10, alone
    staffed = stats.welch_difference(answered_share(newcomers_without_staff), answered_share(newcomers))
    assert staffed["low"] > 0, staffed


@pytest.mark.evidence
@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known miss: without staff, answered newcomers post again 31 points more often than "
                          "unanswered ones, against Joyce & Kraut's 12 (docs/evidence.md, E10)")
def test_known_miss_without_staff_the_reply_gap_is_near_joyce_and_krauts(newcomers_without_staff):
    """Joyce & Kraut 2006, in their setting (no staff): posted again 56% answered vs 44% not, 12
    points. The model gives 69% vs 38%, 31 points (27-35 over 12 runs, paired by run), where its
    staffed baseline gives 23, and the reply's own effect in this setting, by the experiment, is
    14 (8-20): the unanswered in a staff-free group are also the ones whose group talks little.
    Within ten points of 12 is asked, of an interval narrow enough to judge. Strict: the suite
    fails the day the model meets it."""
    per_run = newcomers_without_staff.pivot(index="seed", columns="answered", values="posted_again")
    gap = stats.paired_difference(per_run[False], per_run[True])
    assert gap["high"] - gap["low"] < 0.20, gap  # measured well enough to judge (27-35 now), not passing by noise
    assert gap["low"] < 0.12 + 0.10 and gap["high"] > 0.12 - 0.10, gap  # the interval meets 2-22 points


@pytest.mark.code_check
def test_the_reply_experiment_removes_replies_and_nothing_else():
    """`newcomer_reply_experiment`'s arms: removing no reply leaves the run as it is (the kept
    arm is exactly `newcomer_replies`' answered arm, same newcomers, same share posting again);
    removing every reply leaves no kept arm. Fails if the wrapper disturbs the model by itself
    or does not remove what it says."""
    kw = dict(seeds=[3], size=1500, days=200)
    observed = evidence.newcomer_replies(**kw).set_index("answered")
    none = evidence.newcomer_reply_experiment(share=0.0, **kw).set_index("arm")
    assert none.loc["removed", "newcomers"] == 0 and observed.loc[True, "newcomers"] > 20
    assert none.loc["kept", "newcomers"] == observed.loc[True, "newcomers"]
    assert none.loc["kept", "posted_again"] == observed.loc[True, "posted_again"]
    every = evidence.newcomer_reply_experiment(share=1.0, **kw).set_index("arm")
    assert every.loc["kept", "newcomers"] == 0 and every.loc["removed", "newcomers"] > 20


# ----------------------------------------------------------------------------------- E11
@pytest.fixture(scope="module")
def cohorts():
    """The baseline's cohort read-outs over 40 spawned seeds (about 30 s on this machine).

    Forty, not ten: MAU/members at the DAU peak varies a lot from seed to seed (standard
    deviation about 5.6 points, mostly from where the peak falls on a flat plateau), so ten
    seeds cannot tell a mean of 67% from 70% (2 SE = 3.5 points); forty can (2 SE = 1.8)."""
    return evidence.cohort_measures(40)


@pytest.mark.evidence
def test_e11_cohort_retention_decays(cohorts):
    """Most newcomers go quiet or leave within days: D1 > D7 > D30, D1 30-60%, D7 15-35%,
    and many are gone by D30. Fails if activity is a memoryless coin flip (flat retention)
    or nobody can leave early."""
    # the same cohorts at D1, D7 and D30: paired by seed
    assert stats.paired_difference(cohorts["d7"], cohorts["d1"])["low"] > 0
    assert stats.paired_difference(cohorts["d30"], cohorts["d7"])["low"] > 0
    d1, d7, d30, member = (stats.mean_ci(cohorts[k]) for k in ("d1", "d7", "d30", "member_d30"))
    assert 0.30 < d1["low"] and d1["high"] < 0.60, d1
    assert 0.15 < d7["low"] and d7["high"] < 0.35, d7
    assert 0.05 < d30["low"] and d30["high"] < 0.20, d30
    assert member["high"] < 0.80, member  # a fifth or more have left by D30
    # most who go quiet do so early: the daily rate at which a cohort goes quiet falls with time.
    # A memoryless decay (each day the same share stops) gives equal rates from D1 to D7 and from
    # D7 to D30, and passes every check above; this one fails it (an audit's point, 2026-12-07).
    early = [-math.log(b / a) / 6 for a, b in zip(cohorts["d1"], cohorts["d7"]) if a and b]
    late = [-math.log(c / b) / 23 for b, c in zip(cohorts["d7"], cohorts["d30"]) if b and c]
    falls = stats.mean_ci([e - lt for e, lt in zip(early, late)])
    assert falls["low"] > 0, (falls, stats.mean_ci(early), stats.mean_ci(late))


@pytest.mark.evidence
def test_mau_members_at_the_peak_is_inside_30_to_70_percent(cohorts):
    """At the DAU peak a large share of members is not even monthly active (issue 9: 30-70%):
    people differ in how often they come back, and the silent stay on the roll. Fails if
    every member visits at the same rate again (version 2: 83%) or if the silent are struck
    off the roll (MAU/members near 100%); the bounds are the mean's t-interval over 40 seeds. The
    margin is small (upper end about 69.4%, measured 2026-12-04): a change that raises this
    figure by a point fails here, on purpose, and must be looked at."""
    mau = stats.mean_ci(cohorts["mau_members_at_peak"])
    assert 0.30 < mau["low"] and mau["high"] < 0.70, mau


# --------------------------------------------------------------------------------- staff
@pytest.mark.evidence
def test_more_staff_never_lowers_engagement_and_returns_diminish():
    """Organizer replies go to their posters, not to every reader: from 1 to 24 organizers
    active member-days rise (never fall beyond a 95% interval) with diminishing returns per
    organizer (the gain per organizer from 1 to 3 exceeds the gain per organizer from 12 to 24).
    10 seeds a headcount, every comparison paired by seed: a seed's population (graph, traits)
    is drawn before anything that depends on staff, so its runs differ only by the staff and
    the random draws after. At 6 seeds the returns comparison passed at p = 0.044 on one seed's
    weight (a review, 2026-12-07); at 10, p = 0.001. Fails if staff add nothing or crowd
    members out. It does not single out the replies: with replies broadcast to every reader,
    or recognising nobody, a red team found staff still helping through prompts and welcomes
    (the test passed)."""
    counts = (1, 3, 6, 12, 24)
    df = evidence.staffing(counts=counts, seeds=range(10))
    days = {k: df[df["organizers"] == k].set_index("seed")["active_member_days"] for k in counts}
    for a, b in zip(counts, counts[1:]):
        assert stats.paired_difference(days[a], days[b])["high"] > 0, (a, b)
    assert stats.paired_difference(days[1], days[24])["low"] > 0
    first = (days[3] - days[1]) / 2
    last = (days[24] - days[12]) / 12
    assert stats.paired_difference(last, first)["low"] > 0, (first.tolist(), last.tolist())
