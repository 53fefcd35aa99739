"""The `circlesim` command line: run, compare, sweep, fit, validate, explain, reference.

    circlesim run scenarios/baseline.yaml --out out/baseline [--seed N] [--days N] [--set KEY=VALUE ...]
        [--json] [--quiet] [--parquet]
    circlesim compare scenarios/baseline.yaml scenarios/points.yaml -r 30 [--workers N | --dask-local N]
    circlesim sweep scenarios/points.yaml --param strategies.points.value=0:0.05 --method sobol
    circlesim fit scenarios/fit_example.yaml --history scenarios/fit_example_history.csv [--out DIR] [--budget N]
    circlesim compare --from-fit out/fit-fit_example scenarios/monthly_events.yaml [-r DRAWS]
    circlesim dashboard [scenarios/baseline.yaml] [--port 8765]
    circlesim validate scenarios/*.yaml
    circlesim explain scenarios/points.yaml [--set KEY=VALUE ...]
    circlesim reference [--out docs/scenarios.md] | reference --api --out docs/api.md

Exit codes: 0 success, 1 failure while running or an optional extra not installed (pyarrow, solara, SALib,
pyabc), 2 invalid input (nothing written).

Everything that can be checked before simulating is: the scenarios, the graph files (read
once), the numeric options, the output folder, the memory the runs need, the Dask scheduler.
A problem with any of them is one clear message and exit code 2, before the first day.
Outputs appear as one complete set or not at all (`sim.outputs.folder`).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from concurrent.futures import BrokenExecutor
from pathlib import Path

from sim.experiments.store import atomic_write
from sim.outputs.folder import OutputWriteError

EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2
#: Said when a command with a results store (compare, sweep, fit) stops before its end.
RESUMES = "runs that finished are kept in the results store: the same command again resumes from them"
RESUMES_SENTENCE = RESUMES[0].upper() + RESUMES[1:] + "."  # the same, as a sentence of its own
#: The commands with a results store, whose stopped runs the same command resumes.
RESUMABLE = ("compare", "sweep", "fit")
SEED_MAX = 2**63 - 1


def compare_files(result) -> str:
    """What `compare` (and `--from-fit`) wrote, as its closing line names them (`folder.OUTPUT_NAMES`).

    between_variants.csv only with a pair of variants (two or more that differ from the baseline).
    """
    from sim.outputs.folder import OUTPUT_NAMES

    pairs = bool(result.variant_pairs())
    return ", ".join(n for n in OUTPUT_NAMES["compare"] if pairs or n != "between_variants.csv")


def _int_arg(low: int, high: int | None = None, what: str = "a whole number"):
    """An argparse type: an int in [low, high], else a clear usage error (exit 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bound = f"at least {low}" if high is None else f"in [{low}, {high}]"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {value}")
        return value

    return parse


def _param_arg(param, what: str = "a whole number"):
    """An argparse type for an option that sets a scenario key: the key's own range (`Param.low/high`).

    The option is then refused by argparse, naming the option (e.g. `argument --days: must be
    in [1, 20000], got 0`), not blamed on a line of the scenario file it overrides.
    """
    return _int_arg(int(param.low), None if param.high is None else int(param.high), what)


def _days_arg():
    from sim.scenario.schema import SCHEMA

    return _param_arg(SCHEMA["horizon_days"], "a number of days")


def _fit_arg(key: str):
    from sim.fitting.spec import SETTINGS

    return _param_arg(SETTINGS[key])


def _invalid(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_INVALID


def _force(args) -> None:
    """`--force`: skip the memory check here and in every worker this command starts."""
    if getattr(args, "force", False):
        os.environ["CIRCLESIM_MEMORY_CHECK"] = "off"


class _Progress:
    """A progress bar on stderr (tqdm) when stderr is a terminal, else a line every 10%."""

    def __init__(self, total: int, label: str, quiet: bool = False):
        self.total, self.label, self.last, self.quiet = total, label, -1, quiet
        self.bar = None
        if sys.stderr.isatty() and not quiet:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=label, unit="day", file=sys.stderr, leave=False)

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(1)
            return
        if self.quiet:
            return
        tenth = done * 10 // total
        if tenth != self.last:
            self.last = tenth
            print(f"{self.label}: day {done}/{total}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _notes(scenarios, quiet: bool = False) -> None:
    """Print each scenario's notices (valid, probably unintended settings) to stderr as notes."""
    if quiet:
        return
    for scenario in scenarios:
        for notice in scenario.notices:
            print(f"note: {notice}", file=sys.stderr)


def _load(path: str, overrides, seed=None, days=None):
    from sim.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path, overrides=overrides or [], seed=seed, days=days), None
    except ScenarioError as exc:
        return None, _ProblemReport().message(path, exc)


class _ProblemReport:
    """Messages for scenario files that failed to load, each naming its file.

    A `--set` problem shared by several files is listed once (under the first), not once per file.
    """

    def __init__(self):
        self.shown: set = set()

    def message(self, path: str, exc) -> str:
        from sim.scenario import ScenarioError

        problems = getattr(exc, "problems", None)
        if not problems:
            return str(exc)
        new = [p for p in problems if not (p.file == "--set" and p in self.shown)]
        self.shown.update(p for p in problems if p.file == "--set")
        if not new:
            n = len(problems)
            return f"{n} problem{'s' if n != 1 else ''} in scenario {path}: the same --set problem as above"
        return str(ScenarioError(new, where=f"scenario {path}"))


def _provenance() -> dict:
    """What made a run's numbers besides its scenario and seed: model and code version, packages, numpy's kernels.

    Written into `summary.json` (compare and sweep record `versions()` and the code version in their
    manifests, fit `versions()` and the model version); taken before the model is built, so `code`
    is the code that ran. Not part
    of the model's outputs: the golden hashes leave it out, as they leave out `timing`.
    """
    from sim.experiments.store import versions
    from sim.version import MODEL_VERSION, code_version

    return {"model_version": MODEL_VERSION, "code": code_version(), **versions()}


def cmd_run(args) -> int:
    """`circlesim run`: simulate one scenario and write its time series, summary and lifecycle figures.

    On stdout: the readable summary, or with `--json` the summary as one JSON document (what
    `summary.json` holds, plus `outputs`: the files written), or with `--quiet` nothing.
    Progress and notes go to stderr (none with `--quiet`); errors always do.
    """
    from sim.model import CommunityModel
    from sim.model.memory import MemoryEstimateError
    from sim.model.population import GraphFileError
    from sim.model.strategies import StrategyConflict
    from sim.outputs import folder, tables
    from sim.outputs.plots import circles_figure, lifecycle_figure, strategy_windows
    from sim.outputs.report import format_summary
    from sim.readouts.metrics import scenario_name
    from sim.scenario import ScenarioError

    _force(args)
    if args.parquet:
        try:
            tables.check_parquet()
        except tables.ParquetUnavailable as exc:  # an extra not installed: exit 1, as dashboard, sobol, fit
            print(f"--parquet: {exc}", file=sys.stderr)
            return EXIT_FAIL
    scenario, error = _load(args.scenario, args.set, args.seed, args.days)
    if error:
        return _invalid(error)
    _notes([scenario], args.quiet)
    out = Path(args.out) if args.out else Path("out") / Path(args.scenario).stem
    try:
        folder.check_usable(out, "run")
    except folder.OutputError as exc:
        return _invalid(f"--out: {exc}")
    source, name = str(Path(args.scenario).resolve()), scenario_name(scenario)  # as summary.json names it
    other = None if args.overwrite else folder.another_run(out, source, name)
    if other:
        return _invalid(f"--out: {out} {other}; this run of {args.scenario} would replace it: choose another "
                        f"--out, or pass --overwrite to replace it")
    made_by = _provenance()
    t0 = time.perf_counter()
    try:
        model = CommunityModel(scenario)
    except GraphFileError as exc:
        return _invalid(f"invalid graph: {exc}")
    except ScenarioError as exc:
        return _invalid(str(exc))
    except StrategyConflict as exc:
        return _invalid(f"{args.scenario}: strategies: {exc}")
    except MemoryEstimateError as exc:
        return _invalid(f"{args.scenario}: {exc}")
    build = time.perf_counter() - t0
    if scenario.population.graph.type == "file" and model.population.maintained.nnz == 0 and not args.quiet:
        from sim.scenario.loader import note_no_ties

        note_no_ties(scenario)  # as validate, compare, sweep and fit say it
    names = ["timeseries.csv", "summary.json", "lifecycle.png", "circles.png"]
    if args.parquet:
        names.insert(1, "timeseries.parquet")
    try:
        with folder.using(out, "run") as notes:
            for note in notes if not args.quiet else []:
                print(f"{out}: {note}", file=sys.stderr)
            bar = _Progress(scenario.horizon_days, Path(args.scenario).stem, quiet=args.quiet)
            try:
                model.run(progress=bar)
            except StrategyConflict as exc:
                print(f"\n{args.scenario}: strategies: {exc}", file=sys.stderr)
                return EXIT_INVALID
            finally:
                bar.close()
            elapsed = time.perf_counter() - t0
            ts = model.timeseries()
            summary = model.summary()
            summary["timing"] = {"build_s": round(build, 3), "total_s": round(elapsed, 3)}
            summary["parameters"] = scenario.to_dict()
            summary["provenance"] = made_by
            title = f"{summary['scenario']} (seed {summary['seed']})"
            dunbar = scenario.population.dunbar_limit
            meta = {"source": source, "scenario": name}
            with folder.publish(out, "run", meta=meta) as stage:  # the files appear together, or not at all
                ts.to_csv(stage / "timeseries.csv", index=False)
                if args.parquet:
                    tables.write_parquet(tables.tidy_timeseries(ts, summary["scenario"], summary["seed"]),
                                         stage / "timeseries.parquet")
                (stage / "summary.json").write_text(json.dumps(summary, indent=2, default=_jsonable))
                _savefig(lifecycle_figure(ts, summary["lifecycle"], dunbar, title,
                                          strategies=strategy_windows(scenario, len(ts))), stage / "lifecycle.png")
                _savefig(circles_figure(ts, summary["lifecycle"], title), stage / "circles.png")
    except folder.OutputError as exc:
        return _invalid(f"--out: {exc}")
    wrote = f"Wrote {out}/{', '.join(names)} in {elapsed:.1f} s."
    if args.json:
        doc = {**summary, "outputs": {name: str(out / name) for name in names}}
        print(json.dumps(doc, indent=2, default=_jsonable))
        if not args.quiet:
            print(wrote, file=sys.stderr)
    elif not args.quiet:
        print(format_summary(summary))
        print(f"\n{wrote}")
    return EXIT_OK


def _savefig(fig, path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, format="png")
    plt.close(fig)


def _jsonable(x):
    import numpy as np

    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


def cmd_validate(args) -> int:
    """`circlesim validate`: check scenario files and report every problem; exit 2 if any is invalid."""
    from sim.scenario import ScenarioError, check_graph, load_scenario

    bad, report = 0, _ProblemReport()
    for path in args.files:
        error = None
        try:
            scenario = load_scenario(path, overrides=args.set or [])
            check_graph(scenario)  # a graph file is read in full: it must load, not only exist
        except ScenarioError as exc:
            error = report.message(path, exc)
        if error:
            bad += 1
            print(error, file=sys.stderr)
        else:
            k = len(scenario.strategies)
            print(f"{path}: ok ({k} {'strategy' if k == 1 else 'strategies'})")
            _notes([scenario])
    return EXIT_INVALID if bad else EXIT_OK


def cmd_explain(args) -> int:
    """`circlesim explain`: print a scenario's fully resolved parameters as YAML (after extends and --set)."""
    import yaml

    scenario, error = _load(args.scenario, args.set, args.seed, args.days)
    if error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    print(f"# {args.scenario}: fully resolved parameters (after extends and --set)")
    print(yaml.safe_dump(scenario.to_dict(), sort_keys=False, allow_unicode=True), end="")
    if scenario.fit:
        section = {k: v for k, v in scenario.fit.items() if k != "where"}
        print("# the fit: section (circlesim fit; never changes what a run simulates)")
        print(yaml.safe_dump({"fit": section}, sort_keys=False, allow_unicode=True), end="")
    return EXIT_OK


def cmd_reference(args) -> int:
    """`circlesim reference`: print or write the scenario parameter reference, or with --api the API reference."""
    from sim.scenario.reference import scenario_reference

    if args.api:
        from sim.outputs.apidoc import api_reference

        text = api_reference()
    else:
        text = scenario_reference()
    if args.out:
        out = Path(args.out)
        if out.is_dir():
            return _invalid(f"--out: {out} is a folder; give the file to write, e.g. {out / 'scenarios.md'}")
        try:
            atomic_write(out, lambda p: Path(p).write_text(text, encoding="utf-8"))
        except OSError as exc:  # a parent that is a file, no permission, a full disk: the old file is kept
            return _invalid(f"--out: cannot write {out}: {exc.strerror or exc}")
        print(f"wrote {args.out}")
    else:
        print(text)
    return EXIT_OK


def _engine_args(p, replications: int, per: str = "scenario", seed_of: str = "the first file's seed") -> None:
    g = p.add_argument_group("execution (one code path, identical numbers on every engine)")
    g.add_argument("-r", "--replications", type=_int_arg(1), default=replications,
                   help=f"replications per {per} (default "
                        f"{replications if replications is not None else '30; with --from-fit: every draw'})")
    engine = g.add_mutually_exclusive_group()
    engine.add_argument("--workers", type=_int_arg(1, 4096), help="process-pool workers (default: all cores)")
    engine.add_argument("--serial", action="store_true", help="run in this process, no pool")
    engine.add_argument("--dask-local", type=_int_arg(1, 4096), metavar="N",
                        help="start a local Dask cluster of N workers")
    engine.add_argument("--scheduler", metavar="ADDRESS", help="use a running Dask scheduler, e.g. tcp://host:8786")
    g.add_argument("--seed", type=_int_arg(0, SEED_MAX),
                   help=f"base seed of the replications (default: {seed_of})")
    g.add_argument("--quiet", action="store_true", help="no progress output")
    g.add_argument("--force", action="store_true", help="run even if the memory estimate exceeds what is available")


def _parallel(args, tasks: int) -> int | None:
    """Runs in memory on this machine at once for these engine options (None: on a remote scheduler)."""
    from sim.experiments.executors import default_workers

    if args.scheduler:
        return None
    n = 1 if args.serial else (args.dask_local or args.workers or default_workers())
    return max(1, min(n, tasks))


def _preflight(args, scenarios, tasks: int, out: Path, kind: str) -> str | None:
    """Graph files, memory and the output folder, checked before anything is written; an error text or None."""
    from sim.experiments.preflight import check_graphs, check_memory
    from sim.model.memory import MemoryEstimateError
    from sim.outputs import folder
    from sim.scenario import ScenarioError

    try:
        check_graphs(scenarios)
        check_memory(scenarios, _parallel(args, tasks))
        folder.check_usable(out, kind)
    except ScenarioError as exc:
        return str(exc)
    except MemoryEstimateError as exc:
        return str(exc)
    except folder.OutputError as exc:
        return f"--out: {exc}"
    return None


def _note_invalid(result) -> None:
    invalid = getattr(result, "invalid", [])
    if invalid:
        print(f"{len(invalid)} stored run(s) were invalid and have been recomputed (moved to "
              f"{Path(invalid[0][0]).parents[1]}); first: {invalid[0][1]}", file=sys.stderr)


def _experiment_into(out: Path, args, experiment):
    """Run `experiment(executor)` (compare or sweep) into the output folder `out`, written as one set.

    Takes the folder (completing an interrupted write first), clears the store's stale
    temporaries, starts the engine the options ask for and writes the result. Returns
    (result, None), or (None, error text) for an unreachable scheduler or an unusable folder.
    """
    import warnings

    from sim.experiments.executors import SchedulerUnreachable, make_executor
    from sim.experiments.store import ResultStore, StoreWarning
    from sim.outputs import folder

    try:
        with folder.using(out) as notes:
            for note in notes:
                print(f"{out}: {note}", file=sys.stderr)
            ResultStore(out / "store").clean_temporaries()
            with make_executor(args.workers, args.serial, args.dask_local, args.scheduler) as ex, \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore", StoreWarning)
                result = experiment(ex if ex is not None else "serial")
            if not _keeps_earlier(out, result):
                result.write(out)
    except SchedulerUnreachable as exc:
        return None, str(exc)
    except folder.OutputError as exc:
        return None, f"--out: {exc}"
    return result, None


def _keeps_earlier(out: Path, result) -> bool:
    """Whether `result`, some of whose runs failed, must not be written over `out`'s complete earlier outputs.

    Nothing written is lost: a partial result replaces only a partial one (or nothing); the
    finished runs are in the store either way. Sets `result.kept_previous` for `_wrote`.
    """
    from sim.outputs import folder

    result.kept_previous = bool(result.failures) and folder.has_complete_outputs(out)
    return result.kept_previous


def _wrote(out: Path, result, files: str) -> str:
    """The closing line: what was written, or that the earlier outputs were kept (runs failed)."""
    if getattr(result, "kept_previous", False):
        return (f"Kept the earlier outputs in {out} (a previous command's, none of its runs failed): runs failed "
                f"here, so this partial result was not written over them; the finished runs are in {out}/store, "
                f"and the same command resumes from them once the cause is fixed.")
    return f"Wrote {out}/{files} ({result.reused} runs reused, {result.seconds:.0f} s)."


def _print_verdicts(result, too_few: str) -> None:
    """A comparison's answer in the terminal: in short, the verdicts, then the replication advice."""
    print(f"In short ({result.TRADE_OFFS_NOTE}):")
    print("\n".join(f"- {v}" for v in result.trade_offs()))
    between = result.variant_trade_offs()
    if between:
        print(f"\nBetween the variants ({result.BETWEEN_NOTE}):")
        print("\n".join(f"- {v}" for v in between))
    print("\nVerdicts:")
    print("\n".join(f"- {v}" for v in result.verdicts()))
    advice = result.replication_advice()
    if advice:
        print(f"\n{too_few}:")
        print("\n".join(f"- {a}" for a in advice))


def _report_failures(failures, total) -> None:
    if failures:
        print(f"\n{len(failures)} of {total} runs failed (results of the others are kept):", file=sys.stderr)
        for who, seed, tb in failures[:10]:
            print(f"  {who}, seed {seed}: {tb.strip().splitlines()[-1]}", file=sys.stderr)
        if len(failures) > 10:
            print(f"  ... {len(failures) - 10} more; tracebacks in the store's failures/ folder", file=sys.stderr)


def cmd_compare(args) -> int:
    """`circlesim compare`: replicate a baseline and variants on common seeds, write the report, print verdicts."""
    from sim.experiments.compare import check_same_horizon, check_same_market, compare
    from sim.scenario import ScenarioError, load_scenario

    _force(args)
    if args.from_fit:
        return _compare_from_fit(args)
    if args.seeds_per_draw is not None:
        print("--seeds-per-draw needs --from-fit", file=sys.stderr)
        return EXIT_INVALID
    args.replications = 30 if args.replications is None else args.replications
    scenarios, problems, report = [], [], _ProblemReport()
    for path in args.scenarios:
        try:
            scenarios.append(load_scenario(path, overrides=args.set, days=args.days))
        except ScenarioError as exc:
            problems.append(report.message(path, exc))
    if problems:
        return _invalid("\n".join(problems))
    try:
        check_same_horizon(scenarios)
        check_same_market(scenarios)
    except ValueError as exc:
        return _invalid(f"invalid compare: {exc}")
    _notes(scenarios, args.quiet)
    stems = "-vs-".join(Path(p).stem for p in args.scenarios)
    out = Path(args.out) if args.out else Path("out") / f"compare-{stems}"[:120]
    error = _preflight(args, scenarios, len(scenarios) * args.replications, out, "compare")
    if error:
        return _invalid(error)
    def run(ex):
        res = compare(scenarios, replications=args.replications, executor=ex, store=out / "store", seed=args.seed,
                      progress=not args.quiet)
        # the report names the overrides every design ran with
        res.sets = (*(args.set or ()), *((f"--days {args.days}",) if args.days is not None else ()))
        return res

    result, error = _experiment_into(out, args, run)
    if error:
        return _invalid(error)
    _note_invalid(result)
    if len(result.labels) > 1:
        from sim.outputs.report import market_note

        _print_verdicts(result, result.advice_heading)
        print("\n" + market_note(result))
    else:
        from sim.outputs.report import key_measures, mean_ci_text
        from sim.readouts.registry import measure

        print(f"Nothing to compare: only {result.labels[0]} was given, no variant to compare with, so no verdicts. "
              f"Give the variants after the baseline: circlesim compare BASELINE.yaml VARIANT.yaml ...\n"
              f"{result.labels[0]}'s read-outs over {len(result.seeds)} "
              f"replication{'' if len(result.seeds) == 1 else 's'}, mean [95% CI]:")
        summ = result.summary().set_index("measure")
        for m in key_measures():
            r = summ.loc[m]
            print(f"  {measure(m).label:<24}{mean_ci_text(result, result.labels[0], m, r)}")
    print("\n" + _wrote(out, result, compare_files(result)))
    _report_failures(result.failures, len(scenarios) * args.replications)
    return EXIT_FAIL if result.failures else EXIT_OK


def _compare_from_fit(args) -> int:
    """`circlesim compare --from-fit DIR VARIANT.yaml ...`: designs over a fit's posterior draws."""
    from sim.experiments.executors import SchedulerUnreachable, make_executor
    from sim.fitting.from_fit import compare_from_fit, load_finished_fit
    from sim.scenario import ScenarioError, load_scenario

    for option, value, why in (
            ("--seed", getattr(args, "seed", None), "each posterior draw runs with its own seed from the fit "
             "(add seeds with --seeds-per-draw)"),
            ("--set", args.set, "it would change the variants but not the present course (the fitted scenario), "
             "so the difference would be credited to the variants; write the change into the variant's file")):
        if value is not None and value != []:  # --seed 0 is a seed too
            return _invalid(f"{option} cannot be combined with --from-fit: {why}")
    try:
        fitted = load_finished_fit(args.from_fit)
    except (FileNotFoundError, ValueError) as exc:
        print(f"invalid --from-fit: {exc}", file=sys.stderr)
        return EXIT_INVALID
    variants, problems, report = [], [], _ProblemReport()
    for path in args.scenarios:
        try:
            variants.append(load_scenario(path))  # --set was refused above
        except ScenarioError as exc:
            problems.append(report.message(path, exc))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return EXIT_INVALID
    available = len(fitted.draws)
    draws = args.replications
    if draws is not None and not 1 <= draws <= available:
        print(f"invalid --from-fit: -r {draws}: the fit in {args.from_fit} has {available} posterior draws",
              file=sys.stderr)
        return EXIT_INVALID
    if args.days is not None:
        print("--days cannot be combined with --from-fit: runs go to the fit's forecast horizon "
              f"(day {fitted.horizon})", file=sys.stderr)
        return EXIT_INVALID
    stems = "-vs-".join(Path(p).stem for p in args.scenarios)
    out = Path(args.out) if args.out else Path("out") / f"compare-from-fit-{Path(args.from_fit).name}-{stems}"[:120]
    from sim.fitting.from_fit import design_scenario

    try:
        for v in variants:  # refuse a variant of another population before anything runs
            design_scenario(fitted.scenario, v, fitted.history.last_day + 1, fitted.spec.keys)
    except ValueError as exc:
        print(f"invalid variant: {exc}", file=sys.stderr)
        return EXIT_INVALID
    from sim.outputs import folder

    try:
        folder.check_usable(out, "compare")
    except folder.OutputError as exc:
        return _invalid(f"--out: {exc}")
    try:
        with make_executor(args.workers, args.serial, args.dask_local, args.scheduler) as ex:
            result = compare_from_fit(args.from_fit, variants, draws=draws, seeds_per_draw=args.seeds_per_draw or 1,
                                      executor=ex if ex is not None else "serial", store=out / "store",
                                      progress=not args.quiet)
    except SchedulerUnreachable as exc:
        return _invalid(str(exc))
    try:
        with folder.using(out, "compare") as notes:  # recover an interrupted write before reading what is there
            for note in notes:
                print(f"{out}: {note}", file=sys.stderr)
            if not _keeps_earlier(out, result):
                result.write(out)
    except folder.OutputError as exc:
        return _invalid(f"--out: {exc}")
    from sim.outputs.report import market_note

    print(result.note)
    _print_verdicts(result, result.advice_heading)
    print("\n" + market_note(result))
    print("\n" + _wrote(out, result, compare_files(result)))
    _report_failures(result.failures, len(result.labels) * len(result.seeds))
    return EXIT_FAIL if result.failures else EXIT_OK


def cmd_fit(args) -> int:
    """`circlesim fit`: calibrate a scenario's `fit:` parameters to a history (ABC-SMC), forecast, report."""
    import re
    import warnings

    from sim.experiments.executors import SchedulerUnreachable, make_executor
    from sim.fitting.engine import PYABC_MISSING
    from sim.fitting.history import HistoryError
    from sim.fitting.run import FitInputError, check_folder, fit, identity, identity_parts, prepare
    from sim.scenario import ScenarioError, load_scenario

    settings = dict(budget=args.budget, generations=args.generations, population_size=args.population_size,
                    forecast_draws=args.draws, forecast_days=args.forecast_days)
    try:
        scenario = load_scenario(args.scenario, overrides=args.set)
        _notes([scenario], getattr(args, "quiet", False))  # as run, compare and sweep say them
        said: list = []
        try:
            with warnings.catch_warnings(record=True) as said:
                warnings.simplefilter("always")
                sc, spec, hist, layout, fit_seed = prepare(scenario, args.history, seed=args.seed, **settings)
        finally:  # said here once (also when prepare refuses); `fit` prepares again and would say each twice
            for w in said:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    except (ScenarioError, HistoryError, FitInputError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except ValueError as exc:  # e.g. no fit section
        print(f"invalid fit: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        import pyabc  # noqa: F401
    except ImportError:
        print(PYABC_MISSING, file=sys.stderr)
        return EXIT_FAIL
    out = Path(args.out) if args.out else Path("out") / f"fit-{Path(args.scenario).stem}"
    _force(args)
    from sim.experiments.executors import default_workers

    # never more workers than simulations the fit is set to run (its budget, or the forecast's
    # draws if more): 200 workers for a 10-simulation fit started 183 processes (5 GB) for nothing
    most = max(spec.budget, spec.forecast_draws)
    if args.dask_local:
        args.dask_local = min(args.dask_local, most)
    elif not (args.serial or args.scheduler):
        args.workers = min(args.workers or default_workers(), most)
    error = _preflight(args, [sc], most, out, "fit")
    if error:
        return _invalid(error)
    try:
        parts = identity_parts(sc, spec, hist, layout, fit_seed)
        check_folder(out, identity(sc, spec, hist, layout, fit_seed), create=True, parts=parts)
    except FitInputError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    try:
        with make_executor(args.workers, args.serial, args.dask_local, args.scheduler) as ex, \
                warnings.catch_warnings():
            for w in said:
                warnings.filterwarnings("ignore", message=re.escape(str(w.message)), category=w.category)
            result = fit(scenario, hist, out, seed=args.seed, executor=ex if ex is not None else "serial",
                         progress=not args.quiet, **settings)
    except SchedulerUnreachable as exc:
        return _invalid(str(exc))
    except Exception as exc:  # the ABC database (SQLite through SQLAlchemy): a full disk, a quota
        if not _database_error(exc):
            raise
        reason = _database_reason(exc)
        if _database_damaged(reason):  # rerunning cannot help: it failed the same way forever (red team)
            print(f"error: the fit's database {out / 'fit.db'} is damaged ({reason}) and cannot be resumed: "
                  f"delete {out / 'fit.db'} (the fit then starts over) or choose another --out.", file=sys.stderr)
            return EXIT_FAIL
        print(f"error: the fit could not write its database {out / 'fit.db'}: {reason}. The generations it "
              "finished are kept there: the same command again resumes from them (free some space first if "
              "the disk is full).", file=sys.stderr)
        return EXIT_FAIL
    from sim.outputs.fit_report import read_with_care

    print(result.sentence())
    care = read_with_care(result)
    if care:  # beside the sentence, not only among the notes below it
        print(care)
    for line in _fit_lines(result):
        print(line)
    print(f"\nWrote {out}/posterior.csv, fit_summary.json, generations.csv, forecast.csv, forecast_draws.csv, "
          f"forecast_fan.png, posterior_pairs.png, prior_vs_posterior.png, dormancy.png, report.html, report.md "
          f"(database {out}/fit.db; {result.info['wall_seconds_this_call']:.0f} s).")
    if result.failures:
        _report_failures([("forecast", s, tb) for _, s, tb in result.failures], len(result.draws))
        return EXIT_FAIL
    return EXIT_OK


def _database_error(exc: BaseException) -> bool:
    """Whether `exc` comes from the fit's SQLite database (pyabc stores its generations there)."""
    import sqlite3

    return isinstance(exc, sqlite3.Error) or type(exc).__module__.split(".")[0] == "sqlalchemy"


def _database_damaged(reason: str) -> bool:
    """Whether SQLite's words say the database file itself is damaged (not a full disk or a lock).

    >>> _database_damaged("database disk image is malformed"), _database_damaged("disk I/O error")
    (True, False)
    """
    return any(words in reason for words in ("malformed", "file is not a database", "file is encrypted"))


def _database_reason(exc: BaseException) -> str:
    """SQLite's own words for a database failure (found down the chain of SQLAlchemy's exceptions)."""
    import sqlite3

    seen, e = set(), exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, sqlite3.Error):
            return str(e)
        e = getattr(e, "orig", None) or e.__cause__ or e.__context__
    return str(exc).splitlines()[0]


def _fit_lines(result) -> list[str]:
    summary = result.parameter_summary()
    width = max(len(k) for k in summary)
    lines = ["", f"  {'parameter':<{width}}  {'median':>9}  {'90% interval':<22}  {'prior 90%':<22}  verdict"]
    for key, s in summary.items():
        post = f"{s['q05']:.4g} to {s['q95']:.4g}"
        prior = f"{s['prior_q05']:.4g} to {s['prior_q95']:.4g}"
        lines.append(f"  {key:<{width}}  {s['q50']:>9.4g}  {post:<22}  {prior:<22}  {s['verdict']}")
    f = result.forecast()
    for k, v in f.items():
        if k.startswith("dormant_by_day_"):
            lines.append(f"  P(dormant by day {k.rsplit('_', 1)[1]}) = {v['probability']:.0%} "
                         f"(Monte Carlo 90%: {v['q05']:.0%}-{v['q95']:.0%}, {v['draws']} draws)")
    for day in f.get("dormant_by_beyond_horizon", []):
        lines.append(f"  P(dormant by day {day}): not forecast, past the forecast horizon (day {result.horizon}); "
                     "raise --forecast-days")
    from sim.outputs.fit_report import fit_caveats

    # this fit's own, not the standing ones; a thin history was said before the fit and under the sentence
    lines += [f"  note: {c}" for c in fit_caveats(result, thin=False)]
    info = result.info
    total, budget = info.get("total_simulations") or 0, result.spec.budget
    past = f" ({total - budget:,} past the budget of {budget:,}: a started generation finishes)" \
        if total > budget else ""
    lines.append(f"  ABC-SMC: {len(result.generations)} generation(s), {total:,} "
                 f"simulations{past}, stopped: {info.get('stopped_by')}"
                 + (f"; resumed ({info['generations_reused']} generation(s) reused)" if info.get("resumed") else ""))
    return lines


def cmd_sweep(args) -> int:
    """`circlesim sweep`: run a parameter sweep, write its tables and report, print indices and Pareto size."""
    from sim.experiments.sweep import MissingExtra, plan_sweep, run_plan
    from sim.scenario import ScenarioError, load_scenario

    _force(args)
    if not args.param:
        return _invalid("invalid sweep: give at least one --param KEY=LOW:HIGH")
    from sim.readouts.registry import measures

    if args.target not in measures():
        return _invalid(f"invalid sweep: --target {args.target!r} is not a read-out; one of: {', '.join(measures())}")
    swept = {text.split("=", 1)[0].strip() for text in args.param}
    fixed = {text.split("=", 1)[0].strip() for text in args.set}
    # a key set directly, or a section set whole (`--set 'population={size: 300}'`)
    both = sorted(p for p in swept if any(p == k or p.startswith(k + ".") for k in fixed))
    if both:  # the design's values would silently replace the --set
        return _invalid(f"invalid sweep: {', '.join(both)} is both swept (--param) and fixed (--set); give it once")
    try:
        base = load_scenario(args.scenario, overrides=args.set, days=args.days)
        _notes([base], args.quiet)
        plan = plan_sweep(base, args.param, method=args.method, samples=args.samples,
                          replications=args.replications, seed=args.seed)
    except ScenarioError as exc:
        return _invalid(str(exc))
    except MissingExtra as exc:
        print(f"circlesim sweep: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except (ValueError, TypeError) as exc:
        return _invalid(f"invalid sweep: {exc}")
    out = Path(args.out) if args.out else Path("out") / f"sweep-{Path(args.scenario).stem}-{args.method}"
    error = _preflight(args, plan.variants, len(plan.variants) * args.replications, out, "sweep")
    if error:
        return _invalid(error)
    result, error = _experiment_into(out, args, lambda ex: run_plan(
        plan, executor=ex, store=out / "store", progress=not args.quiet))
    if error:
        return _invalid(error)
    _note_invalid(result)
    ind = result.indices()
    if ind is not None:
        print("Sobol indices (S1 first order, ST total order, ± 95%):")
        for _, r in ind.iterrows():
            print(f"  {r['measure']:<20} {r['parameter']:<40} S1 {_index(r['S1'], r['S1_conf'])}   "
                  f"ST {_index(r['ST'], r['ST_conf'])}")
        for m, note in dict(zip(ind["measure"], ind["note"])).items():
            if note:
                print(f"  note: {m}: {note}")
    if result.role_note:  # said before the best points, which it qualifies
        print(f"Note: {result.role_note}")
    _print_best(result, args.target)
    where = "." if getattr(result, "kept_previous", False) else " (pareto.csv)."  # not written when kept
    print(f"Pareto set (active member-days vs total spend): {len(result.pareto())} of "
          f"{len(result.points)} {'points' if result.role_note else 'design points'}{where}")
    print(_wrote(out, result, f"sweep.csv, runs.csv, pareto.csv{', indices.csv' if ind is not None else ''}, "
                              "figures, report.html, report.md"))
    _report_failures(result.failures, len(result.points) * args.replications)
    return EXIT_FAIL if result.failures else EXIT_OK


def _index(value: float, conf: float) -> str:
    """A Sobol index with its half-width; 'n/a' when not measured ('+nan ± nan' read as a glitch)."""
    return "n/a" if value != value else f"{value:+.3f} ± {conf:.3f}"


def _print_best(result, target: str = "active_member_days", k: int = 3) -> None:
    """The `k` best design points of a sweep by `target`, with their parameters, headline read-outs and spend.

    A planner reads the answer in the terminal, not only in sweep.csv; lifespans of points whose
    runs all stayed alive are said to be censored at the horizon rather than printed as a number.
    """
    from sim.outputs.report import number
    from sim.readouts.registry import measure

    best = result.best(target, k)
    if best.empty:
        print(f"No design point has a value of {target}: no best points to show.")
        return
    label = measure(target).label
    runs = len(result.seeds)
    kind = "points" if result.role_note else "design points"  # over assumptions the points are not designs
    print(f"Best {kind} by {label} (mean of {runs} replication{'s' if runs != 1 else ''} each):")
    for _, r in best.iterrows():
        # a level is a setting: 35, not 35.0 beside 5 (a grid mixes the ints and floats it was given)
        params = ", ".join(f"{key}={number(int(v) if isinstance(v, float) and v.is_integer() else v)}"
                           for key, v in ((key, r[key]) for key in result.keys))
        alive = r["alive_at_horizon"]
        if alive == 1:
            life = f"alive at the horizon (lifespan ≥ {result.horizon:,} day{'' if result.horizon == 1 else 's'})"
        elif alive > 0:
            life = f"lifespan {number(r['lifespan'])} days ({alive:.0%} of runs alive at the horizon)"
        else:
            life = f"lifespan {number(r['lifespan'])} days"
        head = "" if target == "active_member_days" else f"{label} {measure(target).format(r[target])}, "
        print(f"  point {int(r['point'])}: {params}: {head}{number(r['active_member_days'])} active member-days, "
              f"{life}, total spend {number(r['total_spend'])} {result.base.get('currency') or 'cost units'}"
              + (f" (incentives {number(r['incentive_spend'])})" if r["incentive_spend"] else ""))
    apart = result.separation(target, k)  # is the leader's lead more than the noise between runs?
    if apart:
        from sim.experiments.sweep import SEPARATION_NOTE

        print(f"  Is the first point's lead more than the noise? ({SEPARATION_NOTE})")
        for line in apart:
            print(f"  {line}")


def cmd_dashboard(args) -> int:
    """`circlesim dashboard`: serve the interactive Solara page in this process, optionally opening a scenario.

    The server runs here, not in a child process, so stopping this command stops it; it
    makes no network connection (no version check, no telemetry) and refuses cross-origin
    requests (`sim.outputs.dashboard_server`).
    """
    if args.scenario:
        _, error = _load(args.scenario, [])
        if error:
            return _invalid(error)
        os.environ["CIRCLESIM_DASHBOARD_SCENARIO"] = str(Path(args.scenario).resolve())
    try:  # the page is an optional extra: say what to install rather than show a traceback
        import solara  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        print(f"circlesim dashboard needs the dashboard extra ({exc.name or 'solara'} is missing): "
              "pip install 'circlesim[dashboard]' (or '.[dashboard]' in the repository)", file=sys.stderr)
        return EXIT_FAIL
    from sim.outputs.dashboard_server import serve

    try:  # a port in use or an address not this machine's: say so before announcing the page
        _try_bind(args.host, args.port)
    except OSError as exc:
        return _invalid(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}")
    print(f"circlesim dashboard on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    try:
        serve(args.host, args.port)
    except KeyboardInterrupt:
        return EXIT_OK
    except OSError as exc:  # the port is taken, or the address is not this machine's
        return _invalid(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}")
    return EXIT_OK


def _try_bind(host: str, port: int) -> None:
    """Bind a socket to (host, port) as the server will, and release it; `OSError` if that fails."""
    import socket

    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        sock.bind(address)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `circlesim` command, one subcommand per `cmd_*` function."""
    parser = argparse.ArgumentParser(prog="circlesim", description="Simulate a community's lifecycle "
                                     "from a scenario file.")
    from sim import __version__
    from sim.version import MODEL_VERSION

    # the model version is what the README's and reports' "model version N" refer to
    parser.add_argument("--version", action="version",
                        version=f"circlesim {__version__} (model version {MODEL_VERSION})")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p, scenario=True):
        if scenario:
            p.add_argument("scenario", help="scenario YAML file")
        p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                       help="override a parameter by dotted key, e.g. population.size=10000 (repeatable)")

    p = sub.add_parser("run", help="run one scenario and write timeseries.csv, summary.json and figures")
    common(p)
    p.add_argument("--out", help="output folder (default: out/<scenario file name without .yaml>)")
    p.add_argument("--seed", type=_int_arg(0, SEED_MAX), help="random seed (overrides the file)")
    p.add_argument("--days", type=_days_arg(), help="days to simulate (overrides horizon_days)")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON document on stdout "
                   "(summary.json plus the files written) instead of the readable summary")
    p.add_argument("--quiet", action="store_true", help="no progress and no summary; errors only (with --json: "
                   "the JSON only)")
    p.add_argument("--parquet", action="store_true", help="also write timeseries.parquet, one row per scenario, "
                   "seed and day (needs pyarrow: pip install \"circlesim[parquet]\")")
    p.add_argument("--force", action="store_true", help="run even if the memory estimate exceeds what is available")
    p.add_argument("--overwrite", action="store_true", help="replace the run of another scenario file that --out "
                   "holds (without it that is refused; a new run of the same file always replaces the last)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("validate", help="check scenario files; report every problem with its line")
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files to check (each one's graph "
                   "file is read in full)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                   help="override a parameter by dotted key before checking, e.g. population.size=10000 "
                   "(repeatable)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("explain", help="print the fully resolved parameters of a scenario")
    common(p)
    p.add_argument("--seed", type=_int_arg(0, SEED_MAX), help="random seed to show in place of the file's")
    p.add_argument("--days", type=_days_arg(), help="horizon to show in place of the file's horizon_days")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("compare", help="replications of a baseline and variants: paired statistics, "
                       "verdicts, figures, report")
    p.add_argument("scenarios", nargs="+", help="baseline first, then the variants")
    p.add_argument("--out", help="output folder (default: out/compare-<names>; with --from-fit "
                   "out/compare-from-fit-<fit folder>-<names>); holds the resumable store")
    p.add_argument("--days", type=_days_arg(), help="days to simulate (overrides horizon_days)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                   help="override a parameter in every scenario (repeatable)")
    p.add_argument("--from-fit", metavar="DIR", help="compare the designs given as variants over the posterior "
                   "draws of the fit in DIR (circlesim fit); -r is then the number of draws (default: all)")
    p.add_argument("--seeds-per-draw", type=_int_arg(1, 10_000),
                   help="with --from-fit: seeds per posterior draw (default 1: the "
                   "accepted simulation's own)")
    _engine_args(p, replications=None)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("fit", help="fit the parameters listed in a scenario's fit section to a community's "
                       "history (ABC-SMC) and forecast its lifecycle, with bands")
    p.add_argument("scenario", help="scenario YAML file with a fit: section")
    p.add_argument("--history", required=True, metavar="FILE.csv",
                   help="the community's history: day (or date) and any of members, dau, mau, posts, joins, leaves")
    p.add_argument("--out", help="output folder (default: out/fit-<scenario>); holds the resumable database")
    p.add_argument("--budget", type=_fit_arg("budget"),
                   help="no new generation starts after this many simulations; one that has started "
                   "finishes, so a fit can run past it by up to population_size / min_acceptance_rate "
                   "simulations (default: fit.budget)")
    p.add_argument("--generations", type=_fit_arg("generations"),
                   help="at most this many ABC-SMC generations (default: fit.generations)")
    p.add_argument("--population-size", type=_fit_arg("population_size"),
                   help="particles per generation (default: fit.population_size)")
    p.add_argument("--draws", type=_fit_arg("forecast_draws"),
                   help="posterior draws continued to the horizon (default: fit.forecast_draws)")
    p.add_argument("--forecast-days", type=_fit_arg("forecast_days"),
                   help="forecast horizon (default: fit.forecast_days or horizon_days)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                   help="override a scenario parameter, e.g. fit.budget=2000 (repeatable)")
    g = p.add_argument_group("execution (every engine gives the same posterior for a given seed)")
    engine = g.add_mutually_exclusive_group()
    engine.add_argument("--workers", type=_int_arg(1, 4096),
                        help="process-pool workers (default: all cores; at most one per simulation the "
                             "budget allows, or per forecast draw if more)")
    engine.add_argument("--serial", action="store_true", help="run in this process, no pool")
    engine.add_argument("--dask-local", type=_int_arg(1, 4096), metavar="N",
                        help="start a local Dask cluster of N workers")
    engine.add_argument("--scheduler", metavar="ADDRESS", help="use a running Dask scheduler, e.g. tcp://host:8786")
    g.add_argument("--seed", type=_int_arg(0, SEED_MAX),
                   help="seed of the fit (default: fit.seed or the scenario's seed)")
    g.add_argument("--quiet", action="store_true", help="no progress output")
    g.add_argument("--force", action="store_true", help="run even if the memory estimate exceeds what is available")
    p.set_defaults(func=cmd_fit)

    p = sub.add_parser("sweep", help="sample parameters (grid, Latin hypercube, Sobol): tables, "
                       "sensitivity indices, Pareto set")
    p.add_argument("scenario", help="scenario YAML file whose parameters are swept")
    p.add_argument("--param", action="append", default=[], metavar="KEY=LOW:HIGH",
                   help="a swept parameter by dotted key (repeatable)")
    p.add_argument("--method", choices=("grid", "lhs", "sobol"), default="lhs",
                   help="grid: every combination of --samples levels; lhs: a Latin hypercube of --samples "
                   "points; sobol: Saltelli's scheme, for Sobol indices (default lhs)")
    p.add_argument("--samples", type=_int_arg(1), help="grid: levels per parameter (5); lhs: points (20); "
                   "sobol: base samples N, N*(d+2) points (16)")
    p.add_argument("--out", help="output folder (default: out/sweep-<name>-<method>)")
    p.add_argument("--days", type=_days_arg(), help="days to simulate (overrides horizon_days)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", default=[],
                   help="override a fixed (not swept) parameter by dotted key (repeatable)")
    p.add_argument("--target", default="active_member_days", metavar="MEASURE",
                   help="read-out that ranks the best design points printed at the end, e.g. lifespan or "
                   "peak_dau; ranked in the measure's own direction of better: lowest first for costs and "
                   "overload (default active_member_days)")
    _engine_args(p, replications=5, per="design point", seed_of="the scenario file's seed")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("dashboard", help="serve the interactive page (Solara) on 127.0.0.1")
    p.add_argument("scenario", nargs="?", help="scenario to open on the left (default: baseline)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_int_arg(1, 65535, "a port number"), default=8765,
                   help="port to serve on (default 8765)")
    p.set_defaults(func=cmd_dashboard)

    p = sub.add_parser("reference", help="print (or write) the scenario parameter reference")
    p.add_argument("--out", help="write to this file, e.g. docs/scenarios.md")
    p.add_argument("--api", action="store_true", help="the Python API reference (docs/api.md) instead")
    p.set_defaults(func=cmd_reference)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a batch scheduler's time limit) while a command runs: stop as Ctrl-C does.

    A KeyboardInterrupt, so every path that cleans up after Ctrl-C (the pool's workers
    stopped, temporary files removed, finished runs kept in the results store) runs for it too.
    """


_sigterm_seen = False


def _on_sigterm(signum, frame) -> None:
    """The SIGTERM handler `main` installs: raise `Terminated` once (a second SIGTERM is not to cut the clean-up)."""
    global _sigterm_seen
    if not _sigterm_seen:  # once: a second SIGTERM must not interrupt the clean-up of the first
        _sigterm_seen = True
        raise Terminated()


def _stop_on_sigterm():
    """Handle SIGTERM like Ctrl-C for the command's duration; returns the handler to restore (None: untouched).

    Only the main thread can install a handler (a notebook or a test may call `main` from another).
    """
    import threading

    global _sigterm_seen
    _sigterm_seen = False  # a command run earlier in this process (notebooks, tests) does not count
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _on_sigterm)


def _terminated(command: str) -> int:
    """Say the command was stopped by SIGTERM (and how to resume it) and return 143, the shell's code for it."""
    resumable = command in RESUMABLE
    print("terminated (SIGTERM)" + (f"; {RESUMES}" if resumable else ""), file=sys.stderr)
    return 128 + signal.SIGTERM


def main(argv: list[str] | None = None) -> int:
    """Entry point of `circlesim`: parse `argv`, run the subcommand and return its exit code."""
    try:  # Ctrl-C while the libraries load is an interruption like any other, not a traceback
        import matplotlib

        matplotlib.use("Agg")  # files only, never a window
        parser = build_parser()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    import warnings

    args = parser.parse_args(argv)
    previous = warnings.formatwarning
    warnings.formatwarning = _note  # a warning reads as a one-line note, not a source line
    previous_sigterm = _stop_on_sigterm()
    try:
        with warnings.catch_warnings():
            if getattr(args, "quiet", False):
                warnings.simplefilter("ignore", UserWarning)  # notes, like the others, not with --quiet
            return args.func(args)
    except KeyboardInterrupt:
        if _sigterm_seen:  # `Terminated` (raised only by the handler, which sets the flag) or Ctrl-C after it
            return _terminated(args.command)
        # as SIGTERM says it: Ctrl-C said only "interrupted" (red team, 2026-12-07)
        resumable = args.command in RESUMABLE
        print("interrupted" + (f"; {RESUMES}" if resumable else ""), file=sys.stderr)
        return 130
    except BrokenExecutor as exc:  # a worker killed from outside (most often: out of memory)
        if _sigterm_seen:  # SIGTERM sent to the whole process group took the workers first
            return _terminated(args.command)
        print(f"error: a worker process died during the {args.command} ({type(exc).__name__}); the most "
              "common cause is the machine running out of memory (try fewer --workers or a smaller "
              f"population). {RESUMES_SENTENCE}", file=sys.stderr)
        return EXIT_FAIL
    except OutputWriteError as exc:  # writing a command's set of outputs failed (a full disk, a quota)
        where = f" ({exc.filename})" if exc.filename else ""
        resumable = args.command in RESUMABLE
        print(f"error: the {args.command} could not write its outputs to {exc.out}: {exc.strerror or exc}{where}. "
              "The outputs published there before are kept (a set cut short while moving into place is completed "
              "by the next command on that folder)" + (f"; {RESUMES}" if resumable else "") + ".", file=sys.stderr)
        return EXIT_FAIL
    except BrokenPipeError:  # the reader went away (`circlesim explain ... | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's last flush does not fail again
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - only pools that cannot start and lost Dask clusters; the rest re-raise
        # imported here, not at the top: a pool raised it, so the module is loaded, and every other
        # command starts without multiprocessing (about 15 ms)
        from sim.experiments.executors import WorkerStartError

        if isinstance(exc, WorkerStartError):  # the machine would not start the workers (EMFILE, EAGAIN, ENOMEM)
            resumable = args.command in RESUMABLE
            print(f"error: the {args.command} {exc}." + (f" {RESUMES_SENTENCE}" if resumable else ""), file=sys.stderr)
            return EXIT_FAIL
        if type(exc).__module__.split(".")[0] != "distributed" or not isinstance(exc, (OSError, TimeoutError)):
            raise
        # the scheduler or a worker went away mid-run (CommClosedError is an OSError): not a bug in the model
        print(f"error: the {args.command} lost its Dask cluster ({type(exc).__name__}: {exc}); check the scheduler "
              f"and its workers. {RESUMES_SENTENCE}", file=sys.stderr)
        return EXIT_FAIL
    finally:
        warnings.formatwarning = previous
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)


def _note(message, category, filename, lineno, line=None) -> str:
    return f"note: {message}\n"


if __name__ == "__main__":
    sys.exit(main())
