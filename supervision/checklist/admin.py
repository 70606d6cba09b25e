from __future__ import annotations

from django.contrib import admin

from supervision.models import (
    SupervisionItem,
)


@admin.register(SupervisionItem)
class SupervisionItemAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "parent", "order", "active")
    list_filter = ("active", "parent")
    search_fields = ("code", "title", "guidance")
    list_editable = ("order", "active")
    autocomplete_fields = ("parent",)
