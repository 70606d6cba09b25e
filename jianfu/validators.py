"""Single-line text: no line breaks, tabs or other control characters.

A line break in a school's name is saved as easily as any other character,
and then breaks every e-mail whose subject names the school (Django refuses
a header with a newline). So every single-line text field of the portal
refuses control characters:

- models: :func:`install_single_line_validators` (called once at start-up
  by ``jianfu.apps``) adds :func:`no_control_characters` to every
  ``CharField`` of the portal's own apps — today's and any added later —
  so every ModelForm (the portal's pages and the admin) and every
  ``full_clean`` checks it. It is added at run time, the way Django itself
  adds a CharField's MaxLengthValidator, rather than written on each of the
  hundred fields: one place, nothing to forget on a new field, and no
  migration that would touch every table's state for a rule the database
  does not enforce. ``TextField`` (multi-line by nature) is left alone.
- plain forms: :class:`SingleLineFieldsMixin`, on the forms whose text goes
  into such fields without a ModelForm.
- imports: ``jianfu.imports.RowReader.text``.

Values already stored are made safe where they reach a header with
:func:`one_line`.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jianfu.form_fields import fields_copied_fast_install

PORTAL_APPS = ("jianfu", "schools", "supervision", "reports")

# C0 and C1 controls (line feed, carriage return, tab, NEL …) and the two
# Unicode line and paragraph separators, which str.splitlines also breaks on.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def no_control_characters(value: Any) -> None:
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Line breaks, tabs and other control characters are not allowed here."),
            code="control_characters",
        )


def one_line(text: str) -> str:
    """``text`` on one line: each run of control characters becomes a space."""
    return " ".join(part for part in CONTROL_CHARACTERS.split(text) if part.strip()).strip()


def install_single_line_validators() -> None:
    from django.apps import apps
    from django.db import models

    for app_label in PORTAL_APPS:
        for model in apps.get_app_config(app_label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.CharField) and no_control_characters not in field.validators:
                    # The cached list ``validators`` (not ``_validators``, which
                    # deconstruct() reads): model checks only, no migration.
                    field.validators.append(no_control_characters)


def single_line_applies(field: forms.Field) -> bool:
    """Whether :class:`SingleLineFieldsMixin` has ``field`` refuse control
    characters: a text field not shown as a text area."""
    return isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea)


class SingleLineFieldsMixin(forms.BaseForm):
    """For a plain form (``class F(SingleLineFieldsMixin, forms.Form)``):
    every CharField not shown as a text area refuses control characters.
    A text area carries no ``maxlength`` in the page: a browser cuts a longer
    pasted text there without a word, while the server refuses it with the
    count and the form gives the whole text back to be shortened."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Each instance's copy of the fields, made by hand (jianfu.form_fields).
        fields_copied_fast_install(form_class=type(self))
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if single_line_applies(field):
                field.validators = [*field.validators, no_control_characters]
            elif isinstance(field, forms.CharField):
                field.widget.attrs.pop("maxlength", None)
