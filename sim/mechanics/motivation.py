"""Motivation: how interest moves each day (DESIGN.md step 5).

For an active member the day is worth a target in [0, 1]:
    novelty * satisfaction(value read) + recognition - overload - stranger share - promotion
and interest moves toward it at `adapt_rate`. Inactive members slowly forget. Friends
leaving lower interest (contagious churn); extrinsic rewards erode intrinsic interest while
they run (crowding out) and vanish when they stop; core members without an audience (readers across the community) burn out.
"""

from __future__ import annotations

import numpy as np

from sim.mechanics.state import CORE, MEMBER, ORGANIZER


def satisfaction(value: np.ndarray, value_scale: float) -> np.ndarray:
    """Diminishing returns of the value read today: 1 - exp(-value / value_scale), in [0, 1).

    >>> float(satisfaction(np.array([0.0]), 1.0)[0])
    0.0
    """
    return -np.expm1(-value / value_scale)


def novelty_weight(novelty: np.ndarray, floor: float) -> np.ndarray:
    """Effective novelty: never below `floor`."""
    return floor + (1.0 - floor) * novelty


def update(model, effects, content, reading, left_friends: np.ndarray, points_today: np.ndarray) -> None:
    st, pop, sc = model.state, model.population, model.scenario
    mot, att = sc.motivation, sc.attention
    members = st.status == MEMBER
    r = reading.readers
    sat = satisfaction(reading.value, mot.value_scale)
    target = (novelty_weight(st.novelty[r], mot.novelty_floor) * sat
              + mot.recognition_weight * st.recognition[r]
              - att.overload_cost * np.log(np.maximum(reading.backlog, 1.0))
              - att.stranger_cost * reading.stranger_share)
    if effects.promo_cost:
        target -= effects.promo_cost
    target = np.clip(target, 0.0, 1.0)
    st.interest[r] += mot.adapt_rate * (target - st.interest[r])

    # novelty fades with every active day; attitude content slows the fading
    halflife = mot.novelty_halflife * (1.0 + effects.attitude)
    st.novelty[r] *= 0.5 ** (1.0 / halflife)

    inactive = members & ~st.active & (st.circle != ORGANIZER)
    st.interest[inactive] -= mot.forget_rate

    # contagious churn: share of one's member friends who left yesterday
    if left_friends is not None and mot.contagion:
        from sim.population import gather_rows

        hit = np.flatnonzero(members & (left_friends > 0))
        friends, owner = gather_rows(pop.maintained, hit)
        friends_now = np.bincount(owner, weights=members[friends], minlength=hit.size)
        st.interest[hit] -= mot.contagion * left_friends[hit] / (friends_now + left_friends[hit])

    # extrinsic rewards: follow today's points, erode intrinsic interest (crowding out)
    if effects.point_value or model.extrinsic_left:
        st.extrinsic[members] += mot.adapt_rate * (effects.point_value * points_today[members]
                                                   - st.extrinsic[members])
        st.extrinsic[st.extrinsic < 1e-6] = 0.0  # rewards fully faded
        model.extrinsic_left = bool(st.extrinsic.any())
        if mot.crowding_out:
            st.interest[members] -= mot.crowding_out * st.extrinsic[members]

    # core burnout: a core member needs an audience of active readers in its group
    ch = sc.churn
    core = np.flatnonzero(members & (st.circle == CORE))
    if core.size and ch.burnout_audience > 0:
        audience = r.size  # core content reaches every group (see content.py)
        shortfall = np.clip(1.0 - audience / ch.burnout_audience, 0.0, 1.0)
        st.interest[core] -= ch.burnout_rate * shortfall

    st.interest[st.circle == ORGANIZER] = 1.0
    np.clip(st.interest, 0.0, 1.0, out=st.interest)


def apply_event(model, effects) -> None:
    """An event day: members who notice it may wake, attendees gain interest and novelty."""
    ev = effects.event
    if not ev:
        return
    st, rng = model.state, model.rng
    members = np.flatnonzero((st.status == MEMBER) & (st.circle != ORGANIZER))
    notice = members[rng.random(members.size) < ev["reach"] * model.population.topic_fit[members] * 2]
    dormant = (model.day - st.last_active_day[notice]) >= model.scenario.churn.dormant_after
    wake = notice[~dormant | (rng.random(notice.size) < ev["wake"])]
    st.active[wake] = True
    st.last_active_day[wake] = model.day
    st.interest[wake] = np.minimum(1.0, st.interest[wake] + ev["boost"])
    st.novelty[wake] = np.minimum(1.0, st.novelty[wake] + ev["novelty"])
    model.today["event_attendees"] = int(wake.size)
