"""The domain error of scoring services."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ScoringError(ValidationError):
    """A rule of scoring refuses what was asked (no scheme, no run, a step
    the user may not take). Carries a translated message; views show it."""
