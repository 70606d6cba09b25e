from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jianfu.roles import Role


class User(AbstractUser):
    """用户账号: every account of the portal. The role decides the landing page and what
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
    # Set when someone else chose the password (or none yet): every page then
    # leads to the set-password page (jianfu.accounts.middleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("create_account", _("Can create accounts")),
            ("deactivate_account", _("Can deactivate and reactivate accounts")),
            ("reset_account", _("Can issue sign-in links (reset)")),
        ]
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


class RateCounter(models.Model):
    """计数器: attempts counted under a keyed hash for one fixed window:
    sign-in failures per account and per address, public complaint limits,
    CAPTCHA failures. Changed only by single upsert statements
    (:mod:`jianfu.counters`), so concurrent requests never both pass."""

    scope = models.CharField(_("scope"), max_length=30)
    key_hash = models.CharField(_("key (hashed)"), max_length=64)
    window_start = models.DateTimeField(_("window start"))
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [models.UniqueConstraint(fields=["scope", "key_hash"], name="rate_counter_unique_key")]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.count} @ {self.window_start:%Y-%m-%d %H:%M}"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    TRANSITION = "transition", _("State change")
    READ_IDENTITY = "read_identity", _("Viewed a complainant's identity")
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    EXPORT = "export", _("Exported")
    SECOND_FACTOR_RESET = "2fa_reset", _("Second factor reset")


class AuditEvent(models.Model):
    """审计日志: one entry of the audit trail. Written by :mod:`jianfu.audit`, never
    changed: the admin is read-only, and on PostgreSQL a trigger refuses any
    UPDATE, and any DELETE of an entry younger than the retention floor."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # No database constraint and no cascade: deleting an account must not
    # touch its entries (the trigger refuses any UPDATE), which keep the id
    # and the username of who acted.
    user = models.ForeignKey(
        "User",
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    # No index of its own (nor db_index's second one, for LIKE, which no
    # query runs): the object type leads audit_object_idx.
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"


class UserSession(models.Model):
    """登录会话: which sessions belong to which account, so that deactivating an
    account can end every one of its sessions at once."""

    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("user session")
        verbose_name_plural = _("user sessions")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}"


class DailyRun(models.Model):
    """A once-a-day job (每日汇总) of one kind for one day: the overdue
    rectification digest, the complaint deadline digest. The row is claimed
    before the job runs, so that the beat entry, a retry and the management
    command never send the same day's e-mail twice; a failed run releases it."""

    kind = models.CharField(_("kind"), max_length=40)
    day = models.DateField(_("day"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    items = models.PositiveIntegerField(_("items"), default=0, help_text=_("What the run reported on."))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")
        ordering = ["-day", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "day"], name="daily_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"


# Models of jianfu's subject packages (house plan: re-exported here).
from jianfu.accounts.models import AccountLink  # noqa: E402, F401
