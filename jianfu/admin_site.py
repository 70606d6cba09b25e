from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse


class PortalAdminSite(admin.AdminSite):
    """The Django admin is the bureau's tool; school and supervisor accounts
    never get in, whatever flags an account carries."""

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_bureau", False))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # The admin's sign-in page counts towards the portal's lockout too.
        from jianfu.signin.forms import LockoutAdminAuthenticationForm

        self.login_form = LockoutAdminAuthenticationForm
        return super().login(request, extra_context)
