"""Burden surveys of pupils and parents (问卷调查, issue 15)."""
