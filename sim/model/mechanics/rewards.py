"""Rewards and status: points, tiers and KOC promotion (docs/model.md, steps 7 and 10).

Points are issued for check-in (being active), messages and successful invitations while the
points strategy runs, and their pull wears out with use (`points_felt`, model version 8);
tiers follow cumulative points (or posts: `tiers.by`), their status wears while held
(`wear_tier_pull`, model version 12) and climbers visit more often near the next level
(`climb_factor` with `tiers.goal_gradient`, read by the activity step, model versions 13-14)
and post more (with `tiers.posting_gradient`, read by the content step, model version 15); a
KOC promotion round moves the top contributors of the last ~30 days from the diffusion circle
into the core, up to `community.core_capacity`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.state import Array, Circle, Value

PARAMS: dict = {}  # configured by the points, tiers and koc_promotion strategies
STATE = {
    "points": Array(float, 0.0, "Cumulative points earned."),
    "tier": Array(np.int8, 0, "Tier level: 0 ordinary, 1 core user, 2 KOC."),
    "points_worn": Value(None, "How far points have worn on each person, 0 (fresh) to 1: an exponential "
                         "average of its rewarded days (strategies.points.wear_days); a per-person array "
                         "allocated when a points programme with wear-out first runs (not counted in the "
                         "memory estimate's state bytes: 8 more per person then)."),
    "points_worn_day": Value(-1, "The day points_worn was last brought up to date."),
    "tier_pull": Value(None, "Tier levels as each person still feels them: every level counts 1 on the day it "
                       "is reached and fades as exp(-days held / tiers.wear_days) (status adaptation); a "
                       "per-person array allocated when tiers with wear-out first run (not counted in the "
                       "memory estimate's state bytes: 9 more per person then, with tier_pulled)."),
    "tier_pulled": Value(None, "The tier each person's tier_pull has counted so far (int8, per person)."),
    "tier_pull_day": Value(-1, "The day tier_pull was last brought up to date."),
    "tier_pull_wear": Value(0.0, "The wear_days of the last tier ladder that wore its levels (kept through "
                            "days without tiers: levels held wear on)."),
}


@dataclass(frozen=True)
class Points:
    """Points earned today per person (zeros when no points strategy runs), and how much each is felt.

    `felt`: the share of a point's pull each person feels today (`points_felt`), None when the
    points do not wear out. `issued` is their total, summed once (two read-outs use it; a sum over everyone costs
    about 0.4 ms a day at 1,000,000 persons); 0.0 without a points strategy.

    >>> Points(np.array([1.0, 2.5])).issued, Points(np.zeros(3), 0.0).issued
    (3.5, 0.0)
    """

    earned: np.ndarray
    total: float | None = None
    felt: np.ndarray | None = None  # per person: share of a point's pull felt today (None: no wear-out)

    @property
    def issued(self) -> float:
        """Points issued today (`float(earned.sum())`, the same number)."""
        if self.total is None:
            object.__setattr__(self, "total", float(self.earned.sum()))
        return self.total


@dataclass(frozen=True)
class Promotion:
    """Members promoted into the core today."""

    promoted: np.ndarray


def award_points(day) -> Points:
    """Points for today's check-ins, messages and successful invitations, capped per day."""
    st, effects = day.state, day.effects
    invite_credits = day.joining.invite_credits
    earned = np.zeros(st.n)
    if not effects.points_on:
        return Points(earned, 0.0)
    members = st.member_mask() & (st.circle != Circle.ORGANIZER)
    earned[members & st.active] += effects.points_checkin
    earned[members] += effects.points_post * st.posts_today[members]
    if invite_credits is not None and invite_credits.size:
        np.add.at(earned, invite_credits, effects.points_invite)
        earned[~members] = 0.0
    np.minimum(earned, effects.points_cap, out=earned)
    st.points += earned
    if effects.point_value and effects.points_wear_days:  # their pull wears out with use (model version 8)
        return Points(earned, felt=points_felt(day, earned))
    return Points(earned)


def wear(worn: np.ndarray, rewarded: np.ndarray, wear_days: float) -> np.ndarray:
    """How far points have worn after one more day, rewarded (1) or not (0) (pure).

    An exponential average of rewarded days with time constant `wear_days`: a member rewarded
    every day feels `exp(-t / wear_days)` of a point's pull after t days, and one no longer
    rewarded recovers at the same pace (habituation and its spontaneous recovery: Thompson &
    Spencer 1966, Rankin et al. 2009).

    >>> w = np.zeros(1)
    >>> for _ in range(90):
    ...     w = wear(w, np.ones(1), 90.0)
    >>> round(float(1 - w[0]), 3)  # pull left after 90 rewarded days: exp(-1)
    0.368
    """
    return worn + -np.expm1(-1.0 / wear_days) * (rewarded - worn)


def points_felt(day, earned: np.ndarray) -> np.ndarray:
    """Share of a point's pull each person feels today (1 - wear); then wears members by today's `earned`.

    Today's points are felt at the wear of the days before. Members are worn or recover each
    day the points run; days when no points ran count as unrewarded for everyone (the
    catch-up below). Persons outside the community are not touched while the points run
    (only outsiders ever join, so nobody comes back to a stale wear).
    """
    st, wear_days = day.state, day.effects.points_wear_days
    if st.points_worn is None:
        st.points_worn = np.zeros(st.n)
    elif st.points_worn_day < day.number - 1:  # days without points since: nobody was rewarded
        st.points_worn *= np.exp(-(day.number - 1 - st.points_worn_day) / wear_days)
    st.points_worn_day = day.number
    felt = 1.0 - st.points_worn
    members = st.member_ids()
    before = st.points_worn.take(members)
    st.points_worn[members] = wear(before, (earned.take(members) > 0).astype(float), wear_days)
    return felt


def update_tiers(day) -> None:
    """Tier = thresholds reached by cumulative points (or posts: `tiers.by`); never falls (0 without tiers).

    Once a ladder with wear-out has run, the levels held wear every day, with a ladder
    running or not (`wear_tier_pull`), so a ladder that returns after a pause is felt worn
    over the pause from its first day back.
    """
    state, effects = day.state, day.effects
    if not effects.tier_thresholds:
        if state.tier_pull is not None:
            wear_tier_pull(state, day.number)
        return
    reached = levels_reached(climbed_by(state, effects), effects.tier_thresholds).astype(np.int8)
    np.maximum(state.tier, reached, out=state.tier)  # tiers are kept once reached
    if effects.tier_wear_days:
        state.tier_pull_wear = effects.tier_wear_days
    if effects.tier_wear_days or state.tier_pull is not None:
        wear_tier_pull(state, day.number)


def climbed_by(st, effects) -> np.ndarray:
    """What members climb the tier ladder by: cumulative posts (`tiers.by: posts`) or points (per person)."""
    return st.posts_total if effects.tier_by == "posts" else st.points


def levels_reached(climbed: np.ndarray, thresholds) -> np.ndarray:
    """The tier each of `climbed` reaches: how many thresholds it has met (pure).

    >>> levels_reached(np.array([0.0, 50.0, 299.0, 300.0]), (50.0, 300.0)).tolist()
    [0, 1, 1, 2]
    """
    return np.searchsorted(np.asarray(thresholds, float), climbed, side="right")


def goal_progress(climbed: np.ndarray, tier: np.ndarray, thresholds) -> np.ndarray:
    """Share of the way to the next tier each person has covered, 0 at the top level (pure).

    From the threshold of the level held (0 for none) to the next one: the proportion of the
    original distance to the goal covered, which is what effort follows in Kivetz, Urminsky &
    Zheng's (2006) goal-distance model. A level given by a KOC round counts from its threshold;
    no way to cover (the top level, or two equal thresholds) is progress 0.

    >>> goal_progress(np.array([0.0, 25.0, 60.0, 175.0, 400.0, 10.0]), np.array([0, 0, 1, 1, 2, 2]),
    ...               (50.0, 300.0)).tolist()
    [0.0, 0.5, 0.04, 0.5, 0.0, 0.0]
    """
    th = np.asarray(thresholds, float)
    k = np.asarray(tier, np.int64)
    lo = np.concatenate(([0.0], th)).take(k)
    hi = np.concatenate((th, [np.inf])).take(k)
    span = hi - lo
    open_ = np.isfinite(hi) & (span > 0)
    progress = np.where(open_, (np.asarray(climbed, float) - lo) / np.where(open_, span, 1.0), 0.0)
    return progress.clip(0.0, 1.0)


def climb_progress(day, members: np.ndarray) -> np.ndarray | None:
    """Share of the way to the next tier each of `members` (ids) has covered, or None when nobody climbs.

    The level counted from is the higher of the one recorded and the one the points (or posts)
    so far reach: the visit draw runs after today's points are awarded but before the tiers
    step records them, so a member who crossed a threshold today starts again from 0; the
    content step runs before today's points, when the two agree except on a ladder's first
    day. A KOC round runs after the visit draw, so a member promoted today visits tomorrow at
    its old level's progress and posts at its new one. None when no ladder runs, and for a
    ladder by points when no points are being earned: nobody is climbing then.
    """
    effects, st = day.effects, day.state
    if not effects.tier_thresholds:
        return None
    if effects.tier_by != "posts" and not effects.points_on:
        return None
    climbed = climbed_by(st, effects).take(members)
    level = np.maximum(st.tier.take(members), levels_reached(climbed, effects.tier_thresholds))
    return goal_progress(climbed, level, effects.tier_thresholds)


def climb_factor(day, members: np.ndarray, strength: float) -> np.ndarray | None:
    """`1 + strength x climb_progress` for each of `members` (ids), or None when `strength` is 0 or nobody climbs.

    The goal gradient (Kivetz, Urminsky & Zheng 2006): effort rises as the next level nears
    and resets once it is reached (post-reward resetting). Their goal-distance model makes all
    effort follow the share of the distance covered, so one factor serves both forms of
    effort measured: visits (`tiers.goal_gradient`, read by `activity.draw_activity`, model
    versions 13-14: their café's purchases came faster) and posting (`tiers.posting_gradient`,
    read by `content.chat_rates`, model version 15: their song-rating site's members rated
    more songs per visit).
    """
    if not strength:
        return None
    progress = climb_progress(day, members)
    return None if progress is None else 1.0 + strength * progress


def tier_pull_after(pull: np.ndarray, pulled: np.ndarray, tier: np.ndarray, days: int,
                    wear_days: float) -> np.ndarray:
    """Tier levels still felt after `days` more days held, counting levels reached since as fresh (pure).

    Each level counts in full on the day it is reached (members read it from the next day) and
    as exp(-days held / wear_days) after, a stated simplification: status is adapted to as
    other gains are (hedonic adaptation, Frederick & Loewenstein 1999), and field studies of
    reward thresholds find no lasting lift once one is reached, effort rising as it nears and
    falling back after it (Kivetz, Urminsky & Zheng 2006; Anderson et al. 2013 on Stack
    Overflow's badges). The rise before a threshold is `goal_gradient`; the lift after it
    and its fading are the choice stated above. `pulled`: the tier each person's `pull` has
    counted so far.

    >>> pull = tier_pull_after(np.zeros(2), np.zeros(2, np.int8), np.array([1, 2], np.int8), 0, 90.0)
    >>> pull.tolist()                                                   # both reached today
    [1.0, 2.0]
    >>> tier_pull_after(pull, np.array([1, 2], np.int8), np.array([2, 2], np.int8), 90, 90.0).round(3).tolist()
    [1.368, 0.736]
    """
    return pull * np.exp(-days / wear_days) + (tier - pulled)


def wear_tier_pull(st, today: int) -> None:
    """Bring `st.tier_pull` up to `today`: wear the levels held, add the levels reached since (in place).

    Called at the end of every day once a ladder with wear-out has run (in the tiers step,
    whether a ladder runs that day or not) and after a KOC round raises tiers, so the pull
    counts every level from the day it was reached and members read yesterday's pull, on
    every day alike. Levels held before such a ladder first runs count from its first day:
    until then nobody felt them as status. Wears at `st.tier_pull_wear`.
    """
    if st.tier_pull is None:
        st.tier_pull = np.zeros(st.n)
        st.tier_pulled = np.zeros(st.n, np.int8)
        st.tier_pull_day = today
    days = today - st.tier_pull_day
    st.tier_pull = tier_pull_after(st.tier_pull, st.tier_pulled, st.tier, days, st.tier_pull_wear)
    st.tier_pulled[:] = st.tier
    st.tier_pull_day = today


def promote_kocs(day) -> Promotion:
    """KOC round: promote top recent contributors into the core, up to the core capacity."""
    koc = day.effects.koc
    st = day.state
    none = Promotion(np.zeros(0, np.int64))
    if not koc:
        return none
    members = st.member_mask()
    room = day.scenario.community.core_capacity - int(np.count_nonzero(members & (st.circle == Circle.CORE)))
    k = min(koc.per_round, max(room, 0))
    eligible = (members & (st.circle == Circle.DIFFUSION) & (st.posts_recent >= koc.min_posts)).nonzero()[0]
    if k <= 0 or eligible.size == 0:
        return none
    top = eligible[np.argsort(-st.posts_recent[eligible], kind="stable")[:k]]
    st.circle[top] = Circle.CORE
    st.tier[top] = np.maximum(st.tier[top], 2)
    st.interest[top] = np.minimum(1.0, st.interest[top] + koc.interest_boost)
    if st.tier_pull is not None:  # a promotion is a level reached today, with or without a ladder running
        wear_tier_pull(st, day.number)
    return Promotion(top)
