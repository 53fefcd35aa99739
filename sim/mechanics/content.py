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

import numpy as np

from sim.mechanics.state import CORE, MEMBER, ORGANIZER


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
        return (self.member_msgs + self.core_posts + self.prompts + self.org_replies
                + self.event_msgs + self.promos)


def saturate(raw: np.ndarray, ceiling: float) -> np.ndarray:
    """Messages a group actually exchanges given `raw` intended ones (conversation floor).

    >>> saturate(np.array([0.0, 100.0, 1e6]), 1000.0).round(1)
    array([   0. ,   95.2, 1000. ])
    """
    return ceiling * -np.expm1(-raw / ceiling)


def produce(model, effects, motivation) -> GroupContent:
    """Sample today's posts per member and per group; set posts_today and recognition."""
    st, sc, rng = model.state, model.scenario, model.rng
    c = sc.content
    G = st.n_groups
    if model.posted_yesterday is not None:  # reset only what was set yesterday
        st.posts_today[model.posted_yesterday] = 0
        st.recognition[model.posted_yesterday] = 0.0
    else:
        st.posts_today[:] = 0
        st.recognition[:] = 0.0
    members = st.status == MEMBER
    active = st.active & members
    idx = np.flatnonzero(active & (st.circle != ORGANIZER))
    g = st.group[idx]
    is_core = st.circle[idx] == CORE

    lam = model.population.propensity[idx] * (c.post_rate * motivation[idx] * effects.ugc_boost
                                              + c.reply_rate * st.value_prev[idx])
    if effects.tier_post_boost:
        lam = lam * (1.0 + effects.tier_post_boost * st.tier[idx])
    core_rate = np.where(is_core, c.core_post_rate * effects.core_cadence, 0.0)
    core_i = rng.poisson(core_rate)
    sizes = np.bincount(st.group[members], minlength=G)
    live = sizes > 0
    # core content is settled content: organizers carry it into every live group
    core_posts = np.where(live, float(core_i.sum()), 0.0)
    n_live = max(int(live.sum()), 1)
    event_msgs = np.where(live, effects.event["messages"], 0.0) if effects.event else np.zeros(G)
    # social loafing: in a crowd each voice counts less, so each member posts less
    crowd = np.bincount(g, minlength=G).astype(float)
    loafing = (c.loafing_reference / np.maximum(crowd, c.loafing_reference)) ** c.loafing_exponent
    lam = lam * loafing[g]

    raw = np.bincount(g, weights=lam, minlength=G)
    floor = sc.community.max_messages_per_group
    scale = np.ones(G)
    busy = raw > 0
    scale[busy] = saturate(raw[busy], floor) / raw[busy]
    chat_i = rng.poisson(lam * scale[g])
    member_msgs = np.bincount(g, weights=chat_i, minlength=G)

    # organizer hours: overhead per live group, then fermentation, then replies
    n_org = int(((st.circle == ORGANIZER) & members).sum())
    fatigue = np.exp(-effects.fatigue_rate * effects.mode_days) if effects.fatigue_rate else 1.0
    hours = n_org * sc.community.organizer_hours * effects.organizer_hours_mult * fatigue
    if effects.event:
        hours = max(0.0, hours - effects.event["hours"])
    per_group = np.where(live, np.maximum(0.0, hours / n_live + effects.admin_hours
                                          - sc.community.hours_per_group), 0.0)
    fermented = np.minimum(core_posts, per_group / c.ferment_hours) if c.ferment_hours > 0 else core_posts
    prompts = fermented * c.ferment_messages
    left = np.maximum(0.0, per_group - fermented * c.ferment_hours)
    org_replies = np.minimum(left / c.reply_hours, member_msgs)
    organic = member_msgs + core_posts + prompts + org_replies + event_msgs
    promos = organic * effects.promo_share / max(1.0 - effects.promo_share, 1e-9)

    posts_i = chat_i + core_i
    st.posts_today[idx] = posts_i
    model.posted_yesterday = idx
    posted = posts_i > 0
    answered = np.divide(org_replies, member_msgs, out=np.zeros(G), where=member_msgs > 0)
    st.recognition[idx[posted]] = answered[g[posted]]

    needed = (sc.community.hours_per_group * n_live + float(core_posts.sum()) * c.ferment_hours
              + float(member_msgs.sum()) * c.reply_hours)
    hours += effects.admin_hours * n_live
    return GroupContent(member_msgs, core_posts, prompts, org_replies, event_msgs, promos,
                        float(hours), needed, sizes, idx[posts_i > 0])
