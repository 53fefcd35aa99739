"""Outputs: figures, reports, the interactive page and the generated API reference.

Figures are in `plots.py`, HTML and Markdown reports in `report.py`, the interactive page in
`dashboard.py` and the generated API reference in `apidoc.py`.
"""
