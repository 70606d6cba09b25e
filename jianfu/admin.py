from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jianfu.models import AuditEvent, DailyRun, User
from jianfu.signin import admin as _signin_admin  # noqa: F401 - the restricted device admins
from jianfu.signin.lockout import signin_unlock
from jianfu.signin.twofactor import twofactor_reset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "school", "is_active", "last_login")
    # last_login: the overview's to-do links to accounts that never signed in.
    list_filter = ("role", "is_active", "groups", "last_login")
    search_fields = ("username", "full_name", "school__name", "school__code")
    autocomplete_fields = ("school",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "phone")}),
        (_("Role"), {"fields": ("role", "school", "groups")}),
        (
            _("Access"),
            {"fields": ("is_active", "must_change_password", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "role", "school", "password1", "password2")}),
    )
    actions = ["reset_second_factor", "unlock_sign_in"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # A password typed in by a clerk is the clerk's: the account chooses
        # its own at first sign-in (jianfu.accounts.middleware).
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Reset the second factor (lost phone)"), permissions=["change"])
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            twofactor_reset(user=user, by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d account was reset; it enrols anew at the next sign-in.",
                "The second factor of %(count)d accounts was reset; they enrol anew at the next sign-in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock sign-in after failed attempts"), permissions=["change"])
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            signin_unlock(username=user.username)
        self.message_user(request, _("Sign-in is unlocked for the selected accounts."), messages.SUCCESS)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: bureau staff with the view permission read the trail; no one
    adds, changes or deletes entries through the portal."""

    list_display = ("at", "username", "ip_address", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_repr", "object_id", "note", "ip_address")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


@admin.register(DailyRun)
class DailyRunAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "done_at", "items", "recipients")
    list_filter = ("kind",)
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
