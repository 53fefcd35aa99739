"""The model's state: one numpy array entry per person on the graph.

Mesa agents (`agents/`) are thin handles that read and write these arrays; the daily
step works on the arrays directly, vectorised, never agent by agent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

OUTSIDER, MEMBER, LEFT = 0, 1, 2
DIFFUSION, CORE, ORGANIZER = 0, 1, 2
CIRCLE_NAMES = {DIFFUSION: "diffusion", CORE: "core", ORGANIZER: "organizer"}


@dataclass
class State:
    """Per-person arrays (length n) plus a few per-group and per-day scratch values."""

    n: int
    n_groups: int = 0
    status: np.ndarray = field(init=False)
    circle: np.ndarray = field(init=False)
    group: np.ndarray = field(init=False)
    interest: np.ndarray = field(init=False)
    extrinsic: np.ndarray = field(init=False)
    novelty: np.ndarray = field(init=False)
    points: np.ndarray = field(init=False)
    tier: np.ndarray = field(init=False)
    joined_day: np.ndarray = field(init=False)
    last_active_day: np.ndarray = field(init=False)
    left_day: np.ndarray = field(init=False)
    invited: np.ndarray = field(init=False)
    active: np.ndarray = field(init=False)
    posts_today: np.ndarray = field(init=False)
    posts_recent: np.ndarray = field(init=False)
    posts_total: np.ndarray = field(init=False)
    posts_block: np.ndarray = field(init=False)
    present_block: np.ndarray = field(init=False)
    value_prev: np.ndarray = field(init=False)
    recognition: np.ndarray = field(init=False)
    overloaded: np.ndarray = field(init=False)
    invites_made: np.ndarray = field(init=False)
    invites_first_cycle: np.ndarray = field(init=False)

    def __post_init__(self):
        n = self.n
        self.status = np.zeros(n, np.int8)
        self.circle = np.zeros(n, np.int8)
        self.group = np.full(n, -1, np.int32)
        self.interest = np.zeros(n)
        self.extrinsic = np.zeros(n)
        self.novelty = np.zeros(n)
        self.points = np.zeros(n)
        self.tier = np.zeros(n, np.int8)
        self.joined_day = np.full(n, -1, np.int32)
        self.last_active_day = np.full(n, -1, np.int32)
        self.left_day = np.full(n, -1, np.int32)
        self.invited = np.zeros(n, bool)
        self.active = np.zeros(n, bool)
        self.posts_today = np.zeros(n, np.int32)
        self.posts_recent = np.zeros(n)
        self.posts_total = np.zeros(n, np.int64)
        self.posts_block = np.zeros(n, np.int32)
        self.present_block = np.zeros(n, bool)
        self.value_prev = np.zeros(n)
        self.recognition = np.zeros(n)
        self.overloaded = np.zeros(n, bool)
        self.invites_made = np.zeros(n, np.int32)
        self.invites_first_cycle = np.zeros(n, np.int32)

    @property
    def members(self) -> np.ndarray:
        return self.status == MEMBER

    def motivation(self, effects) -> np.ndarray:
        """Interest plus extrinsic reward plus tier status, clipped to [0, 1]."""
        m = self.interest + self.extrinsic
        if effects.tier_bonus:
            m = m + effects.tier_bonus * self.tier
        return np.clip(m, 0.0, 1.0)
