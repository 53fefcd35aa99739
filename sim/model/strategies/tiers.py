"""Tiers: ordinary -> core user -> KOC levels, with differentiated rights.

Members climb by cumulative points (`by: points`, the default: a points strategy must run for
anyone to earn them) or by cumulative posts (`by: posts`: activity-based levels, as forum
software's trust levels are). Higher tiers raise a member's motivation and posting
(status, privileges), which pulls ordinary members upward; each tiered member costs
privileges money per day. A level's pull is felt in full when it is reached and wears off
while it is held (`wear_days`, model version 12: `sim.model.mechanics.rewards.wear_tier_pull`);
members visit more often the nearer they are to the next level and drop back once they reach
it (`goal_gradient`, model versions 13-14: `sim.model.mechanics.rewards.climb_factor`, applied
in `sim.model.mechanics.activity.draw_activity`), and post more on their visits
(`posting_gradient`, model version 15: `rewards.climb_factor`, applied in
`sim.model.mechanics.content.chat_rates`).
"""

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P


class Tiers(Strategy):
    """Member levels by cumulative points (or posts: `by`): status that lifts interest and posting.

    The status wears off while held (`wear_days`); climbers speed up toward the next level
    (`goal_gradient` on visits, `posting_gradient` on posts).
    """

    kind = "tiers"
    summary = "Member levels by cumulative points (or posts) with differentiated rights."
    PARAMS = {
        "by": P("points", "str", "-", "What members climb by: 'points' (cumulative points earned; without "
                "a points strategy nobody earns any) or 'posts' (cumulative messages posted: activity-based "
                "levels; the two thresholds then count posts).", choices=("points", "posts"), role="lever"),
        "core_user_points": P(50.0, "float", "points or posts", "Cumulative points (posts with by: posts) to "
                              "reach tier 1 (core user).", 0, 1e9, role="lever"),
        "koc_points": P(300.0, "float", "points or posts", "Cumulative points (posts with by: posts) to reach "
                        "tier 2 (KOC).", 0, 1e9, role="lever"),
        "bonus": P(0.05, "float", "motivation/tier", "Motivation added per tier level (status, on top of "
                   "interest and rewards; interest itself is not raised).", 0, 1, role="assumption"),
        "post_boost": P(0.3, "float", "share/tier", "Extra posting per tier level.", 0, 10, role="assumption"),
        "cost": P(0.005, "float", "currency/member/day", "Privileges cost per tiered member per day.", 0, 1e6,
                  role="assumption"),
        "wear_days": P(90.0, "float", "days", "Status adaptation: each tier level's pull (bonus and "
                       "post_boost) is felt in full when reached and fades as exp(-days held / wear_days), "
                       "ladder running or not: studies of reward thresholds find no lasting lift once one "
                       "is reached (Kivetz, Urminsky & Zheng 2006; Stack Overflow badges: Anderson et al. "
                       "2013; their rise before a threshold is goal_gradient). The form and the time "
                       "constant (the points' 90 days, but counted in days held, not days rewarded) are "
                       "stated choices. 0: felt in full for as long as it is held (with goal_gradient and "
                       "posting_gradient 0: model version 11).",
                       0, 1e6, role="assumption"),
        "goal_gradient": P(0.32, "float", "-", "Goal gradient: a member climbing toward the next level "
                           "multiplies its own visit hazard by 1 + goal_gradient x progress, progress being "
                           "the share of the way from its level's threshold to the next one covered (0, "
                           "factor 1, once a level is reached: post-reward resetting; and at the top level; "
                           "not for dormant or muted members, nor while a ladder by points has no points "
                           "running). Kivetz, Urminsky & Zheng 2006 (a cafe's 10-stamp card, active "
                           "customers): the last interval between purchases (progress 0.9) was 20% shorter "
                           "than the first (0.1), a rate 1.25 times higher: (1 + 0.9 g) / (1 + 0.1 g) = 1.25 "
                           "gives g = 0.32. 0: off (with posting_gradient 0: model version 12).", 0, 10,
                           role="assumption"),
        "posting_gradient": P(0.32, "float", "-", "Goal gradient on posting: a climbing member's "
                              "talkativeness is multiplied by 1 + posting_gradient x progress (the same "
                              "progress as goal_gradient's; none while a ladder by points has no points "
                              "running; unlike visits, a muted member who comes and speaks posts at it "
                              "too: muting is about coming). Kivetz, Urminsky & "
                              "Zheng 2006's second field study: members of a song-rating site rated more "
                              "songs per visit as a reward neared; their goal-distance model makes all "
                              "effort follow the share of the distance covered, so the default is "
                              "goal_gradient's (the posting study's own strength is not used: a stated "
                              "choice). 0: off (model version 14).", 0, 10, role="assumption"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Set what tiers rank by, their thresholds, status bonus, posting boost, wear-out, goal gradients and cost."""
        p = self.params
        effects.tier_by = p.by
        effects.tier_thresholds = (p.core_user_points, p.koc_points)
        effects.tier_bonus = p.bonus
        effects.tier_post_boost = p.post_boost
        effects.tier_cost = p.cost
        effects.tier_wear_days = p.wear_days
        effects.tier_goal_gradient = p.goal_gradient
        effects.tier_posting_gradient = p.posting_gradient
