"""Forms of the complaint pages. They validate input and check files; the
work is done by :mod:`.services`."""

from __future__ import annotations

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
from jianfu.validators import SingleLineFieldsMixin
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
    school_name = forms.CharField(
        label=_("School"),
        max_length=100,
        required=False,
        help_text=_("Type part of the school's name or its code and pick it from the list."),
        widget=forms.TextInput(attrs={"list": "school-options", "autocomplete": "off"}),
    )
    institution_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    institution_name = forms.CharField(
        label=_("Training institution"),
        max_length=100,
        required=False,
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
    )
    happened_on = forms.DateField(label=_("When did it happen"), required=False, widget=_date_input())
    description = forms.CharField(
        label=_("What happened"),
        min_length=10,
        max_length=3000,
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
        if data.get("target") == self.INSTITUTION:
            typed = (data.get("institution_name") or "").strip()
            if not typed:
                self.add_error("institution_name", _("Name the training institution."))
            else:
                self.institution = self._resolve_institution(data.get("institution_id"), typed)
                if self.institution is None:
                    self.add_error(
                        "institution_name",
                        _("No single institution of the public lists matches this name. Please pick it from the list."),
                    )
        else:
            data["target"] = self.SCHOOL
            name_typed = (data.get("school_name") or "").strip()
            if not name_typed:
                self.add_error("school_name", _("This field is required."))
            else:
                self.school = self._resolve_school((data.get("school_code") or "").strip(), name_typed)
                if self.school is None:
                    self.add_error(
                        "school_name", _("No single school matches this name. Please pick it from the list.")
                    )
            linked = (data.get("linked_institution_name") or "").strip()
            category = data.get("category")
            if linked and category is not None and category.links_institution:
                self.linked_institution = self._resolve_institution(None, linked)
                if self.linked_institution is None:
                    self.add_error(
                        "linked_institution_name",
                        _("No single institution of the public lists matches this name. Please pick it from the list."),
                    )
        if data.get("identity") == self.REAL_NAME:
            if not (data.get("name") or "").strip():
                self.add_error("name", _("A real-name report needs your name."))
            phone = normalize_phone(data.get("phone") or "")
            if not is_mainland_mobile(phone):
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


class StatusForm(SingleLineFieldsMixin, forms.Form):
    number = forms.CharField(
        label=_("Case number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    code = forms.CharField(
        label=_("Query code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


# --- staff --------------------------------------------------------------------------


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
    description = forms.CharField(label=_("What the caller reports"), widget=forms.Textarea(attrs={"rows": 6}))
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
        if phone and not 5 <= len(phone) <= 15:
            raise ValidationError(_("Enter the phone number's digits."))
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
        if data.get("received_at") and data["received_at"] > timezone.now():
            self.add_error("received_at", _("This time is in the future."))
        recording = data.get("recording")
        if recording:
            try:
                self.prepared_recording = prepare_upload(recording, kinds=(AttachmentKind.AUDIO,), is_recording=True)
            except ValidationError as exc:
                self.add_error("recording", exc)
        self.prepared_files = _prepare_files(self, "attachments", limit=settings.COMPLAINT_MAX_ATTACHMENTS)
        return data


class NoteForm(SingleLineFieldsMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(SingleLineFieldsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason (the complainant reads it)"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(SingleLineFieldsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Assign to"), choices=AssigneeKind.choices, widget=forms.RadioSelect)
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=Supervisor.objects.none(), required=False)
    section = forms.ModelChoiceField(label=_("Section"), queryset=Group.objects.none(), required=False)
    school_summary = forms.CharField(
        label=_("Summary for the school"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the school investigates itself. It sees only this text: nothing about who complained."
        ),
    )
    note = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

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
    findings = forms.CharField(label=pgettext_lazy("complaint", "Findings"), widget=forms.Textarea(attrs={"rows": 5}))


class ConcludeForm(SingleLineFieldsMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ComplaintOutcome.choices, widget=forms.RadioSelect)
    liability = forms.ChoiceField(label=_("Liability"), choices=Liability.choices, widget=forms.RadioSelect)
    liable_person = forms.CharField(label=_("Person liable (post and name)"), max_length=100, required=False)
    measures = forms.CharField(label=_("Measures taken"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 4}))


class ReplyForm(SingleLineFieldsMixin, forms.Form):
    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        queryset=ComplaintReplyTemplate.objects.none(),
        required=False,
        empty_label=_("(write freely)"),
    )
    reply = forms.CharField(label=_("Reply to the complainant"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ComplaintReplyTemplate.objects.filter(active=True)  # type: ignore[attr-defined]


class ReasonForm(SingleLineFieldsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


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
