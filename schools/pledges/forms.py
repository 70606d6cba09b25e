from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianfu.validators import SingleLineFieldsMixin
from schools.models import PledgeText, SchoolYear
from schools.pledges.services import COMMITMENT_MAX_CHARS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PledgeTextForm(forms.ModelForm):
    class Meta:
        model = PledgeText
        fields = ["title", "body", "bureau_signatory"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}


class TextVersionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"v{obj.version} · {obj.title}"


class SignatureForm(SingleLineFieldsMixin, forms.Form):
    text = TextVersionField(label=_("Text version signed"), queryset=PledgeText.objects.none(), empty_label=None)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    principal_signatory = forms.CharField(label=_("Signed for the school by"), max_length=50)
    bureau_signatory = forms.CharField(label=_("Signed for the bureau by"), max_length=50, required=False)
    scan = forms.FileField(
        label=_("Signed copy (PDF or photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )

    def __init__(self, *args: Any, school_year: SchoolYear, principal_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        texts = PledgeText.objects.filter(school_year=school_year).order_by("-version")
        cast(forms.ModelChoiceField, self.fields["text"]).queryset = texts
        latest = texts.first()
        self.initial.setdefault("text", latest.pk if latest else None)
        self.initial.setdefault("signed_on", timezone.localdate())
        self.initial.setdefault("principal_signatory", principal_name)
        self.initial.setdefault("bureau_signatory", latest.bureau_signatory if latest else "")


class ScanForm(SingleLineFieldsMixin, forms.Form):
    scan = forms.FileField(
        label=_("Signed copy (PDF or photo)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )


class TeacherPledgeForm(SingleLineFieldsMixin, forms.Form):
    teacher_count = forms.IntegerField(label=_("Teachers"), min_value=0, max_value=100_000)
    teacher_pledge_count = forms.IntegerField(label=_("Teacher pledges collected"), min_value=0, max_value=100_000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        teachers, pledges = data.get("teacher_count"), data.get("teacher_pledge_count")
        if teachers is not None and pledges is not None and pledges > teachers:
            self.add_error("teacher_pledge_count", _("More teacher pledges than teachers."))
        return data


class CommitmentForm(SingleLineFieldsMixin, forms.Form):
    commitment = forms.CharField(
        label=_("Public commitment"),
        max_length=COMMITMENT_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Shown on the school's public sign page."),
    )
