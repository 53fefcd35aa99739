"""Tiers: ordinary -> core user -> KOC levels, with differentiated rights.

Members climb by cumulative points (`by: points`, the default: a points strategy must run for
anyone to earn them) or by cumulative posts (`by: posts`: activity-based levels, as forum
software's trust levels are). Higher tiers raise a member's interest target and posting
(status, privileges), which pulls ordinary members upward; each tiered member costs
privileges money per day.
"""

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P


class Tiers(Strategy):
    """Member levels by cumulative points (or posts: `by`), with status that lifts interest and posting."""

    kind = "tiers"
    summary = "Member levels by cumulative points (or posts) with differentiated rights."
    PARAMS = {
        "by": P("points", "str", "-", "What members climb by: 'points' (cumulative points earned; without "
                "a points strategy nobody earns any) or 'posts' (cumulative messages posted: activity-based "
                "levels; the two thresholds then count posts).", choices=("points", "posts")),
        "core_user_points": P(50.0, "float", "points or posts", "Cumulative points (posts with by: posts) to "
                              "reach tier 1 (core user).", 0, 1e9),
        "koc_points": P(300.0, "float", "points or posts", "Cumulative points (posts with by: posts) to reach "
                        "tier 2 (KOC).", 0, 1e9),
        "bonus": P(0.05, "float", "interest/tier", "Interest target added per tier level.", 0, 1),
        "post_boost": P(0.3, "float", "share/tier", "Extra posting per tier level.", 0, 10),
        "cost": P(0.005, "float", "currency/member/day", "Privileges cost per tiered member per day.", 0, 1e6),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Set what tiers rank by and their thresholds, the status bonus and posting boost, and the privileges cost."""
        p = self.params
        effects.tier_by = p.by
        effects.tier_thresholds = (p.core_user_points, p.koc_points)
        effects.tier_bonus = p.bonus
        effects.tier_post_boost = p.post_boost
        effects.tier_cost = p.cost
