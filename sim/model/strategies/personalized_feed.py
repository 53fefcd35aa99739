"""Personalised feed: members read friends' and core content first instead of a random sample.

It raises the value of what is read and the share of it from known people, which is what
a large group otherwise loses (docs/domain.md, 'Group size and the Dunbar limit').
"""

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P


class PersonalizedFeed(Strategy):
    """Members read friends' and core content first instead of a random sample."""

    kind = "personalized_feed"
    summary = "Rank messages so friends' and core content are read first."
    PARAMS = {
        "cost": P(20.0, "float", "currency/day", "Running cost of the feed per day.", 0, 1e9, role="assumption"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Switch best-first reading on and charge the feed's running cost."""
        effects.personalized_feed = True
        self.charge(effects, self.params.cost)
