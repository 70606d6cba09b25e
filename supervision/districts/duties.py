"""The duties of a responsible supervisor (责任督学), as 《中小学校责任督学挂牌
督导办法》 (2013) words them; the public sign and its poster show them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SUPERVISOR_DUTIES = (
    _("Supervise the school's lawful and orderly running"),
    _("Guide the school's management and its teaching"),
    _("Accept complaints and reports about the school and verify them promptly"),
    _("Press the school to rectify the problems found"),
    _("Report the supervision to the education supervision office"),
)
