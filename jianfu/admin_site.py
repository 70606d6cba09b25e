from django.contrib import admin
from django.http import HttpRequest


class PortalAdminSite(admin.AdminSite):
    """The Django admin is the bureau's tool; school and supervisor accounts
    never get in, whatever flags an account carries."""

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_bureau", False))
