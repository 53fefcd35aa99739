"""The scenario parameter tree: every key, its default, unit, allowed range and meaning.

One declarative table (in the spirit of NDlib's model configuration) serves three users:
validation (`sim.scenario`), the generated reference `docs/scenarios.md`, and `circlesim
explain`. Strategy parameters live next to each strategy class in `sim/strategies/` and are
merged in by kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

GRAPH_TYPES = (
    "clustered_scale_free",
    "watts_strogatz",
    "interest_clusters",
    "erdos_renyi",
    "complete",
    "karate_club",
    "les_miserables",
    "florentine_families",
    "davis_southern_women",
    "file",
)


@dataclass(frozen=True)
class Param:
    """One scenario leaf: default value, type, unit, allowed range and a one-line meaning."""

    default: Any
    type: str  # "int" | "float" | "bool" | "str"
    unit: str
    doc: str
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    nullable: bool = False

    def describe_range(self) -> str:
        """Human-readable allowed values, used in error messages and the reference."""
        if self.choices:
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        elif self.type == "bool":
            text = "true or false"
        elif self.low is not None or self.high is not None:
            lo = "-inf" if self.low is None else _fmt(self.low)
            hi = "inf" if self.high is None else _fmt(self.high)
            text = f"{self.type} in [{lo}, {hi}]"
        else:
            text = self.type
        if self.nullable:
            text += " or null"
        return text


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(x)


def P(default, type_, unit, doc, low=None, high=None, choices=None, nullable=False) -> Param:
    return Param(default, type_, unit, doc, low, high, tuple(choices) if choices else None, nullable)


# --------------------------------------------------------------------------------------
# The tree. Sections are dicts, leaves are Params. `strategies` is handled separately.
# --------------------------------------------------------------------------------------
SCHEMA: dict[str, Any] = {
    "name": P("", "str", "-", "Short name shown in reports."),
    "description": P("", "str", "-", "What this scenario tests, in a sentence or two."),
    "seed": P(1, "int", "-", "Master random seed; replications spawn child seeds from it.", 0, 2**63 - 1),
    "horizon_days": P(1000, "int", "days", "Days simulated.", 1, 20000),
    "population": {
        "size": P(5000, "int", "persons", "People on the social graph (generators only; "
                  "named and file graphs bring their own size).", 2, 10_000_000),
        "graph": {
            "type": P("clustered_scale_free", "str", "-", "Social graph generator or source.",
                      choices=GRAPH_TYPES),
            "mean_degree": P(10.0, "float", "ties/person", "Mean number of friends (generators).", 1, 1000),
            "clustering": P(0.3, "float", "probability", "Triad-closure probability of the clustered "
                            "scale-free generator (Holme-Kim).", 0, 1),
            "rewire": P(0.1, "float", "probability", "Rewiring probability (Watts-Strogatz).", 0, 1),
            "clusters": P(10, "int", "clusters", "Interest clusters (stochastic block model).", 1, 10000),
            "within_share": P(0.8, "float", "share", "Share of ties inside one's interest cluster "
                              "(stochastic block model).", 0, 1),
            "file": P(None, "str", "path", "Edge-list CSV (source,target[,weight]) or GraphML file, "
                      "relative to the scenario file; used when type is 'file'.", nullable=True),
        },
        "attention_median": P(60.0, "float", "messages/day", "Median daily attention budget: "
                              "messages a member can read (lognormal).", 1, 100000),
        "attention_sigma": P(0.5, "float", "log-units", "Spread of attention budgets (lognormal sigma).", 0, 5),
        "post_propensity_sigma": P(3.1, "float", "log-units", "Heterogeneity of posting propensity "
                                   "(lognormal sigma, mean 1). Heavy tails make 90-9-1 emerge.", 0, 5),
        "topic_fit_a": P(2.0, "float", "-", "Beta(a, b) distribution of topic fit: how well the "
                         "community's topic suits a person.", 0.01, 1000),
        "topic_fit_b": P(3.0, "float", "-", "Second Beta parameter of topic fit.", 0.01, 1000),
        "topic_fit_fixed": P(None, "float", "-", "If set, every person has this topic fit "
                             "(used for Bass-model checks).", 0, 1, nullable=True),
        "dunbar_limit": P(150, "int", "ties", "Maintained relationships per person (Dunbar's ~150); "
                          "further graph ties carry no influence.", 1, 100000),
        "close_ties": P(20, "int", "ties", "Strongest maintained ties per person that count as "
                        "close (Dunbar's ~15-20 layer).", 0, 100000),
    },
    "community": {
        "organizers": P(3, "int", "persons", "Operations staff (organizer circle) at launch.", 0, 100000),
        "organizer_hours": P(6.0, "float", "hours/day", "Working hours each organizer gives the "
                             "community per day.", 0, 24),
        "hours_per_group": P(0.5, "float", "hours/day", "Organizer overhead of keeping one group "
                             "running (moderation, announcements).", 0, 24),
        "core_seeds": P(5, "int", "persons", "Experts in the core circle at launch.", 0, 100000),
        "core_capacity": P(40, "int", "persons", "Most core members the community can host "
                           "(KOC promotion stops there).", 0, 10_000_000),
        "seed_members": P(30, "int", "persons", "Founding diffusion members (friends of the core "
                          "at launch).", 0, 10_000_000),
        "seed_fraction": P(0.0, "float", "share", "If above 0, this share of the whole population "
                           "are members at launch instead of seed_members.", 0, 1),
        "group_cap": P(500, "int", "members", "Platform cap on one group (WeChat: 500). A full "
                       "group sends joiners to another group or opens a new one.", 2, 10_000_000),
        "max_messages_per_group": P(1000.0, "float", "messages/day", "Conversation floor: a "
                                    "group's daily messages saturate at this level whatever "
                                    "its size (Jones et al. 2008).", 1, 1e7),
    },
    "acquisition": {
        "p_external": P(0.00004, "float", "1/day", "Daily chance an outsider of full topic fit "
                        "joins through external channels (Bass innovation p).", 0, 1),
        "q_weak": P(0.05, "float", "1/day per friend", "Chance a sharing weak-tie friend brings "
                    "an outsider in today (Bass imitation / Goldenberg b_w).", 0, 1),
        "q_close": P(0.15, "float", "1/day per friend", "Same for a sharing close friend "
                     "(Goldenberg b_s).", 0, 1),
        "share_rate": P(0.2, "float", "1/day", "Chance a fully motivated active member shares "
                        "the community with friends on a day.", 0, 1),
        "share_requires_activity": P(True, "bool", "-", "Only members active today share "
                                     "(false: every member shares at share_rate, Bass check).")
    },
    "content": {
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
    },
    "attention": {
        "overload_cost": P(0.12, "float", "interest/log-unit", "Interest target lost per log-unit "
                           "of unread backlog (messages beyond attention budget).", 0, 10),
        "acquaintances": P(120, "int", "members", "Group members one gets to know by sight "
                           "(Dunbar's ~150 less one's outside ties): in a larger group the "
                           "rest stay strangers.", 0, 100000),
        "stranger_cost": P(0.1, "float", "interest", "Interest target lost when every message "
                           "read comes from strangers (belonging).", 0, 10),
    },
    "motivation": {
        "initial_interest": P(0.6, "float", "interest", "Interest of a new member.", 0, 1),
        "adapt_rate": P(0.08, "float", "1/day", "Speed at which interest moves toward what the "
                        "day was worth.", 0, 1),
        "value_scale": P(10.0, "float", "value/day", "Value read in a day at which satisfaction "
                         "reaches 63% (1 - 1/e); diminishing returns beyond.", 0.0001, 1e6),
        "recognition_weight": P(0.25, "float", "interest", "Interest target added by being "
                                "answered on every post.", 0, 10),
        "novelty_halflife": P(280.0, "float", "days", "Half-life of a member's novelty: the "
                              "same community is worth less each month.", 1, 1e6),
        "novelty_floor": P(0.1, "float", "share", "Novelty never falls below this share.", 0, 1),
        "forget_rate": P(0.004, "float", "1/day", "Interest lost per day by an inactive member.", 0, 1),
        "contagion": P(0.4, "float", "interest", "Interest lost when all of one's member friends "
                       "leave on the same day (contagious churn).", 0, 10),
        "crowding_out": P(0.003, "float", "1/day", "Intrinsic interest eroded per day per unit of "
                          "extrinsic reward (overjustification).", 0, 1),
        "activity_max": P(0.9, "float", "probability", "Daily activity chance at interest 1.", 0, 1),
        "activity_exponent": P(1.5, "float", "-", "Activity = activity_max * interest^exponent.", 0.01, 20),
    },
    "churn": {
        "mode": P("interest", "str", "-", "'interest': leave when interest stays low; "
                  "'cost_benefit': leave when benefit_per_friend * friends present < cost "
                  "(Garcia et al. 2013); 'off': nobody leaves.",
                  choices=("interest", "cost_benefit", "off")),
        "leave_threshold": P(0.15, "float", "interest", "Members below this interest may leave.", 0, 1),
        "leave_hazard": P(0.05, "float", "1/day", "Daily chance a member below the threshold leaves.", 0, 1),
        "dormant_after": P(30, "int", "days", "Days without activity after which a member is "
                           "dormant (silent majority).", 1, 100000),
        "dormant_activity": P(0.1, "float", "x", "Activity multiplier of dormant members.", 0, 1),
        "burnout_audience": P(10, "int", "readers/day", "Active readers a core member needs in "
                              "its group; fewer burns it out.", 0, 10_000_000),
        "burnout_rate": P(0.01, "float", "1/day", "Core interest lost per day with no audience.", 0, 1),
        "benefit_per_friend": P(1.0, "float", "utility", "b in the cost-benefit rule.", 0, 1e6),
        "cost": P(2.5, "float", "utility", "c in the cost-benefit rule.", 0, 1e6),
    },
    "lifecycle": {
        "smoothing_days": P(7, "int", "days", "Moving-average window for DAU.", 1, 365),
        "germination_share": P(0.1, "float", "share of peak", "Germination ends when DAU first "
                               "reaches this share of the peak.", 0, 1),
        "growth_share": P(0.8, "float", "share of peak", "Rapid growth ends, and active "
                          "interaction holds, at this share of the peak.", 0, 1),
        "dormancy_share": P(0.1, "float", "share of peak", "Dormancy: DAU below this share of "
                            "the peak ...", 0, 1),
        "dormancy_days": P(30, "int", "days", "... for this many days in a row.", 1, 10000),
        "alarm_growth": P(0.05, "float", "share/month", "Warn when net member growth stays "
                          "under this for alarm_months months in a row.", -1, 10),
        "alarm_months": P(3, "int", "months", "Months of low growth before the warning.", 1, 120),
        "alarm_swing": P(0.10, "float", "share", "Warn when month-on-month DAU swings more "
                         "than this.", 0, 10),
        "churn_risk": P(0.7, "float", "probability", "Members whose leaving probability "
                        "(30-day horizon) exceeds this are 'at risk'.", 0, 1),
    },
}

COMMON_STRATEGY_PARAMS: dict[str, Param] = {
    "kind": P(None, "str", "-", "Strategy kind; defaults to the entry's name.", nullable=True),
    "start": P(0, "int", "day", "First day the strategy is in force.", 0, 100000),
    "stop": P(None, "int", "day", "Day it stops (exclusive); null: never.", 0, 100000, nullable=True),
    "every": P(None, "int", "days", "For recurring actions (events, promotion rounds): the "
               "period; null: every day.", 1, 100000, nullable=True),
}


def iter_leaves(tree: dict, prefix: tuple = ()):
    """Yield (path tuple, Param) for every leaf of a schema tree, depth first."""
    for key, node in tree.items():
        if isinstance(node, Param):
            yield prefix + (key,), node
        else:
            yield from iter_leaves(node, prefix + (key,))


def defaults(tree: dict = SCHEMA) -> dict:
    """The tree of defaults: what a scenario with no keys means."""
    out = {}
    for key, node in tree.items():
        out[key] = node.default if isinstance(node, Param) else defaults(node)
    return out
