"""The model: a scenario becomes a community simulated day by day.

`community.py` holds `CommunityModel` (the Mesa model: launch, the ordered list of daily
mechanisms, recording), `state.py` the per-person arrays, `population.py` the social graph and
person attributes, `mechanics/` one module per daily mechanism and `strategies/` one module per
intervention kind. Names load lazily so `agents` can import `sim.model.state` without the model.

>>> from sim.model import CommunityModel
>>> CommunityModel.__name__
'CommunityModel'
"""

from importlib import import_module

_EXPORTS = {"CommunityModel": "sim.model.community", "METRICS": "sim.model.community"}

__all__ = list(_EXPORTS)


def __getattr__(name):
    """Load `CommunityModel` on first use (PEP 562)."""
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim.model' has no attribute {name!r}")
