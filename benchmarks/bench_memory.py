"""Bytes per person and per tie of a built model, counted from its arrays (issue 13).

Usage: python benchmarks/bench_memory.py [--size 200000] [--graph-size 20000]

Builds the baseline at `--size` persons and counts the bytes of every per-person state array,
the traits, the four Dunbar tie matrices (maintained, close and their transposes) and the
tie endpoint arrays, per person and per undirected tie. The networkx view (`population.graph`,
built only when something asks for it) is measured with tracemalloc at `--graph-size`.
Counting nbytes does not depend on what else the machine is doing, unlike timings.
"""

from __future__ import annotations

import argparse
import os
import sys
import tracemalloc

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def csr_bytes(m) -> int:
    """Bytes of a CSR matrix's three arrays."""
    return int(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes)


def measure(size: int) -> dict:
    """Per-person and per-tie bytes of the baseline model at `size` persons."""
    from sim.model import CommunityModel
    from sim.model.state import Array, declarations
    from sim.scenario import load_scenario

    sc = load_scenario(os.path.join(ROOT, "scenarios", "baseline.yaml"), overrides=[f"population.size={size}"])
    model = CommunityModel(sc)
    pop, st = model.population, model.state
    social = getattr(pop, "social", None)
    ties = social.number_of_edges() if social is not None else pop.graph.number_of_edges()
    state = sum(getattr(st, k).nbytes for k, spec in declarations().items() if isinstance(spec, Array))
    traits = pop.attention.nbytes + pop.propensity.nbytes + pop.topic_fit.nbytes
    visit_rate = pop.visit_rate.nbytes if pop.visit_rate is not None else 0
    close_flag = pop.close_flag.nbytes if pop.close_flag is not None else 0
    mats = [pop.maintained, pop.close, pop.followers, pop.close_followers]
    indptr = sum(m.indptr.nbytes for m in mats)
    entries = sum(m.data.nbytes + m.indices.nbytes for m in mats)
    return {"size": size, "ties": ties, "state_per_person": state / size, "traits_per_person": traits / size,
            "indptr_per_person": indptr / size, "tie_matrices_per_tie": entries / ties,
            "visit_rate_per_person": visit_rate / size, "close_flags_per_tie": close_flag / ties,
            "tie_matrix_entries": sum(m.nnz for m in mats), "matrix_dtypes": sorted({str(m.dtype) for m in mats}),
            "endpoints_per_tie": (social.nbytes / ties) if social is not None else 0.0,
            "state_dtypes": {k: str(getattr(st, k).dtype) for k, s in declarations().items() if isinstance(s, Array)}}


def graph_view_bytes(size: int) -> float:
    """Bytes per tie of the networkx view of the baseline graph at `size` persons (tracemalloc)."""
    from sim.model.population import build_population, make_social_graph
    from sim.scenario import load_scenario

    sc = load_scenario(os.path.join(ROOT, "scenarios", "baseline.yaml"), overrides=[f"population.size={size}"])
    social = make_social_graph(sc.population.graph, size, np.random.default_rng(1))
    pop = build_population(sc.population, np.random.default_rng(1), graph=social)
    tracemalloc.start()
    g = pop.graph
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current / g.number_of_edges()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=200_000)
    ap.add_argument("--graph-size", type=int, default=20_000)
    args = ap.parse_args()
    r = measure(args.size)
    print(f"baseline at {r['size']:,} persons, {r['ties']:,} ties (mean degree {2 * r['ties'] / r['size']:.2f})")
    print(f"per person: state arrays {r['state_per_person']:.1f} B, traits {r['traits_per_person']:.1f} B, "
          f"personal visit rate {r['visit_rate_per_person']:.1f} B, "
          f"tie-matrix row pointers {r['indptr_per_person']:.1f} B")
    print(f"per tie: tie matrices {r['tie_matrices_per_tie']:.1f} B ({r['tie_matrix_entries'] / r['ties']:.2f} "
          f"entries, {', '.join(r['matrix_dtypes'])}), close flags {r['close_flags_per_tie']:.1f} B, "
          f"endpoints {r['endpoints_per_tie']:.1f} B")
    if args.graph_size:
        print(f"networkx view (built on first access): {graph_view_bytes(args.graph_size):.0f} B per tie "
              f"at {args.graph_size:,} persons")
    print("state dtypes:", r["state_dtypes"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
