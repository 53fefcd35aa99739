"""Experiments: replications on common seeds, compare, sweep, the results store and executors.

`runner.py` runs one scenario, `replications.py` many seeds of many scenarios on any executor,
`compare.py` and `sweep.py` the planners' two questions, `stats.py` their statistics,
`store.py` the resumable results store, `evidence.py` the published-regularity checks.
"""
