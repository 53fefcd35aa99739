"""Acquisition: outsiders join by the external channel or by word of mouth along ties.

An outsider i joins today with probability
    fit_i * (1 - (1 - p_ext) * (1 - q_weak)^w_i * (1 - q_close)^c_i)
where w_i and c_i count i's weak and close maintained ties who are members sharing the
community today (Bass 1969 / Goldenberg et al. 2001). Only graph neighbours can invite. The
same sharing brings back members who went quiet (viral reactivation, Ribeiro 2014).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.population import gather_rows, reached_from
from sim.model.state import Array, Status
from sim.scenario.params import P

#: The `acquisition` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "p_external": P(0.00004, "float", "1/day", "Daily chance an outsider of full topic fit "
                    "joins through external channels (Bass innovation p).", 0, 1),
    "q_weak": P(0.05, "float", "1/day per friend", "Chance a sharing weak-tie friend brings "
                "an outsider in today (Bass imitation / Goldenberg b_w).", 0, 1),
    "q_close": P(0.15, "float", "1/day per friend", "Same for a sharing close friend "
                 "(Goldenberg b_s).", 0, 1),
    "share_rate": P(0.4, "float", "1/day", "Chance a fully motivated active member shares "
                    "the community with friends on a day.", 0, 1),
    "reactivation": P(1.0, "float", "x", "Sharing friends also bring back members who went "
                      "quiet (dormant or muted), at this multiple of the word-of-mouth rates "
                      "(viral reactivation, Ribeiro 2014); 0: off.", 0, 100),
    "share_requires_activity": P(True, "bool", "-", "Only members active today share "
                                 "(false: every member shares at share_rate, Bass check).")
}

STATE = {
    "recalled": Array(bool, False, "Brought back today by a sharing friend: active tomorrow (viral reactivation)."),
    "invites_made": Array(np.int32, 0, "Friends brought in by this member (word of mouth, credited)."),
    "invites_first_cycle": Array(np.int32, 0, "Of those, brought in during the member's first 30 days "
                                 "(viral coefficient K)."),
}


def sharing_members(state, params, effects, rng) -> np.ndarray:
    """Members who share the community today: active ones, more when motivated and it is new to them."""
    acq = params.acquisition
    rate = acq.share_rate * effects.share_boost * (1.0 + 0.5 * effects.attitude)
    eligible = state.member_mask()
    if acq.share_requires_activity:
        eligible = eligible & state.active
    idx = eligible.nonzero()[0]
    if acq.share_requires_activity:
        nov = params.motivation.novelty_floor + (1.0 - params.motivation.novelty_floor) * state.novelty.take(idx)
        prob = np.minimum(1.0, rate * state.motivation(effects, idx) * nov)
    else:
        prob = np.full(idx.size, min(1.0, rate))
    out = np.zeros(state.n, bool)
    out[idx.compress(rng.random(idx.size) < prob)] = True
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
    out = np.full(rows.size, -1, np.int64)
    if rows.size == 0:
        return out
    idx, owner = gather_rows(csr, rows)
    ok = mask.take(idx)
    owner, idx = owner.compress(ok), idx.compress(ok)
    if idx.size == 0:
        return out
    key = rng.random(idx.size)
    order = np.lexsort((key, owner))
    owner, idx = owner.take(order), idx.take(order)
    first = np.concatenate(([True], owner[1:] != owner[:-1]))
    out[owner.compress(first)] = idx.compress(first)
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


@dataclass(frozen=True)
class Joining:
    """Today's joiners (sorted), which of them came by word of mouth, and who gets the credit."""

    joiners: np.ndarray
    word_of_mouth: np.ndarray
    sharers: int
    invite_credits: np.ndarray  # inviting member of each word-of-mouth join that has one


def recall_quiet(day, cand: np.ndarray, sharing_friends: np.ndarray, close_sharing: np.ndarray) -> None:
    """Viral reactivation (Ribeiro 2014): sharing friends also bring back members who went quiet.

    A member who is dormant or muted and maintains ties to members sharing the community
    today comes back tomorrow with the word-of-mouth chance (times topic fit, times
    `reactivation`), unmuted. Marked in `recalled`; `activity` acts on it. `cand`: the members
    with a sharing friend (ascending); `sharing_friends`, `close_sharing`: how many of their
    maintained and close ties share today, aligned with `cand`.
    """
    st, acq, ch = day.state, day.scenario.acquisition, day.scenario.churn
    if not acq.reactivation or cand.size == 0:
        return
    quiet = st.muted.take(cand) | ((day.number - st.last_active_day.take(cand)) >= ch.dormant_after)
    cand = cand.compress(quiet)
    close = close_sharing.compress(quiet)
    weak = sharing_friends.compress(quiet) - close
    p = join_probability(day.population.topic_fit.take(cand), weak, close, 0.0,
                         min(1.0, acq.q_weak * acq.reactivation), min(1.0, acq.q_close * acq.reactivation))
    st.recalled[cand.compress(day.rng.random(cand.size) < p)] = True


def word_of_mouth_joins(day, sharing: np.ndarray, p_ext: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outsiders with a sharing friend: (joiners, joined by word of mouth), and all with a sharing friend.

    The last (ascending ids) tells `external_joins` whom the external channel no longer
    decides. Work follows the sharers' ties (`population.reached_from`), not the population.
    """
    st, pop, acq, rng = day.state, day.population, day.scenario.acquisition, day.rng
    # persons with a sharing friend: members among them may be recalled, outsiders may join
    touched, all_k, close_k = reached_from(pop, sharing.nonzero()[0])
    status = st.status.take(touched)
    member = status == Status.MEMBER
    recall_quiet(day, touched.compress(member), all_k.compress(member), close_k.compress(member))
    outsider = status == Status.OUTSIDER
    exposed = touched.compress(outsider)
    close_e = close_k.compress(outsider)
    weak_e = all_k.compress(outsider) - close_e
    fit = pop.topic_fit.take(exposed)
    prob = join_probability(fit, weak_e, close_e, p_ext, acq.q_weak, acq.q_close)
    joined_e = rng.random(exposed.size) < prob
    wom_e = joined_e & (rng.random(exposed.size) * prob >= fit * p_ext)
    return exposed.compress(joined_e), wom_e.compress(joined_e), touched


def external_joins(day, p_ext: float, reached: np.ndarray) -> np.ndarray:
    """Outsiders with no sharing friend (not in `reached`, ascending) who join externally (exact thinning)."""
    st, pop, rng = day.state, day.population, day.rng
    cand = external_candidates(st.n, p_ext * pop.max_fit, rng)
    if reached.size:
        at = np.minimum(np.searchsorted(reached, cand), reached.size - 1)
        unreached = reached.take(at) != cand
    else:
        unreached = np.ones(cand.size, bool)
    cand = cand.compress((st.status.take(cand) == Status.OUTSIDER) & unreached)
    keep = rng.random(cand.size) * pop.max_fit < pop.topic_fit.take(cand)
    return cand.compress(keep)


def credit_inviters(day, joiners: np.ndarray, wom: np.ndarray, sharing: np.ndarray) -> np.ndarray:
    """Credit one sharing friend per word-of-mouth joiner; count first-cycle invitations (K)."""
    st = day.state
    inviters = pick_random_neighbor(day.population.maintained, joiners.compress(wom), sharing, day.rng)
    credited = inviters.compress(inviters >= 0)
    np.add.at(st.invites_made, credited, 1)
    young = credited.compress(day.number - st.joined_day.take(credited) < 30)   # within the inviter's first cycle
    np.add.at(st.invites_first_cycle, young, 1)
    return credited


def step(day) -> Joining:
    """Who joins today, and through which channel.

    Work is proportional to today's sharers' ties plus the external draws, not to the
    population: outsiders with a sharing friend get the full joining probability; the rest
    can only join externally, drawn exactly by thinning (Bernoulli(p_ext * max fit), then
    kept with probability fit / max fit).
    """
    params, effects = day.scenario, day.effects
    sharing = sharing_members(day.state, params, effects, day.rng)
    p_ext = min(1.0, params.acquisition.p_external * effects.external_boost)
    joined_e, wom_e, reached = word_of_mouth_joins(day, sharing, p_ext)
    external = external_joins(day, p_ext, reached)
    joiners = np.concatenate([joined_e, external])
    wom = np.concatenate([wom_e, np.zeros(external.size, bool)])
    order = np.argsort(joiners, kind="stable")
    joiners, wom = joiners.take(order), wom.take(order)
    sharers = int(np.count_nonzero(sharing))
    if joiners.size == 0:
        return Joining(joiners, wom, sharers, np.zeros(0, np.int64))
    return Joining(joiners, wom, sharers, credit_inviters(day, joiners, wom, sharing))
