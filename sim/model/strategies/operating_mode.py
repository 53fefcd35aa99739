"""Operating mode (docs/domain.md, 'Incentives and operations'): centralized, decentralized or hybrid.

`brand_share` is the brand's share of the running. More brand means more organizer hours
(and, when `community.staff_hour_cost` prices them, cost), brand promotion (which costs
interest) and operations fatigue over time; less brand means more UGC but fewer replies.
Hybrid keeps the share at 40-60%.

The hybrid (share 0.5) is the running every scenario already has: the community's own
organizers working `community.organizer_hours` beside members posting at their own rates,
with no brand promotion. So at 0.5 this strategy changes nothing (since model version 18 not
even spend: staff time has one price, `community.staff_hour_cost`, in every design, where
the mode charged 50 an organizer-day of its own), and the other modes move away from it:
hours scale with the share (0.64x at 0.2, 1.36x at 0.8), promotion and fatigue grow with the
share above the hybrid's half (brand-led running is the one that promotes and tires,
docs/domain.md), members post more as the brand steps back. Before model version 10 the
hybrid had 1.25x hours and half the promotion of a share of 1 while a scenario without a
mode had neither, so every mode lost to "no mode", a way of running no community has.
"""

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P

MODE_SHARE = {"centralized": 0.8, "decentralized": 0.2, "hybrid": 0.5}

#: The brand share of the running every scenario has without an operating mode.
HYBRID_SHARE = MODE_SHARE["hybrid"]


def organizer_hours(share: float) -> float:
    """Multiplier on the organizers' hours at brand `share`: 1 at the hybrid's 0.5, 0.4 to 1.6.

    Linear in the share (0.5x to 2x of version 9, rescaled so the hybrid is the scenario's own
    hours): brand-led running puts in more staff time, user-led less.

    >>> [round(organizer_hours(s), 6) for s in (0.5, 0.8, 0.2)]
    [1.0, 1.36, 0.64]
    """
    return (0.5 + 1.5 * share) / (0.5 + 1.5 * HYBRID_SHARE)


def promotion_share(share: float) -> float:
    """How much of a fully brand-run community's promotion runs at brand `share`: 0 up to 0.5, 1 at 1.

    >>> [round(promotion_share(s), 6) for s in (0.5, 0.8, 1.0)]
    [0.0, 0.6, 1.0]
    """
    return max(0.0, share - HYBRID_SHARE) / (1.0 - HYBRID_SHARE)


class OperatingMode(Strategy):
    """Centralized, decentralized or hybrid running: organizer hours, promotion, UGC, fatigue."""

    kind = "operating_mode"
    summary = "Centralized, decentralized or hybrid running of the community."
    PARAMS = {
        "mode": P("hybrid", "str", "-", "Operating model.", choices=tuple(MODE_SHARE), role="lever"),
        "brand_share": P(None, "float", "share", "Brand's share of the running (default by mode: "
                         "centralized 0.8, decentralized 0.2, hybrid 0.5).", 0, 1, nullable=True, role="lever"),
        "promo_share": P(0.1, "float", "share", "Brand promotion messages as a share of a "
                         "group's traffic at brand_share 1 (none at or below the hybrid's 0.5; "
                         "linear in between).", 0, 1, role="lever"),
        "promo_cost": P(0.05, "float", "interest", "Interest target lost to brand promotion at "
                        "brand_share 1 (none at or below 0.5; linear in between).", 0, 10, role="assumption"),
        "fatigue_rate": P(0.002, "float", "1/day", "Operations fatigue: organizer efficiency lost "
                          "per day per unit of brand share above 0.5.", 0, 1, role="assumption"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Set organizer hours, promotion, UGC and fatigue from the brand's share.

        Staff time is priced by `community.staff_hour_cost` for the hours worked, in every design
        (`sim.readouts.registry.staff_cost`), not here.
        """
        p = self.params
        share = MODE_SHARE[p.mode] if p.brand_share is None else p.brand_share
        effects.brand_share = share
        effects.organizer_hours_mult = organizer_hours(share)
        above = promotion_share(share)
        effects.promo_cost = p.promo_cost * above
        effects.promo_share = p.promo_share * above
        effects.ugc_boost *= 1.6 - 1.2 * share  # user-led communities post more themselves; 1 at 0.5
        effects.fatigue_rate = p.fatigue_rate * max(0.0, share - HYBRID_SHARE)
        effects.mode_days = day - self.start
