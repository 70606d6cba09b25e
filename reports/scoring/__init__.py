"""Semester scoring: indicators, weights per semester, vetoes, rankings."""
