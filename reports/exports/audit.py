"""The audit trail as Excel, for a range of days: who did what, when, from
where, and what changed. Only for bureau staff holding the audit trail's
view permission (``jianfu.view_auditevent``), the same permission that shows
the trail in the admin."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jianfu.audit import audit_events_between
from jianfu.xlsx import Column, Sheet
from reports.exports.base import ExcelExporter, Progress
from reports.registry import exporter

VIEW_PERMISSION = "jianfu.view_auditevent"


# One workbook covers at most a year and a bit: the trail keeps at least
# 184 days, and a longer span is several exports.
MAX_DAYS = 400


# Excel cells hold at most 32,767 characters.
CELL_LIMIT = 32_000


# Excel sheets hold at most 1,048,576 rows.
MAX_ROWS = 1_048_000


class DateRangeForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end of the range is before its start."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(
                    _("Export at most %(days)s days at a time.") % {"days": MAX_DAYS}, code="too_long"
                )
        return data


def _changes_text(changes: Any) -> str:
    if not changes:
        return ""
    text = json.dumps(changes, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT] + "…"


@exporter
class AuditTrailExcel(ExcelExporter):
    identifier = "audit_trail_xlsx"
    verbose_name = _("Audit trail")
    description = _("Every entry of the audit trail between two days (who, when, from where, what changed), as Excel.")
    form_class = DateRangeForm

    def allowed(self, user: Any) -> bool:
        return bool(super().allowed(user) and user.has_perm(VIEW_PERMISSION))

    def filename(self, params: dict[str, Any]) -> str:
        return f"{gettext('Audit trail')}-{params['start']}-{params['end']}.xlsx"

    def sheets(self, params: dict[str, Any], *, user: Any, progress: Progress) -> Sequence[Sheet]:
        start = datetime.date.fromisoformat(params["start"])
        end = datetime.date.fromisoformat(params["end"])
        events = audit_events_between(start=start, end=end)
        actions = dict(events.model._meta.get_field("action").flatchoices)

        def lines() -> Iterator[list[Any]]:
            for count, event in enumerate(events.iterator(chunk_size=2000)):
                if count >= MAX_ROWS:
                    yield ["", "", "", gettext("More entries than one sheet holds: export a shorter range.")]
                    return
                yield [
                    timezone.localtime(event.at).replace(tzinfo=None),
                    event.username,
                    event.ip_address or "",
                    str(actions.get(event.action, event.action)),
                    event.object_type,
                    event.object_id,
                    event.object_repr,
                    _changes_text(event.changes),
                    event.note,
                ]

        title = f"{settings.BUREAU_NAME} {gettext('Audit trail')}（{start:%Y-%m-%d} – {end:%Y-%m-%d}）"
        return [
            Sheet(
                title=gettext("Audit trail"),
                notes=[title],
                columns=[
                    Column(gettext("time"), 20, "yyyy-mm-dd hh:mm:ss"),
                    Column(gettext("username"), 14),
                    Column(gettext("address"), 16),
                    Column(gettext("action"), 14),
                    Column(gettext("object type"), 26),
                    Column(gettext("object id"), 10),
                    Column(gettext("object"), 30),
                    Column(gettext("changes"), 60),
                    Column(gettext("note"), 30),
                ],
                rows=lines(),
            )
        ]
