from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jianfu.validators import SingleLineFieldsMixin
from schools.models import AfterSchoolContent, AfterSchoolPlan


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
