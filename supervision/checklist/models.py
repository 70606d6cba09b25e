from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SupervisionItem(models.Model):
    """督导事项: one line of the supervision checklist, kept by bureau staff as data.

    The top level holds the eight supervision items (督导事项) of the 2013
    rules; burden-reduction sub-items hang below them. Visits and self-checks
    store the code and wording of each item as it was when they were filled,
    so rewording or retiring an item never changes an old record; retiring
    (``active=False``) keeps the row for the records that point at it."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("For example 4 or 4.2."))
    title = models.CharField(_("title"), max_length=200)
    guidance = models.TextField(_("what to check"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(name="supervision_item_not_own_parent", condition=~Q(parent=models.F("pk"))),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_top_level(self) -> bool:
        return self.parent_id is None


class ItemResult(models.TextChoices):
    """The result of one checklist item, on a visit or in a self-check."""

    COMPLIANT = "compliant", _("Compliant")
    MOSTLY = "mostly", _("Mostly compliant")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")
    NOT_APPLICABLE = "na", _("Not applicable")

    @classmethod
    def rank(cls, value: str) -> int | None:
        """Higher is better; None for not applicable. Lets a self-check be
        compared with a visit ("the school rated itself better")."""
        return {cls.COMPLIANT: 2, cls.MOSTLY: 1, cls.NON_COMPLIANT: 0}.get(cls(value))
