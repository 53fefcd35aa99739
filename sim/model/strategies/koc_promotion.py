"""KOC incubation: promote the most active contributors from diffusion into the core circle.

On each promotion day the top contributors of the last 30 days (at least `min_posts`) become
core members, up to `community.core_capacity`. Their Mesa agent changes class; their state
stays in the arrays.
"""

from sim.model.strategies.base import Effects, KocRound, Strategy
from sim.scenario.params import P


class KocPromotion(Strategy):
    """Monthly rounds promoting the top recent contributors into the core circle."""

    kind = "koc_promotion"
    recurring = True
    summary = "Promote top contributors into the core circle (KOC incubation)."
    PARAMS = {
        "every": P(30, "int", "days", "Days between promotion rounds (monthly unless told otherwise); "
                   "null: a round every day.", 1, 100000, nullable=True, role="lever"),
        "per_round": P(3, "int", "persons", "Most members promoted per promotion round.", 0, 1e6, role="lever"),
        "min_posts": P(10, "int", "messages/30 days", "Least recent messages to be eligible.", 0, 1e6, role="lever"),
        "interest_boost": P(0.2, "float", "interest", "Interest a promoted member gains.", 0, 1, role="assumption"),
        "cost": P(5.0, "float", "currency/promotion", "Cost of one promotion (gifts, training).", 0, 1e6,
                  role="assumption"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """On a promotion day, set today's KOC round."""
        if self.fires(day):
            p = self.params
            effects.koc = KocRound(name=self.name, per_round=p.per_round, min_posts=p.min_posts,
                                   interest_boost=p.interest_boost, cost=p.cost)
