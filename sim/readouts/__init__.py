"""Read-outs: what a run is measured by (pure functions of the model's records and time series).

`lifecycle.py` finds the phases and the lifespan, `metrics.py` holds the pure read-out functions
and the run summary.
"""
