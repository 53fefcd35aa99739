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

from sim.model.population import seed_from
from sim.model.state import Status

PARAMS: dict = {}  # caps are `community.group_cap` and the split_groups strategy's `cap`
STATE: dict = {}   # groups live in the core state (`group`, `n_groups`)


@dataclass(frozen=True)
class Splits:
    """Group splits and merges made tonight."""

    splits: int = 0
    merges: int = 0


def group_sizes(state) -> np.ndarray:
    """Members per group id (index = group id; empty groups are 0)."""
    g = state.group[(state.status == Status.MEMBER) & (state.group >= 0)]
    return np.bincount(g, minlength=state.n_groups) if g.size else np.zeros(state.n_groups, int)


def preferred_groups(maintained, group, joiners: np.ndarray, rng) -> np.ndarray:
    """For each joiner, the group holding most of its maintained friends (-1 if none)."""
    out = np.full(joiners.size, -1, np.int64)
    if joiners.size == 0:
        return out
    from sim.model.population import gather_rows

    friends, owner = gather_rows(maintained, joiners)
    if owner.size == 0:
        return out
    fg = group[friends]
    ok = fg >= 0
    owner, fg = owner[ok], fg[ok].astype(np.int64)
    if owner.size == 0:
        return out
    key = owner * (int(fg.max()) + 1) + fg
    uniq, counts = np.unique(key, return_counts=True)
    u_owner, u_group = uniq // (int(fg.max()) + 1), uniq % (int(fg.max()) + 1)
    noise = rng.random(uniq.size) * 0.5  # random tie-break between equally popular groups
    order = np.lexsort((-(counts + noise), u_owner))
    u_owner, u_group = u_owner[order], u_group[order]
    first = np.r_[True, u_owner[1:] != u_owner[:-1]]
    out[u_owner[first]] = u_group[first]
    return out


def place_joiners(day, joiners: np.ndarray) -> None:
    """Assign each joiner a group, respecting the platform cap (splitting may exceed it briefly)."""
    st = day.state
    if joiners.size == 0:
        return
    cap = day.scenario.community.group_cap
    soft = day.effects.split_cap is not None  # mitosis will fix oversize groups tonight
    pref = preferred_groups(day.population.maintained, st.group, joiners, day.rng)
    sizes = group_sizes(st).astype(np.int64)
    sizes = np.concatenate([sizes, np.zeros(max(16, sizes.size), np.int64)])  # room for new groups
    n_groups = st.n_groups
    for k, person in enumerate(joiners):
        g = int(pref[k])
        if g < 0 or (sizes[g] >= cap and not soft):
            # no friend inside, or the friends' group is full: the largest group with room
            live = sizes[:n_groups]
            open_groups = np.flatnonzero((live > 0) & (live < cap))
            if open_groups.size:
                g = int(open_groups[np.argmax(live[open_groups])])
            else:
                g = n_groups
                n_groups += 1
                if n_groups >= sizes.size:
                    sizes = np.concatenate([sizes, np.zeros(sizes.size, np.int64)])
        st.group[person] = g
        sizes[g] += 1
    st.n_groups = n_groups


def split_oversize(state, maintained, cap: int, rng) -> int:
    """Mitosis: split every group above `cap` along friendship lines. Returns splits made."""
    st = state
    splits = 0
    sizes = group_sizes(st)
    queue = [int(g) for g in np.flatnonzero(sizes > cap)]
    sym = maintained
    while queue:
        g = queue.pop()
        people = np.flatnonzero((st.group == g) & (st.status == Status.MEMBER))
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
        splits += 1
        queue.extend([g, new])
    return splits


def merge_small(state, maintained, floor: int, cap: int, rng) -> int:
    """Fold every live group below `floor` members into another with room. Returns merges made."""
    sizes = group_sizes(state).astype(np.int64)
    small = [int(g) for g in np.flatnonzero((sizes > 0) & (sizes < floor))]
    merges = 0
    for g in sorted(small, key=lambda x: (sizes[x], x)):
        people = np.flatnonzero((state.group == g) & (state.status == Status.MEMBER))
        if people.size == 0 or people.size >= floor:
            continue
        room = (sizes > 0) & (sizes + people.size <= cap)
        room[g] = False
        if not room.any():
            continue
        votes = np.zeros(sizes.size)
        pref = preferred_groups(maintained, state.group, people, rng)
        pref = pref[(pref >= 0) & (pref != g)]
        np.add.at(votes, pref, 1.0)
        votes[~room] = -1.0
        target = int(np.argmax(votes)) if votes.max() > 0 else int(np.flatnonzero(room)[np.argmax(sizes[room])])
        state.group[people] = target
        sizes[target] += people.size
        sizes[g] = 0
        merges += 1
    return merges


def step(day) -> Splits:
    """Tonight's mitosis (when a split strategy is in force), then small groups merge."""
    cap = day.effects.split_cap
    splits = split_oversize(day.state, day.population.maintained, cap, day.rng) if cap else 0
    floor = day.scenario.community.group_floor
    merges = merge_small(day.state, day.population.maintained, floor, cap or day.scenario.community.group_cap,
                         day.rng) if floor > 1 else 0
    return Splits(splits, merges)
