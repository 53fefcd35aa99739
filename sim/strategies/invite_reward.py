"""Invite rewards ("fission", 裂变): members are paid to bring friends in.

Sharing becomes more frequent, each successful invitation costs money, and rewarded
invitees join with lower interest (they came for the reward, not the topic).
"""

from sim.schema import P
from sim.strategies.base import Effects, Strategy


class InviteReward(Strategy):
    kind = "invite_reward"
    summary = "Reward members for friends who join (viral fission)."
    PARAMS = {
        "share_boost": P(2.5, "float", "x", "Multiplier on members' daily sharing chance.", 1, 100),
        "reward": P(1.0, "float", "money/join", "Money paid per successful invitation.", 0, 1e6),
        "invitee_interest": P(-0.15, "float", "interest", "Added to a rewarded invitee's initial "
                              "interest.", -1, 1),
    }

    def apply(self, effects: Effects, day: int) -> None:
        p = self.params
        effects.share_boost = p.share_boost
        effects.invite_cost = p.reward
        effects.invitee_interest = p.invitee_interest
