"""Veto checkers: each finds, for a semester, the schools that break a rule
and a reason for each. Registered by kind; ``VetoRule`` rows name a kind and
give its parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.functional import Promise

from schools.models import Semester

VetoChecker = Callable[[Semester, Iterable[int], dict[str, Any]], dict[int, str]]
VETO_KINDS: dict[str, tuple[str | Promise, VetoChecker]] = {}


def veto_kind(key: str, label: str | Promise) -> Callable[[VetoChecker], VetoChecker]:
    def register(fn: VetoChecker) -> VetoChecker:
        VETO_KINDS[key] = (label, fn)
        return fn

    return register


def load_veto_kinds() -> dict[str, tuple[str | Promise, VetoChecker]]:
    from importlib import import_module

    import_module("reports.scoring.builtin")
    return VETO_KINDS
