"""Rebuild the visit coverage summary (走访覆盖汇总) from the visits and the
district memberships: after bulk writes that send no signal (the bench
generator, a restore), or to check the incremental upkeep."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from supervision.visits.coverage import visit_coverage_rebuild


class Command(BaseCommand):
    help = "Rebuild every visit coverage summary row (per district and month) from the raw visits."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = visit_coverage_rebuild()
        self.stdout.write(f"{rows} visit coverage summary rows written.")
