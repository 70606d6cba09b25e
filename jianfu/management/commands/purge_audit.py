import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from jianfu.models import AuditEvent


class Command(BaseCommand):
    help = "Delete audit entries older than AUDIT_RETENTION_DAYS (never fewer than 184 days)."

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - datetime.timedelta(days=max(184, settings.AUDIT_RETENTION_DAYS))
        deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"{deleted}")
