from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from schools.models import School
from schools.register.classes import school_classes_sync


class Command(BaseCommand):
    help = "Make every active school's classes match the class counts of its register entry."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for school in School.objects.filter(active=True).order_by("code").iterator():
            total += len(school_classes_sync(school=school))
        self.stdout.write(f"{total} active classes")
