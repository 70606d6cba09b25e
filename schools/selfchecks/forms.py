from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianfu.validators import SingleLineFieldsMixin
from schools.models import PeriodKind, School, Semester
from supervision.models import ItemResult, SupervisionItem


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.TextInput):
    input_type = "month"


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.title}"


class SelfCheckRoundForm(SingleLineFieldsMixin, forms.Form):
    period_kind = forms.ChoiceField(
        label=_("Period"), choices=PeriodKind.choices, initial=PeriodKind.MONTH, widget=forms.RadioSelect
    )
    month = forms.CharField(label=_("Month"), required=False, widget=MonthInput(), help_text=_("For a monthly round."))
    semester = forms.ModelChoiceField(
        label=_("Semester"),
        queryset=Semester.objects.select_related("school_year").order_by("-start_date"),
        required=False,
        help_text=_("For a semester round."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=100, required=False, help_text=_("Leave empty to name the round after its period.")
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on (deadline)"), widget=DateInput())
    items = ItemChoiceField(
        label=_("Supervision items"),
        queryset=SupervisionItem.objects.filter(active=True).order_by("order", "code"),
        widget=forms.CheckboxSelectMultiple,
    )
    all_schools = forms.BooleanField(label=_("All active schools"), required=False, initial=True)
    schools = forms.ModelMultipleChoiceField(
        label=_("Or these schools"),
        queryset=School.objects.filter(active=True).order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    instructions = forms.CharField(
        label=_("Instructions for the schools"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("month", f"{today.year:04d}-{today.month:02d}")
        self.initial.setdefault("opens_on", today)
        self.initial.setdefault("closes_on", today + datetime.timedelta(days=14))

    def clean_month(self) -> datetime.date | None:
        raw = (self.cleaned_data.get("month") or "").strip()
        if not raw:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("period_kind")
        if kind == PeriodKind.MONTH and not data.get("month"):
            self.add_error("month", _("Choose the month the round checks."))
        if kind == PeriodKind.SEMESTER and not data.get("semester"):
            self.add_error("semester", _("Choose the semester the round checks."))
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("A round cannot close before it opens."))
        if not data.get("all_schools") and not data.get("schools"):
            self.add_error("schools", _("Choose the schools, or all active schools."))
        if not data.get("title"):
            if kind == PeriodKind.MONTH and data.get("month"):
                month = data["month"]
                data["title"] = _("Burden-reduction self-check, %(year)s-%(month)s") % {
                    "year": month.year,
                    "month": f"{month.month:02d}",
                }
            elif kind == PeriodKind.SEMESTER and data.get("semester"):
                data["title"] = _("Burden-reduction self-check, %(semester)s") % {"semester": data["semester"]}
        return data

    def chosen_schools(self) -> Any:
        if self.cleaned_data.get("all_schools"):
            return School.objects.filter(active=True)
        return self.cleaned_data["schools"]


class SelfCheckItemForm(SingleLineFieldsMixin, forms.Form):
    """The answer on one item; the prefix names the item."""

    result = forms.ChoiceField(label=_("Result"), choices=ItemResult.choices, required=False, widget=forms.RadioSelect)
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(SingleLineFieldsMixin, forms.Form):
    comment = forms.CharField(
        label=_("Review comments"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning the self-check: say what the school must revise."),
    )


class CrossCheckFilterForm(SingleLineFieldsMixin, forms.Form):
    """The cross-check list's filters (GET). The choices are what the user
    may see: all rounds and districts for bureau staff, a supervisor's own."""

    round: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Self-check round"), queryset=None, required=False
    )
    district: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Supervisory district"), queryset=None, required=False
    )
    gaps = forms.ChoiceField(
        label=_("Show"), choices=[("", _("All schools")), ("1", _("Only schools with gaps"))], required=False
    )

    def __init__(self, *args: Any, rounds: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds  # type: ignore[attr-defined]
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        for name in self.fields:
            self.fields[name].widget.attrs["class"] = "form-select form-select-lg"
