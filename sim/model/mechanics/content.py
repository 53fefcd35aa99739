"""Content: who speaks up in each group today, how much, and who is answered (docs/model.md, step 5).

* **Lurking or speaking.** On a visit a member either only reads or joins the day's
  conversation, with chance `1 - exp(-speak_chance * propensity * voice * motivation *
  called)`. Lurkers value a group by reading it (Preece, Nonnecke & Andrews 2004: "just
  reading is enough"); `voice` grows when one's posts are answered and shrinks when they are
  not (Joyce & Kraut 2006); `called` is the diffusion of responsibility (Latane 1981): with
  more members present, each feels less called to speak, `(reference / active)^exponent`
  above `loafing_reference` active members.
* **The conversation.** Speakers start threads at `propensity * (post_rate * motivation +
  reply_rate * value read yesterday)`; replies breed replies among the speakers (each message
  draws `b = min(max_branching, reply_chance * (speakers - 1))` replies: a branching process,
  so two or three talkers already keep a chat going), and a group's volume saturates at the
  conversation floor `max_messages_per_group` (Jones et al. 2008).
* **Who carries it.** The day's volume is shared by rank of talkativeness, each rank taking
  `turn_ratio` times the share of the one above: participation in a group discussion falls
  geometrically with rank (Stephan & Mishler 1952) and the same few lead day after day, as in
  WhatsApp groups' Zipf-like message counts (Caetano et al. 2018). No member types more than
  `max_messages_per_member` a day on average (the day's count is a Poisson draw around it).
* **Recognition.** A speaker is answered when one of its threads draws a peer's reply or an
  organizer replies to it; organizer replies go to the poster, not to every reader.
* Core members also publish rare, high-value original posts, which organizers carry into
  every group (settled content). Organizers have limited hours: each live group costs
  overhead, then they ferment core posts into prompts group by group and spend what is left
  replying to members. Volunteer admins (split_groups.admin_hours) add hours per group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.mechanics import rewards
from sim.model.population import by_group_then, runs
from sim.model.state import Array, Circle, Value
from sim.scenario.params import P

#: The `content` section of a scenario file: every key with its default, unit, range and meaning.
PARAMS: dict[str, Any] = {
    "post_rate": P(3.0, "float", "messages/day", "Messages a fully motivated active member "
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
    "loafing_exponent": P(0.5, "float", "-", "Diffusion of responsibility (Latane 1981): above "
                          "loafing_reference active members, each member is "
                          "(reference / active)^exponent as likely to speak up.", 0, 5),
    "loafing_reference": P(30, "int", "members", "Active members a group can have before "
                           "each one feels less called to speak.", 1, 1_000_000),
    "reply_hours": P(0.2, "float", "hours/reply", "Organizer hours per considered reply to a member "
                     "(recognition).", 0.0001, 24),
    "reply_chance": P(0.9, "float", "replies/message/speaker", "Chance one of today's other "
                      "speakers replies to a given message: in a dialogue most messages are "
                      "answered, so conversations breed replies.", 0, 1),
    "welcome": P(True, "bool", "-", "Organizers spend the hours left after replies welcoming "
                 "newcomers on trial who visit without posting (one message each, once; counts "
                 "as recognition).", role="lever"),
    "voice_gain": P(0.1, "float", "share/day", "A poster who is answered is this much more "
                    "willing to speak up from then on, one who is not this much less (Joyce & "
                    "Kraut 2006: replies bring newcomers back).", 0, 1),
    "momentum": P(0.0, "float", "-", "Posting begets posting (Wilkinson 2008): talkativeness "
                  "grows as (1 + recent posts / momentum_scale)^momentum; 0 (default): off.", 0, 3),
    "momentum_scale": P(10.0, "float", "messages", "Recent posts (30-day memory) at which momentum has raised a "
                        "member's rate by 2^momentum.", 0.0001, 1e9),
    "voice_max": P(2.0, "float", "x", "Most a member's voice can multiply (or divide) its "
                   "willingness to speak: a modest effect, as Joyce & Kraut's 56% vs 44%.", 1, 1e6),
    "max_messages_per_member": P(200.0, "float", "messages/day", "What one member can type in a "
                                 "day: its messages saturate at this level (a stated choice).", 1, 1e6),
    "speak_chance": P(1.5, "float", "-", "Lurking or speaking up: on a visit a member joins the "
                      "day's conversation with chance 1 - exp(-speak_chance * propensity * voice * "
                      "motivation * called); otherwise it only reads (Nonnecke & Preece 2000: "
                      "most members of most groups lurk).", 0, 1000),
    "turn_ratio": P(0.3, "float", "-", "Each speaker's share of the day's conversation is this "
                    "many times the share of the speaker ranked above it (Stephan & Mishler "
                    "1952's geometric law of participation; a stated choice of ratio).", 0.01, 1),
    "turn_noise": P(0.3, "float", "log-units", "Day-to-day reshuffling of who leads the "
                    "conversation: ranks follow talkativeness times lognormal noise of this "
                    "spread (small: the same people lead day after day).", 0, 10),
    "max_branching": P(0.9, "float", "replies/message", "Most replies one message draws on "
                       "average (below 1: every conversation ends).", 0, 0.99),
}

STATE = {
    "posts_today": Array(np.int32, 0, "Messages posted today."),
    "posts_recent": Array(float, 0.0, "Messages posted, decaying with a 30-day memory (KOC rounds)."),
    "posts_total": Array(np.int32, 0, "Messages posted since joining."),
    "voice": Array(float, 1.0, "How readily the member speaks up, grown by being answered (x propensity)."),
    "welcomed": Array(bool, False, "An organizer has welcomed this newcomer (once)."),
    # only ever 0 or 1, read as float64 products: float32 stores it exactly (same results)
    "recognition": Array(np.float32, 0.0, "1 if a post of today's was answered (by a peer or an organizer)."),
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
    active: np.ndarray = None    # active non-staff members per group today
    posters: int = 0             # members who posted today
    answered: int = 0            # of them, answered by a peer or an organizer
    staff: float = 0.0           # organizers on duty (launch team plus staffing policy)
    welcomed: int = 0            # quiet newcomers an organizer welcomed today
    present: np.ndarray = None   # active non-staff members today (the day's readers), sorted
    staff_sizes: np.ndarray = None  # organizers per group today (counted with `sizes`)

    @property
    def messages(self) -> np.ndarray:
        """All messages per group: chat, core posts, prompts, replies, events and promotions."""
        return (self.member_msgs + self.core_posts + self.prompts + self.org_replies
                + self.event_msgs + self.promos)

    @property
    def broadcast(self) -> np.ndarray:
        """Messages every reader of the group faces (organizer replies go to their poster only)."""
        return self.messages - self.org_replies


def poisson(rng, rate: np.ndarray) -> np.ndarray:
    """`rng.poisson(rate)`, drawing only where the rate is not zero.

    numpy draws no random number for a zero rate, so the counts and the generator's stream
    afterwards are the same as one call over all of `rate`; most rates are zero (members who
    are not core, or do not speak today), so this is less work.

    >>> rate = np.array([0.0, 2.0, 0.0, 30.0])
    >>> bool((poisson(np.random.default_rng(1), rate) == np.random.default_rng(1).poisson(rate)).all())
    True
    """
    rate = np.asarray(rate, float)
    out = np.zeros(rate.shape, np.int64)
    some = (rate != 0).nonzero()[0]
    out[some] = rng.poisson(rate.take(some))
    return out


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


def momentum(posts_so_far: np.ndarray, exponent: float, scale: float) -> np.ndarray:
    """Posting begets posting: `(1 + recent posts / scale)^exponent` (pure).

    Wilkinson (2008) found across Wikipedia, Digg, Bugzilla and Essembly that the more a
    person has contributed, the less likely it is to stop: cumulative advantage, which turns
    a moderate spread of propensity into the heavy-tailed 90-9-1 pattern.

    >>> momentum(np.array([0, 30]), 0.5, 10.0).tolist()
    [1.0, 2.0]
    """
    return (1.0 + np.asarray(posts_so_far, float) / scale) ** exponent


def chat_rates(day, idx: np.ndarray, motivation: np.ndarray) -> np.ndarray:
    """Talkativeness of each of the active non-staff members `idx` (`motivation` aligned with `idx`)."""
    st, effects, c = day.state, day.effects, day.scenario.content
    lam = day.population.propensity.take(idx) * (c.post_rate * motivation * effects.ugc_boost
                                                 + c.reply_rate * st.value_prev.take(idx))
    if c.momentum:
        lam = lam * momentum(st.posts_recent.take(idx), c.momentum, c.momentum_scale)
    if effects.tier_post_boost:
        lam = lam * (1.0 + effects.tier_post_boost * st.tier_levels(effects).take(idx))
    climb_factor = rewards.climb_factor(day, idx, effects.tier_posting_gradient)
    if climb_factor is not None:  # climbing toward the next tier: more posts per visit (version 15)
        lam = lam * climb_factor
    return lam


def speakers(day, idx: np.ndarray, motivation: np.ndarray) -> np.ndarray:
    """Who of the active members `idx` speaks up today rather than only reading (a mask).

    `motivation` is aligned with `idx`.

    Whether to post at all is a decision of its own (lurkers value the group by reading,
    Preece, Nonnecke & Andrews 2004); the disposition to post (propensity), the voice gained
    by being answered and motivation make it likelier, a crowd less likely (diffusion of
    responsibility).
    """
    st, c = day.state, day.scenario.content
    g = st.group.take(idx)
    crowd = np.bincount(g, minlength=st.n_groups).astype(float)
    called = (c.loafing_reference / np.maximum(crowd, c.loafing_reference)) ** c.loafing_exponent
    w = (c.speak_chance * day.population.propensity.take(idx) * st.voice.take(idx) * motivation
         * day.effects.ugc_boost * called.take(g))
    return day.rng.random(idx.size) < -np.expm1(-w)


def branching(speakers: np.ndarray, reply_chance: float, max_branching: float) -> np.ndarray:
    """Mean replies one message draws in a group where `speakers` members speak today (pure).

    >>> branching(np.array([1, 4, 50]), 0.1, 0.9).round(2)
    array([0. , 0.3, 0.9])
    """
    return np.minimum(max_branching, reply_chance * np.maximum(np.asarray(speakers, float) - 1.0, 0.0))


def ranks_within(groups_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each entry's rank within its run of equal group ids (0 first), and each run's length (pure).

    >>> rank, counts = ranks_within(np.array([0, 0, 0, 2, 5, 5]))
    >>> rank.tolist(), counts.tolist()
    ([0, 1, 2, 0, 0, 1], [3, 1, 2])
    """
    start, counts = runs(groups_sorted)
    return np.arange(groups_sorted.size) - start.repeat(counts), counts


def turn_shares(g: np.ndarray, speaking: np.ndarray, talkativeness: np.ndarray, ratio: float,
                noise: float, rng) -> np.ndarray:
    """Each speaker's share of its group's conversation today (0 for those who only read).

    Speakers are ranked within their group by talkativeness times lognormal noise; rank k
    (0 = most talkative) takes `(1 - r) r^k / (1 - r^T)` of the T speakers' conversation
    (Stephan & Mishler 1952). With `ratio` 1 every speaker takes an equal share.

    >>> turn_shares(np.array([0, 0, 0, 1]), np.array([True, True, False, True]),
    ...             np.array([1.0, 5.0, 9.0, 1.0]), 0.5, 0.0, np.random.default_rng(0)).round(3).tolist()
    [0.333, 0.667, 0.0, 1.0]
    """
    share = np.zeros(g.size)
    who = speaking.nonzero()[0]
    if who.size == 0:
        return share
    key = -np.log(np.maximum(talkativeness.take(who), 1e-300))
    if noise:
        key = key + noise * rng.standard_normal(who.size)
    g_who = g.take(who)
    order = by_group_then(key, g_who)
    rank, counts = ranks_within(g_who.take(order))
    speakers_here = counts.repeat(counts)
    if ratio >= 1.0:
        ranked = 1.0 / speakers_here
    else:
        power = ratio ** np.arange(counts.max() + 1)  # ratio^k for every rank and group size today
        ranked = (1.0 - ratio) * power.take(rank) / (1.0 - power.take(speakers_here))
    share[who.take(order)] = ranked
    return share


def conversation(day, idx: np.ndarray, g: np.ndarray, speaking: np.ndarray,
                 talkativeness: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Today's chat: (messages of each of `idx`, per-group branching b, per-group floor scale).

    Speakers' thread starts breed replies among the speakers (`rate / (1 - b)` messages);
    the group's volume saturates at the conversation floor and is shared by rank of
    talkativeness (`turn_shares`); no speaker types more than `max_messages_per_member`
    (a speaker ranked far down may get nothing said).
    """
    c, n_groups = day.scenario.content, day.state.n_groups
    b = branching(np.bincount(g, weights=speaking, minlength=n_groups), c.reply_chance, c.max_branching)
    raw = np.bincount(g, weights=talkativeness * speaking, minlength=n_groups) / (1.0 - b)
    volume = saturate(raw, day.scenario.community.max_messages_per_group)
    scale = np.divide(volume, raw, out=np.ones(n_groups), where=raw > 0)
    share = turn_shares(g, speaking, talkativeness, c.turn_ratio, c.turn_noise, day.rng)
    expected = saturate(volume.take(g) * share, c.max_messages_per_member)
    messages = poisson(day.rng, expected)
    return messages, b, scale


def staff_on_duty(n_organizers: int, members: int, per_1000: float) -> float:
    """Organizers at work: the launch team, or more as the community grows (staffing policy).

    >>> staff_on_duty(3, 12_000, 1.0), staff_on_duty(3, 800, 1.0)
    (12.0, 3.0)
    """
    return float(max(n_organizers, per_1000 * members / 1000.0))


def organizer_hours(day, staff: float) -> float:
    """Hours the staff give today: headcount x hours x operating mode x fatigue, less events."""
    effects, community = day.effects, day.scenario.community
    fatigue = np.exp(-effects.fatigue_rate * effects.mode_days) if effects.fatigue_rate else 1.0
    hours = staff * community.organizer_hours * effects.organizer_hours_mult * fatigue
    for event in effects.events:
        hours = max(0.0, hours - event.hours)
    return hours


def staff_work(day, hours: float, live: np.ndarray, core_posts: np.ndarray,
               posters: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: overhead first, then fermenting core posts into prompts, then one reply per poster.

    Returns (prompts, organizer replies, hours left over) per group.
    """
    c, community, effects = day.scenario.content, day.scenario.community, day.effects
    n_live = max(int(np.count_nonzero(live)), 1)
    per_group = np.where(live, np.maximum(0.0, hours / n_live + effects.admin_hours
                                          - community.hours_per_group), 0.0)
    fermented = np.minimum(core_posts, per_group / c.ferment_hours) if c.ferment_hours > 0 else core_posts
    prompts = fermented * c.ferment_messages
    left = np.maximum(0.0, per_group - fermented * c.ferment_hours)
    org_replies = np.minimum(left / c.reply_hours, posters)
    return prompts, org_replies, np.maximum(0.0, left - org_replies * c.reply_hours)


def welcome_newcomers(day, idx: np.ndarray, g: np.ndarray, quiet: np.ndarray, spare: np.ndarray) -> np.ndarray:
    """Which of the active members `idx` an organizer welcomes today (a mask).

    Hours left after replies go to newcomers on trial who visited without posting and have
    not been welcomed yet: one welcome (reply_hours) each, once, in random order, within each
    group's spare hours. Being
    welcomed counts as being answered (recognition): operators' first job is to draw the
    silent in (seed 004), and a reply to a newcomer brings it back (Joyce & Kraut 2006).
    """
    c = day.scenario.content
    chosen = np.zeros(idx.size, bool)
    if not c.welcome or not spare.any():
        return chosen
    trial = day.scenario.newcomers.trial_days
    cand = (quiet & ~day.state.welcomed.take(idx) & (day.state.standing(idx, day.number) < trial)).nonzero()[0]
    if cand.size == 0:
        return chosen
    quota = np.floor(spare / c.reply_hours)
    order = np.lexsort((day.rng.random(cand.size), g[cand]))
    cand = cand[order]
    gs = g[cand]
    rank, _ = ranks_within(gs)
    chosen[cand[rank < quota[gs]]] = True
    day.state.welcomed[idx[chosen]] = True
    return chosen


def speak_up(st, idx: np.ndarray, posted: np.ndarray, answered: np.ndarray, gain: float, most: float) -> None:
    """Answered posters become readier to speak up, unanswered ones less (within [1/most, most])."""
    factor = np.where(answered, 1.0 + gain, 1.0 - gain).compress(posted)
    who = idx.compress(posted)
    st.voice[who] = (st.voice.take(who) * factor).clip(1.0 / most, most)


def answered_posters(day, idx: np.ndarray, g: np.ndarray, posts: np.ndarray, b: np.ndarray,
                     org_replies: np.ndarray, posters_g: np.ndarray) -> np.ndarray:
    """Which posters are answered today: a peer replied to a thread they started, or an organizer did.

    Of a poster's n messages about (1 - b) n start threads (the rest are its own replies in
    others' threads); with Poisson(b) replies per message it gets none from peers with chance
    exp(-b (1 - b) n). Organizers answer a random `org_replies / posters` share of posters.
    """
    staff = np.divide(org_replies, posters_g, out=np.zeros(org_replies.shape, org_replies.dtype), where=posters_g > 0)
    bg = b.take(g)
    p = 1.0 - np.exp(-bg * (1.0 - bg) * posts) * (1.0 - np.minimum(staff.take(g), 1.0))
    return (posts > 0) & (day.rng.random(idx.size) < p)


def step(day) -> GroupContent:
    """Sample today's posts per member and per group; set posts_today and recognition."""
    st, sc, rng, effects = day.state, day.scenario, day.rng, day.effects
    c = sc.content
    G = st.n_groups
    reset_yesterday(st)
    ids = st.member_ids()
    on_staff = st.circle.take(ids) == Circle.ORGANIZER  # one pass: the chat, the staff count and its groups
    idx = ids.compress(st.active.take(ids) & ~on_staff)
    g = st.group.take(idx)
    motivation = st.motivation(effects, idx)
    lam = chat_rates(day, idx, motivation)  # talkativeness: thread starts if one speaks
    speaking = speakers(day, idx, motivation)
    core_rate = np.where(st.circle.take(idx) == Circle.CORE, c.core_post_rate * effects.core_cadence, 0.0)
    core_i = poisson(rng, core_rate)
    sizes = np.bincount(st.group.take(ids), minlength=G)
    live = sizes > 0
    # core content is settled content: organizers carry it into every live group
    core_posts = np.where(live, float(core_i.sum()), 0.0)
    event_msgs = np.zeros(G)
    for event in effects.events:
        event_msgs = event_msgs + np.where(live, event.messages, 0.0)
    chat_i, b, scale = conversation(day, idx, g, speaking, lam)
    member_msgs = np.bincount(g, weights=chat_i, minlength=G)

    organizers = ids.compress(on_staff)
    n_org = int(organizers.size)
    staff = staff_on_duty(n_org, int(ids.size) - n_org, sc.community.organizers_per_1000)
    hours = organizer_hours(day, staff)
    posts_i = chat_i + core_i
    posters_g = np.bincount(g, weights=posts_i > 0, minlength=G)
    prompts, replies, spare = staff_work(day, hours, live, core_posts, posters_g)
    welcomed = welcome_newcomers(day, idx, g, posts_i == 0, spare)
    org_replies = replies + np.bincount(g.compress(welcomed), minlength=G)  # to one member each
    organic = member_msgs + core_posts + prompts + org_replies + event_msgs
    promos = organic * effects.promo_share / max(1.0 - effects.promo_share, 1e-9)

    st.posts_today[idx] = posts_i
    st.posted = idx
    answered = answered_posters(day, idx, g, posts_i, b * scale, replies, posters_g)
    st.recognition[idx.compress(answered | welcomed)] = 1.0
    if c.voice_gain:
        speak_up(st, idx, posts_i > 0, answered, c.voice_gain, c.voice_max)
    # posts_today is 0 outside idx: add where it is not (same numbers, a fraction of the work)
    st.posts_total[idx] += posts_i.astype(np.int32)
    st.posts_recent *= 29.0 / 30.0
    st.posts_recent[idx] += posts_i

    n_live = max(int(np.count_nonzero(live)), 1)
    needed = (sc.community.hours_per_group * n_live + float(core_posts.sum()) * c.ferment_hours
              + float(posters_g.sum()) * c.reply_hours)
    hours += effects.admin_hours * n_live
    return GroupContent(member_msgs, core_posts, prompts, org_replies, event_msgs, promos,
                        float(hours), needed, sizes, idx.compress(posts_i > 0),
                        np.bincount(g, minlength=G), int(np.count_nonzero(posts_i)),
                        int(np.count_nonzero(answered)), staff, int(np.count_nonzero(welcomed)), idx,
                        np.bincount(st.group.take(organizers), minlength=G))
