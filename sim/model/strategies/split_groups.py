"""Group splitting (mitosis) at the Dunbar limit.

A group above `cap` members splits in two along its friendship communities
(Kernighan-Lin bisection of the friendship graph inside the group). Each group costs
organizer overhead (`community.hours_per_group`), which is the price of splitting, unless
volunteer admins from the groups carry it (`admin_hours`). The community's group cap
(`community.group_cap`: the platform's, or a lower one) still holds: a `cap` above it splits
groups at that cap (and the scenario carries a notice saying so).
"""

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P


class SplitGroups(Strategy):
    """Split groups above a size cap along friendship lines (mitosis)."""

    kind = "split_groups"
    summary = "Split groups above a size cap along friendship lines (mitosis)."
    PARAMS = {
        "cap": P(150, "int", "members", "Largest group allowed while the strategy runs.", 4, 10_000_000, role="lever"),
        "admin_hours": P(0.0, "float", "hours/day/group", "Hours a volunteer admin from each "
                         "group gives per day (0: the staff carry every group).", 0, 24, role="lever"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Set the split cap (mitosis tonight) and the volunteer admins' hours."""
        effects.split_cap = self.params.cap
        effects.admin_hours = self.params.admin_hours
