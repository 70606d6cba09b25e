"""Forms of the school records pages. They only check input; the services in
:mod:`schools.services` decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jianfu.validators import SingleLineFieldsMixin
from jianfu.xlsx import MAX_UPLOAD_BYTES

from .models import AfterSchoolContent, AfterSchoolPlan, FiveManagementRecord, HomeworkKind, Subject
from .models.homework import MAX_ITEM_MINUTES
from .services import ItemSpec


class HomeworkItemForm(SingleLineFieldsMixin, forms.Form):
    """One row of the class-day page. A row left blank is no item, so that
    clearing a row removes the item."""

    subject = forms.ChoiceField(label=_("subject"), choices=[("", "—"), *Subject.choices], required=False)
    content = forms.CharField(label=_("content"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("basic or optional"), choices=HomeworkKind.choices, initial=HomeworkKind.BASIC)
    written = forms.BooleanField(label=_("written"), required=False, initial=True)
    minutes = forms.IntegerField(
        label=_("minutes"),
        min_value=1,
        max_value=MAX_ITEM_MINUTES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "homework-minutes"}),
    )
    layered = forms.BooleanField(label=_("layered"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("subject") or data.get("content") or data.get("minutes")):
            data["blank"] = True
            return data
        for name in ("subject", "content", "minutes"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Fill in the subject, content and minutes, or clear the row."))
        return data

    def spec(self) -> ItemSpec | None:
        data = self.cleaned_data
        if not data or data.get("blank"):  # an untouched extra row is not even cleaned
            return None
        return ItemSpec(
            subject=data["subject"],
            content=data["content"],
            minutes=data["minutes"],
            kind=data["kind"],
            written=data["written"],
            layered=data["layered"],
        )


HomeworkItemFormSet = forms.formset_factory(HomeworkItemForm, extra=0, max_num=30, validate_max=True)


class HomeworkUploadForm(SingleLineFieldsMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 10 MB)."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the template as an .xlsx workbook."))
        return upload


class AfterSchoolPlanForm(forms.ModelForm):
    contents = forms.MultipleChoiceField(
        label=_("contents"), choices=AfterSchoolContent.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = AfterSchoolPlan
        fields = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "start_time",
            "end_time",
            "contents",
            "staff",
            "staff_count",
            "fee_policy",
            "fee_note",
            "three_nos_declared",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "staff": forms.Textarea(attrs={"rows": 3}),
        }


class AfterSchoolDayForm(SingleLineFieldsMixin, forms.Form):
    no_school = forms.BooleanField(label=_("no school"), required=False)
    held = forms.BooleanField(label=_("held"), required=False, initial=True)
    start_time = forms.TimeField(
        label=_("starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    pupils_requested = forms.IntegerField(label=_("pupils who asked"), min_value=0, initial=0)
    pupils_attended = forms.IntegerField(label=_("pupils who attended"), min_value=0, initial=0)
    contents = forms.MultipleChoiceField(
        label=_("contents"), choices=AfterSchoolContent.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("held") and not data.get("no_school"):
            start, end = data.get("start_time"), data.get("end_time")
            if not (start and end):
                raise forms.ValidationError(_("Give the start and end times of a day the service was held."))
            if end <= start:
                raise forms.ValidationError(_("The service ends after it starts."))
        if (data.get("pupils_attended") or 0) > (data.get("pupils_requested") or 0):
            self.add_error(
                "pupils_attended", _("More pupils attended than asked for the service; count them as having asked.")
            )
        return data


AfterSchoolDayFormSet = forms.formset_factory(AfterSchoolDayForm, extra=0, min_num=5, max_num=5, validate_max=True)


class FiveManagementForm(forms.ModelForm):
    class Meta:
        model = FiveManagementRecord
        fields = [
            "sleep_survey_date",
            "primary_pupils_surveyed",
            "primary_pupils_enough_sleep",
            "junior_pupils_surveyed",
            "junior_pupils_enough_sleep",
            "phone_policy",
            "phones_kept_by_school",
            "reading_list_reviewed",
            "reading_reviewed_on",
            "long_break_daily",
            "pe_hour_in_school",
            "note",
        ]
        widgets = {
            "sleep_survey_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reading_reviewed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, grades: range, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not any(g <= 6 for g in grades):
            del self.fields["primary_pupils_surveyed"], self.fields["primary_pupils_enough_sleep"]
        if not any(g >= 7 for g in grades):
            del self.fields["junior_pupils_surveyed"], self.fields["junior_pupils_enough_sleep"]
