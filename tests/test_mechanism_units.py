"""Unit tests of each daily mechanism on a hand-built State, Population and Day.

No CommunityModel is built: `setup()` allocates a `State`, builds a small `Population` from a
networkx graph, fills in members, circles, groups and activity, and wraps them in a `Day`.
Where a step reads an earlier mechanism's result it is put into `day.results` by hand.
Stochastic checks use probabilities 0/1 (certain outcomes) or binomial/Poisson standard
errors (4 sigma bands, fixed seeds).
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import pytest

from sim.model import state as state_module
from sim.model.day import Day
from sim.model.mechanics import (
    MECHANISM_MODULES,
    acquisition,
    attention,
    churn,
    content,
    events,
    groups,
    motivation,
    newcomers,
    rewards,
)
from sim.model.population import build_population
from sim.model.state import Array, Circle, State, Status, declarations
from sim.model.strategies import Effects, Event, InviteReward, KocRound
from sim.readouts import recorder
from sim.scenario import default_scenario, scenario_from_dict


# ------------------------------------------------------------------------------------------
# helper
# ------------------------------------------------------------------------------------------
class Setup(NamedTuple):
    st: State
    pop: Any
    sc: Any
    day: Day


def mask(n: int, who) -> np.ndarray:
    """Boolean mask over n persons from ids (or a mask)."""
    out = np.zeros(n, bool)
    if who is None:
        return out
    who = np.asarray(who)
    if who.dtype == bool:
        out[:] = who
    elif who.size:
        out[who.astype(np.int64)] = True
    return out


def setup(graph, overrides=(), *, members=None, organizers=(), core=(), left=(), groups=None,
          active=None, interest=1.0, novelty=1.0, number=10, last_active=None, effects=None,
          strategies=(), seed=0, fit=None, attention_budget=None, propensity=None) -> Setup:
    """(state, population, scenario, day) for a hand-chosen community on `graph`.

    members: ids (default: everyone not in `left`); organizers/core: circles among them;
    groups: length-n group ids (default all in group 0); active: ids (default all members);
    last_active: last active day of inactive members (default yesterday). Traits `fit`,
    `attention_budget`, `propensity` overwrite the drawn population traits (scalar or array).
    """
    sc = default_scenario().with_overrides(list(overrides))
    pop = build_population(sc.population, np.random.default_rng(seed), graph=graph)
    n = pop.n
    if fit is not None:
        pop.topic_fit = np.broadcast_to(np.asarray(fit, float), (n,)).copy()
        pop.max_fit = float(pop.topic_fit.max())
    if attention_budget is not None:
        pop.attention = np.broadcast_to(np.asarray(attention_budget, float), (n,)).copy()
    if propensity is not None:
        pop.propensity = np.broadcast_to(np.asarray(propensity, float), (n,)).copy()
    st = State(n)
    gone = mask(n, left)
    mem = (~gone if members is None else mask(n, members)) & ~gone
    st.status[mem] = Status.MEMBER
    st.status[gone] = Status.LEFT
    st.left_day[gone] = number - 1
    st.circle[mask(n, core) & mem] = Circle.CORE
    st.circle[mask(n, organizers) & mem] = Circle.ORGANIZER
    g = np.zeros(n, np.int32) if groups is None else np.asarray(groups, np.int32)
    st.group[mem] = g[mem]
    st.n_groups = int(st.group.max()) + 1 if mem.any() else 0
    act = mem.copy() if active is None else mask(n, active) & mem
    st.active[:] = act
    st.joined_day[mem | gone] = 0
    last = number - 1 if last_active is None else last_active
    st.last_active_day[mem] = np.broadcast_to(np.asarray(last, np.int32), (n,))[mem]
    st.last_active_day[act] = number
    st.interest[mem] = np.broadcast_to(np.asarray(interest, float), (n,))[mem]
    st.novelty[mem] = np.broadcast_to(np.asarray(novelty, float), (n,))[mem]
    day = Day(number, st, pop, sc, np.random.default_rng(seed + 1000),
              effects if effects is not None else Effects(), tuple(strategies))
    return Setup(st, pop, sc, day)


def within(observed: float, expected: float, sd: float, k: float = 4.0) -> bool:
    return abs(observed - expected) <= k * sd


def no_reading() -> attention.Reading:
    z = np.zeros(0)
    return attention.Reading(np.zeros(0, np.int64), z, z, z, z, z)


# ------------------------------------------------------------------------------------------
# state
# ------------------------------------------------------------------------------------------
def test_state_allocates_every_declaration_with_its_dtype_and_fill():
    decl = declarations()
    owners = [state_module.STATE, *[m.STATE for m in MECHANISM_MODULES], recorder.STATE]
    assert len(decl) == sum(len(o) for o in owners)  # every name has one owner
    for owned in owners:
        assert set(owned) <= set(decl)
    st = State(7)
    for name, spec in decl.items():
        value = getattr(st, name)
        if isinstance(spec, Array):
            assert isinstance(value, np.ndarray), name
            assert value.shape == (7,) and value.dtype == np.dtype(spec.dtype), name
            assert (value == spec.fill).all(), name
        else:
            assert value == spec.default, name
    other = State(7)  # arrays are per state, not shared
    other.status[0] = Status.MEMBER
    assert st.status[0] == Status.OUTSIDER and not st.members.any() and other.members[0]


def test_a_name_declared_twice_is_caught(monkeypatch):
    monkeypatch.setitem(churn.STATE, "interest", Array(float, 0.0, "duplicate of motivation's"))
    with pytest.raises(ValueError, match="'interest' declared twice.*churn"):
        declarations()
    with pytest.raises(ValueError):
        State(3)


# ------------------------------------------------------------------------------------------
# events
# ------------------------------------------------------------------------------------------
def test_event_wakes_dormant_members_who_notice_and_spares_organizers():
    g = nx.karate_club_graph()
    n = g.number_of_nodes()
    interest = np.where(np.arange(n) % 2 == 0, 0.2, 0.9)
    s = setup(g, ["population.topic_fit_fixed=0.5"], members=range(0, 29), left=[29],
              organizers=[0, 1], active=[], interest=interest, novelty=0.0, number=50,
              last_active=-100)  # everyone dormant (50 - -100 >= 30)
    st = s.st
    before = {k: getattr(st, k).copy() for k in ("interest", "novelty", "active", "last_active_day")}
    # reach 1 x fit 0.5 x 2 = certain notice; wake 1 = every dormant noticer wakes
    s.day.effects.events = (Event("meetup", reach=1.0, boost=0.3, novelty=0.4, wake=1.0,
                                  messages=0.0, hours=0.0),)
    out = events.step(s.day)
    attendees = np.arange(2, 29)
    woken = np.flatnonzero(st.active & ~before["active"])
    assert out.attendees == attendees.size == woken.size
    assert woken.tolist() == attendees.tolist()
    assert (st.last_active_day[attendees] == 50).all()
    assert np.allclose(st.interest[attendees], np.minimum(1.0, before["interest"][attendees] + 0.3))
    assert st.interest.max() <= 1.0 and (st.interest[attendees] == 1.0).any()
    assert np.allclose(st.novelty[attendees], 0.4)
    untouched = np.r_[0, 1, 29:n]  # organizers, the left and outsiders
    for k, v in before.items():
        assert (getattr(st, k)[untouched] == v[untouched]).all(), k


def test_event_reaches_members_not_dormant_and_wakes_dormant_at_the_wake_chance():
    n = 4000
    dormant = np.arange(n) >= n // 4                # a quarter were seen 5 days ago
    last = np.where(dormant, 0, 95)
    # wake 0, certain notice: exactly the members who are not dormant attend
    s = setup(nx.empty_graph(n), ["population.topic_fit_fixed=0.5"], active=[], number=100,
              last_active=last, interest=0.5)
    s.day.effects.events = (Event("online", 1.0, 0.1, 0.0, wake=0.0, messages=0.0, hours=0.0),)
    assert events.step(s.day).attendees == n // 4
    assert (s.st.active == ~dormant).all()
    assert np.allclose(s.st.interest[~dormant], 0.6) and np.allclose(s.st.interest[dormant], 0.5)
    # notice = 0.2 x 0.5 x 2 = 0.2; dormant noticers wake with 0.5: attendance 0.2 and 0.1
    s = setup(nx.empty_graph(n), ["population.topic_fit_fixed=0.5"], active=[], number=100,
              last_active=last, seed=1)
    s.day.effects.events = (Event("online", 0.2, 0.0, 0.0, wake=0.5, messages=0.0, hours=0.0),)
    out = events.step(s.day)
    assert out.attendees == int(s.st.active.sum())
    for sel, p in ((~dormant, 0.2), (dormant, 0.1)):
        k = int(sel.sum())
        assert within(s.st.active[sel].sum(), k * p, math.sqrt(k * p * (1 - p)))
    assert events.step(Day(1, s.st, s.pop, s.sc, np.random.default_rng(0), Effects())).attendees == 0


# ------------------------------------------------------------------------------------------
# acquisition
# ------------------------------------------------------------------------------------------
SURE_SHARING = ["acquisition.p_external=0", "acquisition.q_weak=1", "acquisition.q_close=1",
                "acquisition.share_rate=1", "population.topic_fit_fixed=1"]


def test_word_of_mouth_joiners_are_exactly_outsiders_maintaining_a_tie_to_a_sharer():
    g = nx.disjoint_union(nx.karate_club_graph(), nx.path_graph(10))  # 34..43: no members
    sharers = [0, 33]
    s = setup(g, SURE_SHARING + ["population.dunbar_limit=2"], members=[0, 5, 16, 33],
              active=sharers, number=100)
    st, pop = s.st, s.pop
    st.joined_day[0], st.joined_day[33] = 95, 10   # 0 is in its first 30 days, 33 is not
    out = acquisition.step(s.day)
    maintained = pop.maintained.toarray() > 0
    outsider = st.status == Status.OUTSIDER
    expected = np.flatnonzero(outsider & maintained[:, sharers].any(axis=1))
    graph_neighbours = set(nx.node_boundary(g, sharers)) - {5, 16}
    assert set(expected) < graph_neighbours   # the Dunbar limit matters on this graph
    assert out.joiners.tolist() == expected.tolist()
    assert out.word_of_mouth.all() and out.sharers == 2
    assert out.invite_credits.size == out.joiners.size
    assert set(out.invite_credits) <= set(sharers)
    assert maintained[out.joiners, out.invite_credits].all()   # credit goes along a maintained tie
    assert st.invites_made[sharers].sum() == out.joiners.size and st.invites_made.sum() == out.joiners.size
    assert st.invites_first_cycle[0] == st.invites_made[0] and st.invites_first_cycle[33] == 0


def test_nobody_joins_without_active_sharers_and_an_external_channel():
    g = nx.karate_club_graph()
    s = setup(g, SURE_SHARING, members=[0, 5, 16, 33], active=[])
    out = acquisition.step(s.day)
    assert out.joiners.size == 0 and out.sharers == 0 and out.invite_credits.size == 0
    # the same members share when sharing does not require activity (so the check above can fail)
    s = setup(g, SURE_SHARING + ["acquisition.share_requires_activity=false"],
              members=[0, 5, 16, 33], active=[])
    out = acquisition.step(s.day)
    assert out.sharers == 4 and out.joiners.size > 0


@pytest.mark.parametrize("close_ties, rate", [(0, 0.1), (1, 0.4)])
def test_one_sharing_friend_brings_an_outsider_in_at_q_weak_or_q_close(close_ties, rate):
    n = 3000
    s = setup(nx.star_graph(n), ["acquisition.p_external=0", "acquisition.q_weak=0.1",
                                 "acquisition.q_close=0.4", "acquisition.share_rate=1",
                                 "population.topic_fit_fixed=1", f"population.close_ties={close_ties}"],
              members=[0])
    out = acquisition.step(s.day)
    # every leaf maintains its one tie (to the hub), whatever the hub's own Dunbar limit
    assert within(out.joiners.size, n * rate, math.sqrt(n * rate * (1 - rate)))
    assert (out.invite_credits == 0).all() and s.st.invites_made[0] == out.joiners.size


def test_external_channel_joins_outsiders_at_p_external_times_fit():
    n, p_ext = 6000, 0.3
    status = np.arange(n) % 6
    s = setup(nx.empty_graph(n), [f"acquisition.p_external={p_ext}"],
              members=np.flatnonzero(status == 1), left=np.flatnonzero(status == 2))
    fit = s.pop.topic_fit
    outsiders = s.st.status == Status.OUTSIDER
    out = acquisition.step(s.day)
    p = p_ext * fit[outsiders]
    assert within(out.joiners.size, p.sum(), math.sqrt((p * (1 - p)).sum()))
    assert (s.st.status[out.joiners] == Status.OUTSIDER).all()
    assert not out.word_of_mouth.any() and out.invite_credits.size == 0
    # better-fitting outsiders join more often
    assert fit[out.joiners].mean() > fit[outsiders].mean()


# ------------------------------------------------------------------------------------------
# newcomers
# ------------------------------------------------------------------------------------------
def newcomer_setup(overrides=(), strategies=()):
    g = nx.path_graph(20)
    grp = np.full(20, -1)
    grp[0:5], grp[12:19] = 0, 1          # group 0: 0..4 (5 members), group 1: 12..18 (7)
    s = setup(g, list(overrides), members=np.flatnonzero(grp >= 0), groups=grp, number=42,
              strategies=strategies)
    joining = acquisition.Joining(np.array([5, 8, 11]), np.array([True, False, True]), 2,
                                  np.array([4, 12]))
    s.day.results["joining"] = joining
    return s


def test_newcomers_become_active_diffusion_members_in_their_friends_group():
    s = newcomer_setup()
    st = s.st
    out = newcomers.step(s.day)
    j = np.array([5, 8, 11])
    assert out.cost == 0.0
    assert (st.status[j] == Status.MEMBER).all() and (st.circle[j] == Circle.DIFFUSION).all()
    assert (st.joined_day[j] == 42).all() and (st.last_active_day[j] == 42).all()
    assert st.active[j].all() and (st.novelty[j] == 1.0).all()
    assert np.allclose(st.interest[j], s.sc.motivation.initial_interest)
    assert st.invited[j].tolist() == [True, False, True]
    # 5's member friend is in group 0, 11's in group 1; 8 has none: the largest group with room
    assert st.group[j].tolist() == [0, 1, 1] and st.n_groups == 2


def test_a_full_group_sends_joiners_elsewhere_or_to_a_new_group():
    s = newcomer_setup(["community.group_cap=7"])
    newcomers.step(s.day)
    # 5 -> group 0 (6 members); 8 -> the largest open group, 0 (7); 11's friends' group 1 is full
    # and no group has room: a new group 2
    assert s.st.group[[5, 8, 11]].tolist() == [0, 0, 2] and s.st.n_groups == 3
    sizes = groups.group_sizes(s.st)
    assert sizes.tolist() == [7, 7, 1]


@pytest.mark.parametrize("reward", [0.0, 2.5])
def test_invite_reward_cools_word_of_mouth_joiners_even_at_zero_reward(reward):
    sc = scenario_from_dict({"strategies": {"fission": {"kind": "invite_reward", "reward": reward,
                                                        "invitee_interest": -0.15}}})
    name, _, spec = sc.strategies[0]
    s = newcomer_setup(strategies=[InviteReward(name, spec)])
    out = newcomers.step(s.day)
    base = s.sc.motivation.initial_interest
    assert np.allclose(s.st.interest[[5, 8, 11]], [base - 0.15, base, base - 0.15])
    assert out.cost == pytest.approx(reward * 2)


# ------------------------------------------------------------------------------------------
# content
# ------------------------------------------------------------------------------------------
def test_only_active_non_staff_members_post_and_posts_accumulate():
    g = nx.karate_club_graph()
    n = g.number_of_nodes()
    members = np.arange(26)                      # 26..33 outsiders
    day1_active = np.r_[0, 1, 2, 3, 4:18]       # 0, 1 organizers; 2, 3 core; 18..25 inactive
    s = setup(g, members=members, organizers=[0, 1], core=[2, 3], active=day1_active,
              propensity=50.0, interest=1.0)
    st = s.st
    st.posts_total[5] = 7                        # history is kept
    c1 = content.step(s.day)
    inactive_or_staff = np.r_[0, 1, 18:n]
    assert (st.posts_today[inactive_or_staff] == 0).all()
    assert (st.posts_today[4:18] > 0).all()      # propensity 50: posting is near certain
    assert ((st.recognition >= 0) & (st.recognition <= 1)).all()
    assert (st.recognition[st.posts_today == 0] == 0).all()
    assert (c1.org_replies <= c1.member_msgs).all() and c1.org_replies.sum() > 0
    assert sorted(c1.senders.tolist()) == np.flatnonzero(st.posts_today).tolist()
    # one live group: its chat plus the core posts carried into it are everything posted
    assert c1.member_msgs.sum() + c1.core_posts.sum() == st.posts_today.sum()
    day1 = st.posts_today.copy()
    assert st.posts_total[5] == 7 + day1[5]

    # day 2: a different set is active; yesterday's posters who are silent today post 0
    st.active[:] = False
    st.active[np.r_[0, 10:26]] = True
    s2 = Day(11, st, s.pop, s.sc, np.random.default_rng(5), Effects())
    content.step(s2)
    assert (st.posts_today[:10] == 0).all() and (st.posts_today[10:26] > 0).all()
    total = day1 + st.posts_today
    total[5] += 7
    assert st.posts_total.tolist() == total.tolist()
    assert np.allclose(st.posts_recent, day1 * 29 / 30 + st.posts_today)

    # day 3: a quiet day; two organizers' 12 hours answer every message (recognition 1)
    s.pop.propensity[:] = 0.1
    c3 = content.step(Day(12, st, s.pop, s.sc, np.random.default_rng(6), Effects()))
    assert 0 < c3.member_msgs.sum() < 100 and (c3.org_replies == c3.member_msgs).all()
    assert (st.recognition[st.posts_today > 0] == 1.0).all()
    assert (st.recognition[st.posts_today == 0] == 0.0).all()


@pytest.mark.parametrize("ceiling, loafing_exponent", [(1e7, 0.5), (200.0, 0.0), (200.0, 0.5)])
def test_group_messages_follow_loafing_and_saturate_below_the_ceiling(ceiling, loafing_exponent):
    G, size = 10, 400
    n, post_rate = G * size, 5.0
    s = setup(nx.empty_graph(n), [f"community.max_messages_per_group={ceiling}",
                                  f"content.post_rate={post_rate}", "content.loafing_reference=30",
                                  f"content.loafing_exponent={loafing_exponent}",
                                  "content.core_post_rate=0"],
              groups=np.arange(n) // size, propensity=1.0, interest=1.0)
    out = content.step(s.day)
    raw = size * post_rate * (30 / size) ** loafing_exponent   # intended messages after loafing
    mu = ceiling * (1 - math.exp(-raw / ceiling))              # after the conversation floor
    assert out.member_msgs.shape == (G,)
    # each group's count is Poisson(mu); their sum is Poisson(G mu)
    assert within(out.member_msgs.sum(), G * mu, math.sqrt(G * mu))
    assert out.member_msgs.max() < ceiling + 4 * math.sqrt(ceiling)
    assert (out.org_replies == 0).all() and (out.prompts == 0).all()   # no staff, no core


# ------------------------------------------------------------------------------------------
# attention
# ------------------------------------------------------------------------------------------
def hand_content(member_msgs, core_posts=None, promos=None, sizes=None):
    G = len(member_msgs)
    z = np.zeros(G)
    return content.GroupContent(np.asarray(member_msgs, float),
                                z if core_posts is None else np.asarray(core_posts, float), z, z, z,
                                z if promos is None else np.asarray(promos, float), 0.0, 0.0,
                                np.asarray(sizes if sizes is not None else [3] * G),
                                np.zeros(0, np.int64))


def test_readers_read_at_most_their_budget_and_overload_is_exact():
    n = 11
    grp = np.array([2, 0, 0, 1, 1, 2, 2, 2, -1, 1, 2])
    budget = np.array([50, 50, 50, 50, 50, 50, 50, 50, 50, 30, 400], float)
    s = setup(nx.path_graph(n), members=np.flatnonzero(grp >= 0), organizers=[0], groups=grp,
              active=[0, 1, 2, 3, 4, 5, 6, 9, 10], attention_budget=budget)
    st = s.st
    st.overloaded[7] = True          # yesterday's flags of non-readers are cleared
    st.value_prev[7] = 3.0
    s.day.results["content"] = hand_content([5, 40, 400], sizes=[2, 3, 5])
    out = attention.step(s.day)
    assert out.readers.tolist() == [1, 2, 3, 4, 5, 6, 9, 10]   # not the organizer, not inactive 7
    total = np.array([5, 40, 400])[grp[out.readers]]
    assert (out.reads <= budget[out.readers]).all()
    assert out.reads.tolist() == np.minimum(total, budget[out.readers]).tolist()
    assert np.flatnonzero(st.overloaded).tolist() == [5, 6, 9]   # 400 > 50, 400 > 50, 40 > 30
    assert not st.overloaded[10]                                 # 400 <= 400
    assert np.allclose(out.backlog, total / budget[out.readers])
    # small groups: every fellow member is an acquaintance, worth friend_weight x a stranger
    c = s.sc.content
    assert np.allclose(out.value, out.reads * c.member_quality * c.friend_weight)
    assert np.allclose(st.value_prev[out.readers], out.value / s.sc.motivation.value_scale)
    assert st.value_prev[[0, 7, 8]].tolist() == [0.0, 0.0, 0.0]


def test_personalized_feed_reads_best_first():
    n = 6
    s = setup(nx.empty_graph(n), attention_budget=np.array([5, 20, 60, 200, 1000, 5.0]))
    s.day.results["content"] = hand_content([100.0], core_posts=[10.0], promos=[100.0], sizes=[n])
    random_order = attention.step(s.day).value
    s.day.effects.personalized_feed = True
    best_first = attention.step(s.day).value
    assert (best_first >= random_order - 1e-12).all()
    overloaded = np.array([True, True, True, True, False, True])    # 210 messages
    assert (best_first[overloaded] > random_order[overloaded]).all()
    assert np.allclose(best_first[~overloaded], random_order[~overloaded])   # everything read
    assert best_first[0] == pytest.approx(5 * s.sc.content.core_quality)      # 5 core posts


# ------------------------------------------------------------------------------------------
# motivation
# ------------------------------------------------------------------------------------------
def test_motivation_forgetting_adaptation_contagion_burnout_and_staff():
    n = 10   # path 0-1-2-...-9; 4 and 6 left yesterday
    s = setup(nx.path_graph(n), ["motivation.contagion=0.4", "motivation.forget_rate=0.004",
                                 "churn.burnout_audience=10", "churn.burnout_rate=0.01"],
              members=[0, 1, 2, 3, 5, 7, 8, 9], left=[4, 6], organizers=[0], core=[8],
              active=[3, 5, 7, 8, 9], interest=0.5)
    st, mot = s.st, s.sc.motivation
    st.interest[0] = 0.3                       # organizer, inactive
    st.interest[3], st.novelty[3], st.recognition[3] = 0.2, 1.0, 0.4
    st.interest[[4, 6]] = 0.5                  # former members
    st.left_friends = np.zeros(n, np.int64)
    st.left_friends[[3, 5, 7]] = [1, 2, 1]     # maintained ties to 4 and 6
    value = mot.value_scale * math.log(2)      # satisfaction 0.5
    s.day.results["reading"] = attention.Reading(np.array([3]), np.array([1.0]), np.array([value]),
                                                 np.array([0.0]), np.array([1.0]), np.array([0.0]))
    s.day.results["points"] = rewards.Points(np.zeros(n))
    motivation.step(s.day)
    assert st.interest[0] == 1.0                                       # organizers stay at 1
    assert st.interest[1] == pytest.approx(0.5 - 0.004)                # inactive: forgets
    assert st.interest[2] == pytest.approx(0.5 - 0.004)
    # reader: target = novelty 1 x 0.5 + recognition 0.25 x 0.4 = 0.6; then contagion
    # (member friends now: 1; left: 1) = 0.4 x 1 / (1 + 1)
    adapted = 0.2 + mot.adapt_rate * (0.6 - 0.2)
    assert st.interest[3] == pytest.approx(adapted - 0.4 * 1 / 2)
    assert st.novelty[3] == pytest.approx(0.5 ** (1 / mot.novelty_halflife))
    assert st.interest[5] == pytest.approx(0.5 - 0.4 * 2 / (0 + 2))    # all its friends left
    assert st.interest[7] == pytest.approx(0.5 - 0.4 * 1 / (1 + 1))    # contagion alone
    assert st.interest[8] == pytest.approx(0.5 - 0.01 * (1 - 1 / 10))  # core: 1 reader of 10 needed
    assert st.interest[9] == pytest.approx(0.5)                        # active, not a reader: unchanged
    assert st.interest[[4, 6]].tolist() == [0.5, 0.5]                  # non-members untouched


def test_extrinsic_points_follow_earnings_and_crowd_out_interest():
    s = setup(nx.path_graph(4), ["motivation.crowding_out=0.01"], members=[0, 1, 2], active=[],
              interest=0.5)
    st, mot = s.st, s.sc.motivation
    s.day.effects.point_value = 0.1
    s.day.results["reading"] = no_reading()
    s.day.results["points"] = rewards.Points(np.array([5.0, 0.0, 0.0, 9.0]))
    motivation.step(s.day)
    ext = mot.adapt_rate * 0.1 * 5.0
    assert st.extrinsic.tolist() == pytest.approx([ext, 0.0, 0.0, 0.0])   # 3 is no member
    assert st.extrinsic_left is True
    assert st.interest[0] == pytest.approx(0.5 - mot.forget_rate - 0.01 * ext)
    assert st.interest[1] == pytest.approx(0.5 - mot.forget_rate)


# ------------------------------------------------------------------------------------------
# churn
# ------------------------------------------------------------------------------------------
def test_cost_benefit_leavers_are_members_with_too_few_maintained_member_friends():
    g = nx.karate_club_graph()
    n = g.number_of_nodes()
    members = np.flatnonzero(np.random.default_rng(3).random(n) < 0.7)
    s = setup(g, ["churn.mode=cost_benefit", "churn.benefit_per_friend=1", "churn.cost=2.5",
                  "population.dunbar_limit=5", "motivation.activity_max=1",
                  "motivation.activity_exponent=1"],
              members=members, active=members[::2], interest=1.0)
    st, pop = s.st, s.pop
    maintained = pop.maintained.toarray()
    member = st.status == Status.MEMBER
    friends_present = maintained @ member
    expected = np.flatnonzero(member & (1.0 * friends_present < 2.5))
    by_graph = np.flatnonzero(member & (nx.to_numpy_array(g) @ member < 2.5))
    assert 0 < expected.size < member.sum() and expected.tolist() != by_graph.tolist()
    stayers = np.setdiff1d(np.flatnonzero(member), expected)
    organizer, idle = stayers[0], stayers[1]
    st.circle[organizer] = Circle.ORGANIZER
    st.interest[[organizer, idle]] = 0.0     # motivation 0: never active, unless staff
    active_before = st.active.copy()
    out = churn.step(s.day)
    assert out.leavers.tolist() == expected.tolist()
    assert (out.active_today == (active_before & member)).all()
    assert (st.status[expected] == Status.LEFT).all() and (st.group[expected] == -1).all()
    assert (st.left_day[expected] == s.day.number).all() and not st.active[expected].any()
    assert (st.status[stayers] == Status.MEMBER).all() and (st.group[stayers] == 0).all()
    # activity_max 1, exponent 1: stayers at motivation 1 are active tomorrow, and the organizer
    # at motivation 0 too; the idle member at motivation 0 is not
    assert np.flatnonzero(st.active).tolist() == np.setdiff1d(stayers, [idle]).tolist()
    # tomorrow's contagion: ties each person maintains to today's leavers
    assert st.left_friends.tolist() == maintained[:, expected].sum(axis=1).astype(int).tolist()


def test_interest_churn_hazard_and_activity_probability():
    n = 4000
    interest = np.where(np.arange(n) < 2000, 0.1, 0.64)   # half below the 0.15 threshold
    dormant = np.arange(n) % 4 == 0
    s = setup(nx.empty_graph(n), ["churn.mode=interest", "churn.leave_threshold=0.15",
                                  "churn.leave_hazard=0.25", "motivation.activity_max=0.9",
                                  "motivation.activity_exponent=1.5", "churn.dormant_after=30",
                                  "churn.dormant_activity=0.1"],
              organizers=range(40), interest=interest, active=[], number=100,
              last_active=np.where(dormant, 0, 95))
    out = churn.step(s.day)
    low = np.flatnonzero((interest < 0.15) & (s.st.circle != Circle.ORGANIZER))
    assert set(out.leavers) <= set(low)           # 40 low-interest organizers never leave
    assert within(out.leavers.size, low.size * 0.25, math.sqrt(low.size * 0.25 * 0.75))
    assert s.st.active[:40].all()                              # organizers active tomorrow
    # tomorrow's activity among the high-interest stayers: 0.9 x 0.64^1.5 = 0.4608, x0.1 if dormant
    high = np.arange(2000, n)
    for sel, p in ((high[~dormant[high]], 0.9 * 0.64 ** 1.5), (high[dormant[high]], 0.09 * 0.64 ** 1.5)):
        assert within(s.st.active[sel].sum(), sel.size * p, math.sqrt(sel.size * p * (1 - p)))


# ------------------------------------------------------------------------------------------
# rewards
# ------------------------------------------------------------------------------------------
def test_award_points_per_action_capped_per_day():
    n = 7
    s = setup(nx.empty_graph(n), members=[0, 1, 2, 3, 4, 5], left=[6], organizers=[5],
              active=[0, 1, 3, 5])
    st = s.st
    st.posts_today[:] = [0, 10, 1, 0, 0, 3, 0]
    st.points[0] = 100.0
    eff = s.day.effects
    eff.points_on, eff.points_checkin, eff.points_post, eff.points_invite, eff.points_cap = True, 5.0, 2.0, 3.0, 12.0
    # 3 invited twice, the organizer 5 and the former member 6 once each
    s.day.results["joining"] = SimpleNamespace(invite_credits=np.array([3, 3, 5, 6]))
    out = rewards.award_points(s.day)
    #            check-in + posts + invites, capped at 12
    expected = [5.0, 12.0, 2.0, 11.0, 0.0, 0.0, 0.0]
    assert out.earned.tolist() == expected
    assert st.points.tolist() == [105.0, 12.0, 2.0, 11.0, 0.0, 0.0, 0.0]
    eff.points_on = False
    assert not rewards.award_points(s.day).earned.any() and st.points[0] == 105.0


def test_tiers_follow_points_and_never_fall():
    s = setup(nx.empty_graph(5))
    st = s.st
    st.points[:] = [5.0, 10.0, 49.9, 60.0, 0.0]
    st.tier[4] = 2                                   # reached earlier, points since spent
    rewards.update_tiers(s.day)
    assert st.tier.tolist() == [0, 0, 0, 0, 2]       # no tier ladder: nothing changes
    s.day.effects.tier_thresholds = (10.0, 50.0)
    rewards.update_tiers(s.day)
    assert st.tier.tolist() == [0, 1, 1, 2, 2]
    st.points[:] = 0.0
    rewards.update_tiers(s.day)
    assert st.tier.tolist() == [0, 1, 1, 2, 2]


def test_koc_rounds_promote_top_posters_up_to_core_capacity():
    n = 12
    s = setup(nx.empty_graph(n), ["community.core_capacity=5"], members=range(11),
              organizers=[0], core=[1, 2, 3], interest=0.5)
    st = s.st
    st.posts_recent[:] = [99, 0, 0, 0, 1, 8, 30, 20, 2, 50, 0, 99]   # 0 organizer, 11 outsider
    st.interest[9] = 0.95
    s.day.effects.koc = KocRound("koc", per_round=10, min_posts=2, interest_boost=0.1, cost=0.0)
    out = rewards.promote_kocs(s.day)
    assert sorted(out.promoted.tolist()) == [6, 9]   # room for 2: the top two eligible posters
    core = (st.circle == Circle.CORE) & st.members
    assert core.sum() == 5
    assert st.tier[[6, 9]].tolist() == [2, 2]
    assert st.interest[6] == pytest.approx(0.6) and st.interest[9] == 1.0
    assert st.circle[0] == Circle.ORGANIZER and st.status[11] == Status.OUTSIDER
    assert rewards.promote_kocs(s.day).promoted.size == 0   # full: no more room
    assert ((st.circle == Circle.CORE) & st.members).sum() == 5
    # per_round and min_posts bound a round when there is room
    s = setup(nx.empty_graph(8), ["community.core_capacity=40"], interest=0.5)
    s.st.posts_recent[:] = [1, 5, 3, 7, 0, 4, 2, 6]
    s.day.effects.koc = KocRound("koc", per_round=3, min_posts=5, interest_boost=0.0, cost=0.0)
    assert sorted(rewards.promote_kocs(s.day).promoted.tolist()) == [1, 3, 7]
    s.day.effects.koc = KocRound("koc", per_round=2, min_posts=1, interest_boost=0.0, cost=0.0)
    assert rewards.promote_kocs(s.day).promoted.tolist() == [5, 2]   # best first, 3 of them left


# ------------------------------------------------------------------------------------------
# groups
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cap", [7, 14, 29])
def test_mitosis_leaves_no_group_above_the_split_cap(cap):
    g = nx.karate_club_graph()
    n = g.number_of_nodes()
    grp = np.where(np.arange(n) < 30, 0, 1)          # group 0: 30 members, group 1: 4
    s = setup(g, members=range(n), left=[], groups=grp)
    s.st.status[[31]] = Status.LEFT                  # a former member does not count
    s.st.group[31] = -1
    assert groups.step(s.day).splits == 0            # no split strategy: nothing happens
    assert s.st.n_groups == 2
    s.day.effects.split_cap = cap
    members_before = np.flatnonzero(s.st.members)
    out = groups.step(s.day)
    sizes = groups.group_sizes(s.st)
    assert sizes.max() <= cap and sizes.sum() == members_before.size
    assert out.splits == s.st.n_groups - 2 and out.splits >= 1
    assert (s.st.group[members_before] >= 0).all() and s.st.group[31] == -1
    assert sizes[1] == 3                             # the small group is left alone
