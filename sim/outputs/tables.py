"""Tidy tables for the ecosystem: a run's time series as a long-format-ready frame, and Parquet.

`timeseries.csv` is one row per day; `tidy_timeseries` adds the `scenario` and `seed`
columns in front, so the tables of several runs concatenate into one frame that pandas,
seaborn or a database take as it is (one row per scenario, seed and day). Parquet needs
pyarrow, an optional extra (`pip install "circlesim[parquet]"`): without it,
`check_parquet` raises `ParquetUnavailable` with that instruction, before anything runs.

>>> import pandas as pd
>>> tidy_timeseries(pd.DataFrame({"day": [0, 1], "dau": [3, 4]}), "baseline", 7).columns.tolist()
['scenario', 'seed', 'day', 'dau']
"""

from __future__ import annotations

import importlib.util


class ParquetUnavailable(RuntimeError):
    """Parquet output was asked for, but pyarrow is not installed."""


def tidy_timeseries(ts, scenario: str, seed: int):
    """The daily time series with `scenario` and `seed` columns first (one row per scenario, seed and day)."""
    out = ts.copy()
    out.insert(0, "seed", int(seed))
    out.insert(0, "scenario", str(scenario))
    return out


def check_parquet() -> None:
    """Raise `ParquetUnavailable` unless pyarrow can be imported."""
    if importlib.util.find_spec("pyarrow") is None:
        raise ParquetUnavailable("Parquet output needs pyarrow, which is not installed: "
                                 "pip install \"circlesim[parquet]\" (or pip install pyarrow)")


def write_parquet(frame, path) -> None:
    """Write `frame` as a Parquet file (pyarrow engine, no index)."""
    check_parquet()
    frame.to_parquet(path, engine="pyarrow", index=False)


__all__ = ["ParquetUnavailable", "check_parquet", "tidy_timeseries", "write_parquet"]
