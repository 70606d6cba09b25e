from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from jianfu.scoping import schools_visible_to


class SchoolScopedAdminMixin:
    """Restricts an admin list to rows of schools the user may see.

    ``school_path`` is the lookup from the model to its school ("" for School
    itself). The admin is bureau-only today, but going through the scoping
    selector keeps a future school-side admin page from leaking."""

    school_path: str = "school"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        visible = schools_visible_to(request.user)
        if self.school_path:
            return qs.filter(**{f"{self.school_path}__in": visible})
        return qs.filter(pk__in=visible.values("pk"))


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
