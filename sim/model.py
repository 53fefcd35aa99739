"""CommunityModel: a Mesa model of a community's lifecycle, one simulated day per step.

The model owns the state arrays (`sim.mechanics.state.State`) and runs the nine daily steps
of DESIGN.md, each in its own module under `sim/mechanics/`. Members are also Mesa agents
(`agents/`), thin handles kept in step with the arrays whenever you look at them.

Example
-------
>>> from sim import CommunityModel, load_scenario
>>> model = CommunityModel(load_scenario("scenarios/baseline.yaml", overrides=["population.size=400"]))
>>> model.run(days=30)
>>> int(model.timeseries()["day"].iloc[-1])
29
"""

from __future__ import annotations

from typing import Callable

import mesa
import networkx as nx
import numpy as np

from agents.member import sync_handles
from sim.mechanics import acquisition, attention, churn, content, groups, motivation, promotion
from sim.mechanics.state import CORE, DIFFUSION, MEMBER, ORGANIZER, State
from sim.population import Population, build_population
from sim.scenario import Scenario
from sim.strategies import KINDS, todays_effects

#: Columns of the daily time series, in order, with their meaning (see README).
METRICS = {
    "day": "day number, from 0",
    "members": "members at the end of the day",
    "joins": "people who joined today",
    "joins_wom": "joins caused by a sharing friend (word of mouth)",
    "leaves": "members who left today",
    "dau": "members active today",
    "mau": "members active at least once in the last 30 days",
    "core": "core-circle members",
    "organizers": "organizer-circle members",
    "diffusion": "diffusion-circle members who are not dormant",
    "dormant": "members (core or diffusion) silent for churn.dormant_after days or more",
    "posts": "messages posted by members (chat, replies, core posts)",
    "messages": "all messages in all groups (posts, prompts, organizer replies, events, promotions)",
    "groups": "groups with at least one member",
    "max_group_size": "members in the largest group",
    "overload_share": "share of today's readers whose group sent more than they could read",
    "stranger_share": "mean share of social messages read that came from strangers",
    "mean_interest": "mean interest of members",
    "sharers": "members who shared the community with friends today",
    "points_issued": "points issued today",
    "incentive_spend": "money spent on incentives today (points, invite rewards, tiers, KOC)",
    "spend": "all money spent today (incentives plus content, events, feed, campaigns, staff)",
    "organizer_load": "organizer hours needed / hours available",
    "at_risk": "members whose 30-day leaving probability exceeds lifecycle.churn_risk",
    "event_attendees": "members reached by an event today",
    "promotions": "members promoted into the core today",
    "splits": "group splits today",
}


class CommunityModel(mesa.Model):
    """A brand or interest community on a social graph, simulated day by day.

    Parameters
    ----------
    scenario : Scenario
        Validated scenario (see `sim.scenario.load_scenario`).
    seed : int, optional
        Overrides `scenario.seed`. Same scenario and seed give identical results.
    graph : networkx.Graph, optional
        Use this social graph instead of the scenario's generator.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, graph: nx.Graph | None = None):
        seed = int(scenario.seed if seed is None else seed)
        super().__init__(rng=np.random.default_rng(seed))
        self.seed_value = seed
        self.scenario = scenario
        self.day = 0
        self.population: Population = build_population(scenario.population, self.rng, graph=graph)
        self.state = State(self.population.n)
        self.strategies = [KINDS[kind](name, spec) for name, kind, spec in scenario.strategies]
        for strategy in self.strategies:
            strategy.bind(self)
        self.today: dict = {}
        self._left_yesterday: np.ndarray | None = None
        self.posted_yesterday: np.ndarray | None = None  # who posted (to reset cheaply)
        self.extrinsic_left = False  # any extrinsic reward still fading out
        self._cohorts: dict[int, np.ndarray] = {}
        self.retention_counts = {d: [0, 0] for d in (1, 7, 30)}
        self.post_blocks: list[dict] = []
        self.cumulative = {"joins": 0, "joins_wom": 0, "incentive_spend": 0.0, "spend": 0.0}
        self._handles: dict = {}
        self._handle_circle = np.full(self.population.n, -1, np.int8)
        self._found()
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _reporter(name) for name in METRICS})

    # ------------------------------------------------------------------ Mesa agent views
    @property
    def agents(self):
        """All member agents (kept in step with the state arrays on access)."""
        sync_handles(self)
        return super().agents

    @property
    def agents_by_type(self):
        """Member agents by circle class: `model.agents_by_type[CoreMember]`."""
        sync_handles(self)
        return super().agents_by_type

    def member(self, person: int):
        """The Mesa agent of a member person (None for non-members)."""
        sync_handles(self)
        return self._handles.get(int(person))

    # ------------------------------------------------------------------ launch
    def _found(self) -> None:
        """Day 0: organizers, core experts and founding members, all in group 0."""
        st, pop, c, rng = self.state, self.population, self.scenario.community, self.rng
        n = pop.n
        order = rng.permutation(n)
        n_org = min(c.organizers, n)
        organizers = order[:n_org]
        rest = order[n_org:]
        # core experts: the best topic fit among the rest (ties broken by the permutation)
        n_core = min(c.core_seeds, rest.size)
        core = rest[np.argsort(-pop.topic_fit[rest], kind="stable")[:n_core]]
        taken = np.zeros(n, bool)
        taken[organizers] = taken[core] = True
        if c.seed_fraction > 0:
            pool = np.flatnonzero(~taken)
            k = int(round(c.seed_fraction * n)) - n_org - n_core
            seeds = pool[rng.permutation(pool.size)[:max(k, 0)]]
        else:
            neigh = np.unique(np.concatenate([pop.friends(i) for i in core])) if n_core else np.zeros(0, int)
            neigh = neigh[~taken[neigh]]
            neigh = neigh[rng.permutation(neigh.size)][:c.seed_members]
            short = c.seed_members - neigh.size
            if short > 0:
                mask = ~taken
                mask[neigh] = False
                pool = np.flatnonzero(mask)
                neigh = np.concatenate([neigh, pool[rng.permutation(pool.size)[:short]]])
            seeds = neigh
        founders = np.concatenate([organizers, core, seeds]).astype(np.int64)
        st.status[founders] = MEMBER
        st.circle[organizers] = ORGANIZER
        st.circle[core] = CORE
        st.circle[seeds] = DIFFUSION
        st.interest[founders] = self.scenario.motivation.initial_interest
        st.interest[organizers] = 1.0
        st.interest[core] = np.maximum(st.interest[core], 0.8)
        st.novelty[founders] = 1.0
        st.joined_day[founders] = 0
        st.last_active_day[founders] = 0
        st.active[founders] = True
        cap = c.group_cap
        st.group[founders] = np.arange(founders.size) // cap
        st.n_groups = max(1, int(np.ceil(founders.size / cap)))
        self._cohorts[0] = founders
        self.founders = int(founders.size)

    def _admit(self, joiners: np.ndarray, wom: np.ndarray, effects) -> int:
        """New members: diffusion circle, fresh novelty, active on their first day."""
        st = self.state
        if joiners.size == 0:
            return 0
        st.status[joiners] = MEMBER
        st.circle[joiners] = DIFFUSION
        interest = np.full(joiners.size, self.scenario.motivation.initial_interest)
        rewarded = wom & (effects.invite_cost > 0)
        interest[rewarded] += effects.invitee_interest
        st.interest[joiners] = np.clip(interest, 0.0, 1.0)
        st.novelty[joiners] = 1.0
        st.invited[joiners] = wom
        st.joined_day[joiners] = self.day
        st.last_active_day[joiners] = self.day
        st.active[joiners] = True
        groups.place_joiners(self, joiners, effects)
        self._cohorts[self.day] = joiners
        return int(rewarded.sum())

    # ------------------------------------------------------------------ one day
    def step(self) -> None:
        """Run one day: the nine steps of DESIGN.md, then record the day's metrics."""
        st, day = self.state, self.day
        self.today = dict.fromkeys(METRICS, 0)
        self.today["day"] = day
        effects = todays_effects(self.strategies, day)               # 1 strategies
        motivation.apply_event(self, effects)
        st.last_active_day[st.active] = day
        self._record_retention()
        mot = st.motivation(effects)
        joiners, wom = acquisition.acquire(self, mot, effects)       # 2 acquisition
        rewarded = self._admit(joiners, wom, effects)
        mot = st.motivation(effects)
        daily = content.produce(self, effects, mot)                  # 3 content
        reading = attention.read(self, effects, daily)               # 4 attention
        credits = self.today.pop("invite_credits", None)
        points_today = promotion.award_points(self, effects, credits)
        motivation.update(self, effects, daily, reading,             # 5 motivation
                          self._left_yesterday, points_today)
        members = st.status == MEMBER
        dau = int((st.active & members).sum())
        st.posts_total += st.posts_today
        st.posts_block += st.posts_today
        st.posts_recent *= 29.0 / 30.0
        st.posts_recent += st.posts_today
        st.present_block |= members
        leavers = churn.leave_and_activate(self, st.motivation(effects))  # 6 activity, churn
        if leavers.size:
            from sim.population import count_from

            self._left_yesterday = count_from(self.population.followers, leavers, st.n)
        else:
            self._left_yesterday = None
        promotion.update_tiers(st, effects)                          # 7 tiers, promotion
        promoted = promotion.promote_kocs(self, effects)
        splits = groups.split_oversize(self, effects.split_cap) if effects.split_cap else 0  # 8 groups
        self._record(effects, joiners, wom, leavers, dau, daily, reading, points_today,
                     rewarded, promoted, splits)                     # 9 record
        self.datacollector.collect(self)
        self.day += 1

    def run(self, days: int | None = None, progress: Callable[[int, int], None] | None = None) -> "CommunityModel":
        """Run `days` days (default: the scenario's horizon). `progress(done, total)` is called daily."""
        total = self.scenario.horizon_days if days is None else int(days)
        for i in range(total):
            self.step()
            if progress is not None:
                progress(i + 1, total)
        return None

    # ------------------------------------------------------------------ read-outs
    def _record_retention(self) -> None:
        st = self.state
        for d, counts in self.retention_counts.items():
            cohort = self._cohorts.get(self.day - d)
            if cohort is not None and cohort.size:
                counts[0] += int((st.active[cohort] & (st.status[cohort] == MEMBER)).sum())
                counts[1] += int(cohort.size)
        self._cohorts.pop(self.day - 30, None)

    def _record(self, effects, joiners, wom, leavers, dau, daily, reading, points_today,
                rewarded, promoted, splits) -> None:
        st, sc, t = self.state, self.scenario, self.today
        members = st.status == MEMBER
        n_members = int(members.sum())
        dormant_mask = members & (st.circle != ORGANIZER) & \
            ((self.day - st.last_active_day) >= sc.churn.dormant_after)
        sizes = groups.group_sizes(st)
        live = sizes[sizes > 0]
        ec = effects
        points_issued = float(points_today.sum())
        incentive = (points_issued * ec.point_cost + rewarded * ec.invite_cost
                     + ec.tier_cost * int((members & (st.tier > 0)).sum())
                     + (len(promoted) * ec.koc["cost"] if ec.koc else 0.0))
        spend = incentive + float(sum(ec.spend.values()))
        t.update(
            members=n_members, joins=int(joiners.size), joins_wom=int(wom.sum()),
            leaves=int(leavers.size), dau=dau,
            mau=int((members & (st.last_active_day >= self.day - 29)).sum()),
            core=int((members & (st.circle == CORE)).sum()),
            organizers=int((members & (st.circle == ORGANIZER)).sum()),
            diffusion=int((members & (st.circle == DIFFUSION) & ~dormant_mask).sum()),
            dormant=int(dormant_mask.sum()),
            posts=int(st.posts_today.sum()), messages=float(daily.messages.sum()),
            groups=int(live.size), max_group_size=int(live.max()) if live.size else 0,
            overload_share=float(st.overloaded[reading.readers].mean()) if reading.readers.size else 0.0,
            stranger_share=float(reading.stranger_share.mean()) if reading.readers.size else 0.0,
            mean_interest=float(st.interest[members].mean()) if n_members else 0.0,
            points_issued=points_issued, incentive_spend=incentive, spend=spend,
            organizer_load=daily.hours_needed / daily.hours_available if daily.hours_available > 0 else 0.0,
            at_risk=churn.at_risk(st, sc.churn, sc.lifecycle.churn_risk),
            promotions=int(len(promoted)), splits=int(splits),
        )
        t.setdefault("sharers", 0)
        t.setdefault("event_attendees", 0)
        for key in ("joins", "joins_wom"):
            self.cumulative[key] += t[key]
        self.cumulative["incentive_spend"] += incentive
        self.cumulative["spend"] += spend
        if self.day % 30 == 29:
            self._close_post_block()

    def _close_post_block(self) -> None:
        """Posts of everyone present in the last 30 days -> top 1% / next 9% / bottom 90% shares."""
        from sim.metrics import post_shares

        st = self.state
        present = st.present_block
        shares = post_shares(st.posts_block[present])
        shares.update(end_day=self.day, present=int(present.sum()))
        self.post_blocks.append(shares)
        st.posts_block[:] = 0
        st.present_block[:] = st.status == MEMBER

    def timeseries(self):
        """The daily metrics as a pandas DataFrame (one row per day, columns `METRICS`)."""
        return self.datacollector.get_model_vars_dataframe()

    def summary(self) -> dict:
        """Run summary: lifecycle phases, lifespan and every read-out (see `sim.metrics`)."""
        from sim.metrics import summarize

        return summarize(self)


def _reporter(name: str):
    return lambda model: model.today[name]
