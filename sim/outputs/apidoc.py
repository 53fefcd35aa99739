"""Generate `docs/api.md`: the public names of `sim` and `agents` with their docstrings.

`circlesim reference --api --out docs/api.md` regenerates it; a test fails when it is stale.
"""

from __future__ import annotations

import importlib
import inspect

MODULES = [
    "sim", "sim.scenario", "sim.scenario.params", "sim.scenario.schema", "sim.scenario.loader",
    "sim.scenario.reference", "sim.scenario.paths",
    "sim.model", "sim.model.community", "sim.model.state", "sim.model.day", "sim.model.population",
    "sim.model.graphs",
    "sim.model.founding", "sim.model.mechanics", "sim.model.mechanics.events",
    "sim.model.mechanics.acquisition", "sim.model.mechanics.newcomers", "sim.model.mechanics.content",
    "sim.model.mechanics.attention", "sim.model.mechanics.rewards", "sim.model.mechanics.motivation",
    "sim.model.mechanics.churn", "sim.model.mechanics.activity", "sim.model.mechanics.groups",
    "sim.model.strategies", "sim.model.strategies.base",
    "sim.readouts", "sim.readouts.registry", "sim.readouts.recorder", "sim.readouts.lifecycle",
    "sim.readouts.metrics",
    "sim.experiments.runner", "sim.experiments.stats", "sim.experiments.replications",
    "sim.experiments.executors", "sim.experiments.store", "sim.experiments.compare", "sim.experiments.sweep",
    "sim.experiments.evidence", "sim.experiments.dunbar", "sim.experiments.crowding_out",
    "sim.fitting", "sim.fitting.history", "sim.fitting.spec", "sim.fitting.summary", "sim.fitting.engine",
    "sim.fitting.sampler", "sim.fitting.forecast", "sim.fitting.result", "sim.fitting.run", "sim.fitting.from_fit",
    "sim.fitting.calibration", "sim.fitting.weighted",
    "sim.outputs.plots", "sim.outputs.report", "sim.outputs.fit_plots", "sim.outputs.fit_report",
    "sim.outputs.notebooks",
    "sim.cli", "agents", "agents.member",
]


def _signature(obj) -> str:
    """The call signature; a default whose text is long (a whole schema) is shown by its name only."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    params = []
    for p in sig.parameters.values():
        if p.name.startswith("_"):  # circlesim's own switches (Scenario's _checked) are not the API
            continue
        if p.default is not inspect.Parameter.empty and len(repr(p.default)) > 40:
            p = p.replace(default=_Named(type(p.default).__name__))
        params.append(p)
    return str(sig.replace(parameters=params)).replace("'", "")


class _Named:
    """Stands for a long default value in a signature: `tree=<dict>`."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


#: Lines that head a docstring's examples (numpy style and this project's own).
_EXAMPLE_HEADINGS = ("Example", "Examples", "Example (serial, tiny):")


def _doc(obj) -> str:
    """The docstring's prose, its doctest examples as a Python block (the tests run them), then any prose after them.

    An example block ends at a blank line followed by text that is not a doctest (tests/test_scenario.py).
    """
    lines = (inspect.getdoc(obj) or "").splitlines()
    prose, examples, after = lines, [], []
    for i, line in enumerate(lines):
        if line.startswith(">>>") or line.strip() in _EXAMPLE_HEADINGS:
            prose, rest = lines[:i], lines[i:]
            if rest[0].strip() in _EXAMPLE_HEADINGS:  # the heading and its underline, if any
                rest = rest[2:] if len(rest) > 1 and set(rest[1].strip()) == {"-"} else rest[1:]
            for j, text in enumerate(rest):  # a blank line then text that is no doctest ends the examples
                if j and not rest[j - 1].strip() and text.strip() and not text.startswith(">>>"):
                    examples, after = rest[:j], rest[j:]
                    break
            else:
                examples = rest
            break
    while examples and not examples[-1].strip():
        examples.pop()
    while examples and not examples[0].strip():
        examples.pop(0)
    text = "\n".join(prose).strip()
    if examples:
        text += "\n\nExample:\n\n```python\n" + "\n".join(examples) + "\n```"
    if after:
        text += "\n\n" + "\n".join(after).strip()
    return text.strip()


def _public(module):
    names = getattr(module, "__all__", None)
    for name in sorted(names if names else dir(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name, None)
        if obj is None or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        if names is None and getattr(obj, "__module__", None) != module.__name__:
            continue
        yield name, obj


def api_reference() -> str:
    """The Markdown text of docs/api.md: every listed module's docstring and its public names with signatures."""
    out = ["# API reference", "",
           "Generated from docstrings by `circlesim reference --api --out docs/api.md`; do not edit by "
           "hand (a test checks it is current). The examples are the docstrings' doctests, which the test suite "
           "runs.", ""]
    for modname in MODULES:
        module = importlib.import_module(modname)
        out += [f"## `{modname}`", "", _doc(module), ""]
        if modname == "sim":
            out += ["Public names (loaded lazily): " + ", ".join(f"`{n}`" for n in module.__all__), ""]
            continue
        for name, obj in _public(module):
            if inspect.isclass(obj):
                out += [f"### class `{name}{_signature(obj)}`", "", _doc(obj), ""]
                for mname, meth in inspect.getmembers(obj):
                    if mname.startswith("_") or mname in dir(object):
                        continue
                    if getattr(meth, "__qualname__", "").split(".")[0] != obj.__name__:
                        continue
                    if inspect.isfunction(meth):
                        out += [f"- `{mname}{_signature(meth)}`: {(_doc(meth).splitlines() or [''])[0]}"]
                    elif isinstance(inspect.getattr_static(obj, mname), property):
                        out += [f"- `{mname}` (property): {(_doc(meth).splitlines() or [''])[0]}"]
                out.append("")
            else:
                out += [f"### `{name}{_signature(obj)}`", "", _doc(obj), ""]
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n"
