"""Content: who posts what in each group today (DESIGN.md step 3).

* Ordinary members chat at `propensity * (post_rate * motivation + reply_rate * value read
  yesterday)`: heavy-tailed propensity, so 90-9-1 participation emerges.
* Core members also publish rare, high-value original posts, which organizers carry into
  every group (settled content).
* Organizers have limited hours: each live group costs overhead, then they ferment core posts
  into discussion prompts group by group and spend what is left replying to members
  (recognition). Volunteer admins (split_groups.admin_hours) add hours per group.
* Social loafing: above `loafing_reference` active members each member posts less, and a
  group's conversation floor saturates: messages approach `max_messages_per_group`
  however large the group (Jones et al. 2008; DOMAIN.md section 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.state import Array, Circle, Status, Value
from sim.scenario.params import P

#: The `content` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "post_rate": P(1.5, "float", "messages/day", "Messages a fully motivated active member "
                   "of propensity 1 sends per day.", 0, 1000),
    "reply_rate": P(0.5, "float", "messages per value_scale", "Replies a member sends per "
                    "value_scale of value read yesterday (replies follow reads).", 0, 1000),
    "core_post_rate": P(0.4, "float", "posts/day", "Original posts per active core member "
                        "per day (rare, high value).", 0, 1000),
    "core_quality": P(1.0, "float", "value/message", "Value of reading one core post.", 0, 100),
    "member_quality": P(0.25, "float", "value/message", "Value of reading one ordinary "
                        "message from a stranger.", 0, 100),
    "friend_weight": P(2.0, "float", "x", "A message from a maintained tie is worth this "
                       "many stranger messages.", 0, 100),
    "close_weight": P(2.0, "float", "x", "Extra multiplier for a close tie's message.", 0, 100),
    "ferment_hours": P(0.5, "float", "hours/post", "Organizer hours to ferment one core post "
                       "into discussion prompts.", 0, 24),
    "ferment_messages": P(4.0, "float", "messages/post", "Discussion prompts one fermented "
                          "core post yields.", 0, 1000),
    "ferment_quality": P(0.6, "float", "value/message", "Value of reading one fermentation "
                         "prompt.", 0, 100),
    "loafing_exponent": P(0.5, "float", "-", "Social loafing (Latane 1979): above "
                          "loafing_reference active members, each member posts "
                          "(reference / active)^exponent as much.", 0, 5),
    "loafing_reference": P(30, "int", "members", "Active members a group can have before "
                           "each voice starts to count less.", 1, 1_000_000),
    "reply_hours": P(0.05, "float", "hours/reply", "Organizer hours per reply to a member "
                     "(recognition).", 0.0001, 24),
}

STATE = {
    "posts_today": Array(np.int32, 0, "Messages posted today."),
    "posts_recent": Array(float, 0.0, "Messages posted, decaying with a 30-day memory (KOC rounds)."),
    "posts_total": Array(np.int64, 0, "Messages posted since joining."),
    "recognition": Array(float, 0.0, "Share of today's posts answered by organizers (recognition)."),
    "posted": Value(None, "Persons who posted yesterday (their counts are reset today)."),
}


@dataclass
class GroupContent:
    """Per-group message counts for one day (index = group id)."""

    member_msgs: np.ndarray
    core_posts: np.ndarray
    prompts: np.ndarray
    org_replies: np.ndarray
    event_msgs: np.ndarray
    promos: np.ndarray
    hours_available: float
    hours_needed: float
    sizes: np.ndarray = None     # members per group today
    senders: np.ndarray = None   # persons who posted today

    @property
    def messages(self) -> np.ndarray:
        """All messages per group: chat, core posts, prompts, replies, events and promotions."""
        return (self.member_msgs + self.core_posts + self.prompts + self.org_replies
                + self.event_msgs + self.promos)


def saturate(raw: np.ndarray, ceiling: float) -> np.ndarray:
    """Messages a group actually exchanges given `raw` intended ones (conversation floor).

    >>> saturate(np.array([0.0, 100.0, 1e6]), 1000.0).round(1)
    array([   0. ,   95.2, 1000. ])
    """
    return ceiling * -np.expm1(-raw / ceiling)


def reset_yesterday(st) -> None:
    """Clear yesterday's posts and recognition (only where they were set)."""
    if st.posted is not None:
        st.posts_today[st.posted] = 0
        st.recognition[st.posted] = 0.0
    else:
        st.posts_today[:] = 0
        st.recognition[:] = 0.0


def chat_rates(day, idx: np.ndarray, motivation: np.ndarray) -> np.ndarray:
    """Intended messages per day of each active non-staff member, before crowding."""
    st, effects, c = day.state, day.effects, day.scenario.content
    lam = day.population.propensity[idx] * (c.post_rate * motivation[idx] * effects.ugc_boost
                                            + c.reply_rate * st.value_prev[idx])
    if effects.tier_post_boost:
        lam = lam * (1.0 + effects.tier_post_boost * st.tier[idx])
    return lam


def crowded(lam: np.ndarray, g: np.ndarray, n_groups: int, c, ceiling: float) -> tuple[np.ndarray, np.ndarray]:
    """Social loafing and the conversation floor: (rates after loafing, per-group saturation scale)."""
    crowd = np.bincount(g, minlength=n_groups).astype(float)
    loafing = (c.loafing_reference / np.maximum(crowd, c.loafing_reference)) ** c.loafing_exponent
    lam = lam * loafing[g]
    raw = np.bincount(g, weights=lam, minlength=n_groups)
    scale = np.ones(n_groups)
    busy = raw > 0
    scale[busy] = saturate(raw[busy], ceiling) / raw[busy]
    return lam, scale


def organizer_hours(day, n_organizers: int) -> float:
    """Hours the staff give today: headcount x hours x operating mode x fatigue, less events."""
    effects, community = day.effects, day.scenario.community
    fatigue = np.exp(-effects.fatigue_rate * effects.mode_days) if effects.fatigue_rate else 1.0
    hours = n_organizers * community.organizer_hours * effects.organizer_hours_mult * fatigue
    for event in effects.events:
        hours = max(0.0, hours - event.hours)
    return hours


def staff_work(day, hours: float, live: np.ndarray, core_posts: np.ndarray,
               member_msgs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per group: overhead first, then fermenting core posts into prompts, then replies."""
    c, community, effects = day.scenario.content, day.scenario.community, day.effects
    n_live = max(int(live.sum()), 1)
    per_group = np.where(live, np.maximum(0.0, hours / n_live + effects.admin_hours
                                          - community.hours_per_group), 0.0)
    fermented = np.minimum(core_posts, per_group / c.ferment_hours) if c.ferment_hours > 0 else core_posts
    prompts = fermented * c.ferment_messages
    left = np.maximum(0.0, per_group - fermented * c.ferment_hours)
    org_replies = np.minimum(left / c.reply_hours, member_msgs)
    return prompts, org_replies


def step(day) -> GroupContent:
    """Sample today's posts per member and per group; set posts_today and recognition."""
    st, sc, rng, effects = day.state, day.scenario, day.rng, day.effects
    c = sc.content
    G = st.n_groups
    reset_yesterday(st)
    members = st.status == Status.MEMBER
    idx = np.flatnonzero(st.active & members & (st.circle != Circle.ORGANIZER))
    g = st.group[idx]
    lam = chat_rates(day, idx, st.motivation(effects))
    core_rate = np.where(st.circle[idx] == Circle.CORE, c.core_post_rate * effects.core_cadence, 0.0)
    core_i = rng.poisson(core_rate)
    sizes = np.bincount(st.group[members], minlength=G)
    live = sizes > 0
    # core content is settled content: organizers carry it into every live group
    core_posts = np.where(live, float(core_i.sum()), 0.0)
    event_msgs = np.zeros(G)
    for event in effects.events:
        event_msgs = event_msgs + np.where(live, event.messages, 0.0)
    lam, scale = crowded(lam, g, G, c, sc.community.max_messages_per_group)
    chat_i = rng.poisson(lam * scale[g])
    member_msgs = np.bincount(g, weights=chat_i, minlength=G)

    n_org = int(((st.circle == Circle.ORGANIZER) & members).sum())
    hours = organizer_hours(day, n_org)
    prompts, org_replies = staff_work(day, hours, live, core_posts, member_msgs)
    organic = member_msgs + core_posts + prompts + org_replies + event_msgs
    promos = organic * effects.promo_share / max(1.0 - effects.promo_share, 1e-9)

    posts_i = chat_i + core_i
    st.posts_today[idx] = posts_i
    st.posted = idx
    posted = posts_i > 0
    answered = np.divide(org_replies, member_msgs, out=np.zeros(G), where=member_msgs > 0)
    st.recognition[idx[posted]] = answered[g[posted]]
    st.posts_total += st.posts_today
    st.posts_recent *= 29.0 / 30.0
    st.posts_recent += st.posts_today

    n_live = max(int(live.sum()), 1)
    needed = (sc.community.hours_per_group * n_live + float(core_posts.sum()) * c.ferment_hours
              + float(member_msgs.sum()) * c.reply_hours)
    hours += effects.admin_hours * n_live
    return GroupContent(member_msgs, core_posts, prompts, org_replies, event_msgs, promos,
                        float(hours), needed, sizes, idx[posts_i > 0])
