from __future__ import annotations

from typing import Any

from django import forms

from schools.models import FiveManagementRecord


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
