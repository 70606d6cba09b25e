"""Forms of the institutions pages. They check input; the rules are in
:mod:`.services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jianfu.validators import SingleLineFieldsMixin
from supervision.models import (
    InspectionResult,
    InstitutionKind,
    ListKind,
    ReviewOutcomeKind,
    SupervisoryDistrict,
    TrainingInstitution,
)

from .checks import (
    normalize_phone,
    validate_contact_phone,
    validate_fee_approved,
    validate_licence_issued,
    validate_listed_on,
)
from .credit_code import normalize_credit_code, validate_credit_code
from .models import NON_SUBJECT_KINDS
from .services import Demand, FeeRow, InstitutionData


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = TrainingInstitution
        fields = [
            "name",
            "credit_code",
            "kind",
            "address",
            "district",
            "licence_number",
            "licence_issued_on",
            "licence_expires_on",
            "insurance_policy",
            "insurance_expires_on",
            "premises",
            "premises_area",
            "capacity",
            "contact_phone",
            "internal_note",
        ]
        widgets = {
            "licence_issued_on": _date_input(),
            "licence_expires_on": _date_input(),
            "insurance_expires_on": _date_input(),
            "internal_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = SupervisoryDistrict.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["credit_code"].validators.append(validate_credit_code)
        self.fields["licence_issued_on"].validators.append(validate_licence_issued)
        self.fields["contact_phone"].validators.append(validate_contact_phone)

    def clean_credit_code(self) -> str:
        return normalize_credit_code(self.cleaned_data.get("credit_code") or "")

    def clean_contact_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("contact_phone") or "")

    def validate_unique(self) -> None:
        # The service checks uniqueness with its own message.
        return None

    def data_object(self) -> InstitutionData:
        d = self.cleaned_data
        text = ("address", "licence_number", "insurance_policy", "premises", "contact_phone", "internal_note")
        return InstitutionData(
            name=d["name"],
            credit_code=d["credit_code"],
            kind=d["kind"],
            district=d.get("district"),
            licence_issued_on=d.get("licence_issued_on"),
            licence_expires_on=d.get("licence_expires_on"),
            insurance_expires_on=d.get("insurance_expires_on"),
            premises_area=d.get("premises_area"),
            capacity=d.get("capacity"),
            **{f: d.get(f) or "" for f in text},
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConvertForm(forms.Form):
    new_kind = forms.ChoiceField(label=_("Converts to"), choices=[(k.value, k.label) for k in NON_SUBJECT_KINDS])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class FeeRowForm(SingleLineFieldsMixin, forms.Form):
    course = forms.CharField(label=_("Course"), max_length=100)
    unit = forms.CharField(label=_("Charged per"), max_length=30)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=9, decimal_places=2, min_value=0)
    approved_on = forms.DateField(label=_("Approved on"), widget=_date_input(), validators=[validate_fee_approved])


FeeFormSet = forms.formset_factory(FeeRowForm, extra=2, can_delete=True, max_num=50, validate_max=True)


def fee_rows(formset: Any) -> list[FeeRow]:
    return [
        FeeRow(
            course=f.cleaned_data["course"],
            unit=f.cleaned_data["unit"],
            amount=f.cleaned_data["amount"],
            approved_on=f.cleaned_data["approved_on"],
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class ListEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("List"), choices=ListKind.choices, widget=forms.RadioSelect)
    listed_on = forms.DateField(label=_("Listed on"), widget=_date_input(), validators=[validate_listed_on])
    reason = forms.CharField(
        label=_("Public reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for the black list; the public reads it."),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Never shown on a public page."),
    )


class InspectionForm(SingleLineFieldsMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=_date_input())
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200)
    result = forms.ChoiceField(label=_("Result"), choices=InspectionResult.choices, widget=forms.RadioSelect)
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DemandForm(SingleLineFieldsMixin, forms.Form):
    title = forms.CharField(label=_("Rectification demand"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What must be corrected"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=_date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("title") and not data.get("deadline"):
            self.add_error("deadline", _("A demand needs a deadline."))
        return data


DemandFormSet = forms.formset_factory(DemandForm, extra=2, max_num=10, validate_max=True)


def demands(formset: Any) -> list[Demand]:
    return [
        Demand(
            title=f.cleaned_data["title"],
            description=f.cleaned_data.get("description") or "",
            deadline=f.cleaned_data["deadline"],
        )
        for f in formset.forms
        if f.cleaned_data and f.cleaned_data.get("title")
    ]


class CampaignForm(SingleLineFieldsMixin, forms.Form):
    # "Name" and "Description" alone are a person's name (姓名) and a
    # complaint's content (反映内容) elsewhere: a campaign's have a context.
    name = forms.CharField(label=pgettext_lazy("review campaign", "Name"), max_length=100)
    started_on = forms.DateField(label=_("Started"), widget=_date_input())
    description = forms.CharField(
        label=pgettext_lazy("review campaign", "Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(SingleLineFieldsMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcomeKind.choices)
    new_kind = forms.ChoiceField(
        label=_("Converts to"),
        required=False,
        choices=[("", "—"), *[(k.value, k.label) for k in NON_SUBJECT_KINDS]],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.CharField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *InstitutionKind.choices])


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
