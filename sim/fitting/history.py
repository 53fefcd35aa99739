r"""A community's own history: a CSV of daily counts, validated like a scenario file.

The file has one row per observed day: a ``day`` column (days since launch, 0 = launch day)
or a ``date`` column (``YYYY-MM-DD``; day 0 is `launch_date`, by default the first date), and
any of the series ``members``, ``dau``, ``mau``, ``posts``, ``joins``, ``leaves`` (the daily
read-outs of the same names in ``sim/readouts/registry.py``). Days may have gaps, and so may
the series (an empty cell or ``NA`` is a gap). Lines starting with ``#`` are comments; blank
lines are skipped.

Every problem is reported with file, line and column (number and name); `read_history`
raises `HistoryError` carrying all of them (at most 20), and the command line prints them and
exits with code 2 before writing anything.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "h.csv")
>>> _ = open(path, "w").write("day,members,dau\n0,30,30\n1,34,\n3,41,20\n")
>>> h = read_history(path)
>>> h.days.tolist(), h.series, h.last_day
([0, 1, 3], ['members', 'dau'], 3)
>>> _ = open(path, "w").write("day,members\n0,30\n1,-2\n")
>>> read_history(path)
Traceback (most recent call last):
...
sim.fitting.history.HistoryError: 1 problem in history:
  ...h.csv:3: column 2 (members): -2 is negative; counts are 0 or more
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.schema import SCHEMA

#: The last day a history may have: the longest horizon circlesim simulates (`horizon_days`' bound).
MAX_DAY = int(SCHEMA["horizon_days"].high)

#: Series a history may hold: daily read-outs of the simulator with the same names.
SERIES = ("members", "dau", "mau", "posts", "joins", "leaves")
#: The time column: days since launch, or calendar dates.
TIME_COLUMNS = ("day", "date")
#: Cells read as a gap (no observation that day).
GAPS = ("", "na", "n/a", "nan", "null")
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class HistoryProblem:
    """One thing wrong with a history file: file, line, column (number and name) and what is wrong."""

    file: str
    line: int
    column: int | None
    name: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        if self.column is not None:
            where += f": column {self.column}" + (f" ({self.name})" if self.name else "")
        return f"{where}: {self.message}"


class HistoryError(ValueError):
    """Raised when a history file is invalid; `.problems` lists every problem found (up to 20)."""

    def __init__(self, problems: list[HistoryProblem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in history:"
        if n >= MAX_PROBLEMS:
            head = f"{n} problems in history (stopped counting):"
        super().__init__("\n".join([head] + ["  " + str(p) for p in self.problems]))


@dataclass
class ObservedHistory:
    """Observed days and, per series, the value on each of them (NaN where the series has a gap).

    `days` is strictly increasing; `values[s]` is aligned with `days`. `origin` is the
    calendar date of day 0 when the file gave dates.
    """

    path: str
    days: np.ndarray
    values: dict[str, np.ndarray]
    origin: dt.date | None = None
    sha256: str = ""
    comments: list[str] = field(default_factory=list)
    #: the file's line of each observed day and the column (1-based) of each series, when read from
    #: a file (empty for a history built in Python): lets later checks name line and column
    lines: np.ndarray | None = None
    columns: dict[str, int] = field(default_factory=dict)
    #: day 0 was the file's first date, as no launch date was given
    origin_assumed: bool = False

    def where(self, series: str, i: int) -> str:
        """'file:line: column c (series)' of observation `i` of `series`.

        A table's rows count as lines from 2, as `history_from_frame` checks them; without lines: 'file: series'.
        """
        if self.lines is None:
            return f"{self.path}: {series}"
        col = self.columns.get(series)
        return f"{self.path}:{int(self.lines[i])}" + (f": column {col} ({series})" if col else f": {series}")

    @property
    def series(self) -> list[str]:
        """The observed series, in file order."""
        return list(self.values)

    @property
    def last_day(self) -> int:
        """The last observed day (the fit simulates days 0 .. last_day)."""
        return int(self.days[-1])

    @property
    def n_days(self) -> int:
        """Days from launch to the last observation, both included."""
        return self.last_day + 1

    def frame(self) -> pd.DataFrame:
        """The history as a table: day, date (if known) and one column per series."""
        df = pd.DataFrame({"day": self.days.astype(int)})
        if self.origin is not None:
            df["date"] = [self.date_of(int(d)) for d in self.days]
        for s, v in self.values.items():
            df[s] = v
        return df

    def date_of(self, day: float | None) -> str | None:
        """The calendar date of a day (ISO text), or None when the history has no dates."""
        if self.origin is None or day is None or not math.isfinite(day):
            return None
        return (self.origin + dt.timedelta(days=int(round(day)))).isoformat()

    def truncated(self, last_day: int) -> "ObservedHistory":
        """The same history up to and including `last_day`."""
        keep = self.days <= last_day
        return ObservedHistory(self.path, self.days[keep], {s: v[keep] for s, v in self.values.items()},
                               self.origin, self.sha256, list(self.comments),
                               None if self.lines is None else self.lines[keep], dict(self.columns),
                               self.origin_assumed)

    def describe(self) -> str:
        """One line for reports: file, days, series, gaps."""
        gaps = {s: int(np.isnan(v).sum()) for s, v in self.values.items()}
        gap_text = ", ".join(f"{s} {n}" for s, n in gaps.items() if n) or "none"
        # days with no line at all are gaps too (a red team counted 31 missing days as 'gaps: posts 7')
        missing = int(self.last_day - int(self.days[0]) + 1 - len(self.days)) if len(self.days) else 0
        if missing > 0:
            gap_text = f"{missing} day{'s' * (missing != 1)} with no line" + ("" if gap_text == "none"
                                                                            else f"; empty cells: {gap_text}")
        first = int(self.days[0]) if len(self.days) else 0
        # observed from a later day than launch: the span says so (the fit still simulates from day 0)
        span = f"days {first}-{self.last_day}" + (" (the fit simulates from launch, day 0)" if first > 0 else "")
        if self.origin is not None:
            span += f" ({self.date_of(0)} to {self.date_of(self.last_day)})"
        return (f"{Path(self.path).name}: {len(self.days)} observed days, {span}; series "
                f"{', '.join(self.series)}; gaps: {gap_text}")


def history_from_frame(df: pd.DataFrame, series=None, path: str = "<table>") -> ObservedHistory:
    """An ObservedHistory from a table with a `day` column (a simulated time series, or a DataFrame).

    Checked like a file (rows count as CSV lines after a header: row 0 is line 2): days whole,
    0 or more and increasing; values finite and 0 or more, NaN for a gap. `series`: which of
    SERIES to keep (default: every one the table has; other columns are ignored).
    """
    problems: list[HistoryProblem] = []
    if "day" not in df.columns:
        raise HistoryError([HistoryProblem(path, 1, None, None, "no 'day' column")])
    series = list(series or [s for s in SERIES if s in df.columns])
    bad = [s for s in series if s not in SERIES or s not in df.columns]
    if bad or not series:
        raise HistoryError([HistoryProblem(path, 1, None, None, f"no usable series ({', '.join(bad) or 'none'}); "
                                           f"give some of {', '.join(SERIES)}")])
    if len(df) == 0:
        raise HistoryError([HistoryProblem(path, 1, None, None, "no observed day: the table has no rows")])
    numeric = {}
    for j, col in enumerate(["day", *series], start=1):
        try:
            numeric[col] = np.asarray(df[col], dtype=float)
        except (TypeError, ValueError):  # text in a cell: say which, as a file's reader does
            cells = pd.to_numeric(df[col], errors="coerce")
            text = np.flatnonzero(cells.isna() & df[col].notna())
            if text.size == 0:  # only missing markers (pd.NA) in an object column: gaps
                numeric[col] = cells.to_numpy(dtype=float)
                continue
            i = int(text[0])
            raise HistoryError([HistoryProblem(path, i + 2, j, col, f"{df[col].iloc[i]!r} is not a number")]) from None
    raw_days = numeric["day"]
    whole = np.isfinite(raw_days) & (raw_days == np.round(raw_days)) & (raw_days >= 0) & (raw_days <= MAX_DAY)
    for i in np.flatnonzero(~whole)[:MAX_PROBLEMS]:
        problems.append(HistoryProblem(path, int(i) + 2, 1, "day", f"{float(raw_days[i]):g} is not a whole number "
                                       f"of days from 0 to {MAX_DAY:,}"))
    steps = np.flatnonzero(np.diff(raw_days) <= 0)
    for i in steps[:MAX_PROBLEMS - len(problems)]:
        problems.append(HistoryProblem(path, int(i) + 3, 1, "day", f"day {raw_days[i + 1]:g} does not come after "
                                       f"day {raw_days[i]:g}"))
    for j, s in enumerate(series, start=2):
        v = numeric[s]
        for i in np.flatnonzero(np.isinf(v) | (v < 0))[:MAX_PROBLEMS - len(problems)]:
            problems.append(HistoryProblem(path, int(i) + 2, j, s, f"{float(v[i]):g}: counts are finite and 0 or more"))
        if np.isnan(v).all():  # as a file's reader says
            problems.append(HistoryProblem(path, 1, j, s, "the column has no values (every cell is a gap)"))
    if problems:
        raise HistoryError(sorted(problems, key=lambda p: (p.line, p.column or 0))[:MAX_PROBLEMS])
    days = raw_days.astype(np.int64)
    values = {s: numeric[s] for s in series}
    digest = hashlib.sha256(pd.DataFrame({"day": days, **values}).to_csv(index=False).encode()).hexdigest()
    return ObservedHistory(path, days, values, None, digest, [], np.arange(2, days.size + 2, dtype=np.int64),
                           {s: j for j, s in enumerate(series, start=2)})


#: Spreadsheet error values, which start with '#' but are cells, not comments.
EXCEL_ERRORS = ("#n/a", "#value!", "#ref!", "#div/0!", "#num!", "#name?", "#null!", "#getting_data")


def _excel_error_first(line: str) -> bool:
    """Whether `line` is a data row whose first cell is a spreadsheet error such as #N/A (pure).

    Such a line was read as a comment and its day silently dropped (red team, 2026-12-07).

    >>> _excel_error_first("#N/A,30,20"), _excel_error_first("# exported from the admin page, 2025")
    (True, False)
    """
    first = line.split(",")[0].split(";")[0].split("\t")[0].strip().lower()
    return first in EXCEL_ERRORS


def _parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_history(path: str | os.PathLike, launch_date: str | dt.date | None = None) -> ObservedHistory:
    """Read and validate a history CSV; raise `HistoryError` with file, line and column of each problem.

    `launch_date` (ISO text or date) is day 0 of a file with a ``date`` column; by default the
    file's first date.
    """
    path = Path(path)
    name = str(path)
    problems: list[HistoryProblem] = []

    def problem(line, column, col_name, message):
        if len(problems) < MAX_PROBLEMS:
            problems.append(HistoryProblem(name, line, column, col_name, message))

    from sim.scenario.files import MAX_HISTORY_BYTES, UnsafeFileError, read_bytes

    try:  # a regular file of bounded size: /dev/zero or a FIFO would never end
        raw = read_bytes(path, MAX_HISTORY_BYTES)
    except UnsafeFileError as exc:
        raise HistoryError([HistoryProblem(name, 1, None, None, str(exc))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise HistoryError([HistoryProblem(name, line, None, None, "not UTF-8 text")]) from None

    comments: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        # after the header, a line whose first cell is a spreadsheet error (#N/A) is a data row
        if stripped.startswith("#") and not (rows and _excel_error_first(stripped)):
            comments.append(stripped.lstrip("#").strip())
            continue
        try:
            fields = next(csv.reader([line]))
        except csv.Error as exc:
            problem(number, None, None, f"not CSV: {exc}")
            continue
        rows.append((number, [f.strip() for f in fields]))
    if not rows:
        raise HistoryError([HistoryProblem(
            name, 1, None, None, "the file is empty; expected a header line with a 'day' or 'date' column and "
            f"at least one of {', '.join(SERIES)}, then one line per observed day")])

    header_line, header = rows[0]
    allowed = (*TIME_COLUMNS, *SERIES)
    columns: dict[str, int] = {}
    for j, col in enumerate(header, start=1):
        key = col.lower()
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
            sep = next((c for c in (";", "\t", "|") if c in col), None)
            if sep is not None and len(header) == 1:  # one column holding every name: another separator
                hint = (f"; the header looks separated by {'a tab' if sep == chr(9) else repr(sep)}, and the file "
                        "is read as comma-separated: save it as CSV with commas (e.g. day,members,dau)")
            problem(header_line, j, col or None, f"unknown column {col!r}{hint}")
        elif key in columns:
            problem(header_line, j, col, f"column {col!r} appears twice (first as column {columns[key] + 1})")
        else:
            columns[key] = j - 1
    time_cols = [c for c in TIME_COLUMNS if c in columns]
    if not time_cols and not problems:
        problem(header_line, None, None, "no 'day' or 'date' column: the first line must name the columns, "
                "e.g. day,members,dau")
    if len(time_cols) == 2:
        problem(header_line, columns["date"] + 1, "date", "give either 'day' or 'date', not both")
    series = [key for key, _ in sorted(columns.items(), key=lambda kv: kv[1]) if key in SERIES]
    if not series and not problems:
        problem(header_line, None, None, f"no series column: give at least one of {', '.join(SERIES)}")
    if problems:
        raise HistoryError(problems)

    time_col = time_cols[0]
    t_idx = columns[time_col]
    origin: dt.date | None = None
    if time_col == "date" and launch_date is not None:
        origin = launch_date if isinstance(launch_date, dt.date) else dt.date.fromisoformat(str(launch_date))
    days: list[int] = []
    line_of: list[int] = []
    values: dict[str, list[float]] = {s: [] for s in series}
    last = None  # (day, line, as written)
    width = len(header)
    for number, fields in rows[1:]:
        if len(fields) != width:
            problem(number, None, None, f"{len(fields)} fields, but the header has {width} "
                    f"({', '.join(header)})")
            continue
        cell = fields[t_idx]
        day = None
        if time_col == "day":
            x = _parse_number(cell)
            if cell == "":
                problem(number, t_idx + 1, "day", "the day is missing")
            elif x is None or not math.isfinite(x) or not float(x).is_integer():
                problem(number, t_idx + 1, "day", f"{cell!r} is not a whole number of days")
            elif x < 0:
                problem(number, t_idx + 1, "day", f"{cell} is negative; day 0 is the launch day")
            elif x > MAX_DAY:  # int(1e300) is fine, numpy's int64 of it is not (an OverflowError)
                problem(number, t_idx + 1, "day", f"{cell} is beyond day {MAX_DAY:,}, the longest horizon "
                        "circlesim simulates")
            else:
                day = int(x)
        else:
            try:
                date = dt.date.fromisoformat(cell)
            except ValueError:
                problem(number, t_idx + 1, "date", f"{cell!r} is not a date (expected YYYY-MM-DD)")
                date = None
            if date is not None:
                if origin is None:
                    origin = date
                day = (date - origin).days
                if day < 0:
                    problem(number, t_idx + 1, "date", f"{cell} is before the launch date {origin.isoformat()}")
                    day = None
                elif day > MAX_DAY:
                    problem(number, t_idx + 1, "date", f"{cell} is day {day:,} from the launch date "
                            f"{origin.isoformat()}, beyond day {MAX_DAY:,}, the longest horizon circlesim simulates")
                    day = None
        if day is not None and last is not None and day <= last[0]:
            what = "repeats" if day == last[0] else "goes backwards"
            shown = cell if time_col == "day" else f"{cell} (day {day})"
            problem(number, t_idx + 1, time_col, f"{shown} {what}: line {last[1]} has {last[2]}; rows must be "
                    "in increasing order of time")
            day = None
        row_ok = day is not None
        row: dict[str, float] = {}
        for s in series:
            j = columns[s]
            cell = fields[j]
            if cell.lower() in GAPS:
                row[s] = math.nan
                continue
            x = _parse_number(cell)
            if x is None:
                problem(number, j + 1, s, f"{cell!r} is not a number (leave the cell empty for a gap)")
                row_ok = False
            elif not math.isfinite(x):
                problem(number, j + 1, s, f"{cell!r} is not a finite number")
                row_ok = False
            elif x < 0:
                problem(number, j + 1, s, f"{cell} is negative; counts are 0 or more")
                row_ok = False
            else:
                row[s] = x
        if day is not None:
            last = (day, number, fields[t_idx] if time_col == "date" else f"day {day}")
        if row_ok:
            days.append(day)
            line_of.append(number)
            for s in series:
                values[s].append(row[s])
    if not problems and not days:
        problem(header_line + 1 if len(rows) == 1 else rows[1][0], None, None,
                "no observed day: the header is not followed by any data line")
    if not problems:
        for s in series:
            if all(math.isnan(v) for v in values[s]):
                problem(header_line, columns[s] + 1, s, "the column has no values (every cell is a gap)")
    if problems:
        raise HistoryError(problems)
    return ObservedHistory(name, np.asarray(days, dtype=np.int64),
                           {s: np.asarray(values[s], dtype=float) for s in series}, origin,
                           hashlib.sha256(raw).hexdigest(), comments, np.asarray(line_of, dtype=np.int64),
                           {s: columns[s] + 1 for s in series}, time_col == "date" and launch_date is None)


def write_history(df: pd.DataFrame, path: str | os.PathLike, comments=()) -> None:
    """Write a history table (day or date column and series) as CSV, with `#` comment lines first."""
    from sim.experiments.store import atomic_write_text

    lines = [f"# {c}" for c in comments]
    body = df.to_csv(index=False, lineterminator="\n")
    atomic_write_text(Path(path), "\n".join(lines) + ("\n" if lines else "") + body)


__all__ = ["SERIES", "HistoryError", "HistoryProblem", "ObservedHistory", "history_from_frame", "read_history",
           "write_history"]
