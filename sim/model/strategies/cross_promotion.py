"""Cross-promotion: joint campaigns, KOL co-operation, shared user pools.

In the model: a multiplier on the external joining channel for the campaign's duration,
at a daily cost.
"""

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P


class CrossPromotion(Strategy):
    """A joint campaign: the external joining channel is boosted for its duration, at a cost."""

    kind = "cross_promotion"
    summary = "External acquisition boost for a campaign period, at a cost."
    PARAMS = {
        "boost": P(5.0, "float", "x", "Multiplier on the external joining chance.", 1, 1e6, role="assumption"),
        "cost": P(100.0, "float", "currency/day", "Campaign cost per day.", 0, 1e9, role="assumption"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Boost the external joining channel and charge the campaign's daily cost."""
        effects.external_boost *= self.params.boost
        self.charge(effects, self.params.cost)
