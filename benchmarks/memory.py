"""Measure peak memory against persons and ties: the constants of `sim.model.memory`.

Each case runs in a fresh subprocess (peak RSS is per process): build the model from the
baseline at the given size and mean degree, run a few days, report the peak RSS, the persons
and the undirected ties. A least-squares fit of peak = base + a * persons + b * ties gives
the measured bytes per person and per tie; compare them with `sim.model.memory`.

    python benchmarks/memory.py            # ~2 minutes on 2 cores
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

CASE = r"""
import json, sys
from sim.model import CommunityModel, memory
from sim.scenario import load_scenario
n, k, days = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
sc = load_scenario("scenarios/baseline.yaml", overrides=[f"population.size={n}",
                   f"population.graph.mean_degree={k}"])
base = memory.peak_rss_bytes()
m = CommunityModel(sc)
m.run(days=days)
peak = memory.peak_rss_bytes()
print(json.dumps({"n": m.population.n, "ties": m.population.social.number_of_edges(), "base": base,
                  "peak": peak}))
"""

CASES = [(200_000, 4), (200_000, 20), (500_000, 10), (1_000_000, 4), (1_000_000, 10)]


def measure(n: int, k: float, days: int = 30) -> dict:
    """Peak RSS of one build-and-run in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", CASE, str(n), str(k), str(days)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure every case, print them and the fitted bytes per person and per tie."""
    rows = [measure(n, k) for n, k in CASES]
    for r in rows:
        print(f"{r['n']:>9,} persons {r['ties']:>11,} ties: peak {r['peak'] / 2**20:8.1f} MiB "
              f"(after imports {r['base'] / 2**20:6.1f} MiB)")
    a = np.array([[1.0, r["n"], r["ties"]] for r in rows])
    y = np.array([r["peak"] for r in rows], float)
    (base, per_person, per_tie), *_ = np.linalg.lstsq(a, y, rcond=None)
    print(f"fit: base {base / 2**20:.0f} MiB, {per_person:.0f} bytes per person, {per_tie:.0f} bytes per tie")
    from sim.model import memory

    for r in rows:
        est = memory.estimate_bytes(r["n"], r["ties"])
        print(f"  estimate {est / 2**20:8.1f} MiB vs peak {r['peak'] / 2**20:8.1f} MiB")


if __name__ == "__main__":
    main()
