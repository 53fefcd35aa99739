"""Groups: where joiners go, platform caps, and mitosis at the Dunbar limit.

A joiner goes to the group holding most of its maintained friends (ties broken at random);
a full group (at `community.group_cap`) sends it to the fullest group that still has room, or a new one.
With the `split_groups` strategy, a group above the strategy's cap splits in two along its
friendship communities (Kernighan-Lin bisection), repeatedly until every group fits. A group
that shrinks below `community.group_floor` members is merged into the group that holds most
of its members' friends (or else the largest group with room), as operators fold dying
groups together; with no group that has room it lives on.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from sim.model.population import gather_rows, runs, seed_from
from sim.model.state import Array, Status, Value
from sim.scenario.params import P

#: The `groups` section of a scenario file (caps are `community.group_cap` and the split
#: strategy's `cap`; the floor is `community.group_floor`).
PARAMS: dict = {
    "by": P("friends", "str", "-", "How joiners are placed and new groups opened: 'friends' (the "
            "group holding most of one's friends; a new group only when every group is full) or "
            "'interest' (operators open a group for each sub-interest that gathers `open_at` "
            "members and invite them over; joiners go to their sub-interest's group, else to "
            "a general group as with 'friends'; a small group merges only within its "
            "sub-interest, a general group with a general one).",
            choices=("friends", "interest"), role="lever"),
    "subtopics": P(8, "int", "sub-interests", "Sub-interests within the community's topic "
                   "(used when `by` is 'interest').", 1, 10000),
    "open_at": P(50, "int", "members", "Operators open a group for a sub-interest once this many "
                  "members of general groups share it (groups.by 'interest').", 1, 10_000_000, role="lever"),
    "homophily": P(0.8, "float", "share", "Friends tend to share sub-interests (McPherson et al. "
                   "2001): in each of ten voter-model rounds, a person adopts a random friend's "
                   "sub-interest with this chance.", 0, 1),
}
STATE: dict = {    # groups live in the core state (`group`, `n_groups`)
    "subtopic": Array(np.int16, -1, "Sub-interest of each person (-1: not drawn; groups.by 'interest')."),
    "group_topic": Value(None, "Sub-interest of each group id (groups.by 'interest')."),
}


@dataclass(frozen=True)
class Splits:
    """Group splits and merges made tonight."""

    splits: int = 0
    merges: int = 0


def group_sizes(state) -> np.ndarray:
    """Members per group id (index = group id; empty groups are 0; members without a group, -1, not counted)."""
    return counts_by_group(state.group.take(state.member_ids()), state.n_groups)


def counts_by_group(g: np.ndarray, n_groups: int = 0) -> np.ndarray:
    """How many entries of `g` name each group id, at least `n_groups` long; -1 (no group) is not counted (pure).

    Counted with -1 shifted to a slot of its own and dropped, rather than filtered out first
    (a pass fewer; the same counts).

    >>> counts_by_group(np.array([2, -1, 0, 2]), 4).tolist()
    [1, 0, 2, 0]
    """
    try:
        return np.bincount(g + 1, minlength=n_groups + 1)[1:]
    except ValueError:  # an id below -1: count the non-negative ones only, as before
        g = g.compress(g >= 0)
        return np.bincount(g, minlength=n_groups) if g.size else np.zeros(n_groups, np.int64)


def preferred_groups(maintained, group, joiners: np.ndarray, rng) -> np.ndarray:
    """For each joiner, the group holding most of its maintained friends (-1 if none)."""
    out = np.full(joiners.size, -1, np.int64)
    if joiners.size == 0:
        return out
    friends, owner = gather_rows(maintained, joiners)
    if owner.size == 0:
        return out
    fg = group.take(friends)
    ok = fg >= 0
    owner, fg = owner.compress(ok), fg.compress(ok).astype(np.int64)
    if owner.size == 0:
        return out
    span = int(fg.max()) + 1
    key = np.sort(owner * span + fg)
    starts, counts = runs(key)  # np.unique(key, return_counts=True), without its Python layers
    uniq = key.take(starts)
    u_owner, u_group = uniq // span, uniq % span
    noise = rng.random(uniq.size) * 0.5  # random tie-break between equally popular groups
    order = np.lexsort((-(counts + noise), u_owner))
    u_owner, u_group = u_owner[order], u_group[order]
    first = np.concatenate(([True], u_owner[1:] != u_owner[:-1]))
    out[u_owner[first]] = u_group[first]
    return out


def draw_subtopics(maintained, k: int, homophily: float, rng) -> np.ndarray:
    """Each person's sub-interest, 0..k-1, shared among friends (homophily).

    Random labels, then ten voter-model rounds: everyone with a friend copies a random
    friend's label with chance `homophily` (simultaneously). Pure apart from `rng`.

    >>> import scipy.sparse as sp
    >>> ring = sp.csr_matrix(np.eye(6, k=1) + np.eye(6, k=-1))
    >>> draw_subtopics(ring, 3, 0.0, np.random.default_rng(0)).tolist()
    [2, 1, 1, 0, 0, 0]
    """
    n = maintained.shape[0]
    labels = rng.integers(0, k, n)
    deg = np.diff(maintained.indptr)
    has = (deg > 0).nonzero()[0]
    for _ in range(10):
        pick = maintained.indptr[has] + (rng.random(has.size) * deg[has]).astype(np.int64)
        copy = rng.random(has.size) < homophily
        new = labels.copy()
        new[has[copy]] = labels[maintained.indices[pick[copy]]]
        labels = new
    return labels.astype(np.int16)


def ensure_subtopics(state, population, scenario, rng) -> None:
    """Draw everyone's sub-interest once (groups.by 'interest'); groups start as general (-1)."""
    if state.group_topic is None:
        state.group_topic = np.full(max(state.n_groups, 1), -1, np.int64)
    if (state.subtopic < 0).any():
        gs = scenario.groups
        state.subtopic[:] = draw_subtopics(population.maintained, gs.subtopics, gs.homophily, rng)


def open_interest_groups(state, scenario) -> int:
    """Operators open a group for each sub-interest that has `open_at` members in general groups.

    Those members are invited over (moved); later joiners of that sub-interest go straight
    there. A sub-interest whose groups are all full gets another. Returns groups opened.
    """
    topics = state.group_topic
    members = (state.member_mask() & (state.group >= 0)).nonzero()[0]
    general = members[topics[np.minimum(state.group[members], topics.size - 1)] < 0]
    counts = np.bincount(state.subtopic[general], minlength=scenario.groups.subtopics)
    sizes = group_sizes(state)
    served = np.zeros(counts.size, bool)   # a sub-interest with a group that still has room
    open_topic = (topics[:sizes.size] >= 0) & (sizes[:topics.size] < scenario.community.group_cap)
    served[topics[:sizes.size][open_topic]] = True
    opened = 0
    cap = scenario.community.group_cap
    for t in ((counts >= scenario.groups.open_at) & ~served).nonzero()[0]:
        state.group[general[state.subtopic[general] == t][:cap]] = state.n_groups
        state.n_groups += 1
        state.group_topic = np.append(state.group_topic, t)
        opened += 1
    return opened


def place_joiners(day, joiners: np.ndarray) -> None:
    """Assign each joiner a group, respecting the platform cap (splitting may exceed it briefly)."""
    if joiners.size == 0:
        return
    if day.scenario.groups.by == "interest":
        place_by_interest(day, joiners)
    else:
        place_with_friends(day, joiners)


def place_with_friends(day, joiners: np.ndarray, general_only: bool = False) -> None:
    """The group holding most of a joiner's friends; a full group sends it to the fullest with room.

    `general_only`: groups of a sub-interest take no one else (groups.by 'interest').
    """
    st = day.state
    cap = day.scenario.community.group_cap
    soft = day.effects.split_cap is not None  # mitosis will fix oversize groups tonight
    sizes = group_sizes(st).astype(np.int64)
    closed = np.zeros(sizes.size, bool)
    group = st.group
    if general_only:
        closed = topics_of(st, sizes.size) >= 0
        group = np.where((st.group >= 0) & ~closed[st.group.clip(0, sizes.size - 1)], st.group, -1)
    pref = preferred_groups(day.population.maintained, group, joiners, day.rng)
    extra = max(16, sizes.size)  # room for new (general) groups
    sizes = np.concatenate([sizes, np.zeros(extra, np.int64)])
    closed = np.concatenate([closed, np.zeros(extra, bool)])
    n_groups = st.n_groups
    # The largest open group is cached: sizes only grow in this loop, so it changes only when
    # it fills up or another open group overtakes it (same choice as recomputing each time).
    # The loop reads a Python list (cheaper than numpy scalars, once per joiner) and keeps the
    # array in step for the occasional search.
    best = None  # None: not known; -1: no open group
    size = sizes.tolist()
    chosen = pref.tolist()
    for k, g in enumerate(chosen):
        if g < 0 or (size[g] >= cap and not soft):
            # no friend inside, or the friends' group is full: the largest group with room
            if best is None:
                live = sizes[:n_groups]
                open_groups = ((live > 0) & (live < cap) & ~closed[:n_groups]).nonzero()[0]
                best = int(open_groups[np.argmax(live[open_groups])]) if open_groups.size else -1
            if best >= 0:
                g = best
            else:
                g = n_groups
                n_groups += 1
                if n_groups >= sizes.size:
                    sizes = np.concatenate([sizes, np.zeros(sizes.size, np.int64)])
                    closed = np.concatenate([closed, np.zeros(closed.size, bool)])
                    size += [0] * (sizes.size - len(size))
            chosen[k] = g
        size[g] += 1
        sizes[g] += 1
        if best is not None:
            if g == best:
                if size[g] >= cap:
                    best = None
            elif size[g] < cap and not closed[g] and (
                    best < 0 or size[g] > size[best] or (size[g] == size[best] and g < best)):
                best = g
    st.group[joiners] = chosen
    st.n_groups = n_groups


def place_by_interest(day, joiners: np.ndarray) -> None:
    """Joiners go to a group of their sub-interest with room (fullest first, up to the cap); the rest as with 'friends'.

    Groups are created by interest (`open_interest_groups`), not only by overflow. A day's
    joiners fill the fullest group of their sub-interest to the cap (ties: the newest), then
    the next (until model version 16 they all went to one group, past the cap).
    """
    st, cap = day.state, day.scenario.community.group_cap
    ensure_subtopics(st, day.population, day.scenario, day.rng)
    topics = st.group_topic
    sizes = group_sizes(st)
    room = ((topics[:sizes.size] >= 0) & (sizes[:topics.size] < cap)).nonzero()[0]
    room = room[np.lexsort((-room, -sizes[room], topics[room]))]  # by sub-interest, fullest first, newest first
    room_topics = topics[room]
    wanted = st.subtopic[joiners]
    target = np.full(joiners.size, -1, np.int64)
    for t in np.unique(wanted.compress(np.isin(wanted, room_topics))):
        mine = (wanted == t).nonzero()[0]          # in the order they joined
        lo, hi = np.searchsorted(room_topics, [t, t + 1])
        filled = 0
        for g in room[lo:hi]:
            take = mine[filled:filled + int(cap - sizes[g])]
            target[take] = g
            filled += take.size
            if filled >= mine.size:
                break
    st.group[joiners[target >= 0]] = target[target >= 0]
    rest = joiners[target < 0]
    if rest.size:
        place_with_friends(day, rest, general_only=True)
    if st.n_groups > st.group_topic.size:
        st.group_topic = np.concatenate([st.group_topic, np.full(st.n_groups - st.group_topic.size, -1)])


def split_oversize(state, maintained, cap: int, rng) -> int:
    """Mitosis: split every group above `cap` along friendship lines. Returns splits made."""
    st = state
    splits = 0
    sizes = group_sizes(st)
    queue = [int(g) for g in (sizes > cap).nonzero()[0]]
    sym = maintained
    while queue:
        g = queue.pop()
        people = ((st.group == g) & (st.status == Status.MEMBER)).nonzero()[0]
        if people.size <= cap:
            continue
        sub = sym[people][:, people].astype(float)  # ties are stored as int8 1s
        graph = nx.from_scipy_sparse_array(sub + sub.T)
        part_a, _ = nx.algorithms.community.kernighan_lin_bisection(
            graph, max_iter=4, seed=seed_from(rng))
        idx = np.fromiter(part_a, dtype=np.int64)
        new = st.n_groups
        st.n_groups += 1
        st.group[people[idx]] = new
        if st.group_topic is not None:
            st.group_topic = np.append(st.group_topic, st.group_topic[g] if g < st.group_topic.size else -1)
        splits += 1
        queue.extend([g, new])
    return splits


def topics_of(state, n: int) -> np.ndarray:
    """The sub-interest of groups 0..n-1 (-1: general; groups opened since `group_topic` was extended are general).

    >>> class S: group_topic = np.array([-1, 2])
    >>> topics_of(S, 3).tolist()
    [-1, 2, -1]
    """
    topic = np.full(n, -1, np.int64)
    known = min(state.group_topic.size, n)
    topic[:known] = state.group_topic[:known]
    return topic


def merge_small(state, maintained, floor: int, cap: int, rng) -> int:
    """Fold every live group below `floor` members into another with room. Returns merges made.

    With interest groups a group folds only into one of the same sub-interest (general into general).
    """
    sizes = group_sizes(state).astype(np.int64)
    small = [int(g) for g in ((sizes > 0) & (sizes < floor)).nonzero()[0]]
    # groups.by 'interest': a group folds only into one of its own sub-interest, a general group
    # into a general one (until model version 17 a general group could fold into a sub-interest's
    # group, whose groups take no one else); merges change no group's topic
    topic = None if state.group_topic is None else topics_of(state, sizes.size)
    merges = 0
    for g in sorted(small, key=lambda x: (sizes[x], x)):
        people = ((state.group == g) & (state.status == Status.MEMBER)).nonzero()[0]
        if people.size == 0 or people.size >= floor:
            continue
        room = (sizes > 0) & (sizes + people.size <= cap)
        room[g] = False
        if topic is not None:
            room &= topic == topic[g]
        if not room.any():
            continue
        votes = np.zeros(sizes.size)
        elsewhere = state.group.copy()
        elsewhere[people] = -1  # friends inside the small group itself are no reason to stay
        pref = preferred_groups(maintained, elsewhere, people, rng)
        pref = pref[(pref >= 0) & (pref != g)]
        np.add.at(votes, pref, 1.0)
        votes[~room] = -1.0
        target = int(np.argmax(votes)) if votes.max() > 0 else int(room.nonzero()[0][np.argmax(sizes[room])])
        state.group[people] = target
        sizes[target] += people.size
        sizes[g] = 0
        merges += 1
    return merges


def step(day) -> Splits:
    """Tonight's mitosis (when a split strategy is in force), small groups merge, interest groups open."""
    if day.scenario.groups.by == "interest":
        ensure_subtopics(day.state, day.population, day.scenario, day.rng)
        open_interest_groups(day.state, day.scenario)
    cap = day.effects.split_cap
    if cap:  # the platform cap still holds: a split cap above it splits at the platform's
        cap = min(cap, day.scenario.community.group_cap)
    splits = split_oversize(day.state, day.population.maintained, cap, day.rng) if cap else 0
    floor = day.scenario.community.group_floor
    merges = merge_small(day.state, day.population.maintained, floor, cap or day.scenario.community.group_cap,
                         day.rng) if floor > 1 else 0
    return Splits(splits, merges)
