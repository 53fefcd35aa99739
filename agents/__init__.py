"""The Mesa agents of circlesim: `Member` and its three circles.

>>> from agents import CoreMember, Organizer, DiffusionMember, Member
>>> issubclass(CoreMember, Member)
True
"""

from agents.member import CIRCLE_CLASS, CoreMember, DiffusionMember, Member, Organizer, sync_handles

__all__ = ["Member", "CoreMember", "Organizer", "DiffusionMember", "CIRCLE_CLASS", "sync_handles"]
