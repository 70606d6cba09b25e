from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jianfu.roles import Role


class User(AbstractUser):
    """Every account of the portal. The role decides the landing page and what
    :mod:`jianfu.scoping` lets the account see."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.BUREAU)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        help_text=_("Required for school accounts: the one school the account acts for."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="principal_has_school",
                condition=~Q(role=Role.PRINCIPAL) | Q(school__isnull=False),
                violation_error_message=_("A school account must name its school."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_bureau(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == Role.BUREAU)

    @property
    def is_principal(self) -> bool:
        return self.is_active and self.role == Role.PRINCIPAL and self.school_id is not None

    @property
    def is_supervisor(self) -> bool:
        return self.is_active and self.role == Role.SUPERVISOR


class LoginFailure(models.Model):
    """One failed sign-in. Kept in the database rather than the cache so that
    the lockout holds across processes and survives a Redis outage."""

    username = models.CharField(_("username"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True, db_index=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip_address} {self.at:%Y-%m-%d %H:%M}"
