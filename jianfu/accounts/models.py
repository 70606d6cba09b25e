"""Sign-in links issued to accounts (账号开通与重置链接)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkPurpose(models.TextChoices):
    FIRST = "first", _("First sign-in")
    RESET = "reset", _("Password reset")


class AccountLink(models.Model):
    """A one-time sign-in link issued to an account (开通/重置链接).

    The link itself is never stored: it is a Django password-reset token,
    derived from the account's state and void once a password is set. The
    row records who issued it and whether the e-mail went out, so that the
    outbox sweeper can send what a Redis outage held back."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="links"
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=LinkPurpose.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True, db_index=True)
    email = models.EmailField(_("e-mailed to"), blank=True)
    notified_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)

    class Meta:
        app_label = "jianfu"
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_purpose_display()} · {self.issued_at:%Y-%m-%d %H:%M}"
