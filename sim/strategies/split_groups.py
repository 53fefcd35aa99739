"""Group splitting (mitosis) at the Dunbar limit.

A group above `cap` members splits in two along its friendship communities
(Kernighan-Lin bisection of the friendship graph inside the group). Each group costs
organizer overhead (`community.hours_per_group`), which is the price of splitting.
"""

from sim.schema import P
from sim.strategies.base import Effects, Strategy


class SplitGroups(Strategy):
    kind = "split_groups"
    summary = "Split groups above a size cap along friendship lines (mitosis)."
    PARAMS = {
        "cap": P(150, "int", "members", "Largest group allowed while the strategy runs.", 4, 10_000_000),
    }

    def apply(self, effects: Effects, day: int) -> None:
        effects.split_cap = self.params.cap
