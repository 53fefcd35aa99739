"""Unit tests of each daily mechanism on a hand-built State, Population and Day.

No CommunityModel is built: `setup()` allocates a `State`, builds a small `Population` from a
networkx graph, fills in members, circles, groups and activity, and wraps them in a `Day`.
Where a step reads an earlier mechanism's result it is put into `day.results` by hand.
Stochastic checks use probabilities 0/1 (certain outcomes) or binomial/Poisson standard
errors (4 sigma bands, fixed seeds).
"""

from __future__ import annotations

import itertools
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
    activity,
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
from sim.model.strategies import KINDS, Effects, Event, InviteReward, KocRound
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


#: Mechanisms that act on every step unless a test switches them on: muting instead of leaving,
#: muting under overload, notifications pulling members back (each has tests of its own).
QUIET = ("churn.mute_share=0", "churn.overload_mute=0", "activity.notification_pull=0")


def setup(graph, overrides=(), *, members=None, organizers=(), core=(), left=(), groups=None,
          active=None, interest=1.0, novelty=1.0, number=10, last_active=None, effects=None,
          strategies=(), seed=0, fit=None, attention_budget=None, propensity=None) -> Setup:
    """(state, population, scenario, day) for a hand-chosen community on `graph`.

    members: ids (default: everyone not in `left`); organizers/core: circles among them;
    groups: length-n group ids (default all in group 0); active: ids (default all members);
    last_active: last active day of inactive members (default yesterday). Traits `fit`,
    `attention_budget`, `propensity` overwrite the drawn population traits (scalar or array).
    """
    sc = default_scenario().with_overrides([*QUIET, *overrides])
    pop = build_population(sc.population, np.random.default_rng(seed), graph=graph)
    n = pop.n
    if fit is not None:
        pop.topic_fit = np.broadcast_to(np.asarray(fit, float), (n,)).copy()
        pop.max_fit = float(pop.topic_fit.max())
        pop.mean_fit = float(pop.topic_fit.mean())
    if attention_budget is not None:
        pop.attention = np.broadcast_to(np.asarray(attention_budget, float), (n,)).copy()
    if propensity is not None:
        pop.propensity = np.broadcast_to(np.asarray(propensity, float), (n,)).copy()
    st = State(n)
    gone = mask(n, left)
    mem = (~gone if members is None else mask(n, members)) & ~gone
    st.set_status(mem, Status.MEMBER)
    st.set_status(gone, Status.LEFT)
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
    other.set_status([0], Status.MEMBER)
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
    interest = np.where(np.arange(n) % 2 == 0, 1.0, 0.0)  # the even ones still care, the odd ones not at all
    s = setup(g, ["population.topic_fit_fixed=0.5"], members=range(0, 29), left=[29],
              organizers=[0, 1], active=[], interest=interest, novelty=0.0, number=50,
              last_active=-100)  # everyone dormant (50 - -100 >= 30)
    st = s.st
    before = {k: getattr(st, k).copy() for k in ("interest", "novelty", "active", "last_active_day")}
    # reach 1 x fit 0.5 x 2 = certain notice; wake 1 x interest: every dormant noticer who cares wakes
    s.day.effects.events = (Event("meetup", reach=1.0, boost=0.3, novelty=0.4, wake=1.0,
                                  messages=0.0, hours=0.0),)
    out = events.step(s.day)
    attendees = np.arange(2, 29, 2)
    woken = np.flatnonzero(st.active & ~before["active"])
    assert out.attendees == attendees.size == woken.size
    assert woken.tolist() == attendees.tolist()  # interest 0: an event is a reason to come, not to care
    assert (st.last_active_day[attendees] == 50).all()
    assert (st.interest[attendees] == 1.0).all()  # 1 + 0.3, capped
    assert np.allclose(st.novelty[attendees], 0.4)
    untouched = np.r_[0, 1, 3:29:2, 29:n]  # organizers, members who no longer care, the left and outsiders
    for k, v in before.items():
        assert (getattr(st, k)[untouched] == v[untouched]).all(), k


def test_event_reaches_members_not_dormant_and_wakes_dormant_at_the_wake_chance():
    n = 4000
    dormant = np.arange(n) >= n // 4                # a quarter were seen 5 days ago
    last = np.where(dormant, 0, 95)
    # wake 0, certain notice, full interest: exactly the members who are not dormant attend
    s = setup(nx.empty_graph(n), ["population.topic_fit_fixed=0.5"], active=[], number=100,
              last_active=last, interest=np.where(dormant, 0.5, 0.9))
    s.day.effects.events = (Event("online", 1.0, 0.1, 0.0, wake=0.0, messages=0.0, hours=0.0),)
    came = events.step(s.day).attendees
    k = n // 4
    assert within(came, 0.9 * k, math.sqrt(k * 0.9 * 0.1))  # who notices comes with chance = interest
    assert not s.st.active[dormant].any()
    assert np.allclose(s.st.interest[s.st.active], 1.0) and np.allclose(s.st.interest[dormant], 0.5)
    # notice = 0.2 x 0.5 x 2 = 0.2; interest 0.5: the others come with 0.5, dormant noticers wake
    # with 0.5 x 0.5: attendance 0.1 and 0.05
    s = setup(nx.empty_graph(n), ["population.topic_fit_fixed=0.5"], active=[], number=100,
              last_active=last, seed=1, interest=0.5)
    s.day.effects.events = (Event("online", 0.2, 0.0, 0.0, wake=0.5, messages=0.0, hours=0.0),)
    out = events.step(s.day)
    assert out.attendees == int(s.st.active.sum())
    for sel, p in ((~dormant, 0.1), (dormant, 0.05)):
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
    s = newcomer_setup(["newcomers.interest_sd=0", "newcomers.interest_from_fit=0.5"])
    st = s.st
    out = newcomers.step(s.day)
    j = np.array([5, 8, 11])
    assert out.cost == 0.0
    assert (st.status[j] == Status.MEMBER).all() and (st.circle[j] == Circle.DIFFUSION).all()
    assert (st.joined_day[j] == 42).all() and (st.last_active_day[j] == 42).all()
    assert st.active[j].all() and (st.novelty[j] == 1.0).all() and (st.habit[j] == 1.0).all()
    # starting interest: the mean moved by topic fit above the population's mean; it is what they expect
    fit = s.pop.topic_fit[j]
    want = np.clip(s.sc.motivation.initial_interest + 0.5 * (fit - s.pop.topic_fit.mean()), 0, 1)
    assert np.allclose(st.interest[j], want) and np.array_equal(st.expected[j], st.interest[j])
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
    s = newcomer_setup(["newcomers.interest_sd=0"], strategies=[InviteReward(name, spec)])
    out = newcomers.step(s.day)
    j = [5, 8, 11]
    # the start each joiner would have had (interest_from_fit 1), then the invitees' cooling
    start = np.clip(s.sc.motivation.initial_interest + 1.0 * (s.pop.topic_fit[j] - s.pop.mean_fit), 0, 1)
    want = np.clip(start + np.array([-0.15, 0.0, -0.15]), 0, 1)
    assert (want[[0, 2]] < start[[0, 2]]).all()             # the cooling is visible on this draw
    assert np.allclose(s.st.interest[j], want)
    assert np.array_equal(s.st.expected[j], s.st.interest[j])   # invitees expect what they came with
    assert out.cost == pytest.approx(reward * 2)


# ------------------------------------------------------------------------------------------
# content
# ------------------------------------------------------------------------------------------
def test_only_active_non_staff_members_post_and_posts_accumulate():
    g = nx.karate_club_graph()
    n = g.number_of_nodes()
    members = np.arange(26)                      # 26..33 outsiders
    day1_active = np.r_[0, 1, 2, 3, 4:18]       # 0, 1 organizers; 2, 3 core; 18..25 inactive
    # turn_ratio 1: speakers share the conversation equally, so every speaker says something
    s = setup(g, ["content.turn_ratio=1", "content.welcome=false"], members=members, organizers=[0, 1], core=[2, 3],
              active=day1_active, propensity=50.0, interest=1.0)
    st, c, community = s.st, s.sc.content, s.sc.community
    st.posts_total[5] = 7                        # history is kept
    c1 = content.step(s.day)
    inactive_or_staff = np.r_[0, 1, 18:n]
    assert (st.posts_today[inactive_or_staff] == 0).all()
    assert (st.posts_today[2:18] > 0).all()      # propensity 50: posting is near certain
    assert c1.posters == 16 and sorted(c1.senders.tolist()) == list(range(2, 18))
    # one live group: its chat plus the core posts carried into it are everything posted
    assert c1.member_msgs.sum() + c1.core_posts.sum() == st.posts_today.sum()
    # staff: the 2 organizers (24 members need no more at 1 per 1000), 6 hours each; the group
    # costs 0.5 h, each core post fermented 0.5 h (4 prompts); the rest replies, once per poster
    assert c1.staff == 2.0 and c1.hours_available == 12.0
    core = c1.core_posts[0]
    left = 12.0 - community.hours_per_group - core * c.ferment_hours
    assert c1.prompts[0] == core * c.ferment_messages
    assert left / c.reply_hours > 16 and c1.org_replies[0] == 16.0        # capped at one per poster
    assert c1.hours_needed == pytest.approx(0.5 + core * c.ferment_hours + 16 * c.reply_hours)
    # organizer replies go to their posters: readers face everything else
    assert c1.messages[0] == c1.member_msgs[0] + core + c1.prompts[0] + c1.org_replies[0]
    assert c1.broadcast[0] == c1.messages[0] - 16.0
    # every poster answered (organizers reply to all 16): recognition 1 and voice x (1 + 0.1)
    assert c1.answered == 16 and (st.recognition[2:18] == 1.0).all()
    assert (st.recognition[st.posts_today == 0] == 0).all()
    assert np.allclose(st.voice[2:18], 1.1) and (st.voice[inactive_or_staff] == 1.0).all()
    day1 = st.posts_today.copy()
    assert st.posts_total[5] == 7 + day1[5]

    # day 2: a different set is active; yesterday's posters who are silent today post 0
    st.active[:] = False
    st.active[np.r_[0, 10:26]] = True
    s2 = Day(11, st, s.pop, s.sc, np.random.default_rng(5), Effects())
    c2 = content.step(s2)
    assert (st.posts_today[:10] == 0).all() and (st.posts_today[10:26] > 0).all()
    assert c2.core_posts.sum() == 0 and c2.org_replies[0] == 16.0
    total = day1 + st.posts_today
    total[5] += 7
    assert st.posts_total.tolist() == total.tolist()
    assert np.allclose(st.posts_recent, day1 * 29 / 30 + st.posts_today)
    assert (st.recognition[:10] == 0).all()                  # yesterday's recognition is cleared
    assert np.allclose(st.voice[2:10], 1.1) and np.allclose(st.voice[10:18], 1.21)
    assert np.allclose(st.voice[18:26], 1.1)

    # day 3: a quiet day; still one organizer reply per poster, however many messages it sent
    s.pop.propensity[:] = 0.1
    voice = st.voice.copy()
    c3 = content.step(Day(12, st, s.pop, s.sc, np.random.default_rng(6), Effects()))
    posters = st.posts_today > 0
    assert 0 < c3.member_msgs.sum() < 100
    assert c3.org_replies[0] == c3.posters == posters.sum() < c3.member_msgs[0]
    assert np.allclose(c3.broadcast, c3.member_msgs)           # no core posts, prompts or events
    assert (st.recognition[posters] == 1.0).all() and (st.recognition[~posters] == 0.0).all()
    assert np.allclose(st.voice[posters], voice[posters] * 1.1)
    assert (st.voice[~posters] == voice[~posters]).all()


@pytest.mark.parametrize("ceiling, reply_chance, turn_ratio",
                         [(1e7, 0.0, 1.0), (1e7, 0.2, 0.5), (200.0, 0.2, 1.0), (2000.0, 0.001, 0.8)])
def test_group_messages_follow_branching_turns_and_saturate_below_the_ceiling(ceiling, reply_chance,
                                                                              turn_ratio):
    G, size = 10, 400
    n, post_rate = G * size, 5.0
    s = setup(nx.empty_graph(n), [f"community.max_messages_per_group={ceiling}",
                                  f"content.post_rate={post_rate}", "content.speak_chance=1000",
                                  f"content.reply_chance={reply_chance}", "content.max_branching=0.9",
                                  "content.max_messages_per_member=200", f"content.turn_ratio={turn_ratio}",
                                  "content.core_post_rate=0", "community.organizers_per_1000=0"],
              groups=np.arange(n) // size, propensity=1.0, interest=1.0)
    out = content.step(s.day)
    assert out.posters <= n and (s.st.posts_today > 0).sum() == out.posters
    b = min(0.9, reply_chance * (size - 1))                     # replies each message draws
    raw = size * post_rate / (1 - b)                            # every member speaks (chance ~1)
    volume = ceiling * (1 - math.exp(-raw / ceiling))           # after the conversation floor
    k = np.arange(size)
    share = (np.full(size, 1 / size) if turn_ratio == 1
             else (1 - turn_ratio) * turn_ratio ** k / (1 - turn_ratio ** size))
    mu = float((200 * (1 - np.exp(-volume * share / 200))).sum())   # what each can type
    assert out.member_msgs.shape == (G,)
    # each speaker's count is Poisson; their sum over G groups is Poisson(G mu)
    assert within(out.member_msgs.sum(), G * mu, math.sqrt(G * mu))
    assert out.member_msgs.max() < ceiling + 4 * math.sqrt(ceiling)
    assert out.staff == 0.0                                      # no organizers, no staffing policy
    assert (out.org_replies == 0).all() and (out.prompts == 0).all()   # no staff, no core


def test_turns_are_shared_geometrically_by_rank_and_the_crowd_silences_members():
    assert content.branching(np.array([0, 1, 3, 100]), 0.2, 0.9).tolist() == pytest.approx([0, 0, 0.4, 0.9])
    rng = np.random.default_rng(1)
    g = np.r_[np.zeros(4, int), np.ones(3, int)]
    speaking = np.array([True, True, True, False, True, True, True])
    talk = np.array([1.0, 8.0, 2.0, 50.0, 3.0, 3.0, 0.5])
    share = content.turn_shares(g, speaking, talk, 0.5, 0.0, rng)
    # group 0: ranks 8 > 2 > 1 (the silent 50 takes no turn); shares 4/7, 2/7, 1/7
    assert share[[1, 2, 0]].tolist() == pytest.approx([4 / 7, 2 / 7, 1 / 7]) and share[3] == 0
    assert share[4:6].sum() == pytest.approx(6 / 7) and share[6] == pytest.approx(1 / 7)
    for gi in (0, 1):
        assert share[g == gi].sum() == pytest.approx(1.0)
    # with rank noise the most talkative still leads most days, not every day
    lead = sum(np.argmax(content.turn_shares(np.zeros(3, int), np.ones(3, bool), np.array([1.0, 2.0, 4.0]),
                                             0.5, 1.0, rng)) == 2 for _ in range(2000))
    assert 0.5 * 2000 < lead < 0.95 * 2000
    # diffusion of responsibility: with 20 and 400 active members a member speaks with chance
    # 1 - exp(-w), w = speak_chance x propensity x voice x motivation x (30 / max(active, 30))^0.5
    n = 420
    s = setup(nx.empty_graph(n), ["content.speak_chance=0.5", "content.loafing_reference=30",
                                  "content.loafing_exponent=0.5"],
              groups=np.r_[np.zeros(20, int), np.ones(400, int)], propensity=1.0, interest=0.8)
    idx = np.arange(n)
    said = np.zeros(n)
    for seed in range(20):
        s.day.rng = np.random.default_rng(seed)
        said += content.speakers(s.day, idx, s.st.motivation(s.day.effects))
    for sel, called, k in ((slice(0, 20), 1.0, 20 * 20), (slice(20, n), (30 / 400) ** 0.5, 400 * 20)):
        p = 1 - math.exp(-0.5 * 0.8 * called)
        assert within(said[sel].sum(), k * p, math.sqrt(k * p * (1 - p)))


def test_staffing_policy_and_organizer_work_reply_once_per_poster():
    assert content.staff_on_duty(3, 12_000, 1.0) == 12.0
    assert content.staff_on_duty(3, 800, 1.0) == 3.0
    assert content.staff_on_duty(2, 50_000, 0.0) == 2.0
    s = setup(nx.empty_graph(4))
    # 5 hours over 2 live groups: 2.5 each, less 0.5 overhead = 2; two core posts ferment for
    # 2 x 0.5 h into 2 x 4 prompts; 1 h left = 5 replies, but group 1 has only 1 poster
    prompts, replies, spare = content.staff_work(s.day, 5.0, np.array([True, True, False]),
                                                 np.array([2.0, 2.0, 0.0]), np.array([20.0, 1.0, 0.0]))
    assert prompts.tolist() == [8.0, 8.0, 0.0]
    assert replies.tolist() == pytest.approx([5.0, 1.0, 0.0])
    assert spare.tolist() == pytest.approx([0.0, 0.8, 0.0])        # group 1: 1 h less one 0.2 h reply
    # few hours: fermenting first, nothing left for replies
    prompts, replies, _ = content.staff_work(s.day, 2.0, np.array([True, True, False]),
                                             np.array([2.0, 2.0, 0.0]), np.array([20.0, 1.0, 0.0]))
    assert prompts.tolist() == [4.0, 4.0, 0.0] and replies.tolist() == [0.0, 0.0, 0.0]


def test_answered_posters_are_answered_by_peers_or_organizers():
    m = 20_000
    idx = np.arange(m)
    g = np.repeat([0, 1, 2, 3], m // 4)              # group 3: no peer replies, every poster answered
    posts = np.where(np.arange(m) % 5 == 0, 0, 1)    # a fifth did not post
    b = np.array([0.5, 0.5, 0.0, 0.0])
    org = np.array([0.0, 2000.0, 0.0, 4000.0])      # group 1: half its 4000 posters; group 3: all
    posters_g = np.bincount(g, weights=posts > 0, minlength=4)
    day = SimpleNamespace(rng=np.random.default_rng(7))
    answered = content.answered_posters(day, idx, g, posts, b, org, posters_g)
    assert not answered[posts == 0].any()
    peer = 1 - math.exp(-0.5 * 0.5 * 1)             # one message; Poisson(b) replies to the (1-b) started
    for grp, p in ((0, peer), (1, 1 - (1 - peer) * 0.5), (2, 0.0), (3, 1.0)):
        sel = (g == grp) & (posts > 0)
        k = int(sel.sum())
        assert within(answered[sel].sum(), k * p, math.sqrt(k * p * (1 - p)) + 1e-9), grp


def test_voice_rises_for_answered_posters_and_falls_for_unanswered():
    st = State(5)
    st.voice[:] = [1.0, 1.95, 0.52, 1.0, 1.3]
    idx = np.array([0, 1, 2, 3])                     # 4 is not an active member today
    content.speak_up(st, idx, np.array([True, True, True, False]), np.array([True, True, False, False]),
                     0.1, 2.0)
    # 1.0 x 1.1; 1.95 x 1.1 capped at 2; 0.52 x 0.9 floored at 1/2; non-poster and others unchanged
    assert st.voice.tolist() == pytest.approx([1.1, 2.0, 0.5, 1.0, 1.3])

    # a whole day: no staff and no peer replies (reply_chance 0): nobody is answered
    n = 30
    s = setup(nx.empty_graph(n), ["content.reply_chance=0", "community.organizers_per_1000=0",
                                  "content.voice_gain=0.1", "content.core_post_rate=0",
                                  "community.organizer_hours=12", "content.turn_ratio=1"],
              members=range(1, n), propensity=5.0)
    out = content.step(s.day)
    posted = s.st.posts_today > 0
    assert out.posters == posted.sum() > 20 and out.answered == 0
    assert np.allclose(s.st.voice[posted], 0.9) and (s.st.voice[~posted] == 1.0).all()
    assert (s.st.recognition == 0).all()
    # the next day an organizer (11.5 h after overhead: 57 replies) answers every poster:
    # their voice recovers by 1.1
    s.st.set_status([0], Status.MEMBER)
    s.st.circle[0], s.st.group[0] = Circle.ORGANIZER, 0
    voice = s.st.voice.copy()
    out = content.step(Day(11, s.st, s.pop, s.sc, np.random.default_rng(3), Effects()))
    posted = s.st.posts_today > 0
    assert out.answered == out.posters == posted.sum() and out.org_replies[0] == out.posters
    assert np.allclose(s.st.voice[posted], voice[posted] * 1.1)
    assert (s.st.recognition[posted] == 1.0).all()



def test_group_activity_counts_staff_where_they_were_when_content_was_made():
    """A merge at night that moved an organizer into another group put that group's active share
    above 1 (a fuzzer's finding): the read-out counts each group's staff with its size, at content time."""
    from sim.readouts import registry
    # group 0: organizer 0 and members 1-2, both active; group 1: members 3-6, one active
    s = setup(nx.empty_graph(7), organizers=[0], groups=[0, 0, 0, 1, 1, 1, 1], active=[0, 1, 2, 3])
    s.day.results["content"] = content.step(s.day)
    s.st.group[0] = 1                                  # the night's merge moves the organizer
    view = registry.DayView(SimpleNamespace(state=s.st, scenario=s.sc), s.day, {})
    assert registry.group_activity(view) == pytest.approx((2 / 2 + 1 / 4) / 2)

# ------------------------------------------------------------------------------------------
# attention
# ------------------------------------------------------------------------------------------
def hand_content(member_msgs, core_posts=None, promos=None, sizes=None, org_replies=None):
    G = len(member_msgs)
    z = np.zeros(G)
    return content.GroupContent(np.asarray(member_msgs, float),
                                z if core_posts is None else np.asarray(core_posts, float), z,
                                z if org_replies is None else np.asarray(org_replies, float), z,
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
    # the next day only 1 and 10 read: yesterday's readers are cleared (only they had values)
    assert st.read_last.tolist() == [1, 2, 3, 4, 5, 6, 9, 10]
    st.active[:] = False
    st.active[[1, 10]] = True
    out = attention.step(s.day)
    assert out.readers.tolist() == [1, 10]
    assert np.flatnonzero(st.overloaded).tolist() == []                     # 5, 6, 9 cleared; 400 <= 400
    assert np.flatnonzero(st.value_prev).tolist() == [1, 10]


def test_readers_do_not_face_organizer_replies():
    s = setup(nx.empty_graph(4), attention_budget=50.0)
    s.day.results["content"] = hand_content([40.0], sizes=[4], org_replies=[100.0])
    out = attention.step(s.day)
    # 140 messages in all, but the 100 replies went to their posters: 40 to read, within budget
    assert out.reads.tolist() == [40.0] * 4 and np.allclose(out.backlog, 40 / 50)
    assert not s.st.overloaded.any()


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


def test_information_read_is_the_core_posts_and_prompts_share_in_either_reading_order():
    """With an information need, the reading keeps apart the value of core posts and fermented
    prompts (event content rides with the prompts) from the chatter's, friends' included;
    without one it is not computed."""
    n = 4
    s = setup(nx.complete_graph(n), ["motivation.information_need=0.5"], attention_budget=np.array([5, 20, 60, 1000.0]))
    s.st.posts_today[:] = 10.0                        # every member sent 10 messages: friends' chatter
    s.st.posted = None
    hc = hand_content([100.0], core_posts=[10.0], sizes=[n])
    hc.prompts = np.array([20.0])                     # (hand_content shares one zero array)
    hc.event_msgs = np.array([10.0])                  # an event's content rides with the prompts
    hc.senders = np.arange(n)
    s.day.results["content"] = hc
    c = s.sc.content
    info_all = 10 * c.core_quality + 30 * c.ferment_quality
    out = attention.step(s.day)
    assert out.friend_reads.max() > 0                  # friends' messages were read, and are not information
    share = out.reads / 140.0                          # random order: a share of every bucket
    assert np.allclose(out.information, share * info_all)
    chatter = out.value - out.information              # the rest of the value: the 100 member messages
    assert np.allclose(chatter, share * (out.value[-1] - info_all) / share[-1])
    assert (chatter > 0).all()
    # best first: the 10 core posts (before close friends' messages of the same value, 0.25 x 2 x 2),
    # then the 30 close friends' messages (3 friends x 10), then the 30 prompts (0.6)
    s.day.effects.personalized_feed = True
    out = attention.step(s.day)
    core_q, ferment_q = c.core_quality, c.ferment_quality
    assert core_q == c.member_quality * c.friend_weight * c.close_weight    # the tie this checks
    assert out.information.tolist() == pytest.approx([5 * core_q, 10 * core_q, 10 * core_q + 20 * ferment_q, info_all])
    off = setup(nx.empty_graph(n), attention_budget=50.0)
    off.day.results["content"] = hc
    assert attention.step(off.day).information is None


def test_information_need_is_met_only_by_information_averaged_over_visits():
    """Chatter alone meets 1 - w of the satisfaction at most; the recent information (an average
    over `information_memory` visits, started at the first visit's) meets the rest."""
    mot = SimpleNamespace(value_scale=50.0, information_need=0.4, information_scale=2.0)
    lots = np.array([1e6])
    assert motivation.reading_satisfaction(lots, np.array([0.0]), mot)[0] == pytest.approx(0.6)
    assert motivation.reading_satisfaction(lots, lots, mot)[0] == pytest.approx(1.0)
    assert motivation.reading_satisfaction(np.array([50.0]), np.array([2.0]), mot)[0] == pytest.approx(1 - math.exp(-1))
    mot.information_need = 0.0                         # off: only the value read counts
    assert motivation.reading_satisfaction(np.array([50.0]), None, mot)[0] == pytest.approx(1 - math.exp(-1))
    st = State(5)
    first = motivation.recent_information(st, np.array([1, 3]), np.array([4.0, 0.0]), 4.0)
    assert first.tolist() == [4.0, 0.0]                # a first visit starts the average there
    again = motivation.recent_information(st, np.array([1, 2]), np.array([0.0, 8.0]), 4.0)
    assert again.tolist() == [3.0, 8.0]                # 4 + (0 - 4) / 4; 2's first visit
    assert st.information_recent[3] == 0.0 and np.isnan(st.information_recent[[0, 4]]).all()  # no visit: kept


def test_information_need_changes_only_readers_targets_through_their_information():
    """Readers of the same chatter, some of whom also read core content: with the need on, one
    without information moves to a target lower by w x the information satisfaction it misses,
    and the information, like all value, counts by topic fit over the mean fit (relevance)."""
    fit = np.array([0.5, 0.5, 0.9, 0.1])
    s = setup(nx.empty_graph(4), ["motivation.information_need=0.5"], interest=0.5, fit=fit)
    st, mot = s.st, s.sc.motivation
    st.joined_day[:] = -100                            # established: the usual adaptation rate
    s.day.results["reading"] = attention.Reading(np.array([0, 1, 2]), np.full(3, 100.0), np.full(3, 1e9), np.zeros(3),
                                                 np.ones(3), np.zeros(3), None, np.array([0.0, 1.0, 1.0]))
    motivation.adapt_to_the_day(s.day)
    w, rate = mot.information_need, mot.adapt_rate
    relevance = fit / fit.mean()                       # 1.0 for 0 and 1, 1.8 for 2

    def met(info):
        return w * (1 - math.exp(-info / mot.information_scale))

    # chatter saturates (value 1e9) for all three: only the information differs
    assert st.interest[1] - st.interest[0] == pytest.approx(rate * met(1.0 * relevance[1]), rel=1e-9)
    assert st.interest[2] - st.interest[0] == pytest.approx(rate * met(1.0 * relevance[2]), rel=1e-9)
    assert st.interest[3] == 0.5                        # not a reader


# ------------------------------------------------------------------------------------------
# motivation
# ------------------------------------------------------------------------------------------
def test_motivation_forgetting_adaptation_contagion_burnout_and_staff():
    n = 12   # path 0-1-2-...-11; 4 and 6 left yesterday
    fit = np.full(n, 0.38)
    fit[[3, 9]] = 0.8, 0.2                     # mean fit 0.4: relevance 2 for 3, 0.5 for 9
    s = setup(nx.path_graph(n), ["motivation.contagion=0.4", "motivation.forget_rate=0.004",
                                 "churn.burnout_audience=10", "churn.burnout_rate=0.01",
                                 "motivation.adapt_rate=0.08", "newcomers.trial_days=14",
                                 "newcomers.trial_adapt_rate=0.25", "motivation.novelty_floor=0.1",
                                 "motivation.recognition_weight=0.25"],
              members=[0, 1, 2, 3, 5, 7, 8, 9, 10, 11], left=[4, 6], organizers=[0], core=[8],
              active=[3, 5, 7, 8, 9, 10, 11], interest=0.5, number=100, fit=fit)
    st, mot = s.st, s.sc.motivation
    assert s.pop.mean_fit == pytest.approx(0.4)
    st.joined_day[3] = 95                      # on trial (5 days < 14)
    st.joined_day[10] = 100                    # joined today
    st.interest[0] = 0.3                       # organizer, inactive
    st.interest[3], st.novelty[3], st.recognition[3] = 0.2, 1.0, 0.4
    st.novelty[9] = 0.5
    st.interest[[4, 6]], st.novelty[[4, 6]] = 0.5, 0.7   # former members
    novelty = st.novelty.copy()
    # maintained ties to 4 and 6 (10's: made up): (persons, how many left)
    st.left_friends = (np.array([3, 5, 7, 10]), np.array([1, 2, 1, 1]))
    value = mot.value_scale * math.log(2) / 2  # x relevance 2: satisfaction 0.5 for reader 3
    s.day.results["reading"] = attention.Reading(np.array([3, 9]), np.array([1.0, 1.0]),
                                                 np.array([value, value]), np.array([0.0, 0.0]),
                                                 np.array([1.0, 1.0]), np.array([0.0, 0.0]))
    s.day.results["points"] = rewards.Points(np.zeros(n))
    motivation.step(s.day)
    assert st.interest[0] == 1.0                                       # organizers stay at 1
    assert st.interest[1] == pytest.approx(0.5 - 0.004)                # inactive: forgets
    assert st.interest[2] == pytest.approx(0.5 - 0.004)
    # newcomer reader: target = novelty 1 x 0.5 + recognition 0.25 x 0.4 = 0.6, at the trial
    # rate 0.25; then contagion (member friends now: 1; left: 1) = 0.4 x 1 / (1 + 1)
    assert st.interest[3] == pytest.approx(0.2 + 0.25 * (0.6 - 0.2) - 0.4 * 1 / 2)
    # established reader: relevance 0.5, novelty 0.1 + 0.9 x 0.5, at the usual rate 0.08
    target = 0.55 * (1 - math.exp(-math.log(2) / 4))
    assert st.interest[9] == pytest.approx(0.5 + 0.08 * (target - 0.5))
    assert st.interest[5] == pytest.approx(0.5 - 0.4 * 2 / (0 + 2))    # all its friends left
    assert st.interest[7] == pytest.approx(0.5 - 0.4 * 1 / (1 + 1))    # contagion alone
    assert st.interest[8] == pytest.approx(0.5 - 0.01 * (1 - 2 / 10))  # core: 2 readers of 10 needed
    assert st.interest[10] == 0.5        # joined today: its friends' leaving was before its time
    assert st.interest[11] == 0.5        # active, not a reader: unchanged
    assert st.interest[[4, 6]].tolist() == [0.5, 0.5]                  # non-members untouched
    # novelty fades one calendar day for every member, active, reader or not
    members = st.status == Status.MEMBER
    assert np.allclose(st.novelty[members], novelty[members] * 0.5 ** (1 / mot.novelty_halflife))
    assert st.novelty[[4, 6]].tolist() == [0.7, 0.7]


def test_newcomers_adapt_at_the_trial_rate_until_their_trial_ends():
    nc = SimpleNamespace(trial_days=14, trial_adapt_rate=0.3)
    rates = motivation.adapt_rates(100 - np.array([100, 87, 86, 0]), 0.08, nc)
    assert rates.tolist() == [0.3, 0.3, 0.08, 0.08]       # tenure 0, 13 on trial; 14, 100 not
    assert motivation.adapt_rates(np.array([0]), 0.3, nc) == 0.3


def test_extrinsic_points_follow_earnings_and_crowd_out_interest():
    """While points run, crowding out undermines what a day is worth (approaching crowding_out /
    adapt_rate per unit of extrinsic reward); when they stop the extrinsic pull fades but the
    undermining stays: removing rewards leaves interest below where it was (Deci et al. 1999)."""
    s = setup(nx.path_graph(4), ["motivation.crowding_out=0.01"], members=[0, 1, 2], active=[],
              interest=0.5, fit=0.5)
    st, mot = s.st, s.sc.motivation
    a = mot.adapt_rate
    s.day.effects.point_value = 0.1
    s.day.results["reading"] = no_reading()
    s.day.results["points"] = rewards.Points(np.array([5.0, 0.0, 0.0, 9.0]))
    motivation.step(s.day)
    ext = a * 0.1 * 5.0
    assert st.extrinsic.tolist() == pytest.approx([ext, 0.0, 0.0, 0.0])   # 3 is no member
    assert st.extrinsic_left is True
    assert st.undermined.tolist() == pytest.approx([0.01 * ext, 0.0, 0.0, 0.0])
    assert st.interest[0] == pytest.approx(0.5 - mot.forget_rate)  # the target is undermined, not the interest
    # the rewards stop: the extrinsic pull fades, the undermining stays
    s.day.effects.point_value = 0.0
    s.day.results["points"] = rewards.Points(np.zeros(4))
    motivation.step(s.day)
    assert st.extrinsic[0] == pytest.approx(ext * (1 - a))
    assert st.undermined.tolist() == pytest.approx([0.01 * ext, 0.0, 0.0, 0.0])
    # two readers of the same day, one undermined: its interest moves to a target lower by that much
    st.interest[:] = 0.5
    s.day.results["reading"] = attention.Reading(np.array([0, 1]), np.array([50.0, 50.0]), np.array([50.0, 50.0]),
                                                 np.zeros(2), np.ones(2), np.zeros(2))
    motivation.adapt_to_the_day(s.day)
    rate = float(np.broadcast_to(motivation.adapt_rates(st.standing(np.array([0]), s.day.number), a, s.sc.newcomers),
                                 (1,))[0])  # newcomers on trial adapt faster
    assert st.interest[1] - st.interest[0] == pytest.approx(rate * 0.01 * ext, rel=1e-9)
    # the level while rewards run is the one the old daily erosion settled at: crowding_out * E / adapt_rate
    u = 0.0
    for _ in range(2000):
        u = u + 0.01 * 0.2 - a * u
    assert u == pytest.approx(0.01 * 0.2 / a)

def test_points_wear_out_with_use_and_recover_when_not_earned():
    """Model version 8: a point's pull is scaled by 1 - (an exponential average of the member's
    rewarded days, time constant wear_days), judged on the days before today. A member rewarded
    every day keeps exp(-t / wear_days) of the pull after t days; one not rewarded keeps all of
    it; a pause in the programme counts as unrewarded days for everyone (recovery);
    wear_days 0 is model version 7 (no wear-out, no per-person array)."""
    tau = 20.0
    s = setup(nx.path_graph(4), ["motivation.crowding_out=0"], members=[0, 1, 2], active=[], interest=0.5)
    st, a = s.st, s.sc.motivation.adapt_rate
    s.day.effects.point_value, s.day.effects.points_wear_days = 0.1, tau
    s.day.results["reading"] = no_reading()
    earned = np.array([5.0, 0.0, 5.0, 0.0])         # 0 and 2 earn every day, 1 never; 3 is no member

    def one_day(number, points):
        s.day.number = number
        s.day.results["points"] = rewards.Points(points, felt=rewards.points_felt(s.day, points))
        before = st.extrinsic.copy()
        motivation.extrinsic_rewards(s.day, np.array([0, 1, 2]))
        return (st.extrinsic - (1 - a) * before) / (a * 0.1 * 5.0)  # the share of the pull felt today

    assert one_day(10, earned)[[0, 2]].tolist() == pytest.approx([1.0, 1.0])  # fresh: the whole pull
    for number in range(11, 10 + 40):
        felt = one_day(number, earned)
    assert felt[[0, 2]].tolist() == pytest.approx([math.exp(-39 / tau)] * 2)  # 39 rewarded days before
    assert st.points_worn[1] == 0.0 and st.points_worn[3] == 0.0
    earned_by_0 = np.array([5.0, 0.0, 0.0, 0.0])   # 2 stops earning (inactive): it recovers
    one_day(50, earned_by_0)
    for number in range(51, 80):
        one_day(number, earned_by_0)
    worn_0 = -math.expm1(-70 / tau)
    assert st.points_worn[0] == pytest.approx(worn_0)
    assert st.points_worn[2] == pytest.approx(-math.expm1(-40 / tau) * math.exp(-30 / tau))
    # the programme pauses for 60 days (no call): on its return everyone has recovered alike
    felt = one_day(140, earned)
    assert felt[0] == pytest.approx(1 - worn_0 * math.exp(-60 / tau))
    assert st.points_worn[0] == pytest.approx(worn_0 * math.exp(-60 / tau) * math.exp(-1 / tau)
                                              - math.expm1(-1 / tau))
    # award_points wears its points when they run with a value and wear_days; with wear_days 0 every
    # point is felt in full and no per-person array is kept
    s = setup(nx.path_graph(4), ["motivation.crowding_out=0"], members=[0, 1, 2], active=[0], interest=0.5)
    eff = s.day.effects
    eff.points_on, eff.points_checkin, eff.point_value, eff.points_wear_days = True, 5.0, 0.1, tau
    s.day.results["joining"] = SimpleNamespace(invite_credits=None)
    for number in (10, 11):
        s.day.number = number
        felt = rewards.award_points(s.day).felt
    assert felt.tolist() == pytest.approx([math.exp(-1 / tau), 1.0, 1.0, 1.0])  # 0 earned on day 10
    s = setup(nx.path_graph(4), ["motivation.crowding_out=0"], members=[0, 1, 2], active=[], interest=0.5)
    s.day.effects.point_value, s.day.results["reading"] = 0.1, no_reading()
    s.day.effects.points_on, s.day.effects.points_checkin = True, 5.0
    s.day.results["joining"] = SimpleNamespace(invite_credits=None)
    assert rewards.award_points(s.day).felt is None and s.st.points_worn is None
    for number in range(10, 50):
        s.day.number, s.day.results["points"] = number, rewards.Points(earned)
        motivation.extrinsic_rewards(s.day, np.array([0, 1, 2]))
    assert s.st.extrinsic[0] == pytest.approx(0.1 * 5.0 * -math.expm1(40 * math.log1p(-a)))



# ------------------------------------------------------------------------------------------
# churn
# ------------------------------------------------------------------------------------------
def test_cost_benefit_leavers_are_members_with_too_few_maintained_member_friends():
    g = nx.karate_club_graph()
    n = g.number_of_nodes()
    members = np.flatnonzero(np.random.default_rng(3).random(n) < 0.7)
    s = setup(g, ["churn.mode=cost_benefit", "churn.benefit_per_friend=1", "churn.cost=2.5",
                  "population.dunbar_limit=5", "motivation.activity_max=1",
                  "motivation.activity_exponent=1", "activity.habit_floor=1"],  # habit plays no part
              members=members, active=members[::2], interest=1.0)
    st, pop = s.st, s.pop
    maintained = pop.maintained.toarray()
    member = st.status == Status.MEMBER
    friends_present = maintained @ member
    below = np.flatnonzero(member & (1.0 * friends_present < 2.5))
    by_graph = np.flatnonzero(member & (nx.to_numpy_array(g) @ member < 2.5))
    assert 1 < below.size < member.sum() and below.tolist() != by_graph.tolist()
    organizer = below[0]                     # too few friends, but organizers never leave
    expected = below[1:]
    stayers = np.setdiff1d(np.flatnonzero(member), expected)
    idle = np.setdiff1d(stayers, [organizer])[0]
    st.circle[organizer] = Circle.ORGANIZER
    st.interest[[organizer, idle]] = 0.0     # motivation 0: never active, unless staff
    active_before = st.active.copy()
    out = churn.step(s.day)
    assert out.leavers.tolist() == expected.tolist()
    assert (out.active_today == (active_before & member)).all()
    assert (st.status[expected] == Status.LEFT).all() and (st.group[expected] == -1).all()
    assert (st.left_day[expected] == s.day.number).all() and not st.active[expected].any()
    assert (st.status[stayers] == Status.MEMBER).all() and (st.group[stayers] == 0).all()
    # activity_max 1, exponent 1, habit floor 1: stayers at motivation 1 are active tomorrow,
    # and the organizer at motivation 0 too; the idle member at motivation 0 is not
    assert np.flatnonzero(st.active).tolist() == np.setdiff1d(stayers, [idle]).tolist()
    # tomorrow's contagion: ties each person maintains to today's leavers
    left = maintained[:, expected].sum(axis=1).astype(int)
    assert [a.tolist() for a in st.left_friends] == [np.flatnonzero(left).tolist(), left[left != 0].tolist()]


def test_cost_benefit_organizers_never_leave_and_count_as_friends_present():
    g = nx.Graph([(0, 1), (1, 2), (1, 3), (2, 3), (0, 4), (4, 5)])
    over = ["churn.mode=cost_benefit", "churn.benefit_per_friend=1", "churn.cost=2.5"]
    s = setup(g, over, organizers=[0])
    # 0 (2 friends) is staff; 1 has 3 friends counting the organizer; 2, 3, 4 have 2, 5 has 1
    assert churn.step(s.day).leavers.tolist() == [2, 3, 4, 5]
    assert s.st.status[[0, 1]].tolist() == [Status.MEMBER, Status.MEMBER]
    # without the organizer in the community, 1 has only 2 friends present and leaves too
    s = setup(g, over, members=[1, 2, 3, 4, 5])
    assert churn.step(s.day).leavers.tolist() == [1, 2, 3, 4, 5]


def test_interest_churn_hazard_and_activity_probability():
    n = 4000
    i = np.arange(n)
    interest = np.where(i < 2000, 0.1, 0.64)              # half below the 0.15 threshold
    active = i % 2 == 0                                    # odd: silent today
    dormant = i % 4 == 1                                   # of the silent, half are dormant
    s = setup(nx.empty_graph(n), ["population.visit_rate_sigma=0",  # the formula without personal rates
                  "churn.mode=interest", "churn.leave_threshold=0.15",
                                  "churn.leave_hazard=0.25", "churn.newcomer_hazard=4",
                                  "newcomers.trial_days=14", "motivation.activity_max=0.9",
                                  "motivation.activity_exponent=1.5", "churn.dormant_after=30",
                                  "churn.dormant_activity=0.1", "activity.habit_rate=0.2",
                                  "activity.habit_floor=0.3"],
              organizers=range(40), interest=interest, active=np.flatnonzero(active), number=100,
              last_active=np.where(dormant, 0, 95))
    s.st.habit[:] = 0.5
    out = churn.step(s.day)
    staff = s.st.circle == Circle.ORGANIZER
    low = interest < 0.15
    # expected 0 (below the threshold): the bar is the threshold; tenure 100 days
    hazard = 0.25 * (1 + 4 * math.exp(-100 / 14))
    at_risk = np.flatnonzero(low & active & ~staff)
    assert set(out.leavers) <= set(at_risk)     # low-interest organizers and silent members stay
    assert (s.st.status[low & ~active] == Status.MEMBER).all()
    assert within(out.leavers.size, at_risk.size * hazard, math.sqrt(at_risk.size * hazard * (1 - hazard)))
    assert s.st.active[:40].all()                              # organizers active tomorrow
    # habit moves 0.2 of the way to today's activity (leavers keep theirs)
    stay = s.st.status == Status.MEMBER
    assert np.allclose(s.st.habit[stay], np.where(active, 0.6, 0.4)[stay])
    assert (s.st.habit[out.leavers] == 0.5).all()
    # tomorrow's activity among the high-interest stayers: 0.9 x 0.64^1.5 x (0.3 + 0.7 habit),
    # x 0.1 if dormant
    base = 0.9 * 0.64 ** 1.5
    high = i >= 2000
    for sel, p in ((high & active, base * 0.72), (high & ~active & ~dormant, base * 0.58),
                   (high & dormant, base * 0.58 * 0.1)):
        k = int(sel.sum())
        assert within(s.st.active[sel].sum(), k * p, math.sqrt(k * p * (1 - p)))


def test_habit_moves_toward_todays_activity_and_scales_the_activity_chance():
    st = State(4)
    st.habit[:] = [0.0, 0.5, 1.0, 0.3]
    st.active[:] = [True, False, True, True]
    activity.update_habit(st, np.array([0, 1, 2]), 0.1)       # 3 is not among the members
    assert st.habit.tolist() == pytest.approx([0.1, 0.45, 1.0, 0.3])
    p = activity.activity_probability(np.array([0.25, 1.0, 1.0, 1.0]), np.array([1.0, 0.0, 0.5, 1.0]),
                                      np.array([False, False, False, True]),
                                      SimpleNamespace(dormant_activity=0.1),
                                      SimpleNamespace(activity_max=0.8, activity_exponent=2),
                                      SimpleNamespace(habit_floor=0.3))
    assert p.tolist() == pytest.approx([0.8 * 0.0625, 0.8 * 0.3, 0.8 * 0.65, 0.08])
    # a whole draw with habit_rate 1 and no floor: tomorrow's chance is motivation x today's activity
    s = setup(nx.empty_graph(8), ["activity.habit_rate=1", "activity.habit_floor=0",
                                  "motivation.activity_max=1", "motivation.activity_exponent=1"],
              members=range(7), organizers=[6], active=[0, 1, 2], interest=[1, 1, 0, 1, 1, 1, 0, 1])
    s.st.habit[:] = 0.9
    activity.draw_activity(s.day, np.arange(7), s.st.motivation(s.day.effects, np.arange(7)))
    # 0, 1 came today at motivation 1; 2 came at motivation 0; 3..5 stayed away; the
    # organizer works every day; 7 is no member
    assert np.flatnonzero(s.st.active).tolist() == [0, 1, 6]
    assert s.st.habit.tolist() == [1, 1, 1, 0, 0, 0, 0, 0.9]


def test_goal_gradient_raises_the_visit_rate_toward_the_next_tier_and_resets_at_it():
    """Model versions 13-14 (Kivetz, Urminsky & Zheng 2006): climbing toward the next tier, a member's
    own visit hazard is multiplied by 1 + goal_gradient x progress; at a threshold (reached today,
    before the tiers step records it, or earlier), at the top level, when dormant, and for a ladder
    by points while no points run, the chance is its own. The draws are a grid of uniforms in every
    group, so each group's count of visitors is exactly round(chance x group size)."""
    m, g = 400, 0.32
    #           points  tier  dormant   progress
    groups = [(0.0, 0, False),       # 0
              (25.0, 0, False),      # 0.5
              (45.0, 0, False),      # 0.9
              (55.0, 0, False),      # crossed 50 today, tier not yet recorded: 5 of 250 toward 300
              (50.0, 1, False),      # at its threshold: 0
              (175.0, 1, False),     # 0.5 of the way from 50 to 300
              (400.0, 2, False),     # top level: 0
              (45.0, 0, True),       # 0.9, but dormant: its own chance
              (45.0, 0, "muted")]    # 0.9, but muted: its own chance
    n = m * len(groups)
    ids = np.arange(n)

    class Grid:  # the same uniforms (i + 0.5) / m in every group, in place of day.rng (draw_activity draws once)
        def random(self, size):
            return np.tile((np.arange(m) + 0.5) / m, size // m)

    def visitors(gradient, points_on=True, by="points"):
        s = setup(nx.empty_graph(n), ["activity.habit_rate=0", "activity.habit_floor=0",
                                      "population.visit_rate_sigma=0", "activity.notification_pull=0",
                                      "motivation.activity_max=1", "motivation.activity_exponent=1"],
                  active=[], interest=0.8)
        eff = s.day.effects
        eff.tier_thresholds, eff.tier_goal_gradient, eff.points_on = (50.0, 300.0), gradient, points_on
        eff.tier_by = by
        climbed = np.repeat([p for p, _, _ in groups], m)
        if by == "posts":
            s.st.posts_total[:] = climbed.astype(np.int32)
        else:
            s.st.points[:] = climbed
        s.st.tier[:] = np.repeat([t for _, t, _ in groups], m)
        s.st.habit[:] = 1.0                                     # chance = motivation = 0.8 ...
        asleep = np.repeat([d is True for _, _, d in groups], m)
        s.st.last_active_day[asleep] = s.day.number - 1000      # ... x dormant_activity when dormant or muted
        s.st.muted[np.repeat([d == "muted" for _, _, d in groups], m)] = True
        s.day.rng = Grid()
        activity.draw_activity(s.day, ids, s.st.motivation(eff, ids))
        return s.st.active.reshape(len(groups), m).sum(axis=1)

    plain = visitors(0.0)
    awake, dormant = 0.8, 0.8 * default_scenario().churn.dormant_activity
    assert plain.tolist() == [round(awake * m)] * 7 + [round(dormant * m)] * 2
    progress = np.array([0.0, 0.5, 0.9, 0.02, 0.0, 0.5, 0.0, 0.0, 0.0])
    hazard = 1 - (1 - awake) ** (1 + g * progress)              # not awake x (1 + g x progress)
    expected = np.round(hazard * m).astype(int)
    expected[-2:] = round(dormant * m)
    assert visitors(g).tolist() == expected.tolist()
    assert expected[2] == round((1 - 0.2 ** 1.288) * m) and expected[2] != round(min(0.8 * 1.288, 1) * m)
    assert expected[3] < expected[2]                       # reaching the level resets the climb
    assert visitors(g, points_on=False).tolist() == plain.tolist()  # by points, and no points running
    assert visitors(g, points_on=False, by="posts").tolist() == expected.tolist()  # posts: no points needed
    assert rewards.goal_progress(np.array([45.0, 50.0, 120.0, 400.0]), np.array([0, 1, 1, 2]),
                                 (50.0, 300.0)).tolist() == pytest.approx([0.9, 0.0, 0.28, 0.0])
    assert rewards.goal_progress(np.array([30.0, 60.0]), np.array([0, 1]), (50.0, 50.0)).tolist() == [0.6, 0.0]



def test_posting_gradient_raises_talkativeness_toward_the_next_tier_and_resets_at_it():
    """Model version 15 (Kivetz, Urminsky & Zheng 2006's second study: more ratings per visit as the
    reward nears): a climbing member's talkativeness is multiplied by 1 + posting_gradient x progress,
    the progress the visit gradient reads; each gradient acts only through its own step."""
    points = np.array([0.0, 25.0, 45.0, 55.0, 175.0, 400.0, 10.0, 45.0])
    tier = np.array([0, 0, 0, 0, 1, 2, 2, 0], np.int8)
    # 55: crossed 50 (on a ladder's first day), 5 of 250 toward 300; 10 points at tier 2: a KOC
    # round's level, the top; the last one is muted (muting is about coming, not posting)
    progress = np.array([0.0, 0.5, 0.9, 0.02, 0.5, 0.0, 0.0, 0.9])
    n, g = points.size, 0.32
    s = setup(nx.empty_graph(n), interest=0.5, propensity=1.0)
    st, eff, everyone, mot = s.st, s.day.effects, np.arange(n), np.full(n, 0.5)
    st.points[:], st.tier[:], st.muted[n - 1] = points, tier, True
    plain = content.chat_rates(s.day, everyone, mot)
    sc = default_scenario().with_overrides(["strategies.tiers.start=0"])
    (tiers,) = [KINDS[kind](name, spec) for name, kind, spec in sc.strategies]
    tiers.apply(eff, s.day.number)                                 # thresholds 50 and 300 by default
    eff.tier_goal_gradient, eff.tier_post_boost, eff.points_on = 0.0, 0.0, True  # posting's gradient alone
    assert eff.tier_posting_gradient == g                                     # the default, set by the strategy
    assert (content.chat_rates(s.day, everyone, mot) / plain).tolist() == pytest.approx((1 + g * progress).tolist())
    assert rewards.climb_factor(s.day, everyone, eff.tier_goal_gradient) is None  # visits keep their own rate
    eff.points_on = False                                          # a ladder by points, no points running
    assert content.chat_rates(s.day, everyone, mot).tolist() == plain.tolist()
    eff.tier_by = "posts"                                          # by posts: no points needed, posts counted
    st.posts_total[:] = (points * 2).astype(np.int32)              # 0, 50, 90, 110, 350, 800, 20, 90 posts
    by_posts = np.array([0.0, 0.0, 0.16, 0.24, 0.0, 0.0, 0.0, 0.16])  # 50 and 350: levels just reached
    st.tier[:] = [0, 1, 1, 1, 2, 2, 2, 1]
    assert (content.chat_rates(s.day, everyone, mot) / plain).tolist() == pytest.approx((1 + g * by_posts).tolist())
    eff.tier_posting_gradient, eff.tier_goal_gradient = 0.0, g     # the visit gradient alone
    assert content.chat_rates(s.day, everyone, mot).tolist() == plain.tolist()
    assert rewards.climb_factor(s.day, everyone, g).tolist() == pytest.approx((1 + g * by_posts).tolist())


def cohorts(per: int, overrides=(), number=1000):
    """Cohorts of `per` members for the leaving rule: some in 4-cliques (3 friends inside each)."""
    kinds = [("A", True), ("B", True), ("C", True), ("F", True), ("G1", True),
             ("D", False), ("E", False), ("G2", False), ("org", False)]
    g = nx.empty_graph(per * len(kinds))
    ids = {}
    for k, (name, clique) in enumerate(kinds):
        ids[name] = np.arange(k * per, (k + 1) * per)
        if clique:
            for c in range(k * per, (k + 1) * per, 4):
                g.add_edges_from(itertools.combinations(range(c, c + 4), 2))
    s = setup(g, ["churn.mode=interest", "churn.leave_threshold=0.15", "churn.belonging_weight=0.2",
                  "churn.belonging_half=3", "newcomers.trial_days=14", *overrides],
              organizers=ids["org"], active=np.setdiff1d(np.arange(g.number_of_nodes()), ids["E"]),
              number=number)
    st = s.st
    st.expected[:] = 0.6
    for name, interest, tenure in (("A", 0.5, 0), ("B", 0.65, 0), ("C", 0.1, number), ("F", 0.02, number),
                                   ("G1", 0.3, 14), ("D", 0.1, number), ("E", 0.0, number),
                                   ("G2", 0.3, 14), ("org", 0.0, number)):
        st.interest[ids[name]] = interest
        st.joined_day[ids[name]] = number - tenure
    return s, ids


def test_leaving_bar_tenure_hazard_and_belonging_pull():
    assert churn.leaving_bar(np.array([0.6, 0.6, 0.6, 0.1]), np.array([0, 14, 10_000, 0]), 0.15, 14) \
        .tolist() == pytest.approx([0.6, 0.15 + 0.45 / math.e, 0.15, 0.15])
    assert churn.tenure_hazard(np.array([0, 14, 10_000]), 0.05, 4.0, 14).tolist() \
        == pytest.approx([0.25, 0.05 * (1 + 4 / math.e), 0.05])
    assert churn.tenure_hazard(np.array([0]), 0.5, 4.0, 14).tolist() == [1.0]
    assert churn.belonging(np.array([0, 3, 9]), 0.2, 3.0).tolist() == pytest.approx([0, 0.1, 0.15])
    # hazard 1: exactly who is below its bar after belonging's pull leaves
    #   A newcomers (3 friends) at 0.5 < expected 0.6: no pull yet on day 0 -> leave
    #   B newcomers at 0.65 > 0.6 -> stay
    #   C established, 0.1 + belonging 0.1 >= 0.15 -> held by their friends
    #   F established, 0.02 + 0.1 < 0.15 -> leave
    #   G1 day 14: 0.3 + 0.1 (1 - 1/e) = 0.363 >= bar 0.15 + 0.45 / e = 0.316 -> held;
    #   G2 the same without friends: 0.3 < 0.316 -> leave
    #   D established, no friends, 0.1 < 0.15 -> leave; E the same but silent today -> stay;
    #   organizers at interest 0 -> stay
    s, ids = cohorts(40, ["churn.leave_hazard=1", "churn.newcomer_hazard=4"])
    out = churn.step(s.day)
    assert sorted(out.leavers.tolist()) == sorted(np.r_[ids["A"], ids["F"], ids["G2"], ids["D"]].tolist())
    # the hazards: newcomers below their expectation leave at 0.05 x (1 + 4); at day 14 at
    # 0.05 x (1 + 4 / e); established members at 0.05
    s, ids = cohorts(2000, ["churn.leave_hazard=0.05", "churn.newcomer_hazard=4"])
    out = churn.step(s.day)
    gone = np.zeros(s.st.n, bool)
    gone[out.leavers] = True
    for name, p in (("A", 0.25), ("G2", 0.05 * (1 + 4 / math.e)), ("D", 0.05), ("F", 0.05)):
        k = ids[name].size
        assert within(gone[ids[name]].sum(), k * p, math.sqrt(k * p * (1 - p))), name
    for name in ("B", "C", "G1", "E", "org"):
        assert not gone[ids[name]].any(), name


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


def test_tiers_by_posts_follow_cumulative_posts_not_points():
    """`tiers.by: posts`: activity-based levels climb with messages posted, whatever points say."""
    s = setup(nx.empty_graph(4))
    st = s.st
    st.points[:] = [100.0, 0.0, 0.0, 0.0]
    st.posts_total[:] = [0, 10, 49, 300]
    s.day.effects.tier_thresholds = (10.0, 50.0)
    s.day.effects.tier_by = "posts"
    rewards.update_tiers(s.day)
    assert st.tier.tolist() == [0, 1, 1, 2]


def test_tier_status_wears_off_while_held_and_each_level_reached_is_fresh():
    """Model version 12: a tier level's pull (status bonus and posting boost) counts in full on
    the day it is reached and as exp(-days held / wear_days) after, ladder running or not; a
    level reached later, by points or by a KOC round (even while no ladder runs), is fresh on
    its day; wear_days 0 is model version 11 (the tier in full, no per-person array)."""
    tau = 20.0
    s = setup(nx.empty_graph(4), interest=0.5, propensity=1.0)
    st, eff = s.st, s.day.effects
    everyone = np.arange(4)

    def felt_status():  # both ways members read motivation: everyone, and a list of persons
        whole = st.motivation(eff)
        assert st.motivation(eff, everyone).tolist() == whole.tolist()
        return ((whole - 0.5) / 0.1).tolist()

    eff.tier_thresholds, eff.tier_bonus, eff.tier_post_boost, eff.tier_wear_days = (10.0, 50.0), 0.1, 0.3, tau
    st.points[:] = [0.0, 20.0, 60.0, 0.0]
    rewards.update_tiers(s.day)                       # day 10: 1 reaches tier 1, 2 tier 2
    assert st.tier_pull.tolist() == [0.0, 1.0, 2.0, 0.0]
    assert felt_status() == pytest.approx([0.0, 1.0, 2.0, 0.0])
    for number in range(11, 31):                      # 20 days on; 0 reaches tier 1 on day 30
        s.day.number = number
        st.points[0] = 20.0 if number == 30 else 0.0
        rewards.update_tiers(s.day)
    e = math.exp(-20 / tau)
    assert felt_status() == pytest.approx([1.0, e, 2 * e, 0.0])
    # posting follows the pull too: talkativeness x (1 + post_boost x levels felt)
    mot = np.full(4, 0.5)
    boosted = content.chat_rates(s.day, everyone, mot)
    eff.tier_post_boost = 0.0
    assert (boosted / content.chat_rates(s.day, everyone, mot)).tolist() == pytest.approx([1.3, 1 + 0.3 * e,
                                                                                          1 + 0.6 * e, 1.0])
    # the ladder pauses on day 31; a KOC round lifts 3 to tier 2 on day 40; the ladder returns on day 60
    ladder = eff.tier_thresholds, eff.tier_bonus, eff.tier_wear_days
    eff.tier_thresholds, eff.tier_bonus, eff.tier_wear_days = (), 0.0, 0.0
    st.posts_recent[:] = [0, 0, 0, 9]
    for number in range(31, 60):                      # in DAILY_STEPS' order: tiers, then the KOC round
        s.day.number = number
        eff.koc = KocRound("koc", 1, 1, 0.0, 0.0) if number == 40 else None
        rewards.update_tiers(s.day)
        if number == 40:
            assert rewards.promote_kocs(s.day).promoted.tolist() == [3]
            assert st.tier_pull[3] == 2.0                 # counted by the round itself, on its day
    assert st.tier.tolist() == [1, 1, 2, 2]
    eff.tier_thresholds, eff.tier_bonus, eff.tier_wear_days = ladder
    s.day.number = 60                                 # what members read on its first day back: yesterday's pull
    assert felt_status() == pytest.approx([math.exp(-29 / tau), math.exp(-49 / tau), 2 * math.exp(-49 / tau),
                                           2 * math.exp(-19 / tau)])
    # a later ladder without wear-out reads the tiers in full, though the pull is still kept
    eff.tier_wear_days = 0.0
    assert felt_status() == pytest.approx([1.0, 1.0, 2.0, 2.0])
    # wear_days 0 from the start: the tier in full, as before version 12, and no per-person array
    s = setup(nx.empty_graph(2), interest=0.5)
    s.day.effects.tier_thresholds, s.day.effects.tier_bonus = (10.0, 50.0), 0.1
    s.st.points[:] = [60.0, 0.0]
    for number in (10, 200):
        s.day.number = number
        rewards.update_tiers(s.day)
    assert s.st.tier_pull is None and s.st.motivation(s.day.effects).tolist() == pytest.approx([0.7, 0.5])


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
    s = setup(g, ["community.group_floor=0"], members=range(n), left=[], groups=grp)  # no merging
    s.st.set_status([31], Status.LEFT)  # a former member does not count
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


def test_small_groups_merge_into_the_group_holding_their_friends():
    # path 0-1-...-19: group 0 = 0..8 (9), group 1 = 9..10 (2), group 2 = 11..19 (9)
    g = nx.path_graph(20)
    grp = np.r_[np.zeros(9), np.ones(2), np.full(9, 2)].astype(int)
    s = setup(g, ["community.group_floor=3", "community.group_cap=11"], groups=grp)
    out = groups.step(s.day)
    assert out.merges == 1 and out.splits == 0
    # 9's friend 8 is in group 0 and 10's friend 11 in group 2: a tie, broken at random, but
    # the whole group moves together and nobody is left in group 1
    sizes = groups.group_sizes(s.st)
    assert sizes[1] == 0 and sorted(sizes[[0, 2]].tolist()) == [9, 11]
    assert len(set(s.st.group[[9, 10]].tolist())) == 1


def test_small_groups_stay_when_no_group_has_room_or_the_floor_is_off():
    g = nx.path_graph(20)
    grp = np.r_[np.zeros(9), np.ones(2), np.full(9, 2)].astype(int)
    full = setup(g, ["community.group_floor=3", "community.group_cap=10"], groups=grp)
    assert groups.step(full.day).merges == 0 and groups.group_sizes(full.st)[1] == 2
    off = setup(g, ["community.group_floor=0"], groups=grp)
    assert groups.step(off.day).merges == 0 and groups.group_sizes(off.st)[1] == 2


def test_at_risk_counts_low_interest_members_who_still_visit():
    s = setup(nx.empty_graph(6), organizers=[5])
    st = s.st
    st.interest[:] = [0.1, 0.1, 0.1, 0.5, 0.1, 0.1]   # 3 is keen; 5 is staff
    st.habit[:] = [1.0, 0.9, 0.05, 1.0, 0.0, 1.0]
    ch = s.sc.churn
    assert (ch.leave_hazard, ch.leave_threshold) == (0.05, 0.15)
    # leaving within 30 days: 1 - (1 - h * 0.05)^30 = 0.785 (h 1), 0.750 (h 0.9), 0.072 (h 0.05), 0 (h 0)
    assert churn.at_risk(st, ch, 0.7) == 2      # persons 0 and 1; 3 is keen, 5 is staff
    assert churn.at_risk(st, ch, 0.76) == 1     # person 0 only


# ------------------------------------------------------------------------------------------
# muting, notifications, exposure, founders, merge votes (issue 9)
# ------------------------------------------------------------------------------------------
def test_of_those_who_give_up_the_mute_share_mutes_and_stays_on_the_roll():
    n = 4000
    s = setup(nx.empty_graph(n), ["churn.leave_threshold=0.5", "churn.leave_hazard=1",
                                  "churn.newcomer_hazard=0", "churn.mute_share=0.3"],
              interest=0.1, number=1000)
    out = churn.step(s.day)
    muted = s.st.muted
    # everyone is below the bar and visits today (hazard 1): 30% mute, the rest leave
    assert muted.sum() + out.leavers.size == n
    assert within(muted.sum(), 0.3 * n, math.sqrt(n * 0.3 * 0.7))
    assert (s.st.status[muted] == Status.MEMBER).all() and not muted[out.leavers].any()


def test_overloaded_lukewarm_readers_mute_and_the_keen_do_not():
    n = 6000
    s = setup(nx.empty_graph(n), ["churn.overload_mute=0.2", "churn.leave_threshold=0"],
              interest=np.where(np.arange(n) < n // 2, 0.25, 1.0), number=1000)
    backlog = np.where(np.arange(n) % 2 == 0, math.e, 0.5)   # half face e x their budget
    s.day.results["reading"] = attention.Reading(np.arange(n), np.zeros(n), np.zeros(n), np.zeros(n),
                                                 backlog, np.zeros(n))
    churn.step(s.day)
    m = s.st.muted
    over = backlog > 1
    assert not m[~over].any() and not m[n // 2:].any()         # no backlog, or motivation 1: never
    sel = over & (np.arange(n) < n // 2)
    p, k = 0.2 * 1.0 * 0.75, int(sel.sum())                   # rate x ln(e) x (1 - 0.25)
    assert within(m[sel].sum(), k * p, math.sqrt(k * p * (1 - p)))


def test_friends_messages_pull_members_back_unless_they_muted_the_group():
    # a star: 0 posts 20 messages; 1..40 maintain a tie to 0; 41..80 do not
    g = nx.star_graph(40)
    g.add_nodes_from(range(41, 81))
    n = 81
    s = setup(g, ["population.visit_rate_sigma=0",  # the formula without personal rates
                  "activity.notification_pull=0.05", "motivation.activity_max=0",
                  "population.dunbar_limit=200"], active=[0], number=50)
    s.st.posts_today[0] = 20
    s.st.muted[21:41] = True
    s.day.results["content"] = SimpleNamespace(senders=np.array([0]))
    members = np.arange(n)
    got = activity.notified(s.day, members)
    assert got[1:21].tolist() == [20] * 20 and (got[21:] == 0).all()
    hits = np.zeros(n)
    for seed in range(40):
        s.day.rng = np.random.default_rng(seed)
        activity.draw_activity(s.day, members, s.st.motivation(s.day.effects))
        hits += s.st.active
    p, k = 1 - 0.95 ** 20, 20 * 40                            # activity_max 0: only the pull
    assert within(hits[1:21].sum(), k * p, math.sqrt(k * p * (1 - p)))
    assert hits[21:].sum() == 0                               # muted, or no friend posting


def test_events_wear_out_when_repeated_and_recover_after_a_pause():
    """Habituation (model version 7): the chance to come and the gain both scale with
    1 - exp(-days since the member's last event / recovery_days); a member's first event and
    one after a long pause work in full; recovery_days 0 is model version 6 (no wear-out)."""
    n = 4000

    def hold(s, number, recovery):
        eff = Effects()
        eff.events = (Event("online", 1.0, 0.0, 0.2, wake=1.0, messages=0.0, hours=0.0, recovery_days=recovery),)
        return events.step(Day(number, s.st, s.pop, s.sc, np.random.default_rng(number), eff)).attendees

    s = setup(nx.empty_graph(n), ["population.topic_fit_fixed=0.5"], active=[], number=100, last_active=99,
              interest=1.0, novelty=0.0)
    assert hold(s, 100, 30.0) == n                          # certain notice, interest 1, a first event: all
    assert np.allclose(s.st.novelty, 0.2)
    p = 1 - math.exp(-1 / 30)                               # the next day: 3.3% recovered
    came = hold(s, 101, 30.0)
    assert within(came, n * p, math.sqrt(n * p * (1 - p)))
    again = s.st.last_event_day == 101
    assert again.sum() == came and np.allclose(s.st.novelty[again], 0.2 + 0.2 * p)
    assert np.allclose(s.st.novelty[~again], 0.2)
    p = 1 - math.exp(-(401 - 100) / 30)                     # after a pause of ten recovery times: whole again
    assert within(hold(s, 401, 30.0), n * p, math.sqrt(n * p * (1 - p)) + 1)
    s = setup(nx.empty_graph(n), ["population.topic_fit_fixed=0.5"], active=[], number=100, last_active=99,
              interest=1.0, novelty=0.0)
    assert hold(s, 100, 0.0) == hold(s, 101, 0.0) == n     # no habituation: every event in full
    assert np.allclose(s.st.novelty, 0.4) and (s.st.last_event_day == 101).all()  # attendance still kept
    assert events.recovered(np.array([0, 30]), 30.0).round(3).tolist() == [0.0, 0.632]


def test_two_events_on_one_day_judge_everyone_on_the_history_before_the_day():
    """Which of two same-day events comes first is only the order of their strategies' names: the
    second must not find everyone who came to the first fully habituated (gap 0, nobody comes)."""
    n = 2000
    s = setup(nx.empty_graph(n), ["population.topic_fit_fixed=0.5"], active=[], number=100, last_active=99,
              interest=1.0, novelty=0.0)
    eff = Effects()
    eff.events = tuple(Event(name, 1.0, 0.0, 0.2, wake=1.0, messages=0.0, hours=0.0, recovery_days=30.0)
                       for name in ("a_meetup", "b_live"))
    # everyone came to both, and counts once among the day's attendees (it counted twice until
    # model version 16: 2 x n attendees among n members, a fuzzer's finding)
    assert events.step(Day(100, s.st, s.pop, s.sc, np.random.default_rng(3), eff)).attendees == n
    assert np.allclose(s.st.novelty, 0.4) and (s.st.last_event_day == 100).all()
    # two events each noticed by about half: the day counts the persons who came to either,
    # neither the sum of the two nor the larger one
    s = setup(nx.empty_graph(n), ["population.topic_fit_fixed=0.5"], active=[], number=100, last_active=99,
              interest=1.0, novelty=0.0)
    eff.events = tuple(Event(name, 0.5, 0.0, 0.0, wake=1.0, messages=0.0, hours=0.0, recovery_days=0.0)
                       for name in ("a_meetup", "b_live"))
    came = events.step(Day(100, s.st, s.pop, s.sc, np.random.default_rng(4), eff)).attendees
    assert came == np.count_nonzero(s.st.last_event_day == 100)
    assert 0.7 * n < came < 0.8 * n                    # 1 - 0.5^2 of them, give or take


def test_an_event_that_reaches_a_muted_member_unmutes_it():
    n = 2000
    s = setup(nx.empty_graph(n), ["population.topic_fit_fixed=0.5"], active=[], number=100, last_active=99)
    s.st.muted[:n // 2] = True                                # muted counts as dormant
    s.day.effects.events = (Event("online", 1.0, 0.0, 0.0, wake=0.5, messages=0.0, hours=0.0),)
    events.step(s.day)
    woke = s.st.active[:n // 2]
    assert within(woke.sum(), n / 4, math.sqrt(n / 2 * 0.25))
    assert (~s.st.muted[:n // 2] == woke).all() and s.st.active[n // 2:].all()


@pytest.mark.parametrize("as_mask", [True, False])
def test_novelty_fades_with_calendar_time_and_with_messages_read(as_mask):
    """Members given as a mask or as ids; each keeps its own novelty (a mask read as ids 0/1
    would copy person 1's onto the others, or fail when the mask is not all true)."""
    n = 4
    s = setup(nx.empty_graph(n), ["motivation.novelty_halflife=100", "motivation.novelty_exposure=1000"])
    s.st.novelty[:] = [1.0, 0.5, 0.25, 0.8]
    s.st.set_status([3], Status.LEFT)                          # not a member: its novelty stays
    s.day.results["reading"] = attention.Reading(np.array([0, 1]), np.array([0.0, 500.0]), np.zeros(2),
                                                 np.zeros(2), np.ones(2), np.zeros(2))
    members = s.st.status == Status.MEMBER
    motivation.fade_novelty(s.day, members if as_mask else members.nonzero()[0])
    day = 0.5 ** (1 / 100)
    assert s.st.novelty.tolist() == pytest.approx([day, 0.5 * day * 0.5 ** 0.5, 0.25 * day, 0.8])


def test_attitude_content_slows_only_its_readers_ageing():
    """Attitude content (share a) stretches the novelty half-life of those who read today by 1 + a;
    a member who did not come today ages at the usual pace (before model version 5, everyone)."""
    n = 4
    s = setup(nx.empty_graph(n), ["motivation.novelty_halflife=100", "motivation.novelty_exposure=0"])
    s.st.novelty[:] = [1.0, 0.5, 0.25, 0.8]
    s.day.effects.attitude = 0.5
    s.day.results["reading"] = attention.Reading(np.array([0, 2]), np.array([10.0, 10.0]), np.zeros(2),
                                                 np.zeros(2), np.ones(2), np.zeros(2))
    motivation.fade_novelty(s.day, np.arange(n))
    slow, usual = 0.5 ** (1 / 150), 0.5 ** (1 / 100)
    assert s.st.novelty.tolist() == pytest.approx([slow, 0.5 * usual, 0.25 * slow, 0.8 * usual], rel=1e-12)


def test_founders_judge_the_community_against_the_interest_they_came_with():
    from sim.model import founding

    sc = default_scenario().with_overrides(["population.size=300"])
    pop = build_population(sc.population, np.random.default_rng(0))
    st = State(pop.n)
    founders = founding.found(st, pop, sc, np.random.default_rng(1))
    assert np.allclose(st.expected[founders], st.interest[founders])
    assert (st.expected[founders] > 0).all()


def test_a_small_group_merges_where_its_members_friends_are_not_where_they_already_sit():
    # group 1 (0..5) is small and tightly knit; two of its members have friends in group 2 only;
    # group 0 is the largest: the old rule counted friends inside group 1 and fell back to group 0
    g = nx.complete_graph(6)
    g.add_nodes_from(range(6, 40))
    g.add_edges_from([(0, 30), (1, 31), (1, 32)])
    grp = np.r_[np.ones(6), np.zeros(20), np.full(14, 2)].astype(int)
    s = setup(g, ["community.group_floor=8", "community.group_cap=100"], groups=grp)
    assert groups.step(s.day).merges == 1
    assert (s.st.group[:6] == 2).all()


def test_friends_share_sub_interests_and_interest_groups_open_at_open_at():
    g = nx.connected_caveman_graph(20, 10)
    s = setup(g, ["groups.by=interest", "groups.subtopics=4", "groups.homophily=1", "groups.open_at=15",
                  "community.group_cap=60", "population.dunbar_limit=20"])
    labels = groups.draw_subtopics(s.pop.maintained, 4, 1.0, np.random.default_rng(0))
    same = np.mean([labels[u] == labels[v] for u, v in g.edges()])
    rand = groups.draw_subtopics(s.pop.maintained, 4, 0.0, np.random.default_rng(0))
    same0 = np.mean([rand[u] == rand[v] for u, v in g.edges()])
    assert same > same0 + 0.3 and abs(same0 - 0.25) < 0.06      # homophily makes friends alike
    st = s.st
    groups.ensure_subtopics(st, s.pop, s.sc, s.day.rng)
    counts = np.bincount(st.subtopic, minlength=4)
    opened = groups.open_interest_groups(st, s.sc)
    # every sub-interest with >= 15 members gets a group of its own, at most 60 moved into it
    assert opened == int((counts >= 15).sum()) > 0
    for gid, t in enumerate(st.group_topic):
        if t >= 0:
            inside = np.flatnonzero(st.group == gid)
            assert (st.subtopic[inside] == t).all() and 0 < inside.size <= 60
    # a joiner of a served sub-interest goes to its group; one of an unserved one to a general group
    served = [t for t in st.group_topic if t >= 0]
    st.set_status(slice(None), Status.MEMBER)
    out = np.flatnonzero(st.subtopic == served[0])[-1]
    st.group[out] = -1
    groups.place_joiners(s.day, np.array([out]))
    assert st.group_topic[st.group[out]] == served[0]



def test_a_days_joiners_fill_their_interest_groups_only_up_to_the_cap():
    """Every joiner of a sub-interest went to one group, whatever the day's joiners before it had
    filled, so interest groups grew past the cap (a fuzzer's finding, 2026-12-06): they now fill the
    fullest group of their sub-interest to the cap, then the next, then go to a general group."""
    cap = 10
    n = 40
    #  group 0: general, 5 members; group 1: topic 0, 8 members; group 2: topic 0, 6; group 3: topic 1, 9
    g = np.full(n, -1)
    g[:5], g[5:13], g[13:19], g[19:28] = 0, 1, 2, 3
    s = setup(nx.empty_graph(n), ["groups.by=interest", "groups.subtopics=2", f"community.group_cap={cap}"],
              members=range(28), groups=np.maximum(g, 0))
    st = s.st
    st.group[28:] = -1
    st.n_groups, st.group_topic = 4, np.array([-1, 0, 0, 1])
    st.subtopic[:] = 0
    st.subtopic[19:28] = 1
    st.subtopic[34:] = 1                      # joiners 28..33 like topic 0, 34..39 topic 1
    joiners = np.arange(28, n)
    st.set_status(joiners, Status.MEMBER)
    groups.place_joiners(s.day, joiners)
    assert st.group[28:30].tolist() == [1, 1]              # the fullest of topic 0 takes 2 to reach 10
    assert st.group[30:34].tolist() == [2] * 4             # then the next one: 6 + 4 = 10
    assert st.group[34].tolist() == 3                      # topic 1's only group has room for one
    assert (st.group_topic[st.group[35:]] < 0).all()       # the rest go to general groups
    sizes = np.bincount(st.group[st.status == Status.MEMBER], minlength=st.n_groups)
    assert sizes.max() <= cap and sizes[1:4].tolist() == [cap] * 3

def test_a_small_general_group_folds_only_into_a_general_group_with_interest_groups():
    """A small general group could fold into a sub-interest's group, which takes no one else (a
    fuzzer's finding, 2026-12-06; fixed in model version 17): it now folds into a general group, or
    stays when none has room. Its members' friends sit in the sub-interest's group, so friendship
    alone (the old vote) would send them there."""
    graph = nx.empty_graph(12)
    graph.add_edges_from([(0, 2), (0, 3), (1, 4)])  # the small group's friends sit in group 1

    def merged(grp, cap):
        s = setup(graph, ["groups.by=interest", "groups.subtopics=2", f"community.group_cap={cap}"],
                  groups=grp)
        s.st.n_groups, s.st.group_topic = 3, np.array([-1, 0, -1])
        merges = groups.merge_small(s.st, s.pop.maintained, 3, cap, s.day.rng)
        return merges, s.st.group[:2].tolist()

    # group 0: general, 2 members (0, 1); group 1: topic 0, 5 (2..6); group 2: general, 5 (7..11)
    assert merged(np.r_[[0, 0], [1] * 5, [2] * 5], cap=20) == (1, [2, 2])  # the general group, not group 1
    # group 1: topic 0, 3 (2..4), with room; group 2: general, 7 (5..11), without: stay (version 16 joined 1)
    assert merged(np.r_[[0, 0], [1] * 3, [2] * 7], cap=6) == (0, [0, 0])


def test_an_organizer_welcomes_each_quiet_newcomer_once_within_its_spare_hours():
    n = 60
    s = setup(nx.empty_graph(n), ["content.reply_hours=1", "content.speak_chance=0",
                                  "content.core_post_rate=0", "community.hours_per_group=0",
                                  "community.organizer_hours=10", "community.organizers_per_1000=0"],
              organizers=[0], number=20)
    st = s.st
    st.joined_day[1:41] = 15                   # 40 newcomers on trial (tenure 5 < 14); 41.. established
    out = content.step(s.day)
    welcomed = st.welcomed
    # 10 spare hours, one hour a welcome: 10 of the 40 quiet newcomers, none of the others
    assert out.welcomed == 10 == welcomed.sum() and welcomed[1:41].sum() == 10
    assert (st.recognition[welcomed] == 1).all() and (st.recognition[~welcomed] == 0).all()
    assert out.org_replies[0] == 10                       # welcomes are messages to one member each
    again = content.step(Day(21, st, s.pop, s.sc, np.random.default_rng(9), Effects()))
    assert again.welcomed == 10 and st.welcomed.sum() == 20  # nobody is welcomed twice


def _place_reference(sizes, closed, n_groups, pref, cap, soft):
    """The placement rule written plainly: search for the largest open group for every joiner."""
    sizes, closed, out = list(sizes), list(closed), []
    for g in pref:
        if g < 0 or (sizes[g] >= cap and not soft):
            open_groups = [h for h in range(n_groups) if 0 < sizes[h] < cap and not closed[h]]
            if open_groups:
                g = max(open_groups, key=lambda h: (sizes[h], -h))
            else:
                g = n_groups
                n_groups += 1
                sizes.append(0)
                closed.append(False)
        out.append(g)
        sizes[g] += 1
    return out, n_groups


@pytest.mark.parametrize("seed", range(40))
def test_joiners_are_placed_as_the_plain_rule_places_them(seed, monkeypatch):
    """`place_with_friends` keeps the largest open group between searches; the choices must be
    the plain rule's, joiner by joiner, with caps binding, ties and new groups."""
    rng = np.random.default_rng(seed)
    n, n_groups, cap = 400, int(rng.integers(1, 8)), int(rng.integers(3, 30))
    soft = bool(seed % 3 == 0)
    every = int(rng.choice([4, 12, 40]))  # many members (groups fill up) or few (ties, overtaking)
    s = setup(nx.empty_graph(n), [f"community.group_cap={cap}"], members=np.arange(0, n, every),
              groups=np.arange(n, dtype=np.int32) // every % n_groups)  # groups of equal size
    s.st.n_groups = n_groups
    joiners = np.arange(1, n, 4)[: int(rng.integers(20, 100))]
    pref = np.where(rng.random(joiners.size) < 0.4, -1, rng.integers(0, n_groups, joiners.size))
    monkeypatch.setattr(groups, "preferred_groups", lambda *a, **k: pref.copy())
    if soft:
        s.day.effects.split_cap = cap
    sizes = groups.group_sizes(s.st)
    expected, expected_n = _place_reference(sizes, [False] * sizes.size, n_groups, pref.tolist(), cap, soft)
    groups.place_with_friends(s.day, joiners)
    assert s.st.group[joiners].tolist() == expected
    assert s.st.n_groups == expected_n


def test_speaker_order_is_lexsorts_including_ties_and_many_groups():
    """`population.by_group_then` replaces `np.lexsort((key, group))` in the daily speaker sort: the
    same order for 3,000 random cases, with tied keys (whole numbers), one group, and group ids
    beyond 16 bits (the integer-key sort instead of the radix one). Fails if either sort is not stable or the radix cast
    wraps large ids."""
    from sim.model.population import by_group_then

    rng = np.random.default_rng(11)
    for case in range(3000):
        size = int(rng.integers(0, 60))
        key = rng.integers(0, 4, size).astype(float) if case % 2 else rng.random(size)
        top = (1, 5, 70_000)[case % 3]
        groups = rng.integers(0, top, size)
        assert by_group_then(key, groups).tolist() == np.lexsort((key, groups)).tolist(), case


def test_founding_core_pick_is_the_stable_sorts_first_k():
    """`founding.first_by` picks the core experts (the best topic fits) without sorting
    everyone: the same positions as `np.argsort(key, kind="stable")[:k]` in 5,000 random cases,
    with ties, NaN, -inf, k = 0 and k beyond the size. Fails if ties at the k-th key are not
    taken in position order."""
    from sim.model.founding import first_by

    rng = np.random.default_rng(2)
    for case in range(5000):
        size = int(rng.integers(0, 40))
        key = rng.integers(0, 4, size) / 2.0 if case % 2 else rng.random(size)
        if case % 7 == 0 and size:
            key[rng.integers(0, size)] = np.nan
        if case % 11 == 0 and size:
            key[rng.integers(0, size)] = -np.inf
        k = int(rng.integers(0, size + 3))
        assert first_by(key, k).tolist() == np.argsort(key, kind="stable")[:k].tolist(), case


def test_group_counts_match_filtering_the_ungrouped_first():
    """`groups.counts_by_group` counts members per group by shifting -1 (no group) to a slot of
    its own, instead of filtering it out first: the same counts, length and dtype as the filter in
    3,000 random cases (empty, all ungrouped, ids below -1 taking the fallback). Fails if the
    shift is off by one or the -1 slot is kept."""
    from sim.model.mechanics.groups import counts_by_group

    rng = np.random.default_rng(4)
    for case in range(3000):
        n_groups = int(rng.integers(0, 8))
        g = rng.integers(-1 if case % 5 else -3, 9, int(rng.integers(0, 30))).astype(np.int32)
        kept = g[g >= 0]
        expected = np.bincount(kept, minlength=n_groups) if kept.size else np.zeros(n_groups, int)
        got = counts_by_group(g, n_groups)
        assert got.tolist() == expected.tolist() and got.dtype == expected.dtype, case
