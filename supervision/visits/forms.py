"""Forms of the visit pages. They only parse and check input; the rules live
in :mod:`supervision.visits.services`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.models import ItemResult, SupervisionItem, Visit, VisitKind, VisitMethod, VisitMode
from supervision.visits.services import DemandEntry, ItemEntry

NOT_CHECKED = ""


RESULT_CHOICES = [(NOT_CHECKED, _("Not checked")), *ItemResult.choices]


@dataclass
class ItemRow:
    """One checklist line of a form: the item and the code and wording to
    show (today's for a new visit, the visit's own for an amendment)."""

    item: SupervisionItem
    code: str
    title: str
    is_top_level: bool
    guidance: str = ""

    @property
    def key(self) -> int:
        return self.item.pk


class ItemFieldsMixin:
    """Adds result_<id>, note_<id> (and, with demands, demand_<id>,
    demand_text_<id>, deadline_<id>) for each row, and collects
    :class:`ItemEntry` objects in ``item_entries``."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    with_demands = False

    def add_item_fields(self, rows: list[ItemRow], default_deadline: datetime.date | None = None) -> None:
        self.rows = rows
        for row in rows:
            k = row.key
            self.fields[f"result_{k}"] = forms.ChoiceField(
                label=f"{row.code} {row.title}",
                choices=RESULT_CHOICES,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
            )
            self.fields[f"note_{k}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control", "placeholder": _("Note (optional)")}),
            )
            if self.with_demands:
                self.fields[f"demand_{k}"] = forms.BooleanField(
                    label=_("Demand rectification"),
                    required=False,
                    initial=True,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )
                self.fields[f"demand_text_{k}"] = forms.CharField(
                    label=_("What must be corrected"),
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                )
                self.fields[f"deadline_{k}"] = forms.DateField(
                    label=_("Deadline"),
                    required=False,
                    initial=default_deadline,
                    widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
                )

    def bound_rows(self) -> list[dict[str, Any]]:
        form: Any = self
        out = []
        for row in self.rows:
            k = row.key
            entry: dict[str, Any] = {"row": row, "result": form[f"result_{k}"], "note": form[f"note_{k}"]}
            if self.with_demands:
                entry.update(
                    demand=form[f"demand_{k}"], demand_text=form[f"demand_text_{k}"], deadline=form[f"deadline_{k}"]
                )
            out.append(entry)
        return out

    def clean_items(self) -> list[ItemEntry]:
        form: Any = self
        entries = []
        for row in self.rows:
            k = row.key
            result = self.cleaned_data.get(f"result_{k}") or NOT_CHECKED
            if result == NOT_CHECKED:
                continue
            demand = None
            if self.with_demands and result == ItemResult.NON_COMPLIANT and self.cleaned_data.get(f"demand_{k}"):
                text = (self.cleaned_data.get(f"demand_text_{k}") or "").strip()
                deadline = self.cleaned_data.get(f"deadline_{k}")
                if not text:
                    form.add_error(f"demand_text_{k}", _("Say what must be corrected."))
                if not deadline:
                    form.add_error(f"deadline_{k}", _("Set a deadline."))
                if text and deadline:
                    demand = DemandEntry(description=text, deadline=deadline)
            entries.append(
                ItemEntry(item=row.item, result=result, note=self.cleaned_data.get(f"note_{k}") or "", demand=demand)
            )
        return entries


def _date_widget() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "class": "form-control", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d"
    )


def _demand_label(rectification: Any) -> str:
    return str(_("%(title)s (deadline %(deadline)s)")) % {
        "title": rectification.title,
        "deadline": rectification.deadline.isoformat(),
    }


class VisitForm(ItemFieldsMixin, forms.Form):
    """A new visit, as posted by the tablet (or by the plain form)."""

    with_demands = True

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date of visit"))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=VisitKind.choices, initial=VisitKind.ROUTINE, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(
        label=_("Announced or not"), choices=VisitMode.choices, initial=VisitMode.ANNOUNCED, widget=forms.RadioSelect
    )
    methods = forms.MultipleChoiceField(
        label=_("Methods"), choices=VisitMethod.choices, widget=forms.CheckboxSelectMultiple
    )
    supervisors: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Supervisors present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    checks: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Rectification demands checked on this visit"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )

    def __init__(
        self,
        *args: Any,
        items: list[SupervisionItem],
        supervisors: Any,
        open_rectifications: Any,
        default_deadline: datetime.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = _date_widget()
        self.fields["supervisors"].queryset = supervisors  # type: ignore[attr-defined]
        self.fields["checks"].queryset = open_rectifications  # type: ignore[attr-defined]
        self.fields["checks"].label_from_instance = _demand_label  # type: ignore[attr-defined]
        rows = [ItemRow(i, i.code, i.title, i.parent_id is None, i.guidance) for i in items]
        self.add_item_fields(rows, default_deadline)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        entries = self.clean_items()
        if not entries and not self.errors:
            raise forms.ValidationError(_("Give a result for at least one checklist item."))
        self.item_entries = entries
        return cleaned


class VisitAmendForm(ItemFieldsMixin, forms.Form):
    date = forms.DateField(label=_("Date of visit"))
    mode = forms.ChoiceField(label=_("Announced or not"), choices=VisitMode.choices, widget=forms.RadioSelect)
    methods = forms.MultipleChoiceField(
        label=_("Methods"), choices=VisitMethod.choices, widget=forms.CheckboxSelectMultiple
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"})
    )
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args: Any, visit: Visit, active_items: list[SupervisionItem], **kwargs: Any) -> None:
        results = list(visit.results.all())
        initial = {
            "date": visit.date,
            "mode": visit.mode,
            "methods": list(visit.methods),
            "findings": visit.findings,
        }
        rows = []
        rated = set()
        for r in results:
            rows.append(ItemRow(r.item, r.item_code, r.item_title, r.item_is_top_level))
            initial[f"result_{r.item_id}"] = r.result
            initial[f"note_{r.item_id}"] = r.note
            rated.add(r.item_id)
        rows += [
            ItemRow(i, i.code, i.title, i.parent_id is None, i.guidance) for i in active_items if i.pk not in rated
        ]
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = _date_widget()
        self.add_item_fields(rows)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.item_entries = self.clean_items()
        return cleaned
