"""Where the shipped scenario files are.

`$CIRCLESIM_SCENARIO_DIR` if set; else `scenarios/` of the source checkout (editable
installs: the folder next to the `sim` package); else `./scenarios` in the working directory
(a wheel install run from a copy of the repository).

`scenario_dir()` returns that path whether or not it exists (modules compute it at import);
`scenarios_dir()` (also `sim.scenarios_dir`) checks it and says where it looked, which is what
notebooks and scripts use so they work from any current directory.

>>> scenario_dir().name
'scenarios'
>>> (scenarios_dir() / "baseline.yaml").is_file()
True
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


def scenarios_dir() -> Path:
    """The folder of the shipped scenario files, found from the installed package, not the current directory.

    Raises
    ------
    FileNotFoundError
        When no folder with `baseline.yaml` is found; the message lists the places searched.
    """
    env = os.environ.get("CIRCLESIM_SCENARIO_DIR")
    if env:
        candidates = [Path(env)]
    else:
        candidates = [Path(__file__).resolve().parents[2] / "scenarios", Path.cwd() / "scenarios"]
    for folder in candidates:
        if (folder / "baseline.yaml").is_file():
            return folder.resolve()
    looked = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"the shipped scenarios folder was not found (looked for baseline.yaml in: {looked}); "
        "install circlesim from its source checkout (pip install -e .) or set CIRCLESIM_SCENARIO_DIR "
        "to the folder holding the scenario files")
