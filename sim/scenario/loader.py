"""Scenario files: YAML in, a validated and frozen `Scenario` out.

* `yaml.safe_load` semantics only (the SafeLoader composes a node tree so each key keeps its
  line number); nothing in a scenario is ever evaluated.
* `extends: base.yaml` merges the file over its base (mappings merge key by key; a key set to
  null in the variant removes a strategy of the base).
* `--set dotted.key=value` overrides are applied last.
* Validation reports *every* problem at once as `file:line: dotted.key: message`, with the
  allowed range or a "did you mean"; `ScenarioError` carries them.

Example
-------
>>> from sim.scenario import load_scenario
>>> sc = load_scenario("scenarios/baseline.yaml", overrides=["population.size=2000"])
>>> sc.population.size
2000
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from sim.scenario.schema import COMMON_STRATEGY_PARAMS, SCHEMA, Param, defaults


# ----------------------------------------------------------------------------------------
# Problems and the error that carries them
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where it is and what is wrong."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.key or '(document)'}: {self.message}"


class ScenarioError(ValueError):
    """Raised when a scenario is invalid; `.problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        # in reading order: by file, then line (problems without a line first)
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0))
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in scenario:"
        super().__init__("\n".join([head] + ["  " + str(p) for p in self.problems]))


# ----------------------------------------------------------------------------------------
# Frozen attribute access
# ----------------------------------------------------------------------------------------
class Section:
    """A read-only mapping with attribute access: `scenario.population.graph.type`.

    Values are also kept in the instance's `__dict__`, so reading `section.key` is a plain
    attribute lookup (the daily step reads parameters a hundred times a day).
    """

    def __init__(self, data: dict):
        self._fill({k: Section(v) if isinstance(v, dict) else v for k, v in data.items()})

    def _fill(self, values: dict) -> None:
        clash = sorted(k for k in values if k in _RESERVED)
        if clash:
            raise ValueError(f"scenario keys {clash} clash with Section methods")
        self.__dict__.update(values)
        self.__dict__["_data"] = values

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_data":
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __setattr__(self, name, value):
        raise AttributeError("scenarios are frozen; use overrides (--set) to change a value")

    def __contains__(self, name) -> bool:
        return name in self._data

    def __iter__(self):
        return iter(self._data)

    def items(self):
        return self._data.items()

    def get(self, name, default=None):
        return self._data.get(name, default)

    def to_dict(self) -> dict:
        return {k: v.to_dict() if isinstance(v, Section) else v for k, v in self._data.items()}

    def __repr__(self) -> str:
        return f"Section({self.to_dict()!r})"

    def __getstate__(self):
        return self.to_dict()

    def __setstate__(self, state):
        self._fill({k: Section(v) if isinstance(v, dict) else v for k, v in state.items()})


class Scenario(Section):
    """A validated, fully resolved scenario. `strategies` holds (name, kind, Section) triples."""

    __slots__ = ("path", "_strategy_specs", "_fit")

    def __init__(self, resolved: dict, path: str | None = None):
        strategies = resolved.get("strategies", {})
        body = {k: v for k, v in resolved.items() if k not in ("strategies", "fit")}
        super().__init__(body)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_fit", copy.deepcopy(resolved.get("fit")))
        specs = []
        for name, spec in strategies.items():
            specs.append((name, spec["kind"], Section(spec)))
        object.__setattr__(self, "_strategy_specs", tuple(specs))

    @property
    def strategies(self) -> tuple:
        """The scenario's strategies as (name, kind, Section) triples, one per configured strategy."""
        return self._strategy_specs

    @property
    def fit(self) -> dict | None:
        """The validated `fit:` section (priors and fit settings, see `sim.fitting.spec`), or None.

        It describes how to calibrate the scenario, not the community, so it is kept out of
        `to_dict()` and `digest()`: a fit section never changes what a run simulates.
        """
        return copy.deepcopy(self._fit)

    def to_dict(self) -> dict:
        """The resolved parameters as plain nested dicts, strategies included (for manifests and YAML)."""
        out = super().to_dict()
        out["strategies"] = {name: spec.to_dict() for name, _, spec in self._strategy_specs}
        return out

    def digest(self) -> str:
        """A stable hash of the resolved parameters (seed excluded): names a result store entry."""
        d = self.to_dict()
        d.pop("seed", None)
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def with_overrides(self, overrides: Iterable[str]) -> "Scenario":
        """A new Scenario with dotted `key=value` overrides applied and validated."""
        doc = self.to_dict()
        if self._fit is not None:
            doc["fit"] = copy.deepcopy(self._fit)
        locs: dict = {}
        problems: list[Problem] = []
        _apply_overrides(doc, locs, list(overrides), problems)
        resolved = _validate(doc, locs, self.path or "<scenario>", problems, base_dir=None)
        if problems:
            raise ScenarioError(problems)
        return Scenario(resolved, self.path)

    def __getstate__(self):
        return {"resolved": self.to_dict(), "path": self.path, "fit": self._fit}

    def __setstate__(self, state):
        self.__init__({**state["resolved"], "fit": state.get("fit")}, state["path"])

    def __repr__(self) -> str:
        return f"Scenario(name={self.get('name')!r}, path={self.path!r})"


# ----------------------------------------------------------------------------------------
# YAML with line numbers
# ----------------------------------------------------------------------------------------
def _read_yaml(path: Path, problems: list[Problem]) -> tuple[Any, dict]:
    """Parse one file safely; return (document, {key path tuple: line})."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(str(path), None, "", "file not found"))
        return None, {}
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), None, "", f"cannot read file: {exc}"))
        return None, {}
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        if line is None and isinstance(exc, yaml.reader.ReaderError):
            line = text.count("\n", 0, exc.position) + 1
        msg = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x)
        problems.append(Problem(str(path), line, "", f"YAML syntax error: {msg or exc}"))
        return None, {}
    finally:
        if loader is not None:
            loader.dispose()
    lines: dict = {}
    _collect_lines(node, (), lines)
    return data, lines


def _collect_lines(node, prefix: tuple, lines: dict) -> None:
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                path = prefix + (key_node.value,)
                _collect_lines(value_node, path, lines)
                lines[path] = key_node.start_mark.line + 1


def _merge(base: dict, over: dict) -> dict:
    """Deep-merge `over` into a copy of `base`; a None in `over` deletes a mapping entry."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _load_chain(path: Path, problems: list[Problem], seen: tuple = ()) -> tuple[dict, dict]:
    """Load a file and everything it extends; return (merged doc, {key path: (file, line)})."""
    path = Path(path)
    if path.resolve() in seen:
        problems.append(Problem(str(path), None, "extends", "circular 'extends' chain: "
                                + " -> ".join(str(p) for p in seen + (path.resolve(),))))
        return {}, {}
    doc, lines = _read_yaml(path, problems)
    if doc is None:
        return {}, {}
    if not isinstance(doc, dict):
        problems.append(Problem(str(path), lines.get((), 1), "", "a scenario must be a mapping of keys"))
        return {}, {}
    locs = {k: (str(path), v) for k, v in lines.items() if k}
    base_doc, base_locs = {}, {}
    if "extends" in doc:
        target = doc.pop("extends")
        if not isinstance(target, str):
            problems.append(Problem(str(path), lines.get(("extends",)), "extends",
                                    "must be a file path relative to this file"))
        else:
            base_path = (path.parent / target)
            if not base_path.exists():
                problems.append(Problem(str(path), lines.get(("extends",)), "extends",
                                        f"base scenario not found: {base_path}"))
            else:
                base_doc, base_locs = _load_chain(base_path, problems, seen + (path.resolve(),))
        locs.pop(("extends",), None)
    merged = _merge(base_doc, doc)
    # keys deleted by null are dropped from the merged doc for strategies only (documented)
    strategies = merged.get("strategies")
    if isinstance(strategies, dict):
        for name in [n for n, v in strategies.items() if v is None]:
            del strategies[name]
    all_locs = dict(base_locs)
    all_locs.update(locs)
    return merged, all_locs


#: Names a section key may not take (they would hide the mapping's methods).
_RESERVED = frozenset({"get", "items", "to_dict", "with_overrides", "strategies", "path", "_fill", "_data",
                       "fit", "_fit"})


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, reading numbers such as 1e6 or 2.5e-5 as floats (YAML 1.2), not text."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+.0123456789"))


def _apply_overrides(doc: dict, locs: dict, overrides: list[str], problems: list[Problem]) -> None:
    for text in overrides:
        if "=" not in text:
            problems.append(Problem("--set", None, text, "expected KEY=VALUE"))
            continue
        key, raw = text.split("=", 1)
        key = key.strip()
        try:
            value = yaml.load(raw, Loader=_Loader) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        parts = key.split(".")
        if not key or any(not p for p in parts):
            problems.append(Problem("--set", None, key, "malformed key"))
            continue
        node = doc
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[parts[-1]] = value
        locs[tuple(parts)] = ("--set", None)
        for i in range(1, len(parts)):
            locs.setdefault(tuple(parts[:i]), ("--set", None))


# ----------------------------------------------------------------------------------------
# Validation against the schema
# ----------------------------------------------------------------------------------------
def _where(locs: dict, path: tuple, default_file: str) -> tuple[str, int | None]:
    p = path
    while p:
        if p in locs:
            return locs[p]
        p = p[:-1]
    return default_file, None


def _check_leaf(value: Any, spec: Param) -> str | None:
    """Return an error message if `value` does not fit `spec`, else None."""
    if value is None:
        return None if spec.nullable else f"must not be empty; allowed: {spec.describe_range()}"
    t = spec.type
    if t == "bool":
        if not isinstance(value, bool):
            return f"expected true or false, got {value!r}"
        return None
    if t == "str":
        if not isinstance(value, str):
            return f"expected text, got {value!r}"
        if spec.choices and value not in spec.choices:
            close = difflib.get_close_matches(value, spec.choices, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            return f"{value!r} is not allowed; {spec.describe_range()}{hint}"
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"expected a number ({spec.describe_range()}), got {value!r}"
    if t == "int" and not (isinstance(value, int) or float(value).is_integer()):
        return f"expected a whole number ({spec.describe_range()}), got {value!r}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"expected a finite number, got {value!r}"
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        return f"{value!r} is out of range; allowed: {spec.describe_range()}"
    return None


def _coerce(value: Any, spec: Param) -> Any:
    if value is None:
        return None
    if spec.type == "int":
        return int(value)
    if spec.type == "float":
        return float(value)
    return value


def _validate_tree(doc: Any, tree: dict, path: tuple, locs: dict, file: str,
                   problems: list[Problem]) -> dict:
    """Check `doc` against a schema section; return it with defaults filled in."""
    out: dict = {}
    if not isinstance(doc, dict):
        f, line = _where(locs, path, file)
        problems.append(Problem(f, line, ".".join(path), f"expected a mapping of keys, got {doc!r}"))
        doc = {}
    for key in doc:
        if key not in tree:
            f, line = _where(locs, path + (str(key),), file)
            close = difflib.get_close_matches(str(key), [k for k in tree], n=1)
            hint = f"; did you mean {'.'.join(path + (close[0],))!r}?" if close else \
                f"; allowed keys: {', '.join(sorted(tree))}"
            problems.append(Problem(f, line, ".".join(path + (str(key),)), "unknown key" + hint))
    for key, node in tree.items():
        here = path + (key,)
        if isinstance(node, Param):
            value = doc.get(key, node.default)
            msg = _check_leaf(value, node)
            if msg:
                f, line = _where(locs, here, file)
                problems.append(Problem(f, line, ".".join(here), msg))
                out[key] = node.default
            else:
                out[key] = _coerce(value, node)
        else:
            out[key] = _validate_tree(doc.get(key, {}) if doc.get(key) is not None else {},
                                      node, here, locs, file, problems)
    return out


def strategy_schema(kind: str) -> dict:
    """Common schedule parameters plus the kind's own (see `sim/model/strategies/`)."""
    from sim.model.strategies import KINDS

    return {**COMMON_STRATEGY_PARAMS, **KINDS[kind].PARAMS}


def _validate_strategies(doc: Any, locs: dict, file: str, problems: list[Problem]) -> dict:
    from sim.model.strategies import KINDS

    out: dict = {}
    if doc is None:
        return out
    if not isinstance(doc, dict):
        f, line = _where(locs, ("strategies",), file)
        problems.append(Problem(f, line, "strategies", "expected a mapping of name: settings"))
        return out
    for name, spec in doc.items():
        here = ("strategies", str(name))
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            f, line = _where(locs, here, file)
            problems.append(Problem(f, line, ".".join(here), "expected a mapping of settings"))
            continue
        kind = spec.get("kind") or name
        if kind not in KINDS:
            f, line = _where(locs, here + (("kind",) if "kind" in spec else ()), file)
            close = difflib.get_close_matches(str(kind), list(KINDS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known kinds: {', '.join(KINDS)}"
            problems.append(Problem(f, line, ".".join(here), f"unknown strategy kind {kind!r}{hint}"))
            continue
        values = _validate_tree(spec, strategy_schema(kind), here, locs, file, problems)
        values["kind"] = kind
        if values["stop"] is not None and values["stop"] <= values["start"]:
            f, line = _where(locs, here + ("stop",), file)
            problems.append(Problem(f, line, ".".join(here + ("stop",)),
                                    f"stop ({values['stop']}) must be after start ({values['start']})"))
        out[str(name)] = values
    return out


def _validate(doc: dict, locs: dict, file: str, problems: list[Problem],
              base_dir: Path | None) -> dict:
    body = {k: v for k, v in doc.items() if k not in ("strategies", "fit")}
    resolved = _validate_tree(body, SCHEMA, (), locs, file, problems)
    resolved["strategies"] = _validate_strategies(doc.get("strategies"), locs, file, problems)
    _cross_checks(resolved, locs, file, problems, base_dir)
    if doc.get("fit") is not None:
        # the calibration section (sim/fitting/spec.py), checked against the resolved scenario
        from sim.fitting.spec import validate_fit_section

        resolved["fit"] = validate_fit_section(doc["fit"], resolved, locs, file, problems)
    return resolved


def _cross_checks(r: dict, locs: dict, file: str, problems: list[Problem],
                  base_dir: Path | None) -> None:
    """Checks that involve more than one key (graph file present, seeds fit the population)."""
    graph = r["population"]["graph"]
    if graph["type"] == "file":
        gfile = graph["file"]
        key = ("population", "graph", "file")
        f, line = _where(locs, key if key in locs else ("population", "graph", "type"), file)
        if not gfile:
            problems.append(Problem(f, line, ".".join(key), "graph type 'file' needs a file path"))
        else:
            origin = Path(f).parent if f not in ("--set", "<scenario>") else (base_dir or Path("."))
            full = Path(gfile) if os.path.isabs(gfile) else origin / gfile
            if not full.exists():
                problems.append(Problem(f, line, ".".join(key), f"graph file not found: {full}"))
            else:
                graph["file"] = str(full.resolve())
    elif graph["file"] is not None and ("population", "graph", "file") in locs:
        f, line = _where(locs, ("population", "graph", "file"), file)
        problems.append(Problem(f, line, "population.graph.file",
                                f"a file is given but graph type is {graph['type']!r}; set type: file"))
    c = r["community"]
    if graph["type"] in ("clustered_scale_free", "watts_strogatz", "interest_clusters",
                         "erdos_renyi", "complete"):
        size = r["population"]["size"]
        founders = c["organizers"] + c["core_seeds"]
        if founders > size:
            f, line = _where(locs, ("community", "core_seeds"), file)
            problems.append(Problem(f, line, "community", f"organizers + core_seeds ({founders}) "
                                    f"exceed population.size ({size})"))
        if graph["mean_degree"] >= size:
            f, line = _where(locs, ("population", "graph", "mean_degree"), file)
            problems.append(Problem(f, line, "population.graph.mean_degree",
                                    f"{graph['mean_degree']} must be below population.size ({size})"))
    if c["core_seeds"] > c["core_capacity"]:
        f, line = _where(locs, ("community", "core_capacity"), file)
        problems.append(Problem(f, line, "community.core_capacity",
                                f"{c['core_capacity']} is below community.core_seeds ({c['core_seeds']})"))


# ----------------------------------------------------------------------------------------
# Public entry points
# ----------------------------------------------------------------------------------------
def load_scenario(path: str | os.PathLike, overrides: Iterable[str] = (),
                  seed: int | None = None, days: int | None = None) -> Scenario:
    """Load, merge (`extends`), override (`--set`) and validate a scenario file.

    Raises `ScenarioError` listing every problem with file, line and dotted key.

    >>> load_scenario("scenarios/baseline.yaml", seed=7).seed
    7
    """
    problems: list[Problem] = []
    path = Path(path)
    doc, locs = _load_chain(path, problems)
    if problems and not doc:
        raise ScenarioError(problems)
    extra = list(overrides)
    if seed is not None:
        extra.append(f"seed={seed}")
    if days is not None:
        extra.append(f"horizon_days={days}")
    _apply_overrides(doc, locs, extra, problems)
    resolved = _validate(doc, locs, str(path), problems, base_dir=path.parent)
    if problems:
        raise ScenarioError(problems)
    return Scenario(resolved, str(path))


def scenario_from_dict(doc: dict, overrides: Iterable[str] = (), name: str = "<dict>",
                       base_dir: str | os.PathLike | None = None) -> Scenario:
    """Build a Scenario from a Python dict (notebooks); same validation as files.

    >>> scenario_from_dict({"population": {"size": 300}}).population.size
    300
    """
    problems: list[Problem] = []
    doc = copy.deepcopy(doc)
    locs: dict = {}
    _apply_overrides(doc, locs, list(overrides), problems)
    resolved = _validate(doc, locs, name, problems, base_dir=Path(base_dir) if base_dir else None)
    if problems:
        raise ScenarioError(problems)
    return Scenario(resolved, None)


def default_scenario() -> Scenario:
    """The scenario with every parameter at its default and no strategy."""
    return scenario_from_dict({})


__all__ = ["Scenario", "ScenarioError", "Problem", "load_scenario", "scenario_from_dict",
           "default_scenario", "defaults"]
