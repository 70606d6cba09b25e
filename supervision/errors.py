"""The domain error of the supervision app's services."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class SupervisionError(ValidationError):
    """A rule of visits or rectifications refuses what was asked: a state
    transition that is not allowed, an actor who may not do it, a value that
    breaks a rule. Carries a translated message for the user; views show it,
    forms can add it as a non-field error."""
