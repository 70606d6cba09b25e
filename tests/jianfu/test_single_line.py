"""Single-line text fields refuse line breaks and other control characters
in models (so the admin and every ModelForm), plain forms and imports; and a
name already stored with a line break no longer breaks the notice e-mails."""

from __future__ import annotations

import pytest
from django import forms
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import modelform_factory
from django.utils import translation

from jianfu.validators import PORTAL_APPS, SingleLineFieldsMixin, no_control_characters, one_line
from schools.models import School
from supervision.models import Rectification
from supervision.rectifications.notifications import notify_rectifications_raised
from tests.factories import PrincipalFactory, SchoolFactory
from tests.supervision.factories import RectificationFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Line breaks, tabs and other control characters are not allowed here."
# Inside the text: a form strips leading and trailing whitespace, line breaks
# included, and refuses NUL itself.
BAD = ["甲\n小学", "甲\r\n小学", "甲\t小学", "甲\x1b小学", "甲\x85小学", "甲\u2028小学"]


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    assert text != message
    return text


def test_every_single_line_field_of_the_portal_has_the_validator() -> None:
    fields = [
        field
        for label in PORTAL_APPS
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField)
    ]
    assert len(fields) > 50
    assert all(no_control_characters in field.validators for field in fields)
    text_fields = [f for m in apps.get_models() for f in m._meta.get_fields() if isinstance(f, models.TextField)]
    assert text_fields and not any(no_control_characters in f.validators for f in text_fields)


@pytest.mark.parametrize("name", BAD)
def test_a_model_form_refuses_a_school_name_with_a_control_character(name) -> None:  # type: ignore[no-untyped-def]
    """The admin's change form is a ModelForm: the model's validators decide."""
    school = SchoolFactory(name="甲小学")
    form = modelform_factory(School, fields=["name"])({"name": name}, instance=school)
    with translation.override("zh-hans"):
        assert not form.is_valid()
        assert zh(MESSAGE) in form.errors["name"]
    school.refresh_from_db()
    assert school.name == "甲小学"


def test_line_breaks_are_still_fine_in_multi_line_text() -> None:
    school = SchoolFactory()
    RectificationFactory(school=school, description="第一行\n第二行").full_clean()


class _Form(SingleLineFieldsMixin, forms.Form):
    name = forms.CharField()
    note = forms.CharField(widget=forms.Textarea)


def test_a_plain_form_refuses_control_characters_in_single_line_fields_only() -> None:
    form = _Form({"name": "张\n三", "note": "第一行\n第二行"})
    assert not form.is_valid()
    assert list(form.errors) == ["name"]
    assert _Form({"name": "张三", "note": "第一行\n第二行"}).is_valid()


def test_the_portal_forms_use_it(world) -> None:  # type: ignore[no-untyped-def]
    from schools.pledges.forms import SignatureForm
    from schools.pledges.services import pledge_text_publish
    from tests.schools.filing_factories import current_year

    year = current_year()
    pledge_text_publish(school_year=year, title="责任书", body="正文", bureau_signatory="王局长", by=world.bureau)
    form = SignatureForm({"principal_signatory": "张\n校长", "signed_on": "2024-09-02"}, school_year=year)
    assert not form.is_valid() and "principal_signatory" in form.errors


def test_the_register_import_refuses_a_school_name_with_a_line_break(world) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client
    from django.urls import reverse
    from django.utils.html import escape

    from schools.models import ImportBatch
    from tests.schools.register_files import school_cells, upload

    client = Client()
    client.force_login(world.bureau)
    rows = [school_cells(**{"学校名称": "新建\n实验小学"})]
    response = client.post(reverse("register_import", args=["schools"]), {"file": upload("schools", rows)})
    assert response.status_code == 200
    assert escape(zh(MESSAGE)) in response.content.decode()
    assert not School.objects.filter(name__contains="实验小学").exists()
    assert ImportBatch.objects.count() == 0


def test_one_line() -> None:
    assert one_line("甲\r\n小学\t（东\u2028校区）\n") == "甲 小学 （东 校区）"


def test_a_notice_about_a_school_stored_with_a_line_break_is_sent_on_one_line(settings) -> None:  # type: ignore[no-untyped-def]
    """Such a name fails Django's header check; the notice was retried for
    ever and the principal never told. Names stored before the validator
    existed (or written around it) are put on one line in the subject."""
    school = SchoolFactory(name="甲小学")
    School.objects.filter(pk=school.pk).update(name="甲小学\n（东校区）")
    PrincipalFactory(school=school, email="head@example.org")
    demand = RectificationFactory(school=school)
    assert notify_rectifications_raised(rectification_ids=[demand.pk]) == 1
    (sent,) = mail.outbox
    assert "\n" not in sent.subject and "甲小学 （东校区）" in sent.subject
    assert Rectification.objects.get(pk=demand.pk).notified_at is not None


def test_no_control_characters_lets_ordinary_text_through() -> None:
    for text in ("甲小学", "当湖街道建设路1号（东门）", "", "O'Brien – 王"):
        no_control_characters(text)
    with pytest.raises(ValidationError):
        no_control_characters("a\nb")


def test_the_homework_upload_refuses_a_content_with_a_line_break_and_a_superscript_grade() -> None:
    """Both were saved or crashed before: a line break in the content went
    in as is, and the grade "²" passed str.isdigit and then broke int()."""
    from schools.models import HomeworkItem
    from tests.schools.test_homework_upload import errors_of, row, school_with_classes, workbook

    school = school_with_classes(2, grades=[3])
    with translation.override("en"):
        errors = errors_of(school, workbook([row(content="练习册\n第5页"), row(grade="²")]))
    assert len(errors) == 2, errors
    assert "Row 3," in errors[0] and "“作业内容”" in errors[0] and "control characters" in errors[0]
    assert "Row 4," in errors[1] and "“年级”" in errors[1]
    assert not HomeworkItem.objects.exists()


# Plain forms whose single-line fields store nothing: sign-in (the name is
# only looked up, the password may hold anything), the second-factor code
# (digits only) and searches.
NOT_STORED = {
    "jianfu.signin.forms.LockoutMixin",
    "jianfu.signin.forms.LockoutAuthenticationForm",
    "jianfu.signin.forms.LockoutAdminAuthenticationForm",
    "jianfu.signin.twofactor.CodeForm",
    "jianfu.accounts.forms.AccountFilterForm",
    "supervision.institutions.forms.SearchForm",
}


def _portal_plain_forms() -> list[type[forms.BaseForm]]:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view, and so every form
    found: list[type[forms.BaseForm]] = []
    stack = list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        # ModelForms are left out: the model's validators decide there.
        portal = cls.__module__.split(".")[0] in PORTAL_APPS
        if portal and hasattr(cls, "base_fields") and not issubclass(cls, forms.BaseModelForm):
            found.append(cls)
    return found


def test_every_plain_form_of_the_portal_refuses_control_characters_in_its_single_line_fields() -> None:
    """Accounts, fee standards, inspections, institution demands, review
    campaigns, survey rounds and the notice's document number went to
    CharFields through plain forms and services that run no model checks."""
    forms_found = _portal_plain_forms()
    assert len(forms_found) > 40
    missing = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in forms_found
        if any(
            isinstance(field, forms.CharField)
            and not isinstance(field.widget, (forms.Textarea, forms.HiddenInput, forms.PasswordInput))
            for field in cls.base_fields.values()
        )
        and not issubclass(cls, SingleLineFieldsMixin)
        and f"{cls.__module__}.{cls.__qualname__}" not in NOT_STORED
    ]
    assert missing == []


def test_a_fee_standard_with_a_line_break_is_refused_and_nothing_saved(world) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client
    from django.urls import reverse
    from django.utils.html import escape

    from supervision.institutions.models import FeeStandard
    from tests.supervision.institutions.factories import make_institution

    institution = make_institution(world.bureau)
    client = Client()
    client.force_login(world.bureau)
    data = {
        "fees-TOTAL_FORMS": "1",
        "fees-INITIAL_FORMS": "0",
        "fees-MIN_NUM_FORMS": "0",
        "fees-MAX_NUM_FORMS": "50",
        "fees-0-course": "小班\n数学",
        "fees-0-unit": "课时",
        "fees-0-amount": "55.00",
        "fees-0-approved_on": "2026-09-01",
    }
    response = client.post(reverse("institutions:fees", args=[institution.pk]), data)
    assert response.status_code == 400
    assert escape(zh(MESSAGE)) in response.content.decode()
    assert not FeeStandard.objects.filter(institution=institution).exists()
    data["fees-0-course"] = "小班数学"
    assert client.post(reverse("institutions:fees", args=[institution.pk]), data).status_code == 302
    assert FeeStandard.objects.get(institution=institution).course == "小班数学"
