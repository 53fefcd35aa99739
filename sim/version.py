"""What code produced a result: a model version constant plus a hash of the package's sources.

Stored runs are keyed by `code_version()` (see `sim.experiments.store.run_key`), so a run is
reused only by exactly the code that computed it: any edit to a file under `sim/` or
`agents/` (a bug fix, a changed default, a refactor) changes the hash and the next
`compare` or `sweep` recomputes instead of mixing old and new results. `MODEL_VERSION` names
behaviour changes for people (manifests, reports); bump it with the golden hashes.

>>> len(source_hash()) == 64 and code_version().startswith(f"{MODEL_VERSION}-")
True
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: Bumped with every intended change of the model's behaviour, with tests/data/golden_hashes.json
#: (1: before issue 9; 2: lurkers and speakers, muting, notifications, reactivation, welcomes;
#: 3: issue 9's behaviour; 4: an operating mode's staff cost is per organizer on duty, spend only;
#: 5: event attendance follows interest, attitude content slows only its readers' ageing;
#: 6: crowding out lowers what a day is worth and stays after rewards stop;
#: 7: events wear out (habituation: `strategies.events.recovery_days`);
#: 8: points wear out with use (habituation: `strategies.points.wear_days`);
#: 9: the summary's overload share is over reader-days, not a mean over days (a read-out:
#: the simulated days and timeseries.csv are version 8's);
#: 10: the hybrid operating mode is the running every scenario has (1x hours, no promotion),
#: the other modes move away from it;
#: 11: a read-out: the Dunbar comparison counts a group's monthly-active members (new daily
#: column `active_group_size`), not every member; no simulated day changes);
#: 12: tier status wears off while held (status adaptation: `strategies.tiers.wear_days`);
#: 13: members climbing toward the next tier visit more often (goal gradient: `strategies.tiers.goal_gradient`);
#: 14: the goal gradient reads the level today's points reach, spares the dormant and a ladder without
#: points, and its default follows Kivetz et al.'s intervals at progress 0.1 and 0.9 (0.32);
#: 15: climbers post more as well as visit more (goal gradient on posting: `strategies.tiers.posting_gradient`);
#: 16: a day's joiners fill interest groups only up to the cap (`groups.by: interest`); two read-outs:
#: `group_activity` counts staff where they were at content time, `event_attendees` counts a person once a day;
#: 17: with interest groups a small general group folds only into a general group (`groups.by: interest`).
#: 18: a read-out: staff time has one price in every design (`community.staff_hour_cost`, for the hours the
#: operating mode sets); an operating mode no longer prices organizer-days on its own (spend only).
MODEL_VERSION = 18

#: The packages whose sources define a result.
PACKAGES = ("sim", "agents")


def _package_dirs() -> list[Path]:
    import agents
    import sim

    return [Path(sim.__file__).resolve().parent, Path(agents.__file__).resolve().parent]


@functools.lru_cache(maxsize=1)
def source_hash() -> str:
    """SHA-256 over every `.py` file of `sim/` and `agents/` (relative path and bytes), computed once per process."""
    h = hashlib.sha256()
    for base in _package_dirs():
        for f in sorted(base.rglob("*.py")):
            h.update(f"{base.name}/{f.relative_to(base).as_posix()}\0".encode())
            h.update(f.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def code_version() -> str:
    """`MODEL_VERSION` and the first 12 hex digits of `source_hash()`, e.g. '1-3f2a9c0d1b7e'."""
    return f"{MODEL_VERSION}-{source_hash()[:12]}"
