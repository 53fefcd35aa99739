"""Invite rewards ("fission", 裂变): members are paid to bring friends in.

Sharing becomes more frequent, each successful invitation costs money, and rewarded
invitees join with lower interest (they came for the reward, not the topic).
"""

import numpy as np

from sim.model.strategies.base import Effects, Strategy
from sim.scenario.params import P


class InviteReward(Strategy):
    """Members are rewarded for friends who join: more sharing, a cost per join, cooler invitees."""

    kind = "invite_reward"
    summary = "Reward members for friends who join (viral fission)."
    PARAMS = {
        "share_boost": P(2.5, "float", "x", "Multiplier on members' daily sharing chance.", 1, 100, role="assumption"),
        "reward": P(1.0, "float", "currency/join", "Money paid per successful invitation (the sharing it buys is "
                      "share_boost, which does not depend on it).", 0, 1e6, role="assumption"),
        "invitee_interest": P(-0.15, "float", "interest", "Added to a rewarded invitee's initial "
                              "interest.", -1, 1, role="assumption"),
    }

    def apply(self, effects: Effects, day: int) -> None:
        """Members share more while the reward runs."""
        effects.share_boost = self.params.share_boost

    def on_join(self, joining, interest: np.ndarray) -> float:
        """Rewarded invitees (word-of-mouth joins) start with `invitee_interest` added; each costs `reward`.

        The invitee's lower interest holds whatever the reward, even 0 (a promised reward
        that pays nothing still brings people who came for it).
        """
        rewarded = joining.word_of_mouth
        interest[rewarded] += self.params.invitee_interest
        return int(rewarded.sum()) * self.params.reward
