"""Golden output hashes: the regression guard for refactors.

Runs every shipped scenario through the command line (`circlesim run`) at two seeds and
hashes `timeseries.csv` and `summary.json` (without its wall-clock `timing` block and its
`provenance`, the versions and numpy kernels it ran with: where it ran, not what). A pure
refactor reproduces every hash byte for byte; a change of behaviour updates
`golden_hashes.json` on purpose, with the reason in the commit message:

    python tests/data/golden.py --write

A newly shipped scenario only adds entries: `--write` takes them when every recorded entry is
unchanged. A new scenario parameter whose default keeps the behaviour changes only `summary.json` (its
`parameters` block lists every resolved parameter). Write with the new keys named, e.g.
``--write --added population.visit_rate_sigma``: every hash, recomputed without those keys,
must equal the recorded one, which proves the outputs changed by nothing else.

Each run is a child process with numpy held to its AVX2 kernels (`NUMPY_COMMON_KERNELS`), so
the hashes do not depend on whether the machine has AVX-512.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HASHES = Path(__file__).with_name("golden_hashes.json")
#: The sim.version.MODEL_VERSION the hashes were written with: a behaviour change bumps both.
VERSION = Path(__file__).with_name("golden_model_version.txt")
SEEDS = (1, 2)


def scenario_names() -> list[str]:
    return sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


#: numpy picks its SIMD code for exp, log and power by the CPU it finds, and the AVX-512 kernels
#: round some results differently in the last bit from the AVX2 ones: a model run is then
#: bit-identical on one machine, not across CPU generations (one ulp flips a random draw now and
#: then). The hashes are taken with numpy held to the x86-64-v3 (AVX2) kernels, so they hold on
#: every x86-64 machine from Haswell on; names a numpy does not know are ignored.
NUMPY_COMMON_KERNELS = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR AVX512F AVX512CD "
                        "AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL"}


def run_outputs(name: str, seed: int) -> tuple[bytes, dict]:
    """One scenario's `timeseries.csv` bytes and `summary.json` (less `timing`, `provenance`) at `seed`, by the CLI.

    Runs `python -m sim.cli run` in a child process with `NUMPY_COMMON_KERNELS` (the variable
    must be set before numpy is imported).
    """
    import os
    import platform
    import subprocess

    env = dict(os.environ)
    if platform.machine().lower() in ("x86_64", "amd64"):
        env.update(NUMPY_COMMON_KERNELS)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / name
        proc = subprocess.run([sys.executable, "-m", "sim.cli", "run", str(ROOT / "scenarios" / f"{name}.yaml"),
                               "--seed", str(seed), "--out", str(out), "--quiet"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"circlesim run {name} --seed {seed} exited {proc.returncode}: {proc.stderr[-2000:]}")
        summary = json.loads((out / "summary.json").read_text())
        summary.pop("timing", None)
        summary.pop("provenance", None)  # versions and this machine's numpy kernels: where it ran, not what
        return (out / "timeseries.csv").read_bytes(), summary


def hashes_of(ts: bytes, summary: dict, without=()) -> dict:
    """Hashes of one run's outputs; `without`: dotted parameter keys (``population.visit_rate_sigma``,
    ``strategies.tiers.by``) left out of the summary's `parameters` block first (see ``--added``)."""
    summary = copy.deepcopy(summary)
    for key in without:  # a key the run does not have (a strategy it lacks) is left out already
        *parents, leaf = key.split(".")
        node = summary["parameters"]
        for part in parents:
            node = node.get(part, {})
        node.pop(leaf, None)
    return {"timeseries.csv": hashlib.sha256(ts).hexdigest(),
            "summary.json": hashlib.sha256(json.dumps(summary, indent=2).encode()).hexdigest()}


def run_hashes(name: str, seed: int, without=()) -> dict:
    """Hashes of one scenario's run outputs at `seed`, written by the CLI."""
    return hashes_of(*run_outputs(name, seed), without)


def all_hashes(names=None, without=()) -> dict:
    return {f"{n}@{s}": run_hashes(n, s, without) for n in (names or scenario_names()) for s in SEEDS}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite golden_hashes.json")
    ap.add_argument("--added", nargs="+", default=[], metavar="KEY",
                    help="new parameters (dotted keys) whose defaults keep the behaviour: without them "
                         "every hash must equal the recorded one")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    outputs = {f"{n}@{s}": run_outputs(n, s) for n in scenario_names() for s in SEEDS}  # each run once
    hashes = {k: hashes_of(*o) for k, o in outputs.items()}
    if args.added:
        old = json.loads(HASHES.read_text())
        bad = [k for k, o in outputs.items() if old.get(k) != hashes_of(*o, args.added)]
        if bad:
            raise SystemExit(f"without {', '.join(args.added)} these still differ (a behaviour change?): {bad}")
        print(f"without {', '.join(args.added)} all {len(hashes)} entries equal the recorded ones")
    if args.write:
        from sim.version import MODEL_VERSION

        old = json.loads(HASHES.read_text()) if HASHES.exists() else {}
        recorded = int(VERSION.read_text()) if VERSION.exists() else None
        # a newly shipped scenario only adds entries: every recorded one must still hold
        changed = [k for k in old if old[k] != hashes.get(k)]
        if changed and recorded == MODEL_VERSION and not args.added:
            raise SystemExit(f"outputs changed but MODEL_VERSION is still {MODEL_VERSION}: bump it in "
                             f"sim/version.py (a behaviour change), or find what changed (a refactor): {changed}")
        new = sorted(set(hashes) - set(old))
        if old and new:
            print(f"new entries (a newly shipped scenario; every recorded entry unchanged): {new}")
        HASHES.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
        VERSION.write_text(f"{MODEL_VERSION}\n")
        print(f"wrote {len(hashes)} entries to {HASHES} (model version {MODEL_VERSION})")
    else:
        old = json.loads(HASHES.read_text())
        bad = [k for k in hashes if old.get(k) != hashes[k]]
        print("all equal" if not bad else f"differ: {bad}")
