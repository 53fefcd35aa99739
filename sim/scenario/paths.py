"""Where the shipped scenario files are.

`$CIRCLESIM_SCENARIO_DIR` if set; else `scenarios/` of the source checkout (editable
installs); else `./scenarios` in the working directory (a wheel install run from a copy of
the repository).

>>> scenario_dir().name
'scenarios'
"""

from __future__ import annotations

import os
from pathlib import Path


def scenario_dir() -> Path:
    """The folder of the shipped scenario files (see the module docstring for the search order)."""
    env = os.environ.get("CIRCLESIM_SCENARIO_DIR")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2] / "scenarios"
    if checkout.is_dir():
        return checkout
    return Path.cwd() / "scenarios"
