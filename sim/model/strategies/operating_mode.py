"""Operating mode (docs/domain.md, 'Incentives and operations'): centralized, decentralized or hybrid.

`brand_share` is the brand's share of the running. More brand means more organizer hours
(and cost) and more promotion (which costs interest), plus operations fatigue over time;
less brand means more UGC but fewer replies. Hybrid keeps the share at 40-60%.
"""

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P

MODE_SHARE = {"centralized": 0.8, "decentralized": 0.2, "hybrid": 0.5}


class OperatingMode(Strategy):
    """Centralized, decentralized or hybrid running: organizer hours, promotion, UGC, fatigue."""

    kind = "operating_mode"
    summary = "Centralized, decentralized or hybrid running of the community."
    PARAMS = {
        "mode": P("hybrid", "str", "-", "Operating model.", choices=tuple(MODE_SHARE)),
        "brand_share": P(None, "float", "share", "Brand's share of the running (default by mode: "
                         "centralized 0.8, decentralized 0.2, hybrid 0.5).", 0, 1, nullable=True),
        "promo_share": P(0.1, "float", "share", "Brand promotion messages as a share of a "
                         "group's traffic at brand_share 1.", 0, 1),
        "promo_cost": P(0.05, "float", "interest", "Interest target lost at brand_share 1 from "
                        "brand promotion.", 0, 10),
        "fatigue_rate": P(0.002, "float", "1/day", "Operations fatigue: organizer efficiency lost "
                          "per day per unit of brand share above 0.5.", 0, 1),
        "staff_cost": P(50.0, "float", "currency/organizer-day", "Cost of one organizer-day in this mode at "
                        "1x hours, for every organizer on duty (scaled by the mode's hours multiplier, "
                        "0.5x-2x); counted in spend on top of community.staff_hour_cost, so price "
                        "staff time in one of the two.", 0, 1e9),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Set organizer hours, promotion, UGC and fatigue from the brand's share, and the cost per organizer-day."""
        p = self.params
        share = MODE_SHARE[p.mode] if p.brand_share is None else p.brand_share
        effects.brand_share = share
        # brand-led: up to 2x organizer hours at share 1; user-led: down to 0.5x at share 0
        effects.organizer_hours_mult = 0.5 + 1.5 * share
        effects.promo_cost = p.promo_cost * share
        effects.promo_share = p.promo_share * share
        effects.ugc_boost *= 1.6 - 1.2 * share  # user-led communities post more themselves
        effects.fatigue_rate = p.fatigue_rate * max(0.0, share - 0.5)
        effects.mode_days = day - self.start
        # per organizer on duty (the staffing policy adds organizers as the community grows):
        # the recorder multiplies by the day's headcount, known once content has run
        effects.organizer_day_cost = p.staff_cost * effects.organizer_hours_mult
