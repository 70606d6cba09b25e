"""Forms of the complaint pages. They validate input and check files; the
work is done by :mod:`.services`."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from jianfu.roles import SECTIONS
from jianfu.validators import SingleLineFieldsMixin, no_control_characters, single_line_applies
from schools.models import School
from supervision.complaints import captcha, public_page
from supervision.complaints.files import PreparedFile, prepare_upload
from supervision.complaints.identity import is_mainland_mobile, normalize_phone
from supervision.districts.selectors import current_supervisors_of_school

from ..models import (
    AssigneeKind,
    AttachmentKind,
    ComplaintCase,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintReplyTemplate,
    Liability,
    Supervisor,
    TrainingInstitution,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _prepare_files(form: forms.Form, field: str, *, limit: int) -> list[PreparedFile]:
    uploads = form.cleaned_data.get(field) or []
    if len(uploads) > limit:
        form.add_error(field, _("At most %(n)s files.") % {"n": limit})
        return []
    prepared: list[PreparedFile] = []
    for upload in uploads:
        try:
            prepared.append(prepare_upload(upload))
        except ValidationError as exc:
            form.add_error(field, exc)
    return prepared


ATTACHMENT_ACCEPT = "image/*,application/pdf,audio/*,.amr,.m4a"

# The longest free text of a case: what a complainant may write, what a
# school reports it found, and what staff write on it (reason, summary,
# conclusion, reply, notes). A field without a limit stored 25,000
# characters that every page and export then carried.
COMPLAINT_TEXT_MAX_LENGTH = 3000


class CategorySelect(forms.Select):
    """The category choice, each option saying whether its category names
    the training institution involved (``data-links-institution``): the page
    shows that field only for those, without asking the server again."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if instance is not None and instance.links_institution:
            option["attrs"]["data-links-institution"] = "1"
        return option


class CheckedChoiceField(forms.ModelChoiceField):
    """A model choice checked against rows the form hands it (``rows``: the
    choices by primary key, read through the cache) instead of one query per
    POST; without them, against the queryset as usual. The choices a bound
    form shows again still come from the queryset."""

    rows: dict[str, Any] | None = None

    def to_python(self, value: Any) -> Any:
        if self.rows is None or value in self.empty_values:
            return super().to_python(value)
        found = self.rows.get(str(value))
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found


class PublicComplaintForm(SingleLineFieldsMixin, forms.Form):
    """The public form: phone-first, nothing asked beyond what the case
    needs. ``website`` is a honeypot hidden from people."""

    ANONYMOUS = "anonymous"
    REAL_NAME = "real_name"
    SCHOOL = "school"
    INSTITUTION = "institution"

    target = forms.ChoiceField(
        label=_("Your complaint is about"),
        choices=[(SCHOOL, _("A school")), (INSTITUTION, _("An off-campus training institution"))],
        initial=SCHOOL,
        required=False,
        widget=forms.RadioSelect,
    )
    school_code = forms.CharField(required=False, widget=forms.HiddenInput)
    # Each target's name field is required for its target (``__init__``
    # relaxes the other one of a posted form), so both carry the required
    # marker: the page shows only the chosen target's field.
    school_name = forms.CharField(
        label=_("School"),
        max_length=100,
        help_text=_("Type part of the school's name or its code and pick it from the list."),
        widget=forms.TextInput(attrs={"list": "school-options", "autocomplete": "off"}),
    )
    institution_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    institution_name = forms.CharField(
        label=_("Training institution"),
        max_length=100,
        error_messages={"required": _("Name the training institution.")},
        help_text=_("Type part of the institution's name and pick it from the list."),
        widget=forms.TextInput(attrs={"list": "institution-options", "autocomplete": "off"}),
    )
    linked_institution_name = forms.CharField(
        label=_("Training institution involved (optional)"),
        max_length=100,
        required=False,
        help_text=_(
            "For paid tutoring by a school or its teachers: the training institution involved, if you know it."
        ),
        widget=forms.TextInput(attrs={"list": "institution-options", "autocomplete": "off"}),
    )
    category = CheckedChoiceField(
        label=_("What is it about"),
        queryset=ComplaintCategory.objects.filter(active=True),
        empty_label=_("Please choose"),
        widget=CategorySelect,
    )
    happened_on = forms.DateField(label=_("When did it happen"), required=False, widget=_date_input())
    description = forms.CharField(
        label=_("What happened"),
        min_length=10,
        max_length=COMPLAINT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Class or grade, what was done, how often. Please do not write pupils' names."),
    )
    identity = forms.ChoiceField(
        label=_("Report as"),
        choices=[(ANONYMOUS, _("Anonymous")), (REAL_NAME, _("Real name"))],
        initial=ANONYMOUS,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=30, required=False)
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    attachments = MultipleFileField(
        label=_("Photos, PDF or recordings (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )
    website = forms.CharField(label=_("Leave this empty"), required=False)
    captcha = forms.CharField(
        label=_("Characters in the picture"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.school: School | None = None
        self.institution: Any = None
        self.linked_institution: Any = None
        self.prepared_files: list[PreparedFile] = []
        self.is_spam = False
        self._school_by_code: dict[str, School | None] = {}
        if self.is_bound:
            about_institution = self.data.get("target") == self.INSTITUTION
            self.fields["school_name"].required = not about_institution
            self.fields["institution_name"].required = about_institution
            self._read_rows()

    def _read_rows(self) -> None:
        """The active categories and the school of the code sent, in one
        cache round trip (read from the database when not cached under the
        current version): a POST's choices are checked against them."""
        code = self._typed_code(self.data.get("school_code", ""), self.data.get("school_name", ""))
        categories_key = public_page.form_row_key("categories")
        school_key = public_page.form_row_key(f"school:{code}")
        loaders: dict[str, Any] = {
            categories_key: lambda: {str(c.pk): c for c in ComplaintCategory.objects.filter(active=True)}
        }
        if code:
            loaders[school_key] = lambda: School.objects.filter(active=True, code=code).first()
        # A code that names no school is not stored: nobody fills the cache
        # with made-up codes.
        rows = public_page.form_rows(loaders, keep=lambda key, value: value is not None)
        self.fields["category"].rows = rows[categories_key]  # type: ignore[attr-defined]
        if code:
            self._school_by_code[code] = rows[school_key]

    @staticmethod
    def _typed_code(code: Any, name: Any) -> str:
        # Without JavaScript nothing fills the hidden code: a code typed in
        # the name field is as good.
        return str(code or "").strip() or str(name or "").strip()

    def clean_captcha(self) -> str:
        answer = self.cleaned_data.get("captcha", "")
        outcome = captcha.captcha_check(request=self.request, answer=answer)
        if outcome is captcha.Outcome.SOLVED:
            return answer
        raise ValidationError(captcha_refusal(outcome))

    def clean_happened_on(self) -> Any:
        day = self.cleaned_data.get("happened_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return day

    def _resolve_school(self, code: str, name: str) -> School | None:
        code = self._typed_code(code, name)
        if code:
            if code not in self._school_by_code:
                self._school_by_code[code] = School.objects.filter(active=True, code=code).first()
            by_code = self._school_by_code[code]
            if by_code and (not name or name in (by_code.name, by_code.code)):
                return by_code
        active = School.objects.filter(active=True)
        exact = active.filter(name=name).first()
        if exact:
            return exact
        matches = list(active.filter(name__icontains=name)[:2]) if len(name) >= 2 else []
        return matches[0] if len(matches) == 1 else None

    def _resolve_institution(self, pk: int | None, name: str) -> Any:
        from supervision.institutions.selectors import institution_resolve_public

        return institution_resolve_public(pk=pk, name=name)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("website"):
            # A bot filled the hidden field: refuse without saying why.
            self.is_spam = True
            raise ValidationError(_("Your complaint could not be accepted."), code="honeypot")
        linked = (data.get("linked_institution_name") or "").strip()
        category = data.get("category")
        if data.get("target") == self.INSTITUTION:
            # (an empty name is the field's own "required" error)
            typed = (data.get("institution_name") or "").strip()
            if typed:
                self.institution = self._resolve_institution(data.get("institution_id"), typed)
                if self.institution is None:
                    self.add_error(
                        "institution_name",
                        _("No single institution of the public lists matches this name. Please pick it from the list."),
                    )
            if linked:
                self.add_error("linked_institution_name", self._linked_refusal(about_institution=True))
        else:
            data["target"] = self.SCHOOL
            # (an empty name is the field's own "required" error)
            name_typed = (data.get("school_name") or "").strip()
            if name_typed:
                self.school = self._resolve_school((data.get("school_code") or "").strip(), name_typed)
                if self.school is None:
                    self.add_error(
                        "school_name", _("No single school matches this name. Please pick it from the list.")
                    )
            # An institution named for a category that does not link one is
            # refused, not dropped: the parent who typed it means the bureau
            # to know it, and a silent drop loses it with no word (as it
            # did). Refusing keeps everything typed and says the two ways on:
            # the paid-tutoring category if that is what happened (naming an
            # institution suggests it), or an empty field. The staff intake
            # form and the filing service refuse the same, so one rule holds.
            # With JavaScript the field is hidden and not sent for these
            # categories, so only a page without it meets this error.
            if linked and category is not None and not category.links_institution:
                self.add_error("linked_institution_name", self._linked_refusal(about_institution=False))
            elif linked and category is not None:
                self.linked_institution = self._resolve_institution(None, linked)
                if self.linked_institution is None:
                    self.add_error(
                        "linked_institution_name",
                        _("No single institution of the public lists matches this name. Please pick it from the list."),
                    )
        if data.get("identity") == self.REAL_NAME:
            # A name or phone its field refused already (too long) has its
            # message: "needs your name" beside it would say none was typed.
            if not self.has_error("name") and not (data.get("name") or "").strip():
                self.add_error("name", _("A real-name report needs your name."))
            phone = normalize_phone(data.get("phone") or "")
            if not self.has_error("phone") and not is_mainland_mobile(phone):
                self.add_error("phone", _("Enter a mainland mobile number of 11 digits, such as 13812345678."))
            data["phone"] = phone
            data["name"] = (data.get("name") or "").strip()
        else:
            data["name"] = data["phone"] = ""
        # Files are checked (and images re-encoded) only for an otherwise
        # valid form: a bot failing the CAPTCHA costs no image decoding.
        if not self.errors:
            self.prepared_files = _prepare_files(self, "attachments", limit=settings.COMPLAINT_MAX_ATTACHMENTS)
        return data

    def _linked_refusal(self, *, about_institution: bool) -> str:
        """Why "training institution involved" cannot be kept, naming the
        categories that keep it (from the rows the POST already read)."""
        if about_institution:
            return gettext(
                "A complaint about a training institution names it in the field above. "
                "Please leave “training institution involved” empty."
            )
        rows = getattr(self.fields["category"], "rows", None) or {}
        names = "、".join(f"“{c.name}”" for c in rows.values() if c.links_institution)
        if not names:
            return gettext("This category does not record a training institution. Please leave this field empty.")
        return gettext(
            "Only complaints of these categories record the training institution involved: %(categories)s. "
            "If one is involved, choose the category that fits; otherwise leave this field empty."
        ) % {"categories": names}


def captcha_refusal(outcome: captcha.Outcome) -> str:
    """The message for a CAPTCHA answer that was not accepted."""
    if outcome is captcha.Outcome.TOO_MANY:
        return gettext("Too many wrong answers to the picture. Please try again in an hour, or call the hotline.")
    if outcome is captcha.Outcome.EXPIRED:
        return gettext("The picture has expired. Please type the characters of the new picture.")
    if outcome is captcha.Outcome.SPENT:
        return gettext("This picture has already been used. Please type the characters of the new picture.")
    if outcome is captcha.Outcome.MISSING:
        return gettext("The picture did not load. Please allow cookies, then type the characters of the new picture.")
    return gettext("The characters are wrong. Please try the new picture.")


# Dashes a Chinese keyboard or a copied text gives for "-" that NFKC leaves
# as they are (it maps the full-width － and small ﹣ itself).
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58"), "-")
_NUMBER_RE = re.compile(r"TS([0-9]{8})-*([0-9]+)")


def _ascii_text(value: str) -> str:
    """``value`` as typed on a Chinese keyboard made ASCII where it has an
    ASCII form (full-width letters and digits, dashes), without spaces and
    upper-cased: numbers and codes are ASCII, and a full-width one matched
    nothing."""
    text = unicodedata.normalize("NFKC", value).translate(_DASHES)
    return "".join(text.split()).upper()


def _status_number(typed: str) -> str:
    number = _ascii_text(typed)
    # TS<day>-<count>: the hyphen left out or doubled (a Chinese keyboard's
    # "——") is put back, the number's only form.
    found = _NUMBER_RE.fullmatch(number)
    return f"TS{found[1]}-{found[2]}" if found else number


def _status_code(typed: str) -> str:
    # The code has no dash: one typed to group its characters goes.
    return _ascii_text(typed).replace("-", "")


class StatusForm(SingleLineFieldsMixin, forms.Form):
    number = forms.CharField(
        label=_("Case number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    code = forms.CharField(
        label=_("Query code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_number(self) -> str:
        return _status_number(self.cleaned_data["number"])

    def clean_code(self) -> str:
        return _status_code(self.cleaned_data["code"])

    @classmethod
    def cleaned_if_valid(cls, data: Mapping[str, Any]) -> dict[str, str] | None:
        """What ``cls(data).cleaned_data`` holds if that form is valid, else
        None, without making the form. A look-up that finds its case never
        shows the form, and making one (its copies of the fields and widgets,
        its bound fields) was a twelfth of the look-up's time. The same rules
        from the same places: each field's own ``clean`` (it reads the field,
        never changes it), the single-line check the mixin adds to such a
        field, then this form's ``clean_<name>`` rules. Anything else (the
        form invalid) is left to the form, which gives the messages.
        ``tests/supervision/test_status_form_quick.py`` compares both on a
        corpus of typed values."""
        cleaned: dict[str, str] = {}
        for name, field in cls.base_fields.items():
            try:
                value = field.clean(field.widget.value_from_datadict(data, {}, name))
                if single_line_applies(field):
                    no_control_characters(value)
            except ValidationError:
                return None
            cleaned[name] = value
        return {"number": _status_number(cleaned["number"]), "code": _status_code(cleaned["code"])}


# --- staff --------------------------------------------------------------------------


# How far back a case taken in by staff may be dated.
INTAKE_OLDEST = datetime.timedelta(days=366)


class IntakeForm(SingleLineFieldsMixin, forms.Form):
    """A case that came by the hotline, a letter, a visit or from above."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in ComplaintChannel.choices if c[0] != ComplaintChannel.WEB]
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.filter(active=True), required=False)
    institution = forms.ModelChoiceField(
        label=_("Or a training institution"),
        queryset=TrainingInstitution.objects.order_by("name"),
        required=False,
        help_text=_("For a complaint about an off-campus training institution instead of a school."),
    )
    linked_institution = forms.ModelChoiceField(
        label=_("Training institution involved"),
        queryset=TrainingInstitution.objects.order_by("name"),
        required=False,
        help_text=_("For a school case about paid tutoring: the institution where it happens."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=ComplaintCategory.objects.filter(active=True))
    happened_on = forms.DateField(label=_("When it happened"), required=False, widget=_date_input())
    description = forms.CharField(
        max_length=COMPLAINT_TEXT_MAX_LENGTH,
        label=_("What the caller reports"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    real_name = forms.BooleanField(label=_("Real-name report"), required=False)
    name = forms.CharField(label=_("Caller's name"), max_length=30, required=False)
    phone = forms.CharField(label=_("Caller's phone"), max_length=20, required=False)
    recording = forms.FileField(
        label=_("Call recording"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "audio/*,.amr"})
    )
    attachments = MultipleFileField(
        label=_("Other files (letter scans, photos)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepared_recording: PreparedFile | None = None
        self.prepared_files: list[PreparedFile] = []

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data.get("phone") or "")
        # 7-8 digits: a local landline as callers give it; 11: a mobile;
        # up to 15 with an area code and extension. Five digits is no
        # caller's number (it let "12345", the hotline's own, through).
        if phone and not 7 <= len(phone) <= 15:
            raise ValidationError(_("Enter the caller's phone number: 7 to 15 digits."))
        return phone

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if bool(data.get("school")) == bool(data.get("institution")):
            self.add_error("school", _("Choose either a school or a training institution."))
        if data.get("linked_institution") and not (
            data.get("school") and data.get("category") and data["category"].links_institution
        ):
            self.add_error(
                "linked_institution",
                _("Only a school case about paid tutoring names the training institution involved."),
            )
        if data.get("real_name") and not (data.get("name") or "").strip():
            self.add_error("name", _("A real-name report needs the caller's name."))
        received = data.get("received_at")
        if received and received > timezone.now():
            self.add_error("received_at", _("This time is in the future."))
        elif received and received < timezone.now() - INTAKE_OLDEST:
            # Its deadlines count from this time: a mistyped year made a case
            # overdue on arrival. A letter found a year late is entered with
            # today's time and the delay said in the description.
            self.add_error("received_at", _("This time is more than a year ago. Check the date."))
        happened = data.get("happened_on")
        if happened and happened > timezone.localdate():
            self.add_error("happened_on", _("This date is in the future."))
        elif happened and received and happened > timezone.localdate(received):
            self.add_error("happened_on", _("It cannot have happened after the case was received."))
        recording = data.get("recording")
        if recording:
            try:
                self.prepared_recording = prepare_upload(recording, kinds=(AttachmentKind.AUDIO,), is_recording=True)
            except ValidationError as exc:
                self.add_error("recording", exc)
        self.prepared_files = _prepare_files(self, "attachments", limit=settings.COMPLAINT_MAX_ATTACHMENTS)
        return data


class NoteForm(SingleLineFieldsMixin, forms.Form):
    note = forms.CharField(
        max_length=COMPLAINT_TEXT_MAX_LENGTH, label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(SingleLineFieldsMixin, forms.Form):
    reason = forms.CharField(
        max_length=COMPLAINT_TEXT_MAX_LENGTH,
        label=_("Reason (the complainant reads it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(SingleLineFieldsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Assign to"), choices=AssigneeKind.choices, widget=forms.RadioSelect)
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=Supervisor.objects.none(), required=False)
    section = forms.ModelChoiceField(label=_("Section"), queryset=Group.objects.none(), required=False)
    school_summary = forms.CharField(
        max_length=COMPLAINT_TEXT_MAX_LENGTH,
        label=_("Summary for the school"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the school investigates itself. It sees only this text: nothing about who complained."
        ),
    )
    note = forms.CharField(
        max_length=COMPLAINT_TEXT_MAX_LENGTH,
        label=_("Instructions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, school: School | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The school's own responsible supervisors first: they are the usual
        # assignees, and a list of every supervisor hides them.
        own = [s.pk for s in current_supervisors_of_school(school=school)] if school is not None else []
        field = self.fields["supervisor"]
        field.queryset = (  # type: ignore[attr-defined]
            Supervisor.objects.filter(active=True, user__isnull=False)
            .annotate(own_school=Case(When(pk__in=own, then=Value(0)), default=Value(1)))
            .order_by("own_school", "name")
        )
        own_mark = _("responsible supervisor of this school")
        field.label_from_instance = lambda s: f"{s}（{own_mark}）" if s.pk in own else str(s)  # type: ignore[attr-defined]
        self.fields["section"].queryset = Group.objects.filter(name__in=SECTIONS).order_by("name")  # type: ignore[attr-defined]


class FindingsForm(SingleLineFieldsMixin, forms.Form):
    findings = forms.CharField(
        label=pgettext_lazy("complaint", "Findings"),
        max_length=COMPLAINT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ConcludeForm(SingleLineFieldsMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ComplaintOutcome.choices, widget=forms.RadioSelect)
    liability = forms.ChoiceField(label=_("Liability"), choices=Liability.choices, widget=forms.RadioSelect)
    liable_person = forms.CharField(label=_("Person liable (post and name)"), max_length=100, required=False)
    measures = forms.CharField(
        max_length=COMPLAINT_TEXT_MAX_LENGTH,
        label=_("Measures taken"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conclusion = forms.CharField(
        max_length=COMPLAINT_TEXT_MAX_LENGTH, label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(SingleLineFieldsMixin, forms.Form):
    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        queryset=ComplaintReplyTemplate.objects.none(),
        required=False,
        empty_label=_("(write freely)"),
    )
    reply = forms.CharField(
        max_length=COMPLAINT_TEXT_MAX_LENGTH,
        label=_("Reply to the complainant"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ComplaintReplyTemplate.objects.filter(active=True)  # type: ignore[attr-defined]


class ReasonForm(SingleLineFieldsMixin, forms.Form):
    reason = forms.CharField(
        max_length=COMPLAINT_TEXT_MAX_LENGTH, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(SingleLineFieldsMixin, forms.Form):
    new_due = forms.DateField(label=_("New time limit"), widget=_date_input())
    reason = forms.CharField(label=_("Reason for the extension"), widget=forms.Textarea(attrs={"rows": 2}))


class DuplicateForm(SingleLineFieldsMixin, forms.Form):
    original = forms.ModelChoiceField(label=_("Earlier case of the same matter"), queryset=ComplaintCase.objects.none())

    def __init__(self, *args: Any, case: ComplaintCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from supervision.complaints.selectors import complaint_duplicate_candidates

        self.fields["original"].queryset = complaint_duplicate_candidates(case=case)  # type: ignore[attr-defined]


class RevealForm(SingleLineFieldsMixin, forms.Form):
    reason = forms.CharField(label=_("Why you need it"), max_length=200, required=False)


class RectificationForm(SingleLineFieldsMixin, forms.Form):
    deadline = forms.DateField(label=_("Deadline"), widget=_date_input())
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What must be corrected"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachForm(SingleLineFieldsMixin, forms.Form):
    uploads = MultipleFileField(label=_("Files"), widget=MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}))
    is_recording = forms.BooleanField(label=_("These are call recordings"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepared_files: list[PreparedFile] = []

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        uploads = data.get("uploads") or []
        if len(uploads) > settings.COMPLAINT_MAX_ATTACHMENTS:
            self.add_error("uploads", _("At most %(n)s files.") % {"n": settings.COMPLAINT_MAX_ATTACHMENTS})
            return data
        recording = bool(data.get("is_recording"))
        kinds = (AttachmentKind.AUDIO,) if recording else tuple(AttachmentKind)
        for upload in uploads:
            try:
                self.prepared_files.append(prepare_upload(upload, kinds=kinds, is_recording=recording))
            except ValidationError as exc:
                self.add_error("uploads", exc)
        return data
