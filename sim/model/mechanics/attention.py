"""Attention and overload: what each active member reads today and what it is worth.

An active member reads at most its attention budget of its group's messages. Messages from
maintained ties are worth `friend_weight` times a stranger's (close ties `close_weight` more);
core posts and fermented prompts carry their own quality. With a random reading order the
value is proportional to the mix; a personalised feed reads the best buckets first. The
information read (core posts, fermented prompts, event content) is kept apart when
`motivation.information_need` asks for it. Members
also get to know up to `attention.acquaintances` fellow members by sight, over their first
weeks (`acquaintance_days`: a newcomer knows only its friends there), so in a group far
beyond the Dunbar limit most messages come from strangers, and the unread backlog
(overload) grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.population import row_runs
from sim.model.state import Array, Circle, Value
from sim.scenario.params import P

#: The `attention` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "overload_cost": P(0.12, "float", "interest/log-unit", "Interest target lost per log-unit "
                       "of unread backlog (messages beyond attention budget).", 0, 10),
    "acquaintances": P(120, "int", "members", "Group members one gets to know by sight "
                       "(Dunbar's ~150 less one's outside ties): in a larger group the "
                       "rest stay strangers.", 0, 100000),
    "acquaintance_days": P(30.0, "float", "days", "Time scale on which a member gets to know its "
                           "group by sight: a newcomer knows only its friends there.", 0.0001, 1e6),
    "stranger_cost": P(0.1, "float", "interest", "Interest target lost when every message "
                       "read comes from strangers (belonging).", 0, 10),
}

#: `value_prev` and `overloaded` are set for the day's readers only and cleared where they were
#: set (`read_last`): code that writes them for anyone else must set `state.read_last = None`,
#: which clears both arrays in full the next day.
STATE = {
    "value_prev": Array(float, 0.0, "Value read yesterday, in value_scale units (replies follow reads)."),
    "overloaded": Array(bool, False, "Today the member's group sent more than it could read."),
    "read_last": Value(None, "Persons who read on the last day (the only ones whose value_prev or "
                       "overloaded is set; None: reset everyone)."),
}


@dataclass
class Reading:
    """Per-person read-outs of one day (arrays over the readers' indices)."""

    readers: np.ndarray      # person ids of active members who read
    reads: np.ndarray        # messages read
    value: np.ndarray        # value read (quality units)
    stranger_share: np.ndarray
    backlog: np.ndarray      # messages in the group per message of budget
    friend_reads: np.ndarray
    #: everyone's messages received today from maintained ties in their own group (length n;
    #: None when not kept); `activity` reuses it for notifications instead of counting again
    friend_messages: np.ndarray | None = None
    #: information value read (core posts, fermented prompts, event content), per reader; None
    #: unless `motivation.information_need` asks for it (the information need saturates apart)
    information: np.ndarray | None = None


def acquaintances_known(tenure: np.ndarray, att) -> np.ndarray:
    """Fellow members one knows by sight after `tenure` days: up to `acquaintances`, learnt over time (pure).

    >>> from types import SimpleNamespace as NS
    >>> acquaintances_known(np.array([0, 30, 10_000]), NS(acquaintances=120, acquaintance_days=30.0)).round(1)
    array([  0. ,  75.9, 120. ])
    """
    return att.acquaintances * -np.expm1(-np.asarray(tenure, float) / att.acquaintance_days)


def friend_messages(followers, group, posts, senders: np.ndarray, n: int) -> np.ndarray:
    """Messages each person receives today from the ties it maintains, inside its own group.

    Works from the senders (few) through the transposed tie matrix `followers`, so the cost
    is the senders' ties, not the whole graph.
    """
    if senders.size == 0:
        return np.zeros(n)
    fol, lengths = row_runs(followers, senders)
    return np.bincount(fol, weights=in_group_posts(group, posts, senders, fol, lengths), minlength=n)


def in_group_posts(group, posts, senders: np.ndarray, fol: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """For each (sender, follower) pair of `row_runs`: the sender's posts if they share a group, else 0."""
    return posts.take(senders).astype(float).repeat(lengths) * (group.take(fol) == group.take(senders).repeat(lengths))


def friend_messages_both(pop, group, posts, senders: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """`friend_messages` from all maintained ties and from close ones, in one pass when it can.

    With `pop.close_flag` the close count takes the followers' entries flagged close (the
    others add 0): the same numbers as two calls, since messages are whole numbers.
    """
    if pop.close_flag is None or senders.size == 0:
        return (friend_messages(pop.followers, group, posts, senders, n),
                friend_messages(pop.close_followers, group, posts, senders, n))
    fol, lengths, at = row_runs(pop.followers, senders, positions=True)
    w = in_group_posts(group, posts, senders, fol, lengths)
    return np.bincount(fol, weights=w, minlength=n), np.bincount(fol, weights=w * pop.close_flag.take(at), minlength=n)


def greedy_read(reads: np.ndarray, counts: list[np.ndarray], qualities: list[float], first: tuple = ()):
    """Read `reads` messages best-first from buckets of given counts and qualities.

    Returns (value read, messages taken from each bucket). Buckets of equal quality are read
    in a fixed order; those in `first` (bucket indices) come before the others of their quality.

    >>> value, taken = greedy_read(np.array([3.0]), [np.array([2.0]), np.array([5.0])], [1.0, 0.5])
    >>> value, [t.tolist() for t in taken]
    (array([2.5]), [[2.0], [1.0]])
    >>> two = [np.array([2.0]), np.array([2.0])]
    >>> [t.tolist() for t in greedy_read(np.array([2.0]), two, [1.0, 1.0], first=(1,))[1]]
    [[0.0], [2.0]]
    """
    left = reads.astype(float).copy()
    value = np.zeros_like(left)
    taken = [None] * len(counts)
    order = np.argsort(qualities)[::-1]
    if first:  # stable: among equals, the `first` buckets, then the rest in the usual order
        order = sorted(order, key=lambda b: (-qualities[b], b not in first))
    for b in order:
        take = np.minimum(left, counts[b])
        value += take * qualities[b]
        left -= take
        taken[b] = take
    return value, taken


def reset_last_readers(st) -> None:
    """Clear the last day's value read and overload: only the last readers have any."""
    if st.read_last is None:
        st.value_prev[:] = 0.0
        st.overloaded[:] = False
    else:
        st.value_prev[st.read_last] = 0.0
        st.overloaded[st.read_last] = False


def step(day) -> Reading:
    """Reads, value, stranger share and backlog for every active non-staff member."""
    st, pop, sc, effects, content = day.state, day.population, day.scenario, day.effects, day.content
    c = sc.content
    # the active non-staff members content saw: nothing changes status or activity in between
    readers = content.present if content.present is not None else (
        st.active & st.member_mask() & (st.circle != Circle.ORGANIZER)).nonzero()[0]
    g = st.group.take(readers)
    total = content.broadcast.take(g)  # organizer replies go to their poster, not to every reader
    budget = pop.attention.take(readers)
    reads = np.minimum(budget, total)
    posts = st.posts_today  # friend_messages takes the senders' counts as floats
    senders = content.senders
    friend_all, close_all = friend_messages_both(pop, st.group, posts, senders, st.n)
    friend = friend_all.take(readers)
    close = close_all.take(readers)
    weak = np.maximum(friend - close, 0.0)
    others = np.maximum(content.member_msgs.take(g) - friend, 0.0)
    # familiarity: one comes to know up to `acquaintances` fellow members by sight; in a group
    # beyond that (the Dunbar limit) the rest stay strangers
    sizes = content.sizes.astype(float)
    known = acquaintances_known(day.number - st.joined_day.take(readers), sc.attention)
    familiar = np.minimum(1.0, known / np.maximum(sizes.take(g) - 1.0, 1.0))
    weak = weak + familiar * others
    strangers = (1.0 - familiar) * others
    q = effects.quality * (1.0 + effects.attitude)
    qm = c.member_quality
    buckets = [content.core_posts.take(g), close, content.prompts.take(g) + content.event_msgs.take(g), weak,
               strangers, content.promos.take(g)]
    quals = [c.core_quality * q, qm * c.friend_weight * c.close_weight, c.ferment_quality * q,
             qm * c.friend_weight, qm, 0.0]
    information = None
    if effects.personalized_feed:
        # with an information need, a core post or prompt is read before chatter of the same value
        value, taken = greedy_read(reads, buckets, quals, first=(0, 2) if sc.motivation.information_need else ())
        friend_reads = taken[1] + taken[3]  # close and weak ties (incl. acquaintances)
        stranger_reads = taken[4]
        if sc.motivation.information_need:
            information = taken[0] * quals[0] + taken[2] * quals[2]
    else:
        share = np.divide(reads, total, out=np.zeros(reads.shape, reads.dtype), where=total > 0)
        value = share * sum(b * qv for b, qv in zip(buckets, quals))
        friend_reads = share * (close + weak)
        stranger_reads = share * strangers
        if sc.motivation.information_need:
            information = share * (buckets[0] * quals[0] + buckets[2] * quals[2])
    social = friend_reads + stranger_reads
    stranger_share = np.divide(stranger_reads, social, out=np.zeros(social.shape, social.dtype), where=social > 0)
    backlog = np.divide(total, budget)
    reset_last_readers(st)
    st.value_prev[readers] = value / sc.motivation.value_scale
    st.overloaded[readers] = total > budget
    st.read_last = readers
    return Reading(readers, reads, value, stranger_share, backlog, friend_reads, friend_all, information)
