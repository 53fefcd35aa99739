"""Groups: where joiners go, platform caps, and mitosis at the Dunbar limit.

A joiner goes to the group holding most of its maintained friends (ties broken at random);
a full group (at `community.group_cap`) sends it to the emptiest open group or a new one.
With the `split_groups` strategy, a group above the strategy's cap splits in two along its
friendship communities (Kernighan-Lin bisection), repeatedly until every group fits.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from sim.mechanics.state import MEMBER
from sim.population import seed_from


def group_sizes(state) -> np.ndarray:
    """Members per group id (index = group id; empty groups are 0)."""
    g = state.group[(state.status == MEMBER) & (state.group >= 0)]
    return np.bincount(g, minlength=state.n_groups) if g.size else np.zeros(state.n_groups, int)


def preferred_groups(maintained, group, joiners: np.ndarray, rng) -> np.ndarray:
    """For each joiner, the group holding most of its maintained friends (-1 if none)."""
    out = np.full(joiners.size, -1, np.int64)
    if joiners.size == 0:
        return out
    from sim.population import gather_rows

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


def place_joiners(model, joiners: np.ndarray, effects) -> None:
    """Assign each joiner a group, respecting the platform cap (splitting may exceed it briefly)."""
    st = model.state
    if joiners.size == 0:
        return
    cap = model.scenario.community.group_cap
    soft = effects.split_cap is not None  # mitosis will fix oversize groups tonight
    pref = preferred_groups(model.population.maintained, st.group, joiners, model.rng)
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


def split_oversize(model, cap: int) -> int:
    """Mitosis: split every group above `cap` along friendship lines. Returns splits made."""
    st = model.state
    splits = 0
    sizes = group_sizes(st)
    queue = [int(g) for g in np.flatnonzero(sizes > cap)]
    sym = model.population.maintained
    while queue:
        g = queue.pop()
        people = np.flatnonzero((st.group == g) & (st.status == MEMBER))
        if people.size <= cap:
            continue
        sub = sym[people][:, people]
        graph = nx.from_scipy_sparse_array(sub + sub.T)
        part_a, _ = nx.algorithms.community.kernighan_lin_bisection(
            graph, max_iter=4, seed=seed_from(model.rng))
        idx = np.fromiter(part_a, dtype=np.int64)
        new = st.n_groups
        st.n_groups += 1
        st.group[people[idx]] = new
        splits += 1
        queue.extend([g, new])
    return splits
