"""Benchmark of `circlesim fit` on the shipped example, and of its resume after SIGKILL.

    python benchmarks/bench_fit.py                 # the acceptance run: 4 parameters, 180 days, 5,000 people
    python benchmarks/bench_fit.py --skip-resume   # only the timed fit
    python benchmarks/bench_fit.py --resume-only --out F   # only step 3, against F/fit of an earlier run

1. Times ``circlesim fit scenarios/fit_example.yaml --history scenarios/fit_example_history.csv``
   in a fresh folder with a local process pool (--workers, default 2), and prints what the
   README needs: wall time against the 20-minute target, simulations, generations, seconds
   per simulation, the machine (cores, load average before and after: other work on the
   machine slows everything), and the fit's sentence and posterior table.
2. Copies the example's forecast fan and prior-versus-posterior figures to docs/ (the README's).
3. Resume: starts the same fit in another folder, SIGKILLs it once a generation is stored,
   runs the command again, and checks that the stored generations were not recomputed and
   that the posterior equals the uninterrupted run's; prints the resumed run's wall time.

Exit code 1 when the fit takes longer than the target or the resume check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "fit_example.yaml"
HISTORY = ROOT / "scenarios" / "fit_example_history.csv"
TARGET_MIN = 20.0


def circlesim() -> list[str]:
    return [sys.executable, "-m", "sim.cli"]


def generations(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db) as con:
            return con.execute("select id, t, nr_samples, epsilon from populations where t >= 0 order by t").fetchall()
    except sqlite3.Error:
        return []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", help="folder for the fits (default: a temporary one)")
    ap.add_argument("--skip-resume", action="store_true")
    ap.add_argument("--resume-only", action="store_true",
                    help="only the SIGKILL-resume check, against the fit of an earlier run in --out")
    ap.add_argument("--no-figures", action="store_true", help="do not copy the figures to docs/")
    args = ap.parse_args()
    base = Path(args.out or tempfile.mkdtemp(prefix="bench-fit-"))
    base.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = circlesim() + ["fit", str(SCENARIO), "--history", str(HISTORY), "--workers", str(args.workers)]
    ok = True

    out = base / "fit"
    if args.resume_only:
        if not (out / "posterior.csv").exists():
            print(f"--resume-only needs a finished fit in {out} (run once with --out {base})", file=sys.stderr)
            return 2
        return 0 if resume_check(cmd, base, out, env) else 1
    shutil.rmtree(out, ignore_errors=True)
    load0 = os.getloadavg()
    t0 = time.perf_counter()
    run = subprocess.run(cmd + ["--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    load1 = os.getloadavg()
    if run.returncode != 0:
        print(run.stderr[-3000:], file=sys.stderr)
        return 1
    summary = json.loads((out / "fit_summary.json").read_text())
    abc = summary["abc"]
    sims = abc["total_simulations"]
    sim_wall = sum(g["wall_time_s"] for g in abc["generations"])
    print(f"circlesim fit {SCENARIO.relative_to(ROOT)} --history {HISTORY.relative_to(ROOT)} "
          f"--workers {args.workers}")
    print(f"  machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {load0[0]:.1f} before, {load1[0]:.1f} after (anything above 0 is other work)")
    print(f"  wall time: {wall / 60:.1f} min (target {TARGET_MIN:.0f} min: "
          f"{'met' if wall / 60 <= TARGET_MIN else 'MISSED'})")
    print(f"  ABC-SMC: {len(abc['generations'])} generations, {sims:,} simulations ({abc['stopped_by']}), "
          f"{sim_wall / 60:.1f} min in generations, {sim_wall / max(sims, 1) * args.workers:.2f} s per simulation "
          f"per worker; forecast and outputs {max(wall - sim_wall, 0) / 60:.1f} min "
          f"({summary['forecast']['draws']} draws to day {summary['forecast']['horizon_days']})")
    print(f"  {summary['sentence']}")
    print("  | parameter | posterior median | 90% interval | share of the prior's interval |")
    for key, s in summary["parameters"].items():
        print(f"  | {key} | {s['q50']:.4g} | {s['q05']:.4g} to {s['q95']:.4g} | {s['interval_vs_prior']:.0%} |")
    ok &= wall / 60 <= TARGET_MIN
    if not args.no_figures:
        for src, dst in (("forecast_fan.png", "fit_example_forecast.png"),
                         ("prior_vs_posterior.png", "fit_example_constrained.png")):
            shutil.copyfile(out / src, ROOT / "docs" / dst)
        print("  figures: docs/fit_example_forecast.png, docs/fit_example_constrained.png")

    if not args.skip_resume:
        ok &= resume_check(cmd, base, out, env)
    print(f"  folders: {base}")
    return 0 if ok else 1


def resume_check(cmd: list[str], base: Path, out: Path, env: dict) -> bool:
    """SIGKILL the same fit once a generation is stored, run it again, compare with `out`'s posterior."""
    killed = base / "killed"
    shutil.rmtree(killed, ignore_errors=True)
    proc = subprocess.Popen(cmd + ["--out", str(killed)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    while proc.poll() is None and len(generations(killed / "fit.db")) < 1:
        time.sleep(0.5)
    before = generations(killed / "fit.db")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    t0 = time.perf_counter()
    again = subprocess.run(cmd + ["--out", str(killed)], cwd=ROOT, env=env, capture_output=True, text=True)
    resumed_wall = time.perf_counter() - t0
    after = generations(killed / "fit.db")
    same_rows = after[:len(before)] == before
    said = f"{len(before)} generation(s) read from fit.db, not recomputed" in again.stderr
    same_posterior = (killed / "posterior.csv").exists() and \
        (killed / "posterior.csv").read_text() == (out / "posterior.csv").read_text()
    print(f"  resume: killed (SIGKILL) after {len(before)} stored generation(s); the second run took "
          f"{resumed_wall / 60:.1f} min, kept the stored generations {'unchanged' if same_rows else 'CHANGED'}"
          f"{'' if said else ' (but did not report reusing them)'}, and its posterior "
          f"{'equals' if same_posterior else 'DIFFERS from'} the uninterrupted run's")
    return again.returncode == 0 and same_rows and said and same_posterior


if __name__ == "__main__":
    sys.exit(main())
