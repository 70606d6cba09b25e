from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from reports.models import ReportJob


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdmin):
    list_display = ("kind", "requested_by", "status", "progress", "created_at", "finished_at", "attempts")
    list_filter = ("status", "kind")
    date_hierarchy = "created_at"
    search_fields = ("filename", "requested_by__username")
