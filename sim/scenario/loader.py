"""Scenario files: YAML in, a validated and frozen `Scenario` out.

* `yaml.safe_load` semantics only (the SafeLoader composes a node tree so each key keeps its
  line number); nothing in a scenario is ever evaluated.
* `extends: base.yaml` merges the file over its base (mappings merge key by key; a key set to
  null in the variant removes a strategy of the base); `name` and `description` are the
  file's own, not inherited: a variant without a `name` is named after its file.
* `--set dotted.key=value` overrides are applied last.
* Validation reports *every* problem at once as `file:line: dotted.key: message`, with the
  allowed range or a "did you mean"; `ScenarioError` carries them (its text shows the first
  `MAX_SHOWN_PROBLEMS`, and values are quoted at most `MAX_VALUE_CHARS` long).
* Hostile input is bounded before it costs anything: files are regular files of at most
  `files.MAX_SCENARIO_BYTES`; nesting deeper than `MAX_DEPTH`, documents expanding (through
  YAML aliases) to more than `MAX_NODES` values, recursive aliases, duplicate keys and
  `extends` chains longer than `MAX_EXTENDS` files are problems, not crashes.
* Numbers are read in decimal only (YAML 1.2 style: `500`, `1_000`, `2.5`, `1e7`, `.5e3`); the
  YAML 1.1 forms `0x1F4`, `0o17` and `1:30` (base 60) are not numbers here, and an integer with
  a leading zero (`0777`: octal 511 in YAML 1.1, 777 in YAML 1.2) is refused as ambiguous.

Example
-------
>>> from sim import load_scenario, scenarios_dir
>>> sc = load_scenario(scenarios_dir() / "baseline.yaml", overrides=["population.size=2000"])
>>> sc.population.size
2000
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import numbers
import os
import re
import reprlib
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterable

import numpy as np
import yaml

from sim.scenario import files
from sim.scenario.schema import SCHEMA, Param, defaults
from sim.scenario.schema import strategy_params as strategy_schema

#: Deepest nesting of mappings and lists in a scenario (the schema itself is 3 levels deep).
MAX_DEPTH = 20
#: Most values a document may hold once YAML aliases are expanded (a scenario has ~150).
MAX_NODES = 100_000
#: Longest `extends` chain (a variant of a variant of ... the baseline).
MAX_EXTENDS = 16
#: Problems shown in a `ScenarioError`'s message (all of them stay in `.problems`).
MAX_SHOWN_PROBLEMS = 50
#: Longest quotation of a value or key in a message.
MAX_VALUE_CHARS = 80

_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = MAX_VALUE_CHARS
_repr.maxlevel, _repr.maxlist, _repr.maxdict, _repr.maxtuple, _repr.maxset = 3, 4, 4, 4, 4


def short(value: Any) -> str:
    """`repr(value)`, bounded: a message never echoes a megabyte of someone's input.

    >>> short(list(range(1000)))
    '[0, 1, 2, 3, ...]'
    """
    text = _repr.repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS - 3] + "..."


def _short_key(key: str) -> str:
    return key if len(key) <= MAX_VALUE_CHARS else key[:MAX_VALUE_CHARS - 3] + "..."


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
        return f"{where}: {_short_key(self.key) or '(document)'}: {self.message}"


class ScenarioError(ValueError):
    """Raised when a scenario is invalid; `.problems` lists every problem found.

    The message lists the first `MAX_SHOWN_PROBLEMS` (in reading order) and counts the rest.
    """

    def __init__(self, problems: list[Problem], where: str = "scenario"):
        # in reading order: by file, then line (problems without a line first)
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0))
        self.where = where
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {where}:"
        shown = ["  " + str(p) for p in self.problems[:MAX_SHOWN_PROBLEMS]]
        if n > MAX_SHOWN_PROBLEMS:
            shown.append(f"  ... and {n - MAX_SHOWN_PROBLEMS} more (fix these first)")
        super().__init__("\n".join([head] + shown))

    def __reduce__(self):
        return (type(self), (self.problems, self.where))


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


#: The sections every resolved scenario has (the schema's top level).
_SECTIONS = tuple(SCHEMA)


class Scenario(Section):
    """A validated, fully resolved scenario. `strategies` holds (name, kind, Section) triples.

    Build one with `load_scenario`, `scenario_from_dict` or `Scenario.with_overrides`. The
    constructor takes a resolved scenario (`to_dict()`: every section there) and validates
    every value as a file's are (`ScenarioError`), so an edited `to_dict()` cannot carry an
    impossible value into a run.
    """

    __slots__ = ("path", "_strategy_specs", "_fit", "notices", "graph_file_at", "founders_at")

    def __init__(self, resolved: dict, path: str | None = None, notices: Iterable[Problem] = (),
                 graph_file_at: tuple[str, int | None] | None = None,
                 founders_at: dict | None = None, *, _checked: bool = False):
        if not isinstance(resolved, dict):
            raise TypeError(f"Scenario takes a resolved scenario dict, got {type(resolved).__name__}; build one "
                            "with load_scenario or scenario_from_dict")
        missing = [k for k in _SECTIONS if k not in resolved]
        if missing:  # a hand-written dict ({"population": {"size": 300}}) failed days later, on `seed`
            raise TypeError(f"Scenario takes a resolved scenario (every section; missing: {', '.join(missing)}); "
                            "build one from a partial dict with scenario_from_dict, which fills in the defaults "
                            "and validates")
        if not _checked:  # circlesim's own callers pass what `_validate` returned (under a ms to check again)
            problems: list[Problem] = []
            fit = resolved.get("fit")
            where = fit.get("where") if isinstance(fit, dict) else None
            resolved = _validate(copy.deepcopy(resolved), {}, path or "<Scenario>", problems, base_dir=None)
            if problems:
                raise ScenarioError(problems)
            if where and isinstance(resolved.get("fit"), dict):
                resolved["fit"]["where"] = where  # the fit section's file:line, kept for its later errors
            if not notices:  # what a file would be told (a strategy starting after the horizon, ...)
                notices = _notices(resolved, {}, path or "<Scenario>")
        strategies = resolved.get("strategies", {})
        body = {k: v for k, v in resolved.items() if k not in ("strategies", "fit")}
        super().__init__(body)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_fit", copy.deepcopy(resolved.get("fit")))
        #: Things that are valid but probably not meant (`Problem`s, e.g. a strategy that starts
        #: after the horizon): the CLI prints them as notes; they never change a run.
        object.__setattr__(self, "notices", tuple(notices))
        #: Where `population.graph.file` was written (file, line), so a problem found when the
        #: graph file is read (`check_graph`) points at the scenario line that names it.
        object.__setattr__(self, "graph_file_at", graph_file_at)
        #: Where the founders' counts were written ({"community.seed_members": (file, line), ...}),
        #: so founders that outnumber a graph file's persons (`check_graph`) point at their line.
        object.__setattr__(self, "founders_at", dict(founders_at or {}))
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
        """A stable hash of the resolved parameters (seed and currency label excluded): names a result store entry."""
        d = self.to_dict()
        d.pop("seed", None)
        d.pop("currency", None)  # a label of the outputs, not a parameter of the model
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def with_overrides(self, overrides: Iterable[str]) -> "Scenario":
        """A new Scenario with dotted `key=value` overrides applied and validated."""
        if isinstance(overrides, str):
            raise TypeError("overrides must be a list of 'KEY=VALUE' strings, not one string: "
                            f"with_overrides([{overrides!r}])")
        doc = self.to_dict()
        if self._fit is not None:
            doc["fit"] = copy.deepcopy(self._fit)
        locs: dict = {}
        problems: list[Problem] = []
        _apply_overrides(doc, locs, list(overrides), problems)
        resolved = _validate(doc, locs, self.path or "<scenario>", problems, base_dir=None)
        if problems:
            raise ScenarioError(problems)
        at = locs.get(_GRAPH_FILE, self.graph_file_at)  # set again by an override, or where it was
        founders = {**self.founders_at, **_founders_at(locs, self.path or "<scenario>")}
        return Scenario(resolved, self.path, _notices(resolved, locs, self.path or "<scenario>"), at, founders,
                        _checked=True)

    def __getstate__(self):
        return {"resolved": self.to_dict(), "path": self.path, "fit": self._fit, "graph_file_at": self.graph_file_at,
                "founders_at": self.founders_at}

    def __setstate__(self, state):
        self.__init__({**state["resolved"], "fit": state.get("fit")}, state["path"],
                      graph_file_at=state.get("graph_file_at"), founders_at=state.get("founders_at"),
                      _checked=True)  # it was checked when made; a worker need not find its graph file to unpickle

    def __repr__(self) -> str:
        return f"Scenario(name={self.get('name')!r}, path={self.path!r})"


# ----------------------------------------------------------------------------------------
# YAML with line numbers
# ----------------------------------------------------------------------------------------
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """YAML's safe loader with decimal numbers only (YAML 1.2 forms, `1e6` included) and bounded nesting.

    Composing a node deeper than `MAX_DEPTH` raises a YAML error instead of exhausting
    Python's recursion limit.
    """

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _depth = 0

    def compose_node(self, parent, index):
        """Compose one node, refusing nesting deeper than `MAX_DEPTH`."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nesting deeper than {MAX_DEPTH} levels",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):
        """A decimal integer (underscores allowed as digit separators); a leading zero keeps it text.

        YAML 1.1 reads `0777` as octal 511 and YAML 1.2 as 777: such a value is ambiguous, so it
        stays the text "0777" and a numeric key refuses it with its line and a hint (a text key,
        such as `name: 007`, keeps it as written).
        """
        text = self.construct_scalar(node)
        digits = text.replace("_", "").lstrip("+-")
        if len(digits) > 1 and digits[0] == "0":
            return text
        try:
            return int(text.replace("_", ""), 10)
        except ValueError:
            raise yaml.constructor.ConstructorError(None, None, f"{short(text)} is not a decimal integer",
                                                    node.start_mark) from None

    def construct_yaml_float(self, node):
        """A decimal number; `.inf` and `.nan` too (validation then refuses them)."""
        try:
            return super().construct_yaml_float(node)
        except (ValueError, OverflowError):
            raise yaml.constructor.ConstructorError(None, None, f"{short(node.value)} is not a number",
                                                    node.start_mark) from None


_Loader.add_constructor(_INT, _Loader.construct_yaml_int)
_Loader.add_constructor(_FLOAT, _Loader.construct_yaml_float)
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9][0-9_]*$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?
                 |[-+]?\.(?:inf|Inf|INF)
                 |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+.0123456789"))

#: Text that YAML 1.1 would have read as a number in another base (hint for the error).
_NON_DECIMAL = re.compile(r"^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oObB][0-7_]+|0[0-9_]+"
                          r"|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$")


def decimal_hint(value: Any) -> str:
    """A hint for text YAML 1.1 would have read as a number in another base ('0x1F4', '0777', '1:30'), else ''."""
    if isinstance(value, str) and _NON_DECIMAL.match(value.strip()):
        return (" (write numbers in decimal, without a leading zero; hexadecimal, octal, binary and base-60"
                " forms are not numbers here)")
    return ""


def _inspect(root, file: str, problems: list[Problem], duplicates: bool = True) -> bool:
    """Check a composed node graph before constructing it: size, depth, cycles, duplicate keys.

    Aliases make the graph a DAG (or a cycle); sizes and depths are computed once per node
    with an explicit stack, so neither a billion-laughs document nor a long alias chain costs
    more than one pass over the nodes as written. Returns False (with a problem) if the
    document must not be constructed.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        nid = id(node)
        if done:
            kids = _children(node)
            size[nid] = 1 + sum(size[id(k)] for k in kids)
            depth[nid] = 1 + max((depth[id(k)] for k in kids), default=0)
            on_path.discard(nid)
            if size[nid] > MAX_NODES:
                problems.append(Problem(file, node.start_mark.line + 1, "",
                                        f"the document expands to more than {MAX_NODES:,} values (YAML aliases?); "
                                        f"a scenario has a few hundred"))
                return False
            if depth[nid] > MAX_DEPTH:
                problems.append(Problem(file, node.start_mark.line + 1, "",
                                        f"nesting deeper than {MAX_DEPTH} levels (through YAML aliases)"))
                return False
            continue
        if nid in size:
            continue
        if nid in on_path:
            problems.append(Problem(file, node.start_mark.line + 1, "", "a YAML alias refers to itself "
                                    "(recursive structure)"))
            return False
        on_path.add(nid)
        stack.append((node, True))
        if duplicates and isinstance(node, yaml.MappingNode):
            _duplicates(node, file, problems)
        for kid in _children(node):
            if id(kid) not in size:
                stack.append((kid, False))
    return True


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _key_read_as(key_node):
    """What YAML makes of a mapping key: its text for a name, None for `null:`/`~:`, True or False for `yes:`/`off:`."""
    if key_node.tag == "tag:yaml.org,2002:null":
        return None
    if key_node.tag == "tag:yaml.org,2002:bool":
        return key_node.value.lower() in ("yes", "true", "on")
    return key_node.value


def _duplicates(node, file: str, problems: list[Problem], prefix: tuple = ()) -> None:
    """A problem for each key written twice in one mapping, named by its dotted path under `prefix`."""
    first: dict[str, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        line = key_node.start_mark.line + 1
        read = _key_read_as(key_node)
        if read is None or isinstance(read, bool):  # `null:`, `~:`, `yes:`, `on:`...: not a name
            problems.append(Problem(file, line, ".".join(map(str, prefix + (key_node.value,))),
                                    f"a key YAML reads as {str(read).lower() if read is not None else 'null'}, "
                                    f"not a name; quote it ('{key_node.value}') if you mean the word"))
            continue
        if key_node.value in first:
            problems.append(Problem(file, line, ".".join(map(str, prefix + (key_node.value,))),
                                    f"duplicate key (also on line {first[key_node.value]}); "
                                    f"YAML would silently keep the last one"))
        else:
            first[key_node.value] = line


def _parse_yaml(text: str, file: str, problems: list[Problem], duplicates: bool = True):
    """Compose, inspect and construct one YAML document; (None, None) after a problem.

    Returns (data, node); data is None for an empty document.
    """
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, None
        if not _inspect(node, file, problems, duplicates):
            return None, None
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        if line is None and isinstance(exc, yaml.reader.ReaderError):
            line = text.count("\n", 0, exc.position) + 1
        msg = " ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x)
        if msg.startswith("nesting deeper than"):  # our limit (`_Loader.compose_node`), not a syntax error
            problems.append(Problem(file, line, "", msg))
        else:
            if "'\\t'" in msg:  # PyYAML's "found character '\t' that cannot start any token"
                msg += " (YAML does not allow tabs here: replace the tab with spaces)"
            elif "found '<block mapping start>'" in msg or "found '<block sequence start>'" in msg:
                msg += (" (usually indentation: a key indented more or less than the keys beside it, "
                        "on this line or the one above)")
            elif "mapping values are not allowed here" in msg:
                msg += (" (usually a key indented deeper than the key above it, or a second ':' in a value: "
                        "put such a value in quotes)")
            problems.append(Problem(file, line, "", f"YAML syntax error: {msg or short(str(exc))}"))
        return None, None
    except (ValueError, TypeError, OverflowError) as exc:  # a tagged value the safe constructor rejects
        problems.append(Problem(file, None, "", f"invalid YAML value: {short(str(exc))}"))
        return None, None
    finally:
        if loader is not None:
            loader.dispose()
    return data, node


def _read_yaml(path: Path, problems: list[Problem]) -> tuple[Any, dict]:
    """Parse one file safely; return (document, {key path tuple: line}); None after a problem."""
    try:
        text = files.read_text(path, files.MAX_SCENARIO_BYTES)
    except files.UnsafeFileError as exc:
        problems.append(Problem(str(path), None, "", str(exc) + (_not_found_hint(path)
                                                                  if str(exc) == "file not found" else "")))
        return None, {}
    n = len(problems)
    data, node = _parse_yaml(text, str(path), problems, duplicates=False)  # reported below, with paths
    if len(problems) > n:
        return None, {}
    if node is None or data is None:
        problems.append(Problem(str(path), None, "", "the file is empty (no keys); write {} for a "
                                "scenario with every default"))
        return None, {}
    lines: dict = {}
    # a duplicate key is reported but does not stop the file's validation: the other problems
    # are found in the same pass (YAML keeps the last value, which is what gets validated)
    _collect_lines(node, (), lines, str(path), problems)
    return data, lines


def _collect_lines(node, prefix: tuple, lines: dict, file: str = "", problems: list | None = None) -> None:
    """Record the line of every key path under `node`; with `problems`, report duplicate keys by path."""
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        if problems is not None:
            _duplicates(node, file, problems, prefix)
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                # a key YAML reads as null or a boolean is looked up as the checks name it ('None', 'True')
                path = prefix + (str(_key_read_as(key_node)),)
                _collect_lines(value_node, path, lines, file, problems)
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


def _empty_entries(doc: dict, base_doc: dict, lines: dict, file: str, problems: list[Problem]) -> None:
    """Empty (null) strategies that would be dropped silently.

    `points:` with nothing under it, in a file whose bases have no `points`, would vanish: the
    user meant the strategy with its defaults (`points: {}`). A null strategy of the base is
    the documented way to remove it and stays. (Empty sections are refused by `_validate_tree`.)
    """
    strategies, base = doc.get("strategies"), base_doc.get("strategies")
    if isinstance(strategies, dict):
        inherited = base if isinstance(base, dict) else {}
        settings = _setting_names()
        for name in [n for n, v in strategies.items() if v is None and n in settings and n not in inherited]:
            # a bare 'stop:' is a setting that lost its indentation, not an empty strategy
            problems.append(Problem(file, lines.get(("strategies", name)), f"strategies.{name}", SETTING_NOT_STRATEGY
                                    .format(name=repr(str(name)))))
        for name in [n for n, v in strategies.items() if v is None and n not in inherited and n not in settings]:
            # the usual cause: its settings written below it at its own depth, not indented under it
            names = list(strategies)
            after = names[names.index(name) + 1:]
            loose = []
            for n in after:
                if n not in settings or isinstance(strategies[n], dict):
                    break
                loose.append(str(n))
            if loose:
                why = (f"is empty: {', '.join(loose)} below it {'is' if len(loose) == 1 else 'are'} at its depth, "
                       f"not under it; indent {'it' if len(loose) == 1 else 'them'} two more spaces than "
                       f"'{name}:'")
            else:
                why = (f"is empty, and the bases have no strategy {name!r} to remove: delete the line, or write "
                       f"'{name}: {{}}' for the strategy with its default settings")
            problems.append(Problem(file, lines.get(("strategies", name)), f"strategies.{name}", why))


#: A strategy's setting found straight under `strategies` (its indentation lost).
SETTING_NOT_STRATEGY = ("{name} is a strategy's setting, not a strategy: indent it under the strategy it belongs to "
                        "(two more spaces than the strategy's name)")


def _setting_names() -> set:
    """Every key a strategy entry can have (any kind's), strategy kinds aside.

    One of these straight under `strategies` is a setting that lost its indentation, not a strategy.
    """
    from sim.model.strategies import KINDS
    from sim.scenario.schema import COMMON_STRATEGY_PARAMS

    return set(COMMON_STRATEGY_PARAMS).union(*(cls.PARAMS for cls in KINDS.values())) - set(KINDS)


def _kind_of(name: str, spec) -> Any:
    """A strategy entry's kind: its `kind` key, else (absent, null or empty) its name, as validation resolves it."""
    if not isinstance(spec, dict):
        return None
    kind = spec.get("kind")
    return name if kind is None or kind == "" else kind


def _own_labels(base_doc: dict, base_locs: dict, doc: dict, path: Path) -> None:
    """A variant is not labelled as its base: without its own `name` it is named after its file.

    `name` and `description` say what a file is, not how the model runs, so they are not
    inherited: a variant of baseline.yaml that set no name was reported as "baseline" (and as
    "baseline (2)" beside the real one in a comparison), with the baseline's description.
    """
    for key in ("name", "description"):
        if key not in doc and key in base_doc:
            del base_doc[key]
            base_locs.pop((key,), None)
    if "name" not in doc:
        doc["name"] = path.stem


def _drop_replaced_strategies(base_doc: dict, base_locs: dict, doc: dict) -> tuple[dict, dict]:
    """The bases without the strategies `doc` gives another kind: a new kind replaces, it does not merge.

    Merging would carry the old kind's settings into the new one where their keys coincide
    (a cross-promotion's `boost: 1` became an event's interest boost of 1), silently.

    >>> base = {"strategies": {"camp": {"kind": "cross_promotion", "boost": 1}, "points": {}}}
    >>> _drop_replaced_strategies(base, {("strategies", "camp", "boost"): ("b.yaml", 3)},
    ...                           {"strategies": {"camp": {"kind": "events", "every": 30}}})
    ({'strategies': {'points': {}}}, {})
    >>> _drop_replaced_strategies(base, {}, {"strategies": {"camp": {"boost": 2}}})[0] == base  # same kind
    True
    """
    strategies, inherited = doc.get("strategies"), base_doc.get("strategies")
    if not (isinstance(strategies, dict) and isinstance(inherited, dict)):
        return base_doc, base_locs
    replaced = [name for name, spec in strategies.items()
                if isinstance(spec, dict) and "kind" in spec and isinstance(inherited.get(name), dict)
                and _kind_of(name, spec) != _kind_of(name, inherited[name])]  # no `kind` given: the base's holds
    if not replaced:
        return base_doc, base_locs
    base_doc = {**base_doc, "strategies": {k: v for k, v in inherited.items() if k not in replaced}}
    gone = {("strategies", name) for name in replaced}
    return base_doc, {k: v for k, v in base_locs.items() if k[:2] not in gone}


def _load_chain(path: Path, problems: list[Problem], seen: tuple = (),
                via: tuple[str, int | None] | None = None) -> tuple[dict, dict]:
    """Load a file and everything it extends; return (merged doc, {key path: (file, line)}).

    `via`: the (file, line) of the `extends` that led here, blamed for a circular chain.
    """
    path = Path(path)
    if path.resolve() in seen:
        f, line = via or (str(path), None)
        problems.append(Problem(f, line, "extends", "circular 'extends' chain: "
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
        where = lines.get(("extends",))
        if not isinstance(target, str) or not target:
            problems.append(Problem(str(path), where, "extends", "must be a file path relative to this file"))
        elif len(seen) + 1 >= MAX_EXTENDS:
            problems.append(Problem(str(path), where, "extends",
                                    f"'extends' chain longer than {MAX_EXTENDS} files"))
        else:
            base_path = (path.parent / target)
            try:
                files.check_regular_file(base_path, files.MAX_SCENARIO_BYTES)
            except files.UnsafeFileError as exc:
                looked = os.path.abspath(base_path)  # `extends` is relative to this file's folder, not the cwd
                shipped = _shipped_scenario(target)  # `extends: baseline.yaml` outside the repository
                hint = f"; the shipped scenario of that name is {shipped}: write that path" if shipped else ""
                problems.append(Problem(str(path), where, "extends",
                                        f"base scenario not found: {target} (looked for {looked}: a path relative "
                                        f"to this file's folder){hint}" if str(exc) == "file not found"
                                        else f"base scenario {looked} {exc}"))
            else:
                base_doc, base_locs = _load_chain(base_path, problems, seen + (path.resolve(),), (str(path), where))
        locs.pop(("extends",), None)
    _empty_entries(doc, base_doc, lines, str(path), problems)
    base_doc, base_locs = _drop_replaced_strategies(base_doc, base_locs, doc)
    if base_doc:
        _own_labels(base_doc, base_locs, doc, path)
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


def _override_value(raw: str, key: str, problems: list[Problem]) -> tuple[bool, Any]:
    """Parse the VALUE of `--set KEY=VALUE` as YAML (same rules as files); text if it is not YAML."""
    if not raw.strip():
        return True, None
    if len(raw) > files.MAX_SCENARIO_BYTES:
        problems.append(Problem("--set", None, key, f"value is {len(raw):,} characters long"))
        return False, None
    found: list[Problem] = []
    value, _ = _parse_yaml(raw, "--set", found)
    if not found:
        return True, value
    if all(p.message.startswith("YAML syntax error") for p in found):
        return True, raw  # not YAML: the text itself (validation says what was expected)
    problems.extend(Problem("--set", None, key, p.message) for p in found)
    return False, None


_CREATED = ("<strategies --set created>",)  # a key of `locs` no scenario path can take


def _created(locs: dict) -> set:
    """Names of the strategies a `--set` created (kept in `locs` beside the key locations)."""
    return locs.setdefault(_CREATED, set())


def _apply_overrides(doc: dict, locs: dict, overrides: list[str], problems: list[Problem]) -> None:
    """Apply dotted `KEY=VALUE` overrides to `doc`; every problem is blamed on `--set`."""
    for text in overrides:
        if not isinstance(text, str):
            problems.append(Problem("--set", None, short(text), "expected a 'KEY=VALUE' string"))
            continue
        if "=" not in text:
            problems.append(Problem("--set", None, text, "expected KEY=VALUE"))
            continue
        key, raw = text.split("=", 1)
        key = key.strip()
        parts = key.split(".")
        if not key or any(not p for p in parts):
            problems.append(Problem("--set", None, key, "malformed key"))
            continue
        ok, value = _override_value(raw, key, problems)
        if not ok:
            continue
        node = doc
        for i, part in enumerate(parts[:-1]):
            child = node.get(part)
            if child is not None and not isinstance(child, dict):
                here = ".".join(parts[:i + 1])
                problems.append(Problem("--set", None, key, f"{here} is a value ({short(child)}), not a "
                                        f"section, so it has no key {short(parts[i + 1])}"))
                break
            if child is None:
                if part in node:  # an empty section in the file: filling it here would hide that it resets
                    f, line = locs.get(tuple(parts[:i + 1]), ("--set", None))
                    problems.append(Problem(f, line, ".".join(parts[:i + 1]), "must not be empty: give it keys, "
                                            "or remove the line (an empty section would reset its settings "
                                            "to the defaults)"))
                elif i == 1 and parts[0] == "strategies":
                    _created(locs).add(part)  # a strategy the scenario did not have (Scenario.notices)
                node[part] = {}
                locs[tuple(parts[:i + 1])] = ("--set", None)
            node = node[part]
        else:
            if value is None and len(parts) == 2 and parts[0] == "strategies":
                # as in a file: a null removes the scenario's strategy, and names one it has
                if parts[1] in node:
                    del node[parts[1]]
                else:
                    problems.append(Problem("--set", None, key, f"is empty, and the scenario has no strategy "
                                            f"{parts[1]!r} to remove: give it a setting (e.g. {key}.start=0)"))
                continue
            if len(parts) == 2 and parts[0] == "strategies" and parts[1] not in node:
                _created(locs).add(parts[1])
            if (len(parts) == 3 and parts[0] == "strategies" and parts[2] == "kind"
                    and _kind_of(parts[1], {"kind": value}) != _kind_of(parts[1], node)):
                # another kind replaces the strategy, as in `extends`: the old kind's settings (from the
                # files, or a Scenario's) do not carry over; what earlier --set gave it stays
                for k in [k for k in node if locs.get(tuple(parts[:2]) + (k,), (None,))[0] != "--set"]:
                    del node[k]
                    locs.pop(tuple(parts[:2]) + (k,), None)
            node[parts[-1]] = value
            locs[tuple(parts)] = ("--set", None)
            for i in range(1, len(parts)):
                locs.setdefault(tuple(parts[:i]), ("--set", None))


# ----------------------------------------------------------------------------------------
# Validation against the schema
# ----------------------------------------------------------------------------------------
_GRAPH_FILE = ("population", "graph", "file")
_FOUNDER_KEYS = (("community", "organizers"), ("community", "core_seeds"), ("community", "seed_members"))


def _founders_at(locs: dict, file: str) -> dict:
    """{dotted key: (file, line)} of the founders' counts the documents wrote (for `Scenario.founders_at`)."""
    return {".".join(k): _where(locs, k, file) for k in _FOUNDER_KEYS if k in locs}


def _where(locs: dict, path: tuple, default_file: str) -> tuple[str, int | None]:
    p = path
    while p:
        if p in locs:
            return locs[p]
        p = p[:-1]
    return default_file, None


#: Bare words YAML 1.1 (PyYAML) reads as booleans (lower, Capitalised or UPPER case), by the value read.
_YAML_BOOL_WORDS = {True: ("yes", "on", "true"), False: ("off", "no", "false")}


def _is_strategy_kind(key) -> bool:
    from sim.model.strategies import KINDS

    return isinstance(key, str) and key in KINDS


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _check_leaf(value: Any, spec: Param) -> str | None:
    """Return an error message if `value` does not fit `spec`, else None.

    Numbers may be any real number type (Python's or numpy's), never a bool.
    """
    if value is None:
        return None if spec.nullable else f"must not be empty; allowed: {spec.describe_range()}"
    t = spec.type
    if t == "bool":
        if not _is_bool(value):
            return f"expected true or false, got {short(value)}"
        return None
    if t == "str":
        if not isinstance(value, str):
            if _is_bool(value):  # `mode: off` or `name: yes`: YAML 1.1 reads the bare word as a boolean
                read_as = _YAML_BOOL_WORDS[bool(value)]  # the words that give this value
                words = [c for c in spec.choices or () if c in read_as]
                example = repr(words[0] if words else read_as[0])
                return (f"expected text, got {short(value)}; YAML reads a bare yes, no, on, off, true or false "
                        f"as a boolean: put the word in quotes, e.g. {example}")
            return f"expected text, got {short(value)}"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800"): no file, figure or report can hold it
            return f"{short(value)} is not valid text (it holds a lone surrogate, half of a character)"
        if spec.choices and value not in spec.choices:
            close = difflib.get_close_matches(value, spec.choices, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            return f"{short(value)} is not allowed; {spec.describe_range()}{hint}"
        return None
    if _is_bool(value) or not isinstance(value, numbers.Real):
        return f"expected a number ({spec.describe_range()}), got {short(value)}{decimal_hint(value)}"
    if not isinstance(value, numbers.Integral):
        value = float(value)
        if not math.isfinite(value):
            return f"expected a finite number, got {short(value)}"
        if t == "int" and not value.is_integer():
            return f"expected a whole number ({spec.describe_range()}), got {short(value)}"
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        return f"{short(value)} is out of range; allowed: {spec.describe_range()}"
    return None


def _coerce(value: Any, spec: Param) -> Any:
    """The validated value as the plain Python type the schema names (numpy scalars become int/float/bool)."""
    if value is None:
        return None
    if spec.type == "int":
        return int(value)
    if spec.type == "float":
        return float(value)
    if spec.type == "bool":
        return bool(value)
    return str(value)


#: Top-level keys that are not parameter sections (read by `_load_chain`, the strategies and
#: fit validators); named in suggestions so 'extend:' and 'strategy:' find them.
_TOP_LEVEL_OTHERS = ("extends", "strategies", "fit")


def _validate_tree(doc: Any, tree: dict, path: tuple, locs: dict, file: str,
                   problems: list[Problem]) -> dict:
    """Check `doc` against a schema section; return it with defaults filled in."""
    out: dict = {}
    if not isinstance(doc, dict):
        f, line = _where(locs, path, file)
        problems.append(Problem(f, line, ".".join(path), f"expected a mapping of keys, got {short(doc)}"))
        doc = {}
    for key in doc:
        if key not in tree:
            f, line = _where(locs, path + (str(key),), file)
            # suggestions cost a string comparison per known key: only for the problems shown
            if key is None or isinstance(key, bool):  # `null:`, `yes:` as a key: not a name
                if line is None or f != file:  # from a dict or --set: the YAML pass saw no such key
                    problems.append(Problem(f, line, ".".join(path + (str(key),)),
                                            f"a key that is {key!r}, not a name"))
                continue  # a YAML file's pass has reported it with its line (_duplicates)
            if not path and key == "extends":  # read by _load_chain; here it came from a dict or --set
                problems.append(Problem(f, line, "extends", "'extends' works in a scenario file only, not in "
                                        "--set or scenario_from_dict (load the base file and override it)"))
                continue
            if not path and _is_strategy_kind(key):  # a strategy that lost its indentation under strategies:
                problems.append(Problem(f, line, str(key), f"unknown top-level key; {key!r} is a strategy kind: "
                                        "indent it under strategies: (two spaces)"))
                continue
            known = [*tree, *(() if path else _TOP_LEVEL_OTHERS)]  # extends, strategies, fit: checked elsewhere
            close = difflib.get_close_matches(str(key), known, n=1) \
                if len(problems) < MAX_SHOWN_PROBLEMS else []
            hint = f"; did you mean {'.'.join(path + (close[0],))!r}?" if close else \
                f"; allowed keys: {', '.join(sorted(known))}"
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
            if key in doc and doc[key] is None:  # `community:` with nothing under it, at any depth, or --set
                f, line = _where(locs, here, file)
                problems.append(Problem(f, line, ".".join(here), "must not be empty: give it keys, or remove "
                                        "the line (an empty section would reset its settings to the defaults)"))
            out[key] = _validate_tree(doc.get(key, {}) if doc.get(key) is not None else {},
                                      node, here, locs, file, problems)
    return out


def bad_strategy_name(name) -> str:
    """Why `name` cannot name a strategy, or '' (pure).

    A name is the middle of `--set strategies.NAME.KEY=VALUE` and a label in every table, so it
    must be non-empty, without '.', '=' or surrounding spaces.

    >>> bad_strategy_name("monthly events"), bad_strategy_name("a.b")[:40]
    ('', "strategy name 'a.b' contains '.': a name")
    """
    text = str(name)
    if not text.strip():
        return "a strategy needs a name (an empty name cannot be set with --set or told apart in tables)"
    for ch in ".=":
        if ch in text:
            return (f"strategy name {text!r} contains {ch!r}: a name is the middle of "
                    f"--set strategies.NAME.KEY=VALUE; use a name without '.' or '='")
    if text != text.strip():
        return f"strategy name {text!r} starts or ends with a space; write it without"
    if any(not c.isprintable() for c in text):
        return f"strategy name {text!r} holds an unprintable character (a tab, a line break); write it plainly"
    return ""


#: Strategy keys that were removed, by (kind, key): what to write instead (said in place of "unknown key").
RETIRED_STRATEGY_KEYS = {
    ("operating_mode", "staff_cost"): (
        "was removed on 2026-12-07: it priced staff only in designs with an operating mode, so a design "
        "without one had free staff and a comparison's sign depended on which design was the "
        "reference; price staff time in every design with community.staff_hour_cost (per hour; an "
        "organizer-day is community.organizer_hours of them, times the mode's hours)"),
}


def _validate_strategies(doc: Any, locs: dict, file: str, problems: list[Problem]) -> dict:
    from sim.model.strategies import KINDS

    out: dict = {}
    if doc is None:
        return out
    if not isinstance(doc, dict):
        f, line = _where(locs, ("strategies",), file)
        problems.append(Problem(f, line, "strategies", "expected a mapping of name: settings"))
        return out
    settings = _setting_names()
    for name, spec in doc.items():
        here = ("strategies", str(name))
        bad = bad_strategy_name(name)
        if bad:
            f, line = _where(locs, here, file)
            problems.append(Problem(f, line, ".".join(here), bad))
            continue
        lost = str(name) in settings  # 'start: 30' straight under strategies: a dedented setting
        if spec is None and not lost:
            spec = {}
        if not isinstance(spec, dict):
            f, line = _where(locs, here, file)
            problems.append(Problem(f, line, ".".join(here), SETTING_NOT_STRATEGY.format(name=repr(str(name)))
                                    if lost else "expected a mapping of settings"))
            continue
        kind = spec.get("kind")
        if kind is None or kind == "":
            kind = name
        if not isinstance(kind, str):
            f, line = _where(locs, here + (("kind",) if "kind" in spec else ()), file)
            problems.append(Problem(f, line, ".".join(here + (("kind",) if "kind" in spec else ())),
                                    f"expected a strategy kind as text, got {short(kind)}; known kinds: "
                                    f"{', '.join(KINDS)}"))
            continue
        if kind not in KINDS:
            f, line = _where(locs, here + (("kind",) if "kind" in spec else ()), file)
            close = difflib.get_close_matches(str(kind), list(KINDS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known kinds: {', '.join(KINDS)}"
            problems.append(Problem(f, line, ".".join(here), f"unknown strategy kind {short(kind)}{hint}"))
            continue
        retired = [key for key in spec if (kind, key) in RETIRED_STRATEGY_KEYS]
        for key in retired:
            f, line = _where(locs, here + (key,), file)
            problems.append(Problem(f, line, ".".join(here + (key,)), RETIRED_STRATEGY_KEYS[kind, key]))
        if retired:
            spec = {k: v for k, v in spec.items() if k not in retired}
        values = _validate_tree(spec, strategy_schema(kind), here, locs, file, problems)
        values["kind"] = kind
        if values.get("every") is not None and not KINDS[kind].recurring:
            f, line = _where(locs, here + ("every",), file)
            repeat = ", ".join(k for k, c in KINDS.items() if c.recurring)
            problems.append(Problem(f, line, ".".join(here + ("every",)),
                                    f"{kind} is in force every day from start to stop, so 'every' would be "
                                    f"ignored; only recurring strategies take it ({repeat})"))
        if values["stop"] is not None and values["stop"] <= values["start"]:
            f, line = _where(locs, here + ("stop",), file)
            sf, sline = _where(locs, here + ("start",), file)
            origin = "" if (sf, sline) == (f, line) or "start" not in spec else \
                f", set at {sf}" + (f":{sline}" if sline else "")  # blame the start when it came from elsewhere
            problems.append(Problem(f, line, ".".join(here + ("stop",)),
                                    f"stop ({values['stop']}) must be after start ({values['start']}{origin})"))
        if kind == "tiers" and values["koc_points"] < values["core_user_points"]:  # the ladder climbs
            key = "koc_points" if "koc_points" in spec else "core_user_points"  # blame the key the file set
            f, line = _where(locs, here + (key,), file)
            koc, core = (f"{values[k]:g}" + ("" if k in spec else ", the default")
                         for k in ("koc_points", "core_user_points"))
            problems.append(Problem(f, line, ".".join(here + (key,)),
                                    f"koc_points ({koc}) must be at least core_user_points "
                                    f"({core}): tier 2 (KOC) lies above tier 1"))
        out[str(name)] = values
    return out


def _validate(doc: dict, locs: dict, file: str, problems: list[Problem],
              base_dir: Path | None) -> dict:
    body = {k: v for k, v in doc.items() if k not in ("strategies", "fit")}
    resolved = _validate_tree(body, SCHEMA, (), locs, file, problems)
    resolved["strategies"] = _validate_strategies(doc.get("strategies"), locs, file, problems)
    _cross_checks(resolved, locs, file, problems, base_dir)
    if not problems:
        _strategy_clashes(resolved, locs, file, problems)
    if doc.get("fit") is not None:
        # the calibration section (sim/fitting/spec.py), checked against the resolved scenario
        from sim.fitting.spec import validate_fit_section

        resolved["fit"] = validate_fit_section(doc["fit"], resolved, locs, file, problems)
    return resolved


def _strategy_clashes(r: dict, locs: dict, file: str, problems: list[Problem]) -> None:
    """Two strategies in force together that set what only one may (two modes, two points programmes).

    Refused here, with the later one's line, not on the day a run reaches the clash.
    """
    from itertools import combinations

    from sim.model.strategies import KINDS, clash

    built = [KINDS[kind](name, spec) for name, kind, spec in Scenario(r, _checked=True).strategies]
    for a, b in combinations(built, 2):
        why = clash(a, b, r["horizon_days"])
        if why:
            later = b if b.start >= a.start else a
            f, line = _where(locs, ("strategies", later.name, "start"), file)
            problems.append(Problem(f, line, f"strategies.{later.name}", why))


def _notices(r: dict, locs: dict, file: str) -> list[Problem]:
    """Valid but probably unintended settings of a resolved scenario (`Scenario.notices`).

    A strategy that starts on or after the horizon is never in force (days run 0 to
    horizon - 1): its comparison with the baseline would show no effect at all, which a
    planner could take for the strategy's verdict rather than a typo or a short `--days`.
    A split cap above the platform's group cap cannot be reached: groups split at the platform's.
    A `--set` that names a strategy the scenario does not have adds one (with defaults for the
    rest), which a user who meant the scenario's own strategy of that kind would not notice.
    Tiers by points without a points strategy: nobody earns points, so nobody reaches a tier.
    Close ties above the Dunbar limit: close ties are the strongest maintained ones, so every
    maintained tie is close (said only when the file or a --set gave `close_ties`).
    """
    out = []
    horizon = r["horizon_days"]
    pop = r["population"]
    if pop["close_ties"] > pop["dunbar_limit"] and ("population", "close_ties") in locs:
        f, line = _where(locs, ("population", "close_ties"), file)
        out.append(Problem(f, line, "population.close_ties",
                           f"{pop['close_ties']} is above population.dunbar_limit ({pop['dunbar_limit']}): close "
                           f"ties are the strongest maintained ties, so all {pop['dunbar_limit']} maintained "
                           "ties count as close"))
    from sim.model.population import GENERATED

    if pop["graph"]["type"] not in GENERATED:  # a file or named graph brings its own persons and ties
        for key in (("population", "size"), ("population", "graph", "mean_degree")):
            if key in locs and locs[key][0] in (file, "--set"):  # written here, not inherited from a base
                f, line = _where(locs, key, file)
                out.append(Problem(f, line, ".".join(key),
                                   f"not used: a {pop['graph']['type']} graph brings its own persons and ties "
                                   "(the summary's population is the graph's)"))
    kinds = {name: _kind_of(name, spec) for name, spec in r["strategies"].items()}
    if "points" not in kinds.values():
        for name in (n for n, k in kinds.items() if k == "tiers"):  # tiers by points rank by points earned
            if r["strategies"][name].get("by", "points") != "points":
                continue
            f, line = _where(locs, ("strategies", name), file)
            out.append(Problem(f, line, f"strategies.{name}",
                               "tiers rank members by the points they earn, and no points strategy runs: "
                               "nobody earns points, so the tiers do nothing; add a points strategy, or rank "
                               "by posts (by: posts)"))
    for name, spec in r["strategies"].items():
        if name in locs.get(_CREATED, ()):  # no file or Scenario had it: a --set made it
            same = [other for other, kind in kinds.items() if other != name and kind == kinds[name]]
            hint = (f"; the scenario's {', '.join(repr(o) for o in same)} {'is' if len(same) == 1 else 'are'} "
                    f"{kinds[name]} too: to change it, use strategies.{same[0]}.<key>") if same else ""
            others = ", ".join(o for o in kinds if o != name) or "none"
            out.append(Problem("--set", None, f"strategies.{name}",
                               f"adds a strategy {name!r} ({kinds[name]}, defaults for the keys not set) that the "
                               f"scenario does not have (its strategies: {others}){hint}"))
        if spec["start"] >= horizon:
            f, line = _where(locs, ("strategies", name, "start"), file)
            out.append(Problem(f, line, f"strategies.{name}.start",
                               f"starts on day {spec['start']}, not before the horizon "
                               f"({horizon} day{'' if horizon == 1 else 's'}, "
                               f"days 0-{horizon - 1}): never in force in this run"))
        group_cap = r["community"]["group_cap"]
        if spec.get("kind") == "split_groups" and spec.get("cap", 0) > group_cap:
            f, line = _where(locs, ("strategies", name, "cap"), file)
            out.append(Problem(f, line, f"strategies.{name}.cap",
                               f"{spec['cap']} is above community.group_cap ({group_cap}): that cap "
                               f"still holds, so groups split at {group_cap}"))
    out += _prices_that_buy_nothing(r, kinds, locs, file)
    out += _fitted_non_assumptions(r, kinds, locs, file)
    return out


def _prices_that_buy_nothing(r: dict, kinds: dict, locs: dict, file: str) -> list[Problem]:
    """A strategy's price per unit set away from its default: said to change spend only.

    The model charges a price (`invite_reward.reward`, `points.cost`, ...) but no member
    responds to it: what the money buys is the kind's other assumptions (`share_boost`, ...),
    set independently. A strategist who doubled the reward expected more invitations and got
    only a higher bill (a newcomer's first hour, 2026-12-07). Said when this file or a --set
    wrote the price, not when a base file did.
    """
    from sim.model.strategies import KINDS

    out = []
    for name, spec in r["strategies"].items():
        kind = kinds.get(name)
        cls = KINDS.get(kind)
        if cls is None or not cls.__module__.startswith("sim.model.strategies"):
            continue  # a registered kind of one's own may well respond to its price: its code says
        params = strategy_schema(kind)
        buys = [k for k, q in params.items() if q.role == "assumption" and "currency" not in q.unit
                and q.unit not in ("days", "day") and "hour" not in q.unit]  # staff hours are a cost too
        for key, p in params.items():
            where = locs.get(("strategies", name, key))
            if "currency" not in p.unit or where is None or where[0] not in (file, "--set") \
                    or spec.get(key) == p.default:
                continue
            f, line = _where(locs, ("strategies", name, key), file)
            out.append(Problem(f, line, f"strategies.{name}.{key}",
                               f"{spec[key]} changes what is spent, not what members do (no member responds "
                               "to a price itself)"
                               + (f"; what it buys is {', '.join(f'strategies.{name}.{b}' for b in buys)}: set "
                                  f"{'it' if len(buys) == 1 else 'them'} to what you expect this price to buy"
                                  if buys else "")))
    return out


def _fitted_non_assumptions(r: dict, kinds: dict, locs: dict, file: str) -> list[Problem]:
    """A fit that estimates a lever or a read-out threshold: said, not refused.

    A history shows what a community's people did under what its operators chose: the
    operators' choices (levers) are known and set, not fitted; fitting one makes it soak up
    what the model's assumptions miss. Allowed (the staff count may truly be unknown), and said.
    A read-out threshold changes no run, so a history cannot inform it. The market (an unknown
    social graph's degree) is a fair thing to fit. `kinds`: {strategy name: kind}.
    """
    from sim.scenario.params import ROLE_NAMES
    from sim.scenario.schema import role_of

    why = {"lever": "a history records what operators did, so a lever is usually set to what they did and the "
                    "fit left to assumptions (how people behave); fitted, it absorbs what the assumptions miss",
           "read-out": "no run depends on it, so the history cannot inform it: its posterior will be its prior"}
    out = []
    for key in ((r.get("fit") or {}).get("parameters") or {}):
        role = role_of(key, kinds)
        if role not in why:
            continue
        f, line = _where(locs, ("fit", "parameters", key), file)
        out.append(Problem(f, line, f"fit.parameters.{key}",
                           f"{key} is {ROLE_NAMES[role][0]}, not an assumption: {why[role]} (docs/scenarios.md "
                           "gives every key's role)"))
    return out


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
            # relative to the YAML file that wrote it; from --set or a dict (no line), to base_dir
            from_file = line is not None and f not in ("--set", "<scenario>")
            origin = Path(f).parent if from_file else (base_dir or Path("."))
            full = Path(gfile) if os.path.isabs(gfile) else origin / gfile
            try:
                files.check_regular_file(full, files.MAX_GRAPH_BYTES)
            except files.UnsafeFileError as exc:
                # say where it looked and against what: a path is relative to the scenario file's
                # folder, not the shell's (a newcomer, 2026-12-07; `extends` already said so)
                relative = ("" if os.path.isabs(gfile) else
                            ": a path relative to this file's folder" if from_file else
                            ": a path relative to the scenario file's folder" if base_dir else
                            ": a path relative to the working directory")
                problems.append(Problem(f, line, ".".join(key),
                                        f"graph file not found: {gfile} (looked for {os.path.abspath(full)}"
                                        f"{relative})" if str(exc) == "file not found"
                                        else f"graph file {full} {exc}"))
            else:
                graph["file"] = str(full.resolve())
    elif graph["file"] is not None and ("population", "graph", "file") in locs:
        f, line = _where(locs, ("population", "graph", "file"), file)
        problems.append(Problem(f, line, "population.graph.file",
                                f"a file is given but graph type is {graph['type']!r}; set type: file"))
    c = r["community"]
    from sim.model.founding import founder_problems
    from sim.model.population import GENERATED, NAMED_GRAPH_SIZES

    persons, where = None, ""
    if graph["type"] in NAMED_GRAPH_SIZES:
        # a named graph brings its own size (file graphs are checked once read: `founding.check_fits`)
        persons = NAMED_GRAPH_SIZES[graph["type"]]
        where = f"the {persons} persons of the {graph['type']} graph"
    elif graph["type"] in GENERATED:
        persons = r["population"]["size"]
        where = f"population.size ({persons})"
    if persons is not None:
        for key, message in founder_problems(SimpleNamespace(**c), persons, where,
                                             seed_members_written=("community", "seed_members") in locs):
            if key == "community":  # blamed on a key the user wrote, if any (else the size they wrote)
                size_at = ("population", "size") if graph["type"] in GENERATED else ("population", "graph", "type")
                keys = (("community", "organizers"), ("community", "core_seeds"), size_at)
                at = next((k for k in keys if k in locs and locs[k][0] in (file, "--set")),  # this file's first
                          next((k for k in keys if k in locs), ("community", "core_seeds")))
            else:
                at = (("community", "seed_members") if ("community", "seed_members") in locs
                      else ("population", "graph", "type") if graph["type"] in NAMED_GRAPH_SIZES
                      else ("community", "seed_members"))
            f, line = _where(locs, at, file)
            problems.append(Problem(f, line, key, message))
    if graph["type"] in GENERATED and graph["mean_degree"] >= r["population"]["size"]:
        f, line = _where(locs, ("population", "graph", "mean_degree"), file)
        problems.append(Problem(f, line, "population.graph.mean_degree",
                                f"{graph['mean_degree']} must be below population.size ({r['population']['size']})"))
    # only a floor the user wrote: lowering the cap alone (tests, tiny groups) keeps the default
    # floor, as it always did, rather than blaming a key that is not in the file
    if c["group_floor"] > c["group_cap"] and ("community", "group_floor") in locs:
        f, line = _where(locs, ("community", "group_floor"), file)
        problems.append(Problem(f, line, "community.group_floor",
                                f"{c['group_floor']} is above community.group_cap ({c['group_cap']}): every "
                                "group would be below its floor"))
    lc = r["lifecycle"]
    if lc["germination_share"] >= lc["growth_share"]:
        f, line = _where(locs, ("lifecycle", "germination_share") if ("lifecycle", "germination_share") in locs
                         else ("lifecycle", "growth_share"), file)
        problems.append(Problem(f, line, "lifecycle.germination_share",
                                f"{lc['germination_share']} must be below lifecycle.growth_share "
                                f"({lc['growth_share']}): germination must end at a lower share of the "
                                "peak than rapid growth"))
    if c["core_seeds"] > c["core_capacity"]:
        # blame the key the user wrote: a raised core_seeds over the default capacity is core_seeds' problem
        if ("community", "core_capacity") in locs or ("community", "core_seeds") not in locs:
            f, line = _where(locs, ("community", "core_capacity"), file)
            problems.append(Problem(f, line, "community.core_capacity",
                                    f"{c['core_capacity']} is below community.core_seeds ({c['core_seeds']})"))
        else:
            f, line = _where(locs, ("community", "core_seeds"), file)
            problems.append(Problem(f, line, "community.core_seeds",
                                    f"{c['core_seeds']} is above community.core_capacity ({c['core_capacity']}, "
                                    "the default: raise it too)"))


# ----------------------------------------------------------------------------------------
# Public entry points
# ----------------------------------------------------------------------------------------
def load_scenario(path: str | os.PathLike, overrides: Iterable[str] = (),
                  seed: int | None = None, days: int | None = None) -> Scenario:
    """Load, merge (`extends`), override (`--set`) and validate a scenario file.

    Raises `ScenarioError` listing every problem with file, line and dotted key.

    >>> from sim import scenarios_dir
    >>> load_scenario(scenarios_dir() / "baseline.yaml", seed=7).seed
    7
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load_scenario expects a file path, got {type(path).__name__}")
    if isinstance(overrides, str):
        raise TypeError("overrides must be a list of 'KEY=VALUE' strings, not one string")
    problems: list[Problem] = []
    path = Path(path)
    doc, locs = _load_chain(path, problems)
    where = f"scenario {path}"  # the heading names the file, as the CLI's does
    if problems and not doc:
        raise ScenarioError(problems, where)
    _apply_overrides(doc, locs, list(overrides), problems)
    for key, value, source in (("seed", seed, "seed (--seed)"), ("horizon_days", days, "days (--days)")):
        if value is None:
            continue
        # the argument replaces the value, but a bad value in the file or a --set is still a
        # mistake to report (`--set horizon_days=abc --days 20` ran without a word)
        why = _check_leaf(doc[key], SCHEMA[key]) if key in doc else None
        if why:
            f, line = _where(locs, (key,), str(path))
            problems.append(Problem(f, line, key, why))
        arg_why = _check_leaf(value, SCHEMA[key])  # an argument is a number, not text: '3' is refused as run_scenario
        if arg_why:                                # refuses it (the CLI's --seed and --days arrive as ints)
            problems.append(Problem(source, None, key, arg_why))
            continue
        _apply_overrides(doc, locs, [f"{key}={value}"], problems)  # its problems are blamed on the argument
        locs[(key,)] = (source, None)
    resolved = _validate(doc, locs, str(path), problems, base_dir=path.parent)
    if problems:
        raise ScenarioError(problems, where)
    return Scenario(resolved, str(path), _notices(resolved, locs, str(path)), _where(locs, _GRAPH_FILE, str(path)),
                    _founders_at(locs, str(path)), _checked=True)


def scenario_from_dict(doc: dict, overrides: Iterable[str] = (), name: str = "<dict>",
                       base_dir: str | os.PathLike | None = None) -> Scenario:
    """Build a Scenario from a Python dict (notebooks); same validation as files.

    Keys left out take their defaults; `base_dir` is where a relative file path (a graph file)
    is found (default: the working directory).

    >>> scenario_from_dict({"population": {"size": 300}}).population.size
    300
    """
    if not isinstance(doc, dict):
        raise TypeError(f"scenario_from_dict expects a dict of scenario keys, got {type(doc).__name__}")
    if isinstance(overrides, str):
        raise TypeError("overrides must be a list of 'KEY=VALUE' strings, not one string")
    if base_dir is not None and not isinstance(base_dir, (str, os.PathLike)):
        raise TypeError(f"base_dir must be a folder path, got {base_dir!r}")
    deep = _deeper_than(doc, MAX_DEPTH)  # as a file's nesting is bounded (a RecursionError in deepcopy)
    if deep:
        raise ScenarioError([Problem(name, None, deep, f"nesting deeper than {MAX_DEPTH} levels")])
    problems: list[Problem] = []
    doc = copy.deepcopy(doc)
    locs: dict = {}
    _empty_entries(doc, {}, {}, name, problems)
    _apply_overrides(doc, locs, list(overrides), problems)
    resolved = _validate(doc, locs, name, problems, base_dir=Path(base_dir) if base_dir else None)
    if problems:
        raise ScenarioError(problems)
    return Scenario(resolved, None, _notices(resolved, locs, name), None, _founders_at(locs, name), _checked=True)


def _deeper_than(doc, limit: int) -> str:
    """The dotted key of the first place `doc` nests deeper than `limit` levels, or '' (no recursion).

    >>> _deeper_than({"a": {"b": {"c": 1}}}, 2), _deeper_than({"a": {"b": {"c": {"d": {"e": {}}}}}}, 4)
    ('a.b', 'a.b.c.d')
    """
    stack = [(doc, (), 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, (dict, list, tuple)):
            if depth >= limit:
                shown = [str(p) for p in path[:4]] + (["..."] if len(path) > 4 else [])
                return ".".join(shown) or "(document)"
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((value, path + (key,), depth + 1) for key, value in items)
    return ""


def _not_found_hint(path: Path) -> str:
    """Where a scenario file that does not exist was looked for, and what was probably meant.

    A relative path is read from the working directory (the README's `scenarios/...` paths
    assume the repository's root): say which, name a shipped scenario of the same file name,
    or a near spelling in that folder.

    >>> _not_found_hint(Path("/nowhere/x.yaml"))
    ''
    """
    hint = "" if path.is_absolute() else f" (looked for {os.path.abspath(path)}: relative to the working directory)"
    shipped = _shipped_scenario(path.name)
    if shipped and os.path.abspath(shipped) != os.path.abspath(path):
        return f"{hint}; the shipped scenario of that name is {shipped}"
    folder = path.parent if str(path.parent) else Path(".")
    try:
        names = sorted(p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError:
        names = []
    near = difflib.get_close_matches(path.name, names, n=1, cutoff=0.75)
    return f"{hint}; did you mean {folder / near[0]}?" if near else hint


def _shipped_scenario(name) -> str | None:
    """The path of the shipped scenario `name` (e.g. 'baseline.yaml' or 'baseline'), if there is one."""
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        return None
    from sim.scenario.paths import scenarios_dir

    folder = scenarios_dir()
    for candidate in (name, f"{name}.yaml"):
        if (folder / candidate).is_file():
            return str(folder / candidate)
    return None


def check_graph(scenario: Scenario) -> None:
    """Read a scenario's graph file now and check the founders fit on it; `ScenarioError` if not.

    `load_scenario` only checks that the file is a readable regular file (it is loaded many
    times); `circlesim validate`, `compare` and `sweep` call this once, so a file that would
    fail every run (not UTF-8, a text weight, too few persons) fails before any run starts.
    """
    graph = scenario.population.graph
    if graph.type != "file":
        return
    from sim.model.founding import check_fits
    from sim.model.population import GraphFileError, load_graph_file

    where, line = scenario.graph_file_at or (scenario.path or "<scenario>", None)
    try:
        g = load_graph_file(graph.file)
    except GraphFileError as exc:
        raise ScenarioError([Problem(where, line, "population.graph.file", str(exc))]) from None
    check_fits(scenario, g.number_of_nodes())
    if g.number_of_edges() == 0:  # valid, but no one can hear of the community from a friend
        note_no_ties(scenario)


def note_no_ties(scenario: Scenario) -> None:
    """Warn (a note on the command line) that the scenario's graph file has no ties between distinct persons."""
    import warnings

    where, line = scenario.graph_file_at or (scenario.path or "<scenario>", None)
    warnings.warn(f"{where}{f':{line}' if line else ''}: population.graph.file: {scenario.population.graph.file} "
                  "has no ties between distinct persons (self-loops are dropped), so word of mouth cannot spread "
                  "and members join only from outside", UserWarning, stacklevel=2)


def default_scenario() -> Scenario:
    """The scenario with every parameter at its default and no strategy."""
    return scenario_from_dict({})


__all__ = ["Scenario", "ScenarioError", "Problem", "check_graph", "load_scenario", "scenario_from_dict",
           "default_scenario", "defaults"]
