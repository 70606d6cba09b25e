"""django-otp's device admins, restricted: bureau staff see and delete
(reset) devices, but never add or edit one, so no one but the owner ever
holds an account's secret. They replace the admins django-otp registers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


class _ResetOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PortalTOTPDeviceAdmin(_ResetOnly, TOTPDeviceAdmin):
    list_display = ["user", "name", "created_at", "last_used_at", "confirmed"]
    inlines: list[Any] = []


class PortalStaticDeviceAdmin(_ResetOnly, StaticDeviceAdmin):
    inlines: list[Any] = []


for _model, _admin in ((TOTPDevice, PortalTOTPDeviceAdmin), (StaticDevice, PortalStaticDeviceAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
