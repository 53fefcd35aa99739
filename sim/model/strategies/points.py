"""Points: check-in, post and invite points that members redeem (docs/domain.md, 'The closed loop').

Points add extrinsic motivation while they run (it fades over a few weeks after they stop,
at `motivation.adapt_rate` a day), lower what a day is worth a little (crowding out, which
stays after they stop: `motivation.extrinsic_rewards`), and cost money per point redeemed, on
the days they run only. Removing them mid-life leaves interest below where it would have been.
Their pull wears out with use (`wear_days`, model version 8: `sim.model.mechanics.rewards.points_felt`).
"""

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P


class Points(Strategy):
    """Points for check-in, posts and invitations; extrinsic motivation at a redemption cost."""

    kind = "points"
    summary = "Points for check-in, posts and invitations, redeemable for prizes."
    PARAMS = {
        "checkin": P(5.0, "float", "points/active day", "Points for checking in (being active).", 0, 1e6, role="lever"),
        "post": P(1.0, "float", "points/message", "Points per message posted.", 0, 1e6, role="lever"),
        "invite": P(10.0, "float", "points/join", "Points per friend who joins through you.", 0, 1e6, role="lever"),
        "daily_cap": P(20.0, "float", "points/day", "Most points one member can earn in a day "
                       "(real programmes cap them; uncapped post points reward flooding).", 0, 1e9, role="lever"),
        "value": P(0.02, "float", "interest/point", "Extrinsic motivation one point earned "
                   "today is worth.", 0, 10, role="assumption"),
        "cost": P(0.005, "float", "currency/point", "Redemption cost of one point.", 0, 1e6, role="assumption"),
        "wear_days": P(90.0, "float", "days", "Habituation: a point's pull on a member is scaled by 1 minus "
                       "how often it has earned points lately (an exponential average of its rewarded "
                       "days with this time constant), so points earned every day wear out (to 37% of "
                       "their pull after wear_days days, 5% after three times that) and recover while "
                       "not earned. A stated choice (weeks to months: field deployments of points "
                       "report their boost fading; Farzan et al. 2008, Hamari, Koivisto & Sarsa 2014). "
                       "0: no wear-out (model version 7).", 0, 1e6, role="assumption"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Switch the points programme on with its rates, daily cap, value and redemption cost."""
        p = self.params
        effects.points_on = True
        effects.points_checkin = p.checkin
        effects.points_post = p.post
        effects.points_invite = p.invite
        effects.points_cap = p.daily_cap
        effects.point_value = p.value
        effects.point_cost = p.cost
        effects.points_wear_days = p.wear_days
