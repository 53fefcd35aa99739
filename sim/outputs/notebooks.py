"""Execute the shipped notebooks in place, with their outputs, and tell when a committed one is stale.

    python -m sim.outputs.notebooks                  # every notebook in notebooks/, at its own parameters
    python -m sim.outputs.notebooks 01_quickstart    # just one (name with or without .ipynb)
    python -m sim.outputs.notebooks --check          # list stale notebooks, execute nothing (exit 1 if any)

Each notebook runs top to bottom with nbclient (kernel `python3`, working directory
`notebooks/`, progress bars off) and is written back with its outputs and, in its metadata,
``{"circlesim": {"model_version": MODEL_VERSION, "cells_sha256": ..., "packages": {...}}}``: the
model version it ran with, a hash of its code cells' sources and the package versions it ran with
(`--check` notes packages installed at other versions; that alone does not make it stale).
`stale_reasons` is what the test suite checks: a notebook whose code changed since it was
executed, that ran with another model version, has an unexecuted cell, an error output or no
figure is stale.

Executing needs the `[notebooks]` extra (nbclient, nbformat, ipykernel); `--check` needs nothing.

>>> cells_sha256({"cells": [{"cell_type": "markdown", "source": "# t"}, {"cell_type": "code", "source": "x = 1"}]})[:12]
'7651434d08cd'
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from sim.version import MODEL_VERSION

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def cells_sha256(nb) -> str:
    """SHA-256 of the code cells' sources, in order (markdown and outputs do not count)."""
    h = hashlib.sha256()
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            h.update(_source(cell).encode())
            h.update(b"\0")
    return h.hexdigest()


def stale_reasons(nb) -> list[str]:
    """Why a committed notebook no longer matches its code and the model (empty: it is fresh)."""
    reasons = []
    meta = nb.get("metadata", {}).get("circlesim", {})
    if meta.get("model_version") != MODEL_VERSION:
        reasons.append(f"ran with model version {meta.get('model_version')}, the model is at {MODEL_VERSION}")
    if meta.get("cells_sha256") != cells_sha256(nb):
        reasons.append("its code cells changed since it was executed")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    unrun = [i for i, c in enumerate(code, 1) if c.get("execution_count") is None]
    if unrun:
        reasons.append(f"code cell(s) {unrun} not executed")
    errors = [o.get("ename", "error") for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        reasons.append(f"error output(s): {errors}")
    if not any("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", [])):
        reasons.append("no figure in its outputs")
    return reasons


#: Distributions whose versions a notebook's outputs can depend on (recorded when it is executed).
PACKAGES = ("numpy", "scipy", "pandas", "mesa", "networkx", "matplotlib", "pyabc", "SALib")


def package_versions() -> dict:
    """Python's and `PACKAGES`' installed versions (a package not installed is left out)."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def version_notes(nb, installed: dict | None = None) -> list[str]:
    """Packages installed at other versions than the notebook ran with (not stale: its outputs may differ a little).

    The same code and seed give the same numbers within one install; another pandas, numpy or
    pyabc may move the last digits, or a fit's posterior (notebook 06's fit moved so between
    two installs on 2026-12-07). A notebook executed before versions were recorded has none.

    >>> version_notes({"metadata": {"circlesim": {"packages": {"numpy": "2.0.0"}}}}, {"numpy": "2.1.0"})
    ['numpy 2.1.0 installed, executed with 2.0.0']
    """
    ran = nb.get("metadata", {}).get("circlesim", {}).get("packages") or {}
    installed = package_versions() if installed is None else installed
    return [f"{k} {installed.get(k, 'not installed')} installed, executed with {v}"
            for k, v in ran.items() if installed.get(k) != v]


def _clean_text(text: str, root: Path) -> str:
    """The text with the checkout's path as '.' and temporary folders as '<temporary folder>'."""
    text = text.replace(str(root) + os.sep, "./").replace(str(root), ".")
    tmp = re.escape(tempfile.gettempdir().rstrip(os.sep) + os.sep)
    return re.sub(tmp + r"[^\s'\"()\[\],;:]+", "<temporary folder>", text)


def _clean_outputs(nb, root: Path) -> None:
    """Machine-specific paths out of the text outputs, so outputs do not differ by machine or run."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = _clean_text(out["text"], root)
            for key, value in out.get("data", {}).items():
                if key.startswith("text/") and isinstance(value, str):
                    out["data"][key] = _clean_text(value, root)


def execute(path: str | os.PathLike, timeout: int = 1800) -> float:
    """Execute the notebook at `path` in place at its own parameters; return the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    os.environ["TQDM_DISABLE"] = "1"  # the kernel inherits it: no progress bars in the outputs
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    _clean_outputs(nb, path.resolve().parents[1])
    nb.metadata["circlesim"] = {"model_version": MODEL_VERSION, "cells_sha256": cells_sha256(nb),
                                "packages": package_versions()}
    nbformat.write(nb, path)
    return seconds


def _paths(names) -> list[Path]:
    if not names:
        return sorted(NOTEBOOKS.glob("*.ipynb"))
    out = []
    for name in names:
        p = NOTEBOOKS / (name if name.endswith(".ipynb") else f"{name}.ipynb")
        if not p.is_file():
            raise SystemExit(f"no notebook {p}")
        out.append(p)
    return out


def main(argv=None) -> int:
    """Command line: execute the named notebooks (default: all) in place, or `--check` which are stale."""
    ap = argparse.ArgumentParser(prog="python -m sim.outputs.notebooks", description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", help="notebooks in notebooks/ (default: all)")
    ap.add_argument("--check", action="store_true", help="only list stale notebooks; exit 1 if any")
    args = ap.parse_args(argv)
    if args.check:  # a notebook is JSON: checking needs no extra (it needed nbclient; a newcomer, 2026-12-07)
        import json

        stale = 0
        for p in _paths(args.names):
            nb = json.loads(p.read_text(encoding="utf-8"))
            reasons = stale_reasons(nb)
            stale += bool(reasons)
            print(f"{p.name}: " + ("; ".join(reasons) if reasons else "fresh"))
            notes = version_notes(nb)
            if notes:  # said, not counted: outputs may differ in the last digits under other versions
                print(f"  note: {'; '.join(notes)}: re-execute to see this install's outputs")
        return 1 if stale else 0
    try:  # the notebooks extra: one line saying what to install, not a traceback
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError as exc:
        print(f"python -m sim.outputs.notebooks needs the notebooks extra ({exc.name} is missing): "
              "pip install -e '.[notebooks]'", file=sys.stderr)
        return 1
    total = 0.0
    for p in _paths(args.names):
        print(f"{p.name} ...", end=" ", flush=True)
        seconds = execute(p)
        total += seconds
        print(f"{seconds:.0f} s")
    print(f"all done in {total / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
