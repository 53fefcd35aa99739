"""Personalised feed: members read friends' and core content first instead of a random sample.

It raises the value of what is read and the share of it from known people, which is what
a large group otherwise loses (DOMAIN.md section 3).
"""

from sim.schema import P
from sim.strategies.base import Effects, Strategy


class PersonalizedFeed(Strategy):
    kind = "personalized_feed"
    summary = "Rank messages so friends' and core content are read first."
    PARAMS = {
        "cost": P(20.0, "float", "money/day", "Running cost of the feed per day.", 0, 1e9),
    }

    def apply(self, effects: Effects, day: int) -> None:
        effects.personalized_feed = True
        effects.spend[self.name] = effects.spend.get(self.name, 0.0) + self.params.cost
