"""Points, tiers and KOC promotion (DESIGN.md step 7).

Points are issued for check-in (being active), messages and successful invitations while the
points strategy runs; tiers follow cumulative points; a KOC promotion round moves the top
contributors of the last ~30 days from the diffusion circle into the core, up to
`community.core_capacity`.
"""

from __future__ import annotations

import numpy as np

from sim.mechanics.state import CORE, DIFFUSION, MEMBER, ORGANIZER


def award_points(model, effects, invite_credits: np.ndarray) -> np.ndarray:
    """Points earned today per person (zeros when the points strategy is off)."""
    st = model.state
    earned = np.zeros(st.n)
    if not effects.points_on:
        return earned
    members = (st.status == MEMBER) & (st.circle != ORGANIZER)
    earned[members & st.active] += effects.points_checkin
    earned[members] += effects.points_post * st.posts_today[members]
    if invite_credits is not None and invite_credits.size:
        np.add.at(earned, invite_credits, effects.points_invite)
        earned[~members] = 0.0
    np.minimum(earned, effects.points_cap, out=earned)
    st.points += earned
    return earned


def update_tiers(state, effects) -> None:
    """Tier = thresholds reached by cumulative points; never falls (0 without tiers)."""
    if not effects.tier_thresholds:
        return
    th = np.asarray(effects.tier_thresholds)
    reached = np.searchsorted(th, state.points, side="right").astype(np.int8)
    np.maximum(state.tier, reached, out=state.tier)  # tiers are kept once reached


def promote_kocs(model, effects) -> np.ndarray:
    """KOC round: promote top recent contributors into the core. Returns promoted persons."""
    koc = effects.koc
    st = model.state
    if not koc:
        return np.zeros(0, np.int64)
    members = st.status == MEMBER
    room = model.scenario.community.core_capacity - int((members & (st.circle == CORE)).sum())
    k = min(koc["per_round"], max(room, 0))
    eligible = np.flatnonzero(members & (st.circle == DIFFUSION) & (st.posts_recent >= koc["min_posts"]))
    if k <= 0 or eligible.size == 0:
        return np.zeros(0, np.int64)
    top = eligible[np.argsort(-st.posts_recent[eligible], kind="stable")[:k]]
    st.circle[top] = CORE
    st.tier[top] = np.maximum(st.tier[top], 2)
    st.interest[top] = np.minimum(1.0, st.interest[top] + koc["interest_boost"])
    return top
