"""The domain error of account management."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class AccountError(ValidationError):
    """An account action the rules refuse, with a translated message."""
