from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jianfu.validators import SingleLineFieldsMixin
from jianfu.xlsx import MAX_UPLOAD_BYTES
from schools.homework.models import MAX_ITEM_MINUTES
from schools.homework.services import ItemSpec
from schools.models import HomeworkKind, Subject


class HomeworkItemForm(SingleLineFieldsMixin, forms.Form):
    """One row of the class-day page. A row left blank is no item, so that
    clearing a row removes the item."""

    subject = forms.ChoiceField(label=_("subject"), choices=[("", "—"), *Subject.choices], required=False)
    content = forms.CharField(label=_("content"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("basic or optional"), choices=HomeworkKind.choices, initial=HomeworkKind.BASIC)
    written = forms.BooleanField(label=_("written"), required=False, initial=True)
    minutes = forms.IntegerField(
        label=_("minutes"),
        min_value=1,
        max_value=MAX_ITEM_MINUTES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "homework-minutes"}),
    )
    layered = forms.BooleanField(label=_("layered"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("subject") or data.get("content") or data.get("minutes")):
            data["blank"] = True
            return data
        for name in ("subject", "content", "minutes"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Fill in the subject, content and minutes, or clear the row."))
        return data

    def spec(self) -> ItemSpec | None:
        data = self.cleaned_data
        if not data or data.get("blank"):  # an untouched extra row is not even cleaned
            return None
        return ItemSpec(
            subject=data["subject"],
            content=data["content"],
            minutes=data["minutes"],
            kind=data["kind"],
            written=data["written"],
            layered=data["layered"],
        )


HomeworkItemFormSet = forms.formset_factory(HomeworkItemForm, extra=0, max_num=30, validate_max=True)


class HomeworkUploadForm(SingleLineFieldsMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 10 MB)."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the template as an .xlsx workbook."))
        return upload
