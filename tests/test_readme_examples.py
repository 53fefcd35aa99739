"""The README's printed examples are what the commands print today.

A behaviour change (model version 6's crowding out) left the compare example saying points made
no detectable difference while the command said they added 3,974 active member-days; these
tests run each printed example and compare the README's block with the command's output, so a
change of the model that moves them fails here until the README is rewritten.
"""

from __future__ import annotations

import re
import shlex

from sim.cli import main
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")

COMPARE = ("compare scenarios/baseline.yaml scenarios/invite_fission.yaml scenarios/points.yaml -r 6 "
           "--set population.size=800")


def _block_after(marker: str) -> list[str]:
    """The lines of the first fenced block after `marker` in the README."""
    start = README.index("```\n", README.index(marker)) + 4
    return README[start:README.index("```", start)].rstrip("\n").split("\n")


def _printed(capsys, argv: list[str]) -> list[str]:
    """What `circlesim argv` prints on stdout, without the last line (the files written)."""
    capsys.readouterr()
    assert main(argv) == 0
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    assert lines[-1].startswith("Wrote "), lines[-1]
    lines = lines[:-1]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def test_the_compare_example_is_what_compare_prints(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    prose = " ".join(README.split())
    assert f"`circlesim {COMPARE}`" in prose  # the README names the command this test runs
    expected = _block_after("Both reports, and the terminal, open with a short answer and verdicts")
    got = _printed(capsys, shlex.split(COMPARE) + ["--out", str(tmp_path / "c")])
    assert got == expected


def test_the_sweep_example_is_what_sweep_prints(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    block = _block_after("For example, a small grid")
    assert block[0].startswith("$ circlesim sweep ")
    n_cmd = next(i for i, line in enumerate(block) if not line.endswith("\\")) + 1
    argv = shlex.split(re.sub(r"\\\n\s*", " ", "\n".join(block[:n_cmd]))[len("$ circlesim "):])
    out = argv.index("--out")
    argv[out + 1] = str(tmp_path / "sweep")
    assert _printed(capsys, argv) == block[n_cmd:]


def test_every_link_to_a_readme_section_finds_its_heading():
    """The contents line and the cross-references (#reliability, ...) use GitHub's heading anchors."""
    def anchor(heading: str) -> str:
        return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")

    anchors = {anchor(line.lstrip("#").strip()) for line in README.split("\n") if line.startswith("#")}
    links = set(re.findall(r"\]\(#([^)]+)\)", README))
    docs = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    links |= set(re.findall(r"README\.md#([^)\s]+)\)", docs))
    assert links <= anchors, sorted(links - anchors)
    sections = {anchor(line[3:].strip()) for line in README.split("\n") if line.startswith("## ")}
    assert sections <= links, sorted(sections - links)  # the contents line names every section


def test_the_tour_scenario_is_the_shipped_monthly_events(tmp_path):
    """The README's tour of the scenario file, saved next to the shipped scenarios, resolves to
    `scenarios/monthly_events.yaml` (its description apart): a planner who copies it gets the
    shipped design. The tour once set `group_cap: 500` against the baseline's 200 without saying so."""
    from sim.scenario import load_scenario
    from tests.conftest import SCENARIOS

    start = README.index("```yaml\n", README.index("## A tour of the scenario file")) + len("```yaml\n")
    text = README[start:README.index("```", start)]
    assert text.startswith("extends: baseline.yaml ")
    tour = tmp_path / "tour.yaml"  # as if saved in scenarios/: the base named by its full path
    tour.write_text(text.replace("extends: baseline.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}", 1),
                    encoding="utf-8")
    got = load_scenario(tour).to_dict()
    shipped = load_scenario(SCENARIOS / "monthly_events.yaml").to_dict()
    got.pop("description"), shipped.pop("description")
    assert got == shipped


def test_the_python_example_runs_from_any_folder(tmp_path, monkeypatch, capsys):
    """The README's four-line run from Python works outside the repository (it finds the shipped
    scenarios itself) and prints what it says: the lifespan and the smoothed and raw peaks."""
    start = README.index("```python\n", README.index("From Python, one run is four lines")) + len("```python\n")
    code = README[start:README.index("```", start)]
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    result = namespace["result"]
    printed = capsys.readouterr().out.split()
    assert printed == [str(result.summary["lifespan"]), str(result.summary["peak_dau"]),
                       str(result.timeseries["dau"].max())]
    assert result.summary["peak_dau"] <= result.timeseries["dau"].max()  # a 7-day mean's peak


def test_the_readme_says_what_peak_dau_is_in_the_baseline():
    """'346.7 against 358 in the baseline': the summary's peak DAU is the 7-day mean's peak."""
    import sim

    result = sim.run_scenario(sim.load_scenario(sim.scenarios_dir() / "baseline.yaml"), seed=1)
    said = f"{result.summary['peak_dau']:.1f} against {result.timeseries['dau'].max()} in the baseline"
    assert said in " ".join(README.split())


def test_the_python_compare_and_sweep_example_runs_on_the_base_install(tmp_path, monkeypatch, capsys):
    """The README's compare-and-sweep block asked for method="sobol", which the base install
    (`make baseline`) lacks, and printed nothing (a newcomer, 2026-12-07). Run as a script at fewer
    replications and samples, it prints the verdicts and writes the comparison's folder."""
    start = README.index("```python\n", README.index("Notebooks need no guard.")) + len("```python\n")
    code = README[start:README.index("```", start)]
    statements = "\n".join(line.split("#")[0] for line in code.splitlines())  # the code, not its comments
    assert "sobol" not in statements and "replications=30" in code and "samples=8" in code
    code = code.replace("replications=30", "replications=2").replace("samples=8", "samples=2")
    code = code.replace('"scenarios/', f'"{ROOT}/scenarios/')
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "__main__"})  # noqa: S102 - the README's own example
    printed = capsys.readouterr().out
    assert "points: better on" in printed and "replications are too few to settle" in printed  # what it prints
    assert (tmp_path / "out" / "points" / "report.html").is_file()


def test_the_readme_names_the_current_model_version():
    """README figures name their model version; the line saying which is current must follow the code."""
    from sim.version import MODEL_VERSION

    assert f"prints the current one, {MODEL_VERSION})" in " ".join(README.split())


def test_the_baseline_summary_in_the_readme_is_what_run_prints():
    """The block under 'What the baseline predicts' is format_summary of the shipped baseline, seed 1."""
    import sim
    from sim.outputs.report import format_summary

    scenario = sim.load_scenario(sim.scenarios_dir() / "baseline.yaml")
    text = format_summary(sim.run_scenario(scenario, seed=1).summary, scenario=scenario)
    start = README.index("```\nScenario 'baseline', seed 1,") + 4
    assert README[start:README.index("```", start)].rstrip("\n") == text.rstrip("\n")
