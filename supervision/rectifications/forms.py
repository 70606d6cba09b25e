"""Forms of the rectification pages; the rules live in
:mod:`supervision.rectifications.services`."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jianfu.validators import SingleLineFieldsMixin


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"class": "form-control", "accept": "image/*,application/pdf", "multiple": True}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AnswerForm(SingleLineFieldsMixin, forms.Form):
    plan = forms.CharField(
        label=_("Rectification plan and measures taken"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )
    evidence = MultipleFileField(
        label=_("Evidence (photos or PDF documents)"),
        required=False,
    )


class ReviewForm(SingleLineFieldsMixin, forms.Form):
    ACCEPT = "accept"
    RETURN = "return"

    decision = forms.ChoiceField(
        choices=[
            (ACCEPT, pgettext_lazy("rectification decision", "Accept")),
            (RETURN, pgettext_lazy("rectification decision", "Return")),
        ],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note (required when returning)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class RaiseForm(SingleLineFieldsMixin, forms.Form):
    """A demand raised after the visit from one of its non-compliant items."""

    description = forms.CharField(
        label=_("What must be corrected"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, default_deadline: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = default_deadline or timezone.localdate()
