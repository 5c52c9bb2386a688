"""Klimaatpeil's analysis library: scoring, tests between waves, reports.

No Flask and no database here: everything works on data frames in the CSV
exchange format (docs/data-format.md), from the app or from any file.
"""
