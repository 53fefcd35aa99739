"""Every notebook runs top to bottom on a fresh install, at reduced size.

Parameters are overridden the papermill way: a cell is injected after the cell tagged
'parameters'. A cell that raises fails the test, and so does a notebook that draws nothing.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
SMALL = {
    "01_quickstart.ipynb": "SIZE = 600\nDAYS = 200",
    "02_dunbar_limit.ipynb": "SIZE = 600\nDAYS = 200\nREPS = 2\nSEEDS = 1\nGROUP_SIZES = (25, 150, 600)\n"
                             "EXECUTOR = 'serial'",
    "03_incentive_designs.ipynb": "SIZE = 600\nDAYS = 250\nREPS = 3\nEXECUTOR = 'serial'",
    "04_sensitivity.ipynb": "SIZE = 400\nDAYS = 200\nSAMPLES = 4\nREPS = 1\nEXECUTOR = 'serial'",
    "05_evidence.ipynb": "SIZE = 1500\nSEEDS = 2\nDAYS_E1 = 200\nSIZE_E7 = 1000\nLIFESPAN_SEEDS = 3",
    "06_fit_and_forecast.ipynb": "SIZE = 400\nHISTORY_DAYS = 40\nFORECAST_DAYS = 150\nPOPULATION = 10\n"
                                 "GENERATIONS = 2\nBUDGET = 60\nDRAWS = 4\nCOMPARE_DRAWS = 3\nEXECUTOR = 'serial'",
}


def test_every_notebook_is_covered_and_stripped():
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert names == sorted(SMALL)
    for name in names:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{name}: outputs not stripped"


@pytest.mark.parametrize("name", sorted(SMALL))
def test_notebook_runs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    injected = nbformat.v4.new_code_cell("# injected by the test suite\n" + SMALL[name])
    nb.cells.insert(at + 1, injected)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    images = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs
                 if "image/png" in o.get("data", {}))
    assert images >= 1, f"{name} drew no figure"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert errors == []
