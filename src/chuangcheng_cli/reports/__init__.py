"""Rows computed once from a snapshot (rows.py) and their renderings: rich tables, xlsx, html, md."""
