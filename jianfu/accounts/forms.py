"""Forms of account management."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from jianfu.roles import STAFF_GROUPS, Role
from jianfu.validators import SingleLineFieldsMixin
from schools.models import School
from supervision.models import Supervisor

from .selectors import schools_without_principal, supervisors_without_account

ACTIVE_CHOICES = [("", _("Active or not")), ("yes", _("Active")), ("no", _("Deactivated"))]


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("role"),
        required=False,
        choices=[("", _("Any role")), *Role.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    school = forms.ModelChoiceField(
        label=_("school"),
        required=False,
        queryset=School.objects.order_by("code"),
        empty_label=_("Any school"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    active = forms.ChoiceField(
        label=_("active"), required=False, choices=ACTIVE_CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )
    never = forms.BooleanField(
        label=_("Never signed in"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"] or "",
            "role": data["role"] or "",
            "school_id": data["school"].pk if data["school"] else None,
            "active": {"yes": True, "no": False}.get(data["active"]),
            "never_signed_in": bool(data["never"]),
        }


class StaffAccountForm(SingleLineFieldsMixin, forms.Form):
    username = forms.CharField(label=_("Sign-in name"), max_length=150)
    full_name = forms.CharField(label=_("full name"), max_length=50)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    groups = forms.ModelMultipleChoiceField(
        label=_("Sections"),
        queryset=Group.objects.filter(name__in=STAFF_GROUPS).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )


class PrincipalAccountForm(SingleLineFieldsMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("school"), queryset=School.objects.none())
    full_name = forms.CharField(
        label=_("Principal's name"),
        max_length=50,
        required=False,
        help_text=_("Empty takes the principal's name from the register."),
    )
    username = forms.CharField(
        label=_("Sign-in name"), max_length=150, required=False, help_text=_("Empty uses the school code.")
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools_without_principal()  # type: ignore[attr-defined]


class SupervisorAccountForm(SingleLineFieldsMixin, forms.Form):
    supervisor = forms.ModelChoiceField(label=_("supervisor"), queryset=Supervisor.objects.none())
    username = forms.CharField(label=_("Sign-in name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors_without_account()  # type: ignore[attr-defined]


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
