"""Acquisition: outsiders join by the external channel or by word of mouth along ties.

An outsider i joins today with probability
    fit_i * (1 - (1 - p_ext) * (1 - q_weak)^w_i * (1 - q_close)^c_i)
where w_i and c_i count i's weak and close maintained ties who are members sharing the
community today (Bass 1969 / Goldenberg et al. 2001). Only graph neighbours can invite.
"""

from __future__ import annotations

import numpy as np

from sim.mechanics.state import MEMBER, OUTSIDER


def sharing_members(state, motivation, params, effects, rng) -> np.ndarray:
    """Members who share the community today: active ones, more when motivated and it is new to them."""
    acq = params.acquisition
    rate = acq.share_rate * effects.share_boost * (1.0 + 0.5 * effects.attitude)
    eligible = state.status == MEMBER
    if acq.share_requires_activity:
        eligible &= state.active
        enthusiasm = motivation * (params.motivation.novelty_floor
                                   + (1.0 - params.motivation.novelty_floor) * state.novelty)
        prob = np.minimum(1.0, rate * enthusiasm)
    else:
        prob = np.full(state.n, min(1.0, rate))
    return eligible & (rng.random(state.n) < prob)


def join_probability(fit, weak_sharing, close_sharing, p_external, q_weak, q_close) -> np.ndarray:
    """Daily joining probability of outsiders (vectorised; pure).

    >>> join_probability(np.array([1.0]), np.array([0]), np.array([0]), 0.1, 0.5, 0.5)
    array([0.1])
    >>> float(join_probability(np.array([1.0]), np.array([1]), np.array([0]), 0.0, 0.5, 0.5)[0])
    0.5
    """
    stay_out = (1.0 - p_external) * (1.0 - q_weak) ** weak_sharing * (1.0 - q_close) ** close_sharing
    return fit * (1.0 - stay_out)


def pick_random_neighbor(csr, rows: np.ndarray, mask: np.ndarray, rng) -> np.ndarray:
    """For each row in `rows`, one uniformly chosen column j of `csr` with mask[j] (or -1)."""
    out = np.full(rows.size, -1, np.int64)
    if rows.size == 0:
        return out
    starts, ends = csr.indptr[rows], csr.indptr[rows + 1]
    lengths = ends - starts
    owner = np.repeat(np.arange(rows.size), lengths)
    idx = np.concatenate([csr.indices[s:e] for s, e in zip(starts, ends)]) if rows.size else np.empty(0, int)
    ok = mask[idx]
    owner, idx = owner[ok], idx[ok]
    if idx.size == 0:
        return out
    key = rng.random(idx.size)
    order = np.lexsort((key, owner))
    owner, idx = owner[order], idx[order]
    first = np.r_[True, owner[1:] != owner[:-1]]
    out[owner[first]] = idx[first]
    return out


def acquire(model, motivation, effects) -> tuple[np.ndarray, np.ndarray]:
    """Step 2. Returns (joiners, word_of_mouth) where word_of_mouth marks joins by a friend."""
    st, pop, params, rng = model.state, model.population, model.scenario, model.rng
    acq = params.acquisition
    sharing = sharing_members(st, motivation, params, effects, rng)
    model.today["sharers"] = int(sharing.sum())
    s = sharing.astype(float)
    close_k = pop.close @ s
    weak_k = pop.maintained @ s - close_k
    outsiders = st.status == OUTSIDER
    p_ext = min(1.0, acq.p_external * effects.external_boost)
    prob = join_probability(pop.topic_fit, weak_k, close_k, p_ext, acq.q_weak, acq.q_close)
    joiners = np.flatnonzero(outsiders & (rng.random(st.n) < prob))
    if joiners.size == 0:
        return joiners, np.zeros(0, bool)
    # Was the join caused by word of mouth? P(external only | join) = p_ext*fit / prob.
    p_ext_only = pop.topic_fit[joiners] * p_ext
    wom = (weak_k[joiners] + close_k[joiners] > 0) & (rng.random(joiners.size) * prob[joiners] >= p_ext_only)
    inviters = pick_random_neighbor(pop.maintained, joiners[wom], sharing, rng)
    credited = inviters[inviters >= 0]
    np.add.at(st.invites_made, credited, 1)
    young = credited[model.day - st.joined_day[credited] < 30]   # within the inviter's first cycle
    np.add.at(st.invites_first_cycle, young, 1)
    model.today["invite_credits"] = credited
    return joiners, wom
