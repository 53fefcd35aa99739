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
    idx = np.flatnonzero(eligible)
    if acq.share_requires_activity:
        nov = params.motivation.novelty_floor + (1.0 - params.motivation.novelty_floor) * state.novelty[idx]
        prob = np.minimum(1.0, rate * motivation[idx] * nov)
    else:
        prob = np.full(idx.size, min(1.0, rate))
    out = np.zeros(state.n, bool)
    out[idx[rng.random(idx.size) < prob]] = True
    return out


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
    from sim.population import gather_rows

    out = np.full(rows.size, -1, np.int64)
    if rows.size == 0:
        return out
    idx, owner = gather_rows(csr, rows)
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


def external_candidates(n: int, p_max: float, rng) -> np.ndarray:
    """Persons drawn independently with probability p_max each (exact, O(draws)).

    The number of successes of n Bernoulli(p_max) trials is Binomial(n, p_max) and, given the
    number, the successful persons are a uniform random subset.
    """
    if p_max <= 0 or n == 0:
        return np.zeros(0, np.int64)
    k = int(rng.binomial(n, min(p_max, 1.0)))
    return np.sort(rng.choice(n, size=k, replace=False)).astype(np.int64) if k else np.zeros(0, np.int64)


def acquire(model, motivation, effects) -> tuple[np.ndarray, np.ndarray]:
    """Step 2. Returns (joiners, word_of_mouth) where word_of_mouth marks joins by a friend.

    Work is proportional to today's sharers' ties plus the external draws, not to the
    population: outsiders with a sharing friend get the full joining probability; the rest
    can only join externally, drawn exactly by thinning (Bernoulli(p_ext * max fit), then
    kept with probability fit / max fit).
    """
    from sim.population import count_from

    st, pop, params, rng = model.state, model.population, model.scenario, model.rng
    acq = params.acquisition
    n = st.n
    sharing = sharing_members(st, motivation, params, effects, rng)
    sharers = np.flatnonzero(sharing)
    model.today["sharers"] = int(sharers.size)
    p_ext = min(1.0, acq.p_external * effects.external_boost)
    outsider = st.status == OUTSIDER

    all_k = count_from(pop.followers, sharers, n) if sharers.size else np.zeros(n, np.int64)
    close_k = count_from(pop.close_followers, sharers, n) if sharers.size else np.zeros(n, np.int64)
    exposed = np.flatnonzero((all_k > 0) & outsider)
    weak_e, close_e = all_k[exposed] - close_k[exposed], close_k[exposed]
    prob = join_probability(pop.topic_fit[exposed], weak_e, close_e, p_ext, acq.q_weak, acq.q_close)
    joined_e = rng.random(exposed.size) < prob
    wom_e = joined_e & (rng.random(exposed.size) * prob >= pop.topic_fit[exposed] * p_ext)

    cand = external_candidates(n, p_ext * pop.max_fit, rng)
    cand = cand[outsider[cand] & (all_k[cand] == 0)]
    keep = rng.random(cand.size) * pop.max_fit < pop.topic_fit[cand]
    external = cand[keep]

    joiners = np.concatenate([exposed[joined_e], external])
    wom = np.concatenate([wom_e[joined_e], np.zeros(external.size, bool)])
    order = np.argsort(joiners, kind="stable")
    joiners, wom = joiners[order], wom[order]
    if joiners.size == 0:
        return joiners, wom
    inviters = pick_random_neighbor(pop.maintained, joiners[wom], sharing, rng)
    credited = inviters[inviters >= 0]
    np.add.at(st.invites_made, credited, 1)
    young = credited[model.day - st.joined_day[credited] < 30]   # within the inviter's first cycle
    np.add.at(st.invites_first_cycle, young, 1)
    model.today["invite_credits"] = credited
    return joiners, wom
