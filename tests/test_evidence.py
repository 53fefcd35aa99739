"""The regularities of docs/evidence.md, each checked against runs with fixed seeds.

Tolerances come from the sampling error of the measured quantity (binomial standard errors,
spread across replications), not from one run's output. Each test says what change in the
model would make it fail. A target the model misses is asserted too, in a test marked
`xfail(strict=True)` named `test_known_miss_*`, which fails the suite the day the model meets
it, so the mark must then go (docs/evidence.md lists the measured values).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments import evidence
from sim.model import CommunityModel
from tests.conftest import small


def mean_se(values) -> tuple[float, float]:
    """Mean and standard error over replications."""
    x = np.asarray([v for v in values if v is not None], float)
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size))


# ------------------------------------------------------------------------------------ E1
def test_e1_joining_rises_with_friends_with_diminishing_returns_to_the_published_level():
    """Backstrom et al. 2006: P(join | k friends inside) increases, concave for k >= 2, and
    plateaus around 0.005-0.03. Fails if friends stop mattering (word of mouth reaching random
    people instead of friends fails it) or if word of mouth is an order of magnitude too strong
    or too weak. Not if influence adds up without saturating: a red team's additive join rule
    passed, since friends seldom share on the same day, so the concavity comes from how many
    friends might share, not from the join formula."""
    curve = evidence.join_curve(seeds=(1, 2), days=300)
    bins = [evidence.pooled(curve, lo, hi) for lo, hi in [(1, 1), (2, 3), (4, 6), (7, 12)]]
    for (k0, p0, s0), (k1, p1, s1) in zip(bins, bins[1:]):
        assert p1 > p0 - 2 * math.hypot(s0, s1), "P(k) must increase"
    # a friend inside matters far more than none: P(k=1) above 5x P(k=0), with P(k=0) taken at
    # least at its 95% upper bound when no outsider without friends inside joined (rule of three)
    _, p1, s1 = bins[0]
    zero = curve.iloc[0]
    p0_upper = max(zero["p"] + 2 * zero["se"], 3.0 / max(zero["exposures"], 1.0))
    assert p1 - 2 * s1 > 5 * p0_upper, (p1, s1, zero.to_dict())
    # diminishing returns over the published range (k up to ~40): the slope from k = 2-3 to
    # k = 7-12 exceeds the slope from there to k = 13-39 by more than the sampling error
    (k2, p2, s2), (k7, p7, s7), (k13, p13, s13) = (evidence.pooled(curve, lo, hi)
                                                   for lo, hi in [(2, 3), (7, 12), (13, 39)])
    early, late = (p7 - p2) / (k7 - k2), (p13 - p7) / (k13 - k7)
    se_late = math.hypot(s7, s13) / (k13 - k7)
    assert late < early - 2 * se_late, (early, late, se_late)
    _, plateau, se = evidence.pooled(curve, 7, 39)
    assert 0.005 < plateau - 2 * se and plateau + 2 * se < 0.03, (plateau, se)


# ------------------------------------------------------------------------------------ E2
@pytest.fixture(scope="module")
def shares():
    """Post shares in the month of the peak, baseline (propensity sigma <= 1.5), 6 seeds."""
    assert small().population.post_propensity_sigma <= 1.5
    return evidence.post_shares(seeds=range(6), days=400)


def test_e2_the_bottom_90_percent_post_little_and_the_top_1_percent_most(shares):
    """van Mierlo 2014: the bottom 90% make under 10% of posts, and a few make most of them.
    Fails if every visitor speaks (no lurking), if speakers share the conversation equally, or
    if who leads it is reshuffled at random every day."""
    bottom, se = mean_se(shares["bottom90"])
    assert bottom + 2 * se < 0.10, (bottom, se)
    top, se = mean_se(shares["top1"])
    assert top - 2 * se > 0.40, (top, se)   # a few make most; the published 60-90% is tested below


def test_e2_top_1_percent_make_most_posts(shares):
    """van Mierlo 2014: the top 1% make 60-90% of posts in a mature month. Fails if every
    member comes as often (visit_rate_sigma 0: 58%, the miss of model version 2); without
    the correlation of visits with posting it is about 63% (docs/evidence.md), near the floor,
    and may or may not fail."""
    top, se = mean_se(shares["top1"])
    assert 0.6 + 2 * se < top < 0.9 - 2 * se, (top, se)


# ------------------------------------------------------------------------------ E3 E4 E12
@pytest.fixture(scope="module")
def groups():
    """Fixed groups of 25 to 1,000 members (3 seeds each), days 30-90."""
    sizes = (25, 150, 250, 500, 1000)
    res = {n: [evidence.fixed_group(n, s) for s in range(3)] for n in sizes}
    return sizes, res


def stat(res, n, key):
    return mean_se([r[key] for r in res[n]])


def test_e12_message_volume_matches_seed_004_and_saturates(groups):
    """Seed 004: 20-30 people make hundreds of messages a day, 200-300 people at most about a
    thousand; per-member messages fall with size. Fails if conversation does not breed
    replies (small groups too quiet) or if volume grows with size (a red team removed the
    per-member typing cap: it failed; removing the per-group message ceiling alone did not,
    volume levelling off near 690 a day without it)."""
    sizes, res = groups
    m25, s25 = stat(res, 25, "messages")
    m250, s250 = stat(res, 250, "messages")
    assert 100 < m25 - 2 * s25 and m25 + 2 * s25 < 500, (m25, s25)
    assert 300 < m250 - 2 * s250 and m250 + 2 * s250 < 1500, (m250, s250)
    per = [stat(res, n, "messages_per_member") for n in sizes]
    for (a, sa), (b, sb) in zip(per, per[1:]):
        assert b < a - 2 * math.hypot(sa, sb), per
    assert stat(res, 1000, "messages")[0] < 2 * stat(res, 150, "messages")[0]


def test_e3_e4_engagement_falls_and_dropout_rises_as_groups_grow(groups):
    """E3: per-member engagement falls as groups grow past ~150 and small groups are the
    liveliest. E4: overload and strangers rise with size; more members stop participating.
    Fails if group size stops mattering to value: a red team removed the overload and stranger
    costs, the value of familiar voices and muting under overload, and it failed (250 -> 500);
    removing the two direct costs alone still passes, as the other two still make large groups
    worth less."""
    sizes, res = groups
    # engagement falls at every step from 150 to 500 members; beyond, it no longer rises
    for a, b in zip(sizes[1:], sizes[2:]):
        (ea, sa), (eb, sb) = stat(res, a, "engagement"), stat(res, b, "engagement")
        if b <= 500:
            assert eb < ea - 2 * math.hypot(sa, sb), (a, b, ea, eb)
        else:
            assert eb < ea + 2 * math.hypot(sa, sb), (a, b, ea, eb)
    (e25, s25), (e300, s300) = stat(res, 25, "engagement"), stat(res, 500, "engagement")
    assert e25 > e300 + 2 * math.hypot(s25, s300)
    assert stat(res, 1000, "overload")[0] > stat(res, 25, "overload")[0] + 0.2
    assert stat(res, 1000, "strangers")[0] > stat(res, 150, "strangers")[0] + 0.3
    (d150, s150), (d1000, s1000) = stat(res, 150, "dropout"), stat(res, 1000, "dropout")
    assert d1000 > d150 + 2 * math.hypot(s150, s1000), (d150, d1000)


def test_e3_maintained_ties_never_exceed_the_limit():
    m = CommunityModel(small(["population.size=3000", "population.dunbar_limit=12",
                              "population.close_ties=4"]))
    per_person = np.diff(m.population.maintained.indptr)
    degree = np.array([d for _, d in m.population.graph.degree()])
    assert per_person.max() == 12 and (degree > 12).any()
    assert np.array_equal(per_person, np.minimum(degree, 12))
    assert np.diff(m.population.close.indptr).max() == 4


# ------------------------------------------------------------------------------------ E6
def test_e6_bass_closed_form_on_complete_graph():
    """Bass 1969: churn off, complete graph, everyone shares: cumulative joins follow F(t)."""
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
    alive = df.assign(alive=df["dau_horizon"] >= 2.0)
    survival = alive.groupby("q_weak")["alive"].mean().reindex(qs)
    assert survival.iloc[0] <= 1 / n and survival.iloc[-1] >= 1 - 1 / n, survival
    for a, b in zip(survival.iloc[:-1], survival.iloc[1:]):
        se = math.sqrt((a * (1 - a) + b * (1 - b)) / n)
        assert b >= a - 2 * se, survival
    threshold = survival.index[survival.to_numpy() >= 0.5][0]
    assert qs[0] < threshold < qs[-1], survival


# ------------------------------------------------------------------------------------ E8
def test_e8_baseline_goes_dormant_in_500_to_1000_days():
    """Seed 004: a brand community lives about two years; decline is the rule."""
    lifespans = evidence.baseline_lifespans(10)
    inside = sum(1 for x in lifespans if x is not None and 500 <= x <= 1000)
    assert inside >= 8, lifespans


def test_e8_lifespan_does_not_hinge_on_the_graph_size():
    """With the staffing policy, the baseline lives 500-1,000 days at 5k, 20k and 50k people,
    within 25% of each other. Fails if lifespan comes to depend on the graph's size: with half
    the word-of-mouth rates (the spread through a larger graph then takes long against the
    members' own clocks, docs/evidence.md) the 20k and 50k communities outlive the 1,000-day
    horizon (the first assertion; over 1,600 days 50k lives 1.39x as long as 5k, which the
    second would catch too). Not if staff stay fixed: a red team fixed them at the launch team
    and the ratio stayed 1.06 (2 seeds)."""
    df = evidence.size_lifespans(sizes=(5000, 20000, 50000), seeds=range(2))
    means = df.groupby("size")["lifespan"].mean()
    assert df["lifespan"].notna().all() and df["lifespan"].between(500, 1000).all(), df
    assert means.max() <= 1.25 * means.min(), means


def test_e8_size_invariance_rests_on_fast_word_of_mouth():
    """Why lifespans hardly depend on size (docs/evidence.md): a larger graph takes longer to
    spread through, and at the baseline's word-of-mouth rates that delay is short against the
    members' own clocks. At half those rates it is not: over 4 seeds and a 1,600-day horizon the
    50k community lived 1.39x as long as the 5k one (per seed 1.32-1.46; sd 0.07, so 1.25 is
    about 3 standard errors below the mean of the 2 seeds used), against 1.10x at the baseline's
    rates, and its peak came twice as late. Fails if lifespan stops following the spread (e.g. a
    global clock that ends every community alike), which would make the README's advice to
    slow-spreading communities wrong."""
    slow = evidence.size_lifespans(sizes=(5000, 50000), seeds=range(2), days=1600,
                                   overrides=["acquisition.q_weak=0.025", "acquisition.q_close=0.075"])
    assert slow["lifespan"].notna().all(), slow     # every run ends inside the longer horizon
    means = slow.groupby("size")[["lifespan", "peak_day"]].mean()
    assert means.loc[50000, "lifespan"] > 1.25 * means.loc[5000, "lifespan"], means
    assert means.loc[50000, "peak_day"] > 1.5 * means.loc[5000, "peak_day"], means


# ------------------------------------------------------------------------------------ E9
def test_e9_weak_and_strong_ties_both_drive_adoption_and_bridges_win_at_equal_counts():
    """Goldenberg et al. 2001: weak and strong ties both drive adoption; at equal tie counts,
    ties placed as weak bridges between clusters spread adoption faster than the same number
    of strong ties inside clusters. Fails if weak and strong ties stop being distinguished."""
    local, bridged = evidence.tie_strength_graphs()
    assert local.number_of_edges() == bridged.number_of_edges()
    kw = dict(q_weak=0.01, q_close=0.03, close_ties=8)
    fast = [evidence.time_to_adoption(bridged, s, **kw) for s in range(3)]
    slow = [evidence.time_to_adoption(local, s, **kw) for s in range(3)]
    assert max(fast) < min(slow), (fast, slow)
    no_weak = [evidence.time_to_adoption(bridged, s, **{**kw, "q_weak": 0.0}) for s in range(3)]
    no_close = [evidence.time_to_adoption(bridged, s, **{**kw, "q_close": 0.0}) for s in range(3)]
    assert max(fast) < min(no_weak) and max(fast) < min(no_close), (fast, no_weak, no_close)


# ----------------------------------------------------------------------------------- E10
def posted_again_by(df, column) -> dict:
    """Per value of `column`: the pooled share of newcomers who posted again, its binomial SE, and n."""
    out = {}
    for key, sub in df.groupby(column):
        n = sub["newcomers"].sum()
        p = float((sub["posted_again"].fillna(0) * sub["newcomers"]).sum() / n)
        out[key] = (p, math.sqrt(p * (1 - p) / n), n)
    return out


def test_e10_a_reply_brings_a_newcomer_back():
    """Joyce & Kraut 2006: newcomers whose first post got a reply posted again 56% vs 44%.
    Fails if recognition stops mattering to newcomers, or matters an implausible amount."""
    pooled = posted_again_by(evidence.newcomer_replies(seeds=range(4), days=400), "answered")
    (p1, s1, n1), (p0, s0, n0) = pooled[True], pooled[False]
    assert n0 >= 30 and n1 >= 30, pooled
    diff, se = p1 - p0, math.hypot(s0, s1)
    assert diff > 2 * se, pooled
    assert diff < 0.30, pooled  # of the order of Joyce & Kraut's 12 points, not a switch


def test_e10_a_reply_causes_a_newcomer_to_come_back_by_about_joyce_and_krauts_margin():
    """The same effect measured as an experiment inside the model: of the newcomers whose first
    post was answered, a random half have the reply taken away (recognition and voice), so
    the difference in posting again is the reply's effect, free of who gets answered. Joyce &
    Kraut's 12 points (56% vs 44%): the effect lies in 5-25 points by more than 2 SE. Fails if
    a reply stops mattering (recognition_weight 0 gives -0.9 points, SE 1.8) or acts as a
    switch. (The observed gap above, 24 points, is loosely measured: about 110 unanswered.)"""
    arms = posted_again_by(evidence.newcomer_reply_experiment(seeds=range(6), days=400), "arm")
    (p1, s1, n1), (p0, s0, n0) = arms["kept"], arms["removed"]
    assert n1 >= 300 and n0 >= 300, arms
    effect, se = p1 - p0, math.hypot(s0, s1)
    assert 0.05 < effect - 2 * se and effect + 2 * se < 0.25, arms


@pytest.mark.xfail(strict=True, reason="known miss: 94% of newcomers who post in their first week are answered, "
                                       "against Joyce & Kraut's 61% (docs/evidence.md, E10)")
def test_known_miss_newcomers_answered_share_is_near_joyce_and_krauts():
    """Joyce & Kraut 2006: 61% of newcomers' first posts were answered (Usenet, no staff). The model
    answers about 94% (staff answer early; in a chat two speakers keep a thread going): a known miss
    the README's Honest limits discuss. Strict: the suite fails the day the model meets it."""
    pooled = posted_again_by(evidence.newcomer_replies(seeds=range(4), days=400), "answered")
    (_, _, n1), (_, _, n0) = pooled[True], pooled[False]
    share = n1 / (n1 + n0)
    se = math.sqrt(share * (1 - share) / (n1 + n0))
    assert share - 2 * se < 0.61 + 0.10, (share, se)  # within ten points of the published share


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


def test_e11_cohort_retention_decays(cohorts):
    """Most newcomers go quiet or leave within days: D1 > D7 > D30, D1 30-60%, D7 15-35%,
    and many are gone by D30. Fails if activity is a memoryless coin flip (flat retention)
    or nobody can leave early."""
    d1, d7, d30, member = (mean_se(cohorts[k]) for k in ("d1", "d7", "d30", "member_d30"))
    assert d1[0] > d7[0] + 2 * math.hypot(d1[1], d7[1])
    assert d7[0] > d30[0] + 2 * math.hypot(d7[1], d30[1])
    assert 0.30 < d1[0] - 2 * d1[1] and d1[0] + 2 * d1[1] < 0.60, d1
    assert 0.15 < d7[0] - 2 * d7[1] and d7[0] + 2 * d7[1] < 0.35, d7
    assert 0.05 < d30[0] - 2 * d30[1] and d30[0] + 2 * d30[1] < 0.20, d30
    assert member[0] + 2 * member[1] < 0.80, member  # a fifth or more have left by D30
    # most who go quiet do so early: the daily rate at which a cohort goes quiet falls with time.
    # A memoryless decay (each day the same share stops) gives equal rates from D1 to D7 and from
    # D7 to D30, and passes every check above; this one fails it (an audit's point, 2026-12-07).
    early = [-math.log(b / a) / 6 for a, b in zip(cohorts["d1"], cohorts["d7"]) if a and b]
    late = [-math.log(c / b) / 23 for b, c in zip(cohorts["d7"], cohorts["d30"]) if b and c]
    falls = mean_se([e - lt for e, lt in zip(early, late)])
    assert falls[0] > 2 * falls[1] and falls[0] > 0, (falls, mean_se(early), mean_se(late))


def test_mau_members_at_the_peak_is_inside_30_to_70_percent(cohorts):
    """At the DAU peak a large share of members is not even monthly active (issue 9: 30-70%):
    people differ in how often they come back, and the silent stay on the roll. Fails if
    every member visits at the same rate again (version 2: 83%) or if the silent are struck
    off the roll (MAU/members near 100%); the bounds are the mean's 2 SE over 40 seeds. The
    margin is small (mean + 2 SE = 69.4%, measured 2026-12-04): a change that raises this
    figure by a point fails here, on purpose, and must be looked at."""
    mau, se = mean_se(cohorts["mau_members_at_peak"])
    assert 0.30 < mau - 2 * se and mau + 2 * se < 0.70, (mau, se)


# --------------------------------------------------------------------------------- staff
def test_more_staff_never_lowers_engagement_and_returns_diminish():
    """Organizer replies go to their posters, not to every reader: from 1 to 24 organizers
    active member-days rise (never fall beyond the 95% interval) with diminishing returns
    per organizer. Fails if staff add nothing or crowd members out. It does not single out
    the replies: with replies broadcast to every reader, or recognising nobody, a red team
    found staff still helping through prompts and welcomes (the test passed)."""
    df = evidence.staffing(counts=(1, 3, 6, 12, 24), seeds=range(3))
    g = df.groupby("organizers")["active_member_days"]
    mean, se = g.mean(), g.std(ddof=1) / math.sqrt(3)
    counts = list(mean.index)
    for a, b in zip(counts, counts[1:]):
        assert mean[b] > mean[a] - 1.96 * math.hypot(se[a], se[b]), mean
    assert mean[24] > mean[1] + 1.96 * math.hypot(se[1], se[24])
    per_org = [(mean[b] - mean[a]) / (b - a) for a, b in zip(counts, counts[1:])]
    assert per_org[-1] < per_org[0], per_org
