"""Outputs: figures (`plots.py`), HTML and Markdown reports (`report.py`), the interactive page
(`dashboard.py`) and the generated API reference (`apidoc.py`).
"""
