"""The notebooks: committed with fresh outputs, and each runs top to bottom at reduced size from any directory.

The committed notebooks carry their outputs (figures visible on the repository page);
`python -m sim.outputs.notebooks` re-executes them at their own parameters and records the
model version and a hash of the code cells, which `test_committed_notebook_is_fresh` compares.

The reduced-size runs override parameters the papermill way: a cell is injected after the cell
tagged 'parameters'. A cell that raises fails the test, and so does a notebook that draws
nothing. The checks that used to be `assert` lines inside the notebooks run here instead, on the
executed notebook's variables (a last cell injected by the test prints them as JSON).
"""

from __future__ import annotations

import copy
import json

import nbformat
import pytest
from nbclient import NotebookClient

import sim
from sim.outputs.notebooks import cells_sha256, package_versions, stale_reasons, version_notes
from sim.version import MODEL_VERSION
from tests.conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
SMALL = {
    "01_quickstart.ipynb": "SIZE = 600\nDAYS = 200",
    "02_dunbar_limit.ipynb": "SIZE = 600\nDAYS = 200\nREPS = 2\nSEEDS = 1\nGROUP_SIZES = (25, 150, 600)\n"
                             "EXECUTOR = 'serial'",
    "03_incentive_designs.ipynb": "SIZE = 600\nDAYS = 250\nREPS = 3\nEXECUTOR = 'serial'",
    "04_sensitivity.ipynb": "SIZE = 400\nDAYS = 200\nSAMPLES = 4\nREPS = 1\nEXECUTOR = 'serial'",
    "05_evidence.ipynb": "SIZE = 1500\nSEEDS = 2\nDAYS_E1 = 200\nSIZE_E7 = 1000\nSEEDS_E7 = 2\nLIFESPAN_SEEDS = 3",
    "06_fit_and_forecast.ipynb": "SIZE = 800\nHISTORY_DAYS = 40\nFORECAST_DAYS = 150\nPOPULATION = 10\n"
                                 "GENERATIONS = 2\nBUDGET = 60\nDRAWS = 4\nCOMPARE_DRAWS = 3\nEXECUTOR = 'serial'",
}

# per notebook: code run after the last cell, defining `_check` (a JSON-able dict) from its variables
PROBES = {
    "01_quickstart.ipynb": """
_check = {"rows": len(ts), "days": DAYS, "phases": len(summary["lifecycle"]["phases"]),
          "core_at_peak": len(at_peak.agents_by_type.get(CoreMember, [])),
          "replay_is_the_run": bool(at_peak.timeseries().equals(ts.iloc[:peak_day + 1]))}""",
    "02_dunbar_limit.ipynb": """
_full = exp[exp["variant"] == "all mechanisms"].groupby("scenario").mean(numeric_only=True)
_check = {"engagement_small": by_size.loc[small, "engagement"], "engagement_big": by_size.loc[big, "engagement"],
          "strangers_one_group": _full.loc["one_group.yaml", "strangers"],
          "strangers_dunbar_30": _full.loc["dunbar_30.yaml", "strangers"]}""",
    "03_incentive_designs.ipynb": """
_check = {"runs": len(res.runs()), "expected": len(files) * REPS, "labels": res.labels,
          "verdicts": res.verdicts(), "between": res.variant_trade_offs()}""",
    "04_sensitivity.ipynb": """
_check = {"points": len(sw.table()), "expected": SAMPLES * (len(params) + 2),
          "indexed": sorted(set(zip(ind["measure"], ind["parameter"]))), "keys": sw.keys}""",
    "05_evidence.ipynb": """
_check = {"verdicts": sorted(verdicts)}""",
    "06_fit_and_forecast.ipynb": """
_check = {"draws": len(res.draws), "verdicts": cmp.verdicts()}""",
}


def check_01(v):
    assert v["rows"] == v["days"] and v["phases"] > 0, "the run must produce its days and phases"
    assert v["core_at_peak"] > 0, "the circles are inspected on a day the core exists"
    assert v["replay_is_the_run"], "the replay to the peak is the same run as the full one"


def check_02(v):
    assert v["engagement_big"] < v["engagement_small"], "engagement must fall past Dunbar"
    assert v["strangers_one_group"] > v["strangers_dunbar_30"], "strangers must grow with group size"


def check_03(v):
    assert v["runs"] == v["expected"], "every design ran every replication"
    for label in v["labels"][1:]:
        assert any(s.startswith(label) for s in v["verdicts"]), f"no verdict for {label}"
    variants = v["labels"][1:]
    expected = [f"{b} against {a}: " for i, a in enumerate(variants) for b in variants[i + 1:]]
    assert [s[:len(e)] for s, e in zip(v["between"], expected)] == expected, "one line per pair of designs"


def check_04(v):
    assert v["points"] == v["expected"], "Saltelli's scheme gives SAMPLES * (d + 2) design points"
    assert v["indexed"] == sorted([m, k] for m in ("lifespan", "active_member_days") for k in v["keys"])


def check_05(v):
    assert v["verdicts"] == sorted(["E1", "E1 concave from two friends", "E2", "E2 bottom 90% over a life", "E3/E4",
                                    "E5", "E6", "E7", "E8", "E9", "E9 tie strength", "E10", "E10 (experiment)",
                                    "E10 answered share", "E11", "E12"])


def check_06(v):
    assert v["draws"] > 0 and v["verdicts"], "the fit yields draws and the comparison verdicts"


CHECKS = {"01_quickstart.ipynb": check_01, "02_dunbar_limit.ipynb": check_02, "03_incentive_designs.ipynb": check_03,
          "04_sensitivity.ipynb": check_04, "05_evidence.ipynb": check_05, "06_fit_and_forecast.ipynb": check_06}


def _read(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_every_notebook_is_covered():
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert names == sorted(SMALL) == sorted(PROBES) == sorted(CHECKS)
    for name in names:
        assert any("parameters" in c.metadata.get("tags", []) for c in _read(name).cells), name


@pytest.mark.parametrize("name", sorted(SMALL))
def test_committed_notebook_is_fresh(name):
    """Executed with the current code cells and model version, no errors, a figure: else re-run the script."""
    reasons = stale_reasons(_read(name))
    assert reasons == [], f"{name} is stale ({'; '.join(reasons)}): run python -m sim.outputs.notebooks {name}"


@pytest.mark.parametrize("name", sorted(SMALL))
def test_committed_outputs_hold_no_machine_paths_or_progress_bars(name):
    texts = [o.get("text", "") + "".join(v for k, v in o.get("data", {}).items() if k.startswith("text/"))
             for c in _code(_read(name)) for o in c.outputs]
    for text in texts:
        assert str(ROOT) not in text and "/tmp/" not in text and "/home/" not in text, text[:300]
        assert "it/s]" not in text and "\r" not in text, f"a progress bar in {name}: {text[:200]}"


def test_staleness_is_detected():
    nb = _read("01_quickstart.ipynb")
    assert stale_reasons(nb) == []
    edited = copy.deepcopy(nb)
    _code(edited)[-1].source += "\nprint('edited')"
    assert any("code cells changed" in r for r in stale_reasons(edited))
    older = copy.deepcopy(nb)
    older.metadata["circlesim"]["model_version"] = MODEL_VERSION - 1
    assert any("model version" in r for r in stale_reasons(older))
    stripped = copy.deepcopy(nb)
    for c in _code(stripped):
        c.outputs, c.execution_count = [], None
    reasons = stale_reasons(stripped)
    assert any("not executed" in r for r in reasons) and any("no figure" in r for r in reasons)
    failed = copy.deepcopy(nb)
    _code(failed)[0].outputs.append(nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[]))
    assert any("ValueError" in r for r in stale_reasons(failed))
    # markdown does not count: prose can be edited without re-running
    prose = copy.deepcopy(nb)
    prose.cells[0].source += "\nMore prose."
    assert cells_sha256(prose) == cells_sha256(nb) and stale_reasons(prose) == []


def test_other_package_versions_are_noted_not_counted_stale():
    """Notebook 06's fit moved between two installs of the same code (2026-12-07): --check now says
    which packages are installed at other versions than a notebook ran with, without calling it stale."""
    nb = _read("01_quickstart.ipynb")
    ran = copy.deepcopy(nb)
    ran.metadata["circlesim"]["packages"] = package_versions()
    assert version_notes(ran) == [] and stale_reasons(ran) == stale_reasons(nb)
    moved = copy.deepcopy(ran)
    moved.metadata["circlesim"]["packages"]["pandas"] = "0.0.1"
    assert version_notes(moved) == [f"pandas {package_versions()['pandas']} installed, executed with 0.0.1"]
    assert stale_reasons(moved) == stale_reasons(nb)
    assert version_notes({"metadata": {"circlesim": {}}}) == []  # executed before versions were recorded


def test_notebooks_hold_no_assert_lines():
    for name in sorted(SMALL):
        for cell in _code(_read(name)):
            assert not any(line.lstrip().startswith("assert ") for line in cell.source.splitlines()), \
                f"{name}: checks belong in tests/test_notebooks.py, not in the narrative"


def test_notebooks_find_scenarios_through_the_package():
    for name in sorted(SMALL):
        src = "\n".join(c.source for c in _code(_read(name)))
        assert "sim.scenarios_dir()" in src and "Path.cwd()" not in src, name


def test_scenarios_dir_is_found_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("CIRCLESIM_SCENARIO_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert sim.scenarios_dir() == (ROOT / "scenarios").resolve()
    assert (sim.scenarios_dir() / "baseline.yaml").is_file()


def test_scenarios_dir_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("CIRCLESIM_SCENARIO_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="nowhere.*CIRCLESIM_SCENARIO_DIR"):
        sim.scenarios_dir()


@pytest.mark.parametrize("name", sorted(SMALL))
def test_notebook_runs(name, tmp_path, monkeypatch):
    """A copy runs at reduced size with the kernel in an empty directory; the file is not written."""
    monkeypatch.setenv("TQDM_DISABLE", "1")
    monkeypatch.delenv("CIRCLESIM_SCENARIO_DIR", raising=False)
    nb = _read(name)
    for c in _code(nb):
        c.outputs, c.execution_count = [], None
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell("# injected by the test suite\n" + SMALL[name]))
    nb.cells.append(nbformat.v4.new_code_cell(
        "# injected by the test suite\nimport json as _json\n" + PROBES[name].strip()
        + "\nprint(_json.dumps(_check, default=float))"))
    before = (NOTEBOOKS / name).read_bytes()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert (NOTEBOOKS / name).read_bytes() == before
    errors = [o for c in _code(nb) for o in c.outputs if o.get("output_type") == "error"]
    assert errors == []
    images = sum(1 for c in _code(nb) for o in c.outputs if "image/png" in o.get("data", {}))
    assert images >= 1, f"{name} drew no figure"
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    CHECKS[name](json.loads(printed.strip().splitlines()[-1]))
