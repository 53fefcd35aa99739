"""Motivation: how interest moves each day (docs/model.md, step 8).

For an active member the day is worth a target in [0, 1]:
    novelty * (satisfaction(value read * relevance) + recognition) - overload - stranger share - promotion
(with `information_need` w > 0 the satisfaction is (1 - w) of that of all value read plus w of
that of the information read alone, each saturating on its own scale: `reading_satisfaction`),
where relevance is the member's topic fit over the population's mean (the same messages are
worth more to someone the topic suits) and recognition (one's post answered) wears with
novelty like the content (`recognition_fades`; false: added at full weight, model version 2):
a reply means most to a newcomer, and a veteran answered every day for years still tires;
interest moves toward it at `adapt_rate` (newcomers on trial: `newcomers.trial_adapt_rate`,
first impressions weigh more). Novelty fades with calendar time for every member, whether
or not it visits (the same community is worth less each month), and with exposure (messages
read), slowly: visiting more does not use it up faster, reading far more does, a little.
Inactive members slowly forget. Friends leaving lower interest
(contagious churn); extrinsic rewards lower what a day is worth while they run (crowding
out), and that loss stays when they stop while the extrinsic pull fades (model version 6;
Deci, Koestner & Ryan 1999 measure the undermining after the reward period); core members
without an audience (readers across the community) burn out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.model.population import friends_inside
from sim.model.state import Array, Circle, Value, person_ids
from sim.scenario.params import P

#: The `motivation` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "initial_interest": P(0.6, "float", "interest", "Interest of a new member.", 0, 1),
    "adapt_rate": P(0.08, "float", "1/day", "Speed at which interest moves toward what the "
                    "day was worth.", 0, 1),
    "value_scale": P(50.0, "float", "value/day", "Value read in a day at which satisfaction "
                     "reaches 63% (1 - 1/e); diminishing returns beyond.", 0.0001, 1e6),
    "information_need": P(0.0, "float", "share", "Share of what reading is worth that only information "
                          "(core posts, fermented prompts, event content) can give: that share saturates on "
                          "the information read alone, at information_scale, so chatter cannot stand in for "
                          "the core's content (members come for information and for company: Ridings & Gefen "
                          "2004, Dholakia, Bagozzi & Pearo 2004). 0 (default): every message's value counts "
                          "alike (model version 6).", 0, 1),
    "information_scale": P(1.0, "float", "value/visit", "Recent information value per visit at which "
                           "the information need is 63% met: one core post read a visit (core_quality 1).",
                           0.0001, 1e6),
    "information_memory": P(7.0, "float", "visits", "A member's information read is an exponential "
                            "average over its visits with weight 1/information_memory on the latest "
                            "(about two thirds of the weight on the last 7 by default): settled content "
                            "stays useful after the day it is read, and the core posts on some days only. "
                            "A member back from dormancy keeps its average from before.", 1, 1e6),
    "recognition_weight": P(0.25, "float", "interest", "Interest target added on a day "
                            "one's post was answered (by a peer or an organizer).", 0, 10),
    "recognition_fades": P(True, "bool", "-", "Recognition wears like the content: a reply is worth "
                           "recognition_weight times the member's novelty, so being answered keeps a "
                           "newcomer but not, for ever, a veteran (hedonic adaptation to repeated "
                           "rewards; Joyce & Kraut 2006 measured the reply effect on newcomers). "
                           "false: full weight at any tenure (model version 2).", ),
    "novelty_halflife": P(750.0, "float", "days", "Half-life of a member's novelty, in calendar "
                          "days since joining: the same community is worth less each month.", 1, 1e6),
    "novelty_exposure": P(200_000.0, "float", "messages", "Messages read at which a member's "
                          "novelty halves (exposure; 0: calendar time only). About 800 days "
                          "of reading a full attention budget of 250 a day.", 0, 1e12),
    "novelty_floor": P(0.1, "float", "share", "Novelty never falls below this share.", 0, 1),
    "forget_rate": P(0.004, "float", "1/day", "Interest lost per day by an inactive member.", 0, 1),
    "contagion": P(0.4, "float", "interest", "Interest lost when all of one's member friends "
                   "leave on the same day (contagious churn).", 0, 10),
    "crowding_out": P(0.003, "float", "1/day", "Crowding out (overjustification): while rewards run, "
                      "the interest a day is worth is lowered by crowding_out/adapt_rate per unit of "
                      "extrinsic reward, approached at adapt_rate; the loss stays when the rewards stop.",
                      0, 1),
    "activity_max": P(0.9, "float", "probability", "Daily activity chance at interest 1.", 0, 1),
    "activity_exponent": P(1.5, "float", "-", "Activity = activity_max * interest^exponent.", 0.01, 20),
}

STATE = {
    "interest": Array(float, 0.0, "Intrinsic interest in the community, 0..1."),
    "extrinsic": Array(float, 0.0, "Motivation from rewards (points), 0..1."),
    "novelty": Array(float, 0.0, "How fresh the community still feels, 0..1."),
    "extrinsic_left": Value(False, "Some extrinsic reward is still fading out."),
    "undermined": Array(float, 0.0, "Interest target lost to extrinsic rewards (crowding out); kept after "
                        "they stop."),
    "information_recent": Value(None, "Each person's recent information read (value per visit, an "
                                "exponential average with weight 1/information_memory; nan before its first "
                                "visit): a per-person array kept as a Value so that it is allocated only "
                                "when information_need > 0 (and not counted in the memory estimate's state "
                                "bytes: 8 more per person then)."),
    "undermining": Value(False, "Some member's interest target is undermined (`undermined` is not all 0)."),
}


def satisfaction(value: np.ndarray, value_scale: float) -> np.ndarray:
    """Diminishing returns of the value read today: 1 - exp(-value / value_scale), in [0, 1).

    >>> float(satisfaction(np.array([0.0]), 1.0)[0])
    0.0
    """
    return -np.expm1(-value / value_scale)


def reading_satisfaction(value: np.ndarray, information: np.ndarray | None, mot) -> np.ndarray:
    """What today's reading satisfies: all value read, and with `information_need` the information apart.

    Members come for information and for company (uses and gratifications: Ridings & Gefen
    2004 found information exchange the commonest reason to join in every kind of community),
    so with `information_need` w the share w is met only by information (core posts,
    fermented prompts, event content; `information`: recent, see `recent_information`),
    saturating at `information_scale`; chatter, however abundant, cannot meet it. w = 0: the
    value of every message counts alike.

    >>> from types import SimpleNamespace as NS
    >>> mot = NS(value_scale=50.0, information_need=0.5, information_scale=1.0)
    >>> reading_satisfaction(np.array([500.0]), np.array([0.0]), mot).round(3)  # chatter only
    array([0.5])
    >>> reading_satisfaction(np.array([500.0]), np.array([500.0]), mot).round(3)  # and information
    array([1.])
    """
    sat = satisfaction(value, mot.value_scale)
    w = mot.information_need
    if not w:
        return sat
    return (1.0 - w) * sat + w * satisfaction(information, mot.information_scale)


def recent_information(st, readers: np.ndarray, today: np.ndarray, memory: float) -> np.ndarray:
    """Readers' recent information read: an exponential average over visits, weight 1/`memory`.

    Updates `st.information_recent` and returns the readers' new averages.

    Core members post on some days only, and what they settle stays useful after the day it is
    read, so the information need is met by a running average, not by each day alone. A first
    visit starts the average at that day's information (a newcomer is not held at 0).
    """
    if st.information_recent is None:
        st.information_recent = np.full(st.n, np.nan)
    before = st.information_recent.take(readers)
    now = np.where(np.isnan(before), today, before + (today - before) / memory)
    st.information_recent[readers] = now
    return now


def novelty_weight(novelty: np.ndarray, floor: float) -> np.ndarray:
    """Effective novelty: never below `floor`."""
    return floor + (1.0 - floor) * novelty


def adapt_to_the_day(day) -> None:
    """Readers' interest moves toward what today was worth; their novelty fades."""
    st, sc, effects, reading = day.state, day.scenario, day.effects, day.reading
    mot, att = sc.motivation, sc.attention
    r = reading.readers
    # the same messages are worth more to someone the topic suits (topic fit relative to the mean)
    relevance = day.population.topic_fit.take(r) / max(day.population.mean_fit, 1e-9)
    info = recent_information(st, r, reading.information, mot.information_memory) * relevance \
        if mot.information_need else None
    sat = reading_satisfaction(reading.value * relevance, info, mot)
    fresh = novelty_weight(st.novelty.take(r), mot.novelty_floor)
    answered = mot.recognition_weight * st.recognition.take(r)
    target = (fresh * sat
              + (answered * fresh if mot.recognition_fades else answered)
              - att.overload_cost * np.log(np.maximum(reading.backlog, 1.0))
              - att.stranger_cost * reading.stranger_share)
    if effects.promo_cost:
        target -= effects.promo_cost
    if st.undermining:  # crowding out: rewards (running or past) lowered what a day is worth
        target -= st.undermined.take(r)
    target = target.clip(0.0, 1.0)
    rate = adapt_rates(st.standing(r, day.number), mot.adapt_rate, sc.newcomers)
    now = st.interest.take(r)
    st.interest[r] = now + rate * (target - now)


def adapt_rates(tenure: np.ndarray, rate: float, newcomers) -> np.ndarray | float:
    """Speed of interest adaptation: faster for newcomers on trial (first impressions).

    `tenure`: days as a member (founders: inf, see `State.standing`).

    >>> from types import SimpleNamespace as NS
    >>> adapt_rates(np.array([100, 5, np.inf]), 0.08, NS(trial_days=14, trial_adapt_rate=0.3)).tolist()
    [0.08, 0.3, 0.08]
    """
    if newcomers.trial_adapt_rate == rate:
        return rate
    return np.where(np.asarray(tenure) < newcomers.trial_days, newcomers.trial_adapt_rate, rate)


def fade_novelty(day, members: np.ndarray) -> None:
    """Novelty fades with calendar time for every member and with what readers have seen.

    Calendar time: half-life `novelty_halflife` days. Exposure: each message read today
    takes `0.5^(1 / novelty_exposure)` off (messages read at which novelty halves), so
    heavy readers tire of the same conversation sooner; a personalised feed, which picks
    better messages rather than more, does not. Attitude content slows both for today's
    readers, who read it (model version 5; before, the calendar part slowed for every member,
    whether it came or not). `members`: ids or a mask.
    """
    members = person_ids(members)
    mot, effects, st = day.scenario.motivation, day.effects, day.state
    slower = 1.0 + effects.attitude
    if effects.attitude:
        r = day.reading.readers
        st.novelty[members] = st.novelty.take(members) * 0.5 ** (1.0 / mot.novelty_halflife)
        # readers age at the slower pace: give back the part of today's calendar ageing they are spared
        spared = 1.0 / mot.novelty_halflife - 1.0 / (mot.novelty_halflife * slower)
        st.novelty[r] = st.novelty.take(r) * 0.5 ** -spared
    else:
        st.novelty[members] = st.novelty.take(members) * 0.5 ** (1.0 / (mot.novelty_halflife * slower))
    if mot.novelty_exposure:
        r = day.reading.readers
        st.novelty[r] = st.novelty.take(r) * 0.5 ** (day.reading.reads / (mot.novelty_exposure * slower))


def contagion(day, members: np.ndarray) -> None:
    """Contagious churn: interest lost in proportion to one's member friends who left yesterday."""
    st, left_friends = day.state, day.state.left_friends
    strength = day.scenario.motivation.contagion
    if left_friends is None or not strength:
        return
    # only members who were there when their friends left (joiners today were not)
    touched, counts = left_friends  # persons with a friend who left, and how many left
    there = members.take(touched) & (st.joined_day.take(touched) < day.number)
    hit = touched.compress(there)
    friends_now = friends_inside(day.population.maintained, hit, members)
    left = counts.compress(there)
    st.interest[hit] -= strength * left / (friends_now + left)


def extrinsic_rewards(day, members: np.ndarray) -> None:
    """Extrinsic motivation follows today's points; while rewards run they undermine interest (crowding out).

    The undermined share of a day's worth approaches `crowding_out / adapt_rate` per unit of
    extrinsic reward at `adapt_rate` (the same level the interest settled at below its target
    when crowding out was a daily erosion, before model version 6), and it stays once the
    rewards stop, while the extrinsic pull fades: removing rewards leaves interest below where
    it was (Deci, Koestner & Ryan 1999). `members`: member ids (or a mask).
    """
    st, effects, mot = day.state, day.effects, day.scenario.motivation
    if not (effects.point_value or st.extrinsic_left):
        return
    pull = effects.point_value * day.points.earned[members]
    if day.points.felt is not None:  # points wear out with use (model version 8: rewards.points_felt)
        pull = pull * day.points.felt[members]
    st.extrinsic[members] += mot.adapt_rate * (pull - st.extrinsic[members])
    st.extrinsic[st.extrinsic < 1e-6] = 0.0  # rewards fully faded
    st.extrinsic_left = bool(st.extrinsic.any())
    if mot.crowding_out and effects.point_value:  # rewards running: the loss follows them; after, it stays
        u = st.undermined[members]
        st.undermined[members] = u + mot.crowding_out * st.extrinsic[members] - mot.adapt_rate * u
        st.undermining = True


def burnout(day, core: np.ndarray) -> None:
    """Core members (`core`: their ids) burn out without an audience of active readers.

    Core content reaches every group, so the audience is every reader of the day.
    """
    st, ch = day.state, day.scenario.churn
    if core.size and ch.burnout_audience > 0:
        audience = day.reading.readers.size
        shortfall = min(max(1.0 - audience / ch.burnout_audience, 0.0), 1.0)
        st.interest[core] -= ch.burnout_rate * shortfall


def step(day) -> None:
    """Move every member's interest for today (the order matters: see the module docstring)."""
    st = day.state
    members = st.member_mask()
    ids = st.member_ids()              # the same members, as indices: the passes below touch only them
    circles = st.circle.take(ids)
    adapt_to_the_day(day)
    fade_novelty(day, ids)
    inactive = ids.compress(~st.active.take(ids) & (circles != Circle.ORGANIZER))
    st.interest[inactive] -= day.scenario.motivation.forget_rate
    contagion(day, members)
    extrinsic_rewards(day, ids)
    burnout(day, ids.compress(circles == Circle.CORE))
    st.interest[ids.compress(circles == Circle.ORGANIZER)] = 1.0
    st.interest[ids] = st.interest.take(ids).clip(0.0, 1.0)  # non-members' interest is not touched today
