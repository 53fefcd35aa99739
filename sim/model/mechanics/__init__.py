"""The daily mechanisms, one module each; `DAILY_STEPS` is the order the model runs them in.

Every mechanism module declares
  * `PARAMS`: its section of the scenario schema (empty when strategies configure it),
  * `STATE`: the per-person arrays and carried values it owns (see `sim.model.state`),
  * `step(day)` (or a few named steps): reads what it needs from the `Day` context and returns
    a small typed result, stored under the step's name for the mechanisms after it.

To add a mechanism: write `sim/model/mechanics/<name>.py` with those three, then add it to
`MECHANISM_MODULES` and `DAILY_STEPS` below.
"""

from sim.model.mechanics import (
                                 acquisition,
                                 activity,
                                 attention,
                                 churn,
                                 content,
                                 events,
                                 groups,
                                 motivation,
                                 newcomers,
                                 rewards,
)

#: Modules whose `STATE` the model allocates (and whose `PARAMS` the schema may hold).
MECHANISM_MODULES = (events, acquisition, newcomers, groups, content, attention, rewards, motivation, churn,
                     activity)

#: One day, in order: (result name, step). Strategies' effects are set before the first.
DAILY_STEPS = (
    ("events", events.step),              # event days: who notices and cares comes
    ("activity", activity.mark_active),   # who is active today was seen today
    ("joining", acquisition.step),        # outsiders join, externally or by word of mouth
    ("newcomers", newcomers.step),        # joiners become members and find a group
    ("content", content.step),            # who posts what; staff ferment and reply
    ("reading", attention.step),          # what is read, its value, overload
    ("points", rewards.award_points),     # points for check-ins, posts, invitations
    ("motivation", motivation.step),      # interest moves; novelty fades; contagion; burnout
    ("churn", churn.step),                # leaving, then tomorrow's activity (habit)
    ("tiers", rewards.update_tiers),      # tiers follow cumulative points (or posts)
    ("promotion", rewards.promote_kocs),  # KOC rounds promote top contributors into the core
    ("groups", groups.step),              # mitosis at the split cap; small groups merge
)

__all__ = ["DAILY_STEPS", "MECHANISM_MODULES"]
