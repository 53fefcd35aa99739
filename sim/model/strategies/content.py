"""Content strategy: core cadence, quality, "attitude" content and UGC encouragement.

Attitude content (opinionated, with feeling) is worth more, is shared more and slows the
fading of novelty (docs/domain.md, 'Content'); UGC encouragement raises ordinary members' posting.
"""

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P


class Content(Strategy):
    """Core cadence, content quality, attitude content and UGC encouragement."""

    kind = "content"
    summary = "Core cadence, content quality, attitude content, UGC encouragement."
    PARAMS = {
        # the multipliers' effects are bought at `cost` a day whatever their size: what they buy is assumed
        "core_cadence": P(1.0, "float", "x", "Multiplier on core members' posting (what the daily cost buys).",
                          0, 100, role="assumption"),
        "quality": P(1.0, "float", "x", "Multiplier on the value of core and fermented content (what the daily "
                     "cost buys).", 0, 100, role="assumption"),
        "attitude": P(0.0, "float", "0..1", "Share of attitude content: +value, +sharing, slower "
                      "novelty decay for the day's readers.", 0, 1, role="lever"),
        "ugc": P(1.0, "float", "x", "Multiplier on ordinary members' posting (how members answer UGC "
                 "encouragement).", 0, 100, role="assumption"),
        "cost": P(10.0, "float", "currency/day", "Production cost per day.", 0, 1e9, role="assumption"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Set core cadence, quality, attitude and UGC multipliers; charge the production cost."""
        p = self.params
        effects.core_cadence = p.core_cadence
        effects.quality = p.quality
        effects.attitude = p.attitude
        effects.ugc_boost *= p.ugc  # compounds with the operating mode's UGC multiplier
        self.charge(effects, p.cost)
