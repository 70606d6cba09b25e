"""Forms of surveys: the public response form, built from the questions,
the bureau's round form, redaction and the paper-tally upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jianfu.scoping import schools_visible_to
from jianfu.validators import SingleLineFieldsMixin
from schools.homework.rules import GRADE_NAMES
from schools.models import School

from .models import Question, QuestionKind, Questionnaire, RoundSchool
from .rules import exclusive_clash
from .services import exclusive_refusal, grade_refusal

TEXT_MAX = 500


class ResponseForm(forms.Form):
    """One field per question, named ``q<id>``; grade (only those of the
    round the school teaches) and class if the questionnaire asks. Every
    message is in Chinese through the catalogue."""

    def __init__(self, *args: Any, entry: RoundSchool, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["grade"] = forms.TypedChoiceField(
            label=_("Grade"),
            choices=[("", "—")] + [(g, GRADE_NAMES.get(g, g)) for g in entry.grades],
            coerce=int,
            error_messages={
                "required": _("Please choose the grade."),
                # Django formats the message with the value: keep a stray % literal.
                "invalid_choice": grade_refusal(entry=entry).replace("%", "%%"),
            },
        )
        if entry.round.questionnaire.ask_class:
            self.fields["class_number"] = forms.IntegerField(
                label=_("Class"), min_value=1, max_value=40, required=False, help_text=_("The class number, such as 3.")
            )
        for q in questions:
            self.fields[q.field_name] = self._field(q)

    @staticmethod
    def _field(q: Question) -> forms.Field:
        common: dict[str, Any] = {
            "label": q.text,
            "help_text": q.help_text,
            "required": q.required,
            "error_messages": {"required": _("Please answer this question.")},
        }
        if q.kind == QuestionKind.SINGLE:
            return forms.TypedChoiceField(
                choices=[(i, c) for i, c in enumerate(q.choices, start=1)],
                coerce=int,
                widget=forms.RadioSelect,
                empty_value=None,
                **common,
            )
        if q.kind == QuestionKind.MULTIPLE:
            return forms.TypedMultipleChoiceField(
                choices=[(i, c) for i, c in enumerate(q.choices, start=1)],
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                **common,
            )
        if q.kind == QuestionKind.SCALE:
            return forms.TypedChoiceField(
                choices=[(i, str(i)) for i in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
                empty_value=None,
                **common,
            )
        if q.kind == QuestionKind.NUMBER:
            low = q.minimum if q.minimum is not None else Decimal(0)
            high = q.maximum if q.maximum is not None else Decimal(9999)
            number = forms.DecimalField(
                min_value=low,
                max_value=high,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
                **{
                    **common,
                    "error_messages": {
                        **common["error_messages"],
                        "invalid": _("Please write a number."),
                        "min_value": _("Please write a number from %(low)s to %(high)s.") % {"low": low, "high": high},
                        "max_value": _("Please write a number from %(low)s to %(high)s.") % {"low": low, "high": high},
                        "max_decimal_places": _("Please write at most one decimal place."),
                    },
                },
            )
            setattr(number, "unit", q.unit)  # noqa: B010 - shown beside the input
            return number
        text = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common)
        # No maxlength in the page: a browser would cut a longer pasted text
        # without a word. The server refuses it with the count and the form
        # gives the whole text back to be shortened.
        text.widget.attrs.pop("maxlength", None)
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for q in self.questions:
            if q.kind != QuestionKind.MULTIPLE:
                continue
            clash = exclusive_clash(q, data.get(q.field_name))
            if clash is not None:
                self.add_error(q.field_name, exclusive_refusal(question=q, option=clash))
        return data

    def answers(self) -> tuple[dict[str, Any], dict[int, str]]:
        """The non-text answers by field name (JSON-safe) and the texts by question id."""
        answers: dict[str, Any] = {}
        texts: dict[int, str] = {}
        for q in self.questions:
            value = self.cleaned_data.get(q.field_name)
            if q.kind == QuestionKind.TEXT:
                if value:
                    texts[q.pk] = value
            elif value is None or value == [] or value == "":
                continue
            elif q.kind == QuestionKind.NUMBER:
                answers[q.field_name] = float(value)
            else:
                answers[q.field_name] = value
        return answers, texts


class RoundForm(SingleLineFieldsMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("survey round", "Name"), max_length=120)
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"), queryset=Questionnaire.objects.none())
    grades = forms.TypedMultipleChoiceField(
        label=_("Grades"),
        choices=[(g, GRADE_NAMES[g]) for g in range(1, 10)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    schools = forms.ModelMultipleChoiceField(
        label=_("Schools"), queryset=School.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["schools"].queryset = schools_visible_to(user).filter(active=True).order_by("code")  # type: ignore[attr-defined]

    def clean_closes_on(self) -> Any:
        # A round created already closed takes no answers, yet the page
        # would ask staff to print the parents' notices. (The service
        # itself takes past dates: the demo keeps a finished round.)
        day = self.cleaned_data["closes_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("This date has passed: a new round must stay open until today at least."))
        return day


class RedactForm(forms.Form):
    redacted = forms.CharField(label=_("Redacted text"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    quotable = forms.BooleanField(label=_("May be quoted in a report"), required=False)


class PaperUploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
