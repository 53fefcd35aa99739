"""From fit to decision: compare designs over the posterior draws of a fit (`compare --from-fit`).

Each posterior draw j of the fit (its parameters and seed, the same draws as the forecast)
is run once per design: the community on its present course (the fitted scenario, the
baseline) and each variant. The runs of draw j share parameters and seed in every design
(common random numbers), so each difference is paired, and the spread of the differences
over draws includes what the history leaves unknown about the community, not only
run-to-run noise. The usual verdicts, tables, figures and reports of `compare` follow.

A variant is any scenario file. Its strategies that the fitted scenario does not already
run (same name, same settings) are the new design: their `start` and `stop` days are counted
from the day after the last observation (``start: 0`` starts then). The observed history is
never rewritten: a fitted strategy that the variant drops, or runs with other settings, keeps
running as fitted through the last observed day and stops the day after (a changed one runs
on with the variant's settings from its shifted start, as a second entry). Any other setting in
which the variant differs from the fitted scenario (a group cap, say) cannot start
mid-run: it applies from day 0, and the report says so. A variant of another population (any
`population.*` key differing) is refused: the posterior describes this community's people.

With ``seeds_per_draw=k > 1``, each draw also runs with k - 1 fresh seeds (spawned from
its own), adding run-to-run noise around the same parameters.
"""

from __future__ import annotations

import copy
import os
from concurrent.futures import Executor
from pathlib import Path

import numpy as np

from sim.scenario import Scenario, load_scenario
from sim.scenario.schema import dict_leaves as _leaves

#: Keys a variant may differ in without changing the design.
_IGNORED = ("name", "description", "seed", "horizon_days")


def _free_name(name: str, *taken: dict) -> str:
    """`name`, or `name_2`, `name_3`, ... if a strategy already has it."""
    candidate, k = name, 1
    while any(candidate in t for t in taken):
        k += 1
        candidate = f"{name}_{k}"
    return candidate


def design_scenario(fitted: Scenario, variant: Scenario, start_day: int, fitted_keys) -> tuple[Scenario, list[str]]:
    """The fitted scenario with the variant's design: its new strategies shifted to start on `start_day`.

    Returns the scenario and notes on settings that differ and so apply from day 0.
    """
    from sim.scenario.loader import scenario_from_dict

    base = fitted.to_dict()
    var = variant.to_dict()
    notes = []
    doc = copy.deepcopy(base)
    base_flat = dict(_leaves({k: v for k, v in base.items() if k != "strategies"}))
    for path, value in _leaves({k: v for k, v in var.items() if k != "strategies"}):
        if path[0] in _IGNORED:
            continue
        if ".".join(path) in fitted_keys:
            if base_flat.get(path) != value:
                raise ValueError(f"{variant.path or 'variant'}: {'.'.join(path)} is {value!r}, but it is a fitted "
                                 "parameter: every posterior draw sets its own value, so the variant's would be "
                                 "ignored; compare designs (strategies, community settings), not what the fit "
                                 "estimated")
            continue
        if base_flat.get(path) != value and path[0] == "population":
            raise ValueError(f"{variant.path or 'variant'}: {'.'.join(path)} is {value!r} but the fitted community "
                             f"has {base_flat.get(path)!r}; a variant compared over a fit must keep its population "
                             "(change strategies or community settings)")
        if base_flat.get(path) != value:
            node = doc
            for p in path[:-1]:
                node = node.setdefault(p, {})
            node[path[-1]] = value
            notes.append(f"{'.'.join(path)} = {value!r} (fitted scenario: {base_flat.get(path)!r}) applies from "
                         "day 0, before the last observation: only strategies can start later")
    fitted_strategies, wanted = base.get("strategies", {}), var.get("strategies", {})
    strategies = {}
    for name, spec in fitted_strategies.items():
        if wanted.get(name) == spec:
            strategies[name] = spec  # unchanged: part of the community's present course
            continue
        if int(spec.get("start") or 0) >= start_day:
            notes.append(f"strategies.{name}: planned in the fitted scenario from day {spec['start']}, after the "
                         "history; the variant " + ("changes it" if name in wanted else "drops it"))
            continue
        # it ran during the observed history (the fit saw its effect): it keeps running there
        # and stops the day after the last observation, where the variant's design begins
        kept = dict(spec)
        kept["stop"] = start_day if spec.get("stop") is None else min(int(spec["stop"]), start_day)
        if name in wanted:
            entry = _free_name(f"{name}_fitted", fitted_strategies, wanted)
            notes.append(f"strategies.{name}: runs with the fitted settings until day {start_day - 1} (the observed "
                         f"history; as '{entry}') and with the variant's from day "
                         f"{int(wanted[name].get('start') or 0) + start_day} (a recurring strategy's period restarts "
                         "there)")
        else:
            entry = name
            if kept["stop"] == start_day:
                notes.append(f"strategies.{name}: not in the variant: it runs as fitted until day {start_day - 1} "
                             f"(the observed history) and stops on day {start_day}")
        strategies[entry] = kept
    for name, spec in wanted.items():
        if fitted_strategies.get(name) == spec:
            continue  # kept above
        spec = dict(spec)
        spec["start"] = int(spec.get("start") or 0) + start_day
        if spec.get("stop") is not None:
            spec["stop"] = int(spec["stop"]) + start_day
        strategies[name] = spec
        horizon = int(doc["horizon_days"])
        if spec["start"] >= horizon:  # a planner would read its 'no difference' as the strategy's verdict
            notes.append(f"strategies.{name}: starts on day {spec['start']} ({spec['start'] - start_day} days after "
                         f"the last observation), not before the forecast horizon (day {horizon}): never in force, "
                         "so this variant cannot differ from the present course through it")
    doc["strategies"] = strategies
    doc["name"] = var.get("name") or (Path(variant.path).stem if variant.path else "variant")
    doc["description"] = var.get("description", "")
    sc = scenario_from_dict(doc, name=variant.path or "<variant>")
    return Scenario(sc.to_dict(), variant.path, _checked=True), notes


def load_finished_fit(folder: str | os.PathLike):
    """`load_fit`, refused while a fit is still writing that folder (it holds the folder's lock)."""
    from sim.fitting.result import load_fit
    from sim.outputs.folder import OutputError, lock

    folder = Path(folder)
    if not folder.is_dir():
        return load_fit(folder)  # its own clear error
    try:
        with lock(folder):
            return load_fit(folder)
    except OutputError:
        raise ValueError(f"{folder}: a circlesim fit is running in this folder; wait for it to finish") from None


def compare_from_fit(folder: str | os.PathLike, variants, draws: int | None = None, seeds_per_draw: int = 1,
                     executor: Executor | str | None = None, workers: int | None = None,
                     store=None, progress: bool = True):
    """Run the fitted community (baseline) and each variant over the fit's posterior draws; a CompareResult.

    `draws`: how many of the fit's forecast draws to use (default: all). The result's
    `note` states the draws, seeds and start day, and the reports print it.
    """
    from sim.experiments.compare import CompareResult, FanAccumulator, _label
    from sim.experiments.executors import describe, make_executor
    from sim.experiments.replications import execute, temporary_store
    from sim.experiments.store import ResultStore, versions
    from sim.fitting.engine import scenario_with
    if isinstance(variants, (str, os.PathLike, Scenario)):
        raise TypeError("variants must be a list of scenario files or Scenarios, e.g. [\"scenarios/points.yaml\"], "
                        f"not one {type(variants).__name__}")
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be the fit's output folder (a path), not a {type(folder).__name__}")
    from sim.experiments.preflight import check_executor, check_workers
    from sim.model.community import whole_number

    # the same checks as compare's, before the fit is read (2.7 draws were taken as 2, executor="bad" as a pool)
    try:
        variants = list(variants)
    except TypeError:
        raise TypeError(f"variants must be a list of scenario files or Scenarios, not {variants!r}") from None
    check_executor(executor)
    if draws is not None:
        draws = whole_number(draws, "draws", low=1)
    seeds_per_draw = whole_number(seeds_per_draw, "seeds_per_draw", low=1)
    workers = check_workers(executor, workers)
    res = load_finished_fit(folder)
    spec = res.spec
    start_day = res.history.last_day + 1
    available = len(res.draws)
    n = available if draws is None else draws
    if not 1 <= n <= available:
        raise ValueError(f"{folder}: the fit has {available} posterior draws; ask for 1 to {available} "
                         "(or re-run circlesim fit with more fit.forecast_draws)")
    chosen = res.draws.iloc[:n]
    baseline = Scenario({**res.scenario.to_dict(), "name": f"{res.summary_title()} (present course)"},
                        res.scenario.path, _checked=True)
    designs, notes = [baseline], {}
    for v in variants:
        vs = v if isinstance(v, Scenario) else load_scenario(v)
        sc, why = design_scenario(res.scenario, vs, start_day, spec.keys)
        designs.append(sc)
        notes[sc.get("name")] = why
    taken: set = set()
    labels = [_label(sc, taken) for sc in designs]
    seeds, draw_of = [], {}
    for _, d in chosen.iterrows():
        base_seed = int(d["seed"])
        extra = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence([base_seed, 0xC0FFEE]).spawn(
            seeds_per_draw - 1)] if seeds_per_draw > 1 else []
        for s in [base_seed] + extra:
            seeds.append(s)
            draw_of[s] = int(d["draw"])
    if len(set(seeds)) != len(seeds):
        raise RuntimeError("two posterior draws share a seed; re-run the fit with another seed")
    tasks, label_of = [], {}
    for lab, sc in zip(labels, designs):
        for _, d in chosen.iterrows():
            values = {k: d[k] for k in spec.keys}
            run_sc = scenario_with(sc, spec, values)
            for s in [x for x in seeds if draw_of[x] == int(d["draw"])]:
                tasks.append((run_sc, s))
                label_of[(run_sc.digest(), s)] = lab
    st = store if isinstance(store, ResultStore) else (ResultStore(store) if store else temporary_store())
    st.write_manifest({"kind": "compare-from-fit", "fit": str(Path(folder).resolve()), "versions": versions(),
                       "draws": n, "seeds_per_draw": seeds_per_draw, "seeds": seeds, "start_day": start_day,
                       "designs": [{"label": lab, "path": sc.path, "parameters": sc.to_dict()}
                                   for lab, sc in zip(labels, designs)]})
    rows, fans = [], {}

    def on_record(sc, seed, record):
        lab = label_of[(sc.digest(), seed)]
        if lab not in fans:
            fans[lab] = FanAccumulator(sc.horizon_days, record["population"])
        fans[lab].add(record["dau"])
        rows.append({"scenario": lab, "seed": seed, **record["readouts"]})

    if isinstance(executor, Executor):
        ex = execute(tasks, st, executor, on_record, progress, label="compare --from-fit")
        name = describe(executor)
    else:
        with make_executor(workers=workers, serial=(executor == "serial")) as pool:
            ex = execute(tasks, st, pool, on_record, progress, label="compare --from-fit")
            name = describe(pool)
    failures = [(label_of.get((d, s), d), s, tb) for d, s, tb in ex.failures]
    result = CompareResult(designs, labels, seeds, rows, fans, failures, st, ex.seconds, ex.reused, name)
    per = f"{seeds_per_draw} seed{'s' if seeds_per_draw > 1 else ''} each"
    text = (f"Over {n} posterior draws of the fit in {Path(folder)} ({per}: {len(seeds)} seeds, {len(seeds)} runs "
            f"per design, common to every design: draw j runs with the same fitted parameters and seed in "
            f"each). The variants' strategies start on day {start_day}, the day after the last observation "
            f"({res.day_text(res.history.last_day)}); their start and stop days count from it. The intervals "
            f"include what the history leaves unknown about the community.")
    for lab, why in notes.items():
        for w in why:
            text += f" Note: {lab}: {w}."
    result.note = text
    result.from_fit = {"folder": str(folder), "draws": n, "seeds_per_draw": seeds_per_draw, "seeds": len(seeds),
                       "start_day": start_day, "notes": notes}
    return result


__all__ = ["compare_from_fit", "design_scenario", "load_finished_fit"]
