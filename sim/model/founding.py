"""Launch: the community section (who runs the community, its caps) and day 0.

On day 0 the organizers (operations staff), the core experts (best topic fit) and the founding
members (friends of the core, or a share of the population) join, all in group 0 upward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.scenario.params import P

#: The `community` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "organizers": P(3, "int", "persons", "Operations staff (organizer circle) at launch.", 0, 100000, role="lever"),
    "organizers_per_1000": P(1.0, "float", "persons per 1000 members", "Staffing policy: the "
                             "team grows to this many organizers per 1,000 members (never "
                             "below `organizers`); hired staff work in the back office, off "
                             "the social graph.", 0, 1000, role="lever"),
    "organizer_hours": P(6.0, "float", "hours/day", "Working hours each organizer gives the "
                         "community per day.", 0, 24, role="lever"),
    "staff_hour_cost": P(0.0, "float", "currency/hour", "What an organizer-hour costs, in every "
                         "design: spend counts organizers on duty (hires included) x organizer_hours "
                         "x the operating mode's hours multiplier (0: staff are not costed, in any "
                         "design).", 0, 1e9),
    "hours_per_group": P(0.5, "float", "hours/day", "Organizer overhead of keeping one group "
                         "running (moderation, announcements).", 0, 24),
    "core_seeds": P(5, "int", "persons", "Experts in the core circle at launch.", 0, 100000, role="lever"),
    "core_capacity": P(40, "int", "persons", "Most core members the community can host "
                       "(KOC promotion stops there).", 0, 10_000_000, role="lever"),
    "seed_members": P(30, "int", "persons", "Founding diffusion members (friends of the core "
                      "at launch).", 0, 10_000_000, role="lever"),
    "seed_fraction": P(0.0, "float", "share", "If above 0, this share of the whole population "
                       "are members at launch instead of seed_members.", 0, 1, role="lever"),
    "group_cap": P(500, "int", "members", "Most members one group may hold: the platform's cap "
                   "(WeChat: 500) or a lower one its operators keep (a lever). A full group sends joiners "
                   "to another group or opens a new one.", 2, 10_000_000, role="lever"),
    "group_floor": P(10, "int", "members", "A group that shrinks below this many members is "
                     "merged into another with room (0 or 1: never).", 0, 10_000_000, role="lever"),
    "max_messages_per_group": P(1000.0, "float", "messages/day", "Conversation floor: a "
                                "group's daily member messages saturate at this level whatever "
                                "its size (Jones et al. 2008); core posts, prompts, organizer "
                                "replies and event messages come on top.", 1, 1e7),
}


def founder_problems(community, persons: int, where: str,
                     seed_members_written: bool = True) -> list[tuple[str, str]]:
    """[(key, message)] for founders who do not fit `persons` people (pure); `where` names them.

    Organizers and core experts beyond the persons, and, without `seed_fraction`, founding
    members beyond what is left: one rule for generated, named and file graphs (validation and
    `check_fits` both use it). When organizers and core alone do not fit and no document wrote
    `seed_members`, the default founding members are not a second problem.

    >>> from types import SimpleNamespace as NS
    >>> [k for k, _ in founder_problems(NS(organizers=3, core_seeds=5, seed_members=30, seed_fraction=0.0),
    ...                                  34, "the 34 persons of the karate_club graph")]
    ['community.seed_members']
    """
    c = community
    founders = c.organizers + c.core_seeds
    out = []
    if founders > persons:
        out.append(("community", f"organizers + core_seeds ({founders}) exceed {where}"))
    if c.seed_fraction == 0 and founders + c.seed_members > persons and (seed_members_written or not out):
        out.append(("community.seed_members", f"{c.seed_members} founding members plus {founders} organizers and "
                    f"core exceed {where}"))
    return out


def check_fits(scenario, persons: int) -> None:
    """Raise `ScenarioError` if the founders (organizers, core, founding members) outnumber the graph's persons.

    Validation checks generated and named graphs up front; a file or user graph is only
    counted once read, so the model checks it here, before day 0.
    """
    at = getattr(scenario, "founders_at", None) or {}  # where the counts were written, if known
    problems = founder_problems(scenario.community, persons, f"the {persons} persons of the graph",
                                seed_members_written="community.seed_members" in at)
    if problems:
        from sim.scenario.loader import Problem, ScenarioError

        graph_at = getattr(scenario, "graph_file_at", None)
        own = (scenario.path, "--set")

        def where(key: str) -> tuple:
            """Where to blame `key`: the scenario's own line or a --set first, then the graph file's, then a base's."""
            keys = ("community.organizers", "community.core_seeds") if key == "community" else (key,)
            return (next((at[k] for k in keys if k in at and at[k][0] in own), None) or graph_at
                    or next((at[k] for k in keys if k in at), None) or (scenario.path or "<scenario>", None))

        raise ScenarioError([Problem(*where(key), key, message) for key, message in problems])


def first_by(key: np.ndarray, k: int) -> np.ndarray:
    """The first `k` positions of `np.argsort(key, kind="stable")`, without sorting everyone (pure).

    A partition finds the k-th smallest key; only the keys up to it (ties included) are sorted.

    >>> first_by(np.array([0.5, 0.1, 0.9, 0.1, 0.3]), 3).tolist()
    [1, 3, 4]
    """
    if k <= 0:
        return np.zeros(0, np.int64)
    if k >= key.size or np.isnan(key).any():
        return np.argsort(key, kind="stable")[:k]
    kth = np.partition(key, k - 1)[k - 1]
    near = np.flatnonzero(key <= kth)  # every one of the first k, in position order
    return near.take(np.argsort(key.take(near), kind="stable")[:k])


def pick_founders(population, community, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(organizers, core experts, founding members) of day 0.

    Organizers are drawn at random; the core experts are the best topic fit among the rest;
    founding members are friends of the core (or a random share of everyone when
    `seed_fraction` is set), topped up at random when the core has too few friends.
    """
    n = population.n
    order = rng.permutation(n)
    n_org = min(community.organizers, n)
    organizers = order[:n_org]
    rest = order[n_org:]
    n_core = min(community.core_seeds, rest.size)
    core = rest.take(first_by(-population.topic_fit.take(rest), n_core))
    taken = np.zeros(n, bool)
    taken[organizers] = taken[core] = True
    if community.seed_fraction > 0:
        pool = np.flatnonzero(~taken)
        k = int(round(community.seed_fraction * n)) - n_org - n_core
        return organizers, core, pool[rng.permutation(pool.size)[:max(k, 0)]]
    neigh = (np.unique(np.concatenate([population.friends(i) for i in core])) if n_core
             else np.zeros(0, int))
    neigh = neigh[~taken[neigh]]
    neigh = neigh[rng.permutation(neigh.size)][:community.seed_members]
    short = community.seed_members - neigh.size
    if short > 0:
        mask = ~taken
        mask[neigh] = False
        pool = np.flatnonzero(mask)
        neigh = np.concatenate([neigh, pool[rng.permutation(pool.size)[:short]]])
    return organizers, core, neigh


def found(state, population, scenario, rng) -> np.ndarray:
    """Day 0: organizers, core experts and founding members join, groups filled in order.

    Returns the founders (organizers, core, founding members).
    """
    from sim.model.state import Circle, Status

    st, community = state, scenario.community
    organizers, core, seeds = pick_founders(population, community, rng)
    founders = np.concatenate([organizers, core, seeds]).astype(np.int64)
    st.set_status(founders, Status.MEMBER)
    st.circle[organizers] = Circle.ORGANIZER
    st.circle[core] = Circle.CORE
    st.circle[seeds] = Circle.DIFFUSION
    from sim.model.mechanics.newcomers import starting_interest

    # founding members differ as joiners do (topic fit, chance); staff and experts are keen
    st.interest[seeds] = starting_interest(population.topic_fit[seeds], population.mean_fit,
                                           scenario.motivation.initial_interest, scenario.newcomers, rng)
    st.interest[organizers] = 1.0
    st.interest[core] = max(scenario.motivation.initial_interest, 0.8)
    # founders came with expectations too, but they are the launch team, not on trial
    st.expected[founders] = st.interest[founders]
    st.founder[founders] = True
    st.novelty[founders] = 1.0
    st.joined_day[founders] = 0
    st.last_active_day[founders] = 0
    st.active[founders] = True
    st.habit[founders] = 1.0
    cap = community.group_cap
    st.group[founders] = np.arange(founders.size) // cap
    st.n_groups = max(1, int(np.ceil(founders.size / cap)))
    return founders
