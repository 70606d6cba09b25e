"""The domain error of the school records."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class RecordError(ValidationError):
    """A write that the rules refuse, with a translated message for the user."""
