"""A form's fields copied for each form instance at a fraction of
``copy.deepcopy``'s cost.

Django's ``BaseForm.__init__`` gives every instance its own fields with
``copy.deepcopy(self.base_fields)``. The fields' own ``__deepcopy__`` do
little (a shallow copy of the field and its widget, fresh attrs, messages,
validators and choices), but the generic machinery around it (``copy.copy``
through ``__reduce_ex__`` and ``copyreg``, the memo, the dispatch on every
value) made it a tenth of a public complaint POST's time under load: 157 us
for the form's 15 fields, more than its database statement's CPU.

:class:`FieldsCopiedFast`, installed as a form class's ``base_fields`` by
``jianfu.validators.SingleLineFieldsMixin``, makes that ``deepcopy`` do
exactly what the fields' ``__deepcopy__`` do, written out: a field or widget
whose class keeps Django's copying (``Field``, ``ChoiceField``,
``ModelChoiceField``; ``Widget``, ``ChoiceWidget``) and copies plainly (no
``__copy__``, ``__reduce__``, ``__getstate__``, ``__setstate__`` or
``__slots__`` of its own) is copied by hand; any other (a ``MultiValueField``,
a ``MultiWidget``, a field with a copy of its own) goes through
``copy.deepcopy`` as before. ``tests/jianfu/test_form_fields.py`` compares the
two copies field by field for every form of the portal.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.forms import models as model_forms
from django.forms import widgets

_FIELD, _CHOICE, _MODEL_CHOICE = "field", "choice", "model_choice"
_WIDGET, _CHOICE_WIDGET = "widget", "choice_widget"

# The classes' own __deepcopy__, read from their __dict__ (django-stubs do
# not declare them).
_FIELD_COPIES: dict[Any, str] = {
    vars(forms.Field)["__deepcopy__"]: _FIELD,
    vars(forms.ChoiceField)["__deepcopy__"]: _CHOICE,
    vars(model_forms.ModelChoiceField)["__deepcopy__"]: _MODEL_CHOICE,
}
_WIDGET_COPIES: dict[Any, str] = {
    vars(widgets.Widget)["__deepcopy__"]: _WIDGET,
    vars(widgets.ChoiceWidget)["__deepcopy__"]: _CHOICE_WIDGET,
}
# Django 5's ChoiceWidget keeps its normalised choices in ``_choices``
# behind this property.
_CHOICES_PROPERTY = vars(widgets.ChoiceWidget)["choices"]


def _copies_plainly(cls: type) -> bool:
    """Whether ``copy.copy`` of an instance of ``cls`` is a new instance
    with the same ``__dict__`` entries (``object``'s own reduction)."""
    return (
        cls.__reduce_ex__ is object.__reduce_ex__
        and cls.__reduce__ is object.__reduce__
        and cls.__getstate__ is object.__getstate__
        and cls.__new__ is object.__new__
        and not any(hasattr(cls, name) for name in ("__copy__", "__setstate__", "__getnewargs__", "__getnewargs_ex__"))
        and all("__slots__" not in vars(klass) for klass in cls.__mro__[:-1])
    )


def _kind(cls: type, copies: dict[Any, str]) -> str | None:
    kind = copies.get(getattr(cls, "__deepcopy__", None))
    if kind == _CHOICE_WIDGET and getattr(cls, "choices", None) is not _CHOICES_PROPERTY:
        return None  # a widget with choices of its own making
    return kind if kind and _copies_plainly(cls) else None


# The kind of each class met so far, per table (the classes are few and fixed).
_kinds: dict[tuple[type, int], str | None] = {}


def _kind_cached(cls: type, copies: dict[Any, str]) -> str | None:
    key = (cls, id(copies))
    if key not in _kinds:
        _kinds[key] = _kind(cls, copies)
    return _kinds[key]


def _plain_copy(obj: Any) -> Any:
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def widget_copy(widget: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(widget, memo)``, by hand where that is the same."""
    if id(widget) in memo:
        return memo[id(widget)]
    kind = _kind_cached(type(widget), _WIDGET_COPIES)
    if kind is None:
        return copy.deepcopy(widget, memo)
    new = _plain_copy(widget)
    new.attrs = widget.attrs.copy()
    if kind == _CHOICE_WIDGET:
        # ChoiceWidget.__deepcopy__ sets ``choices`` to a copy of its own,
        # already normalised: its setter normalises them again, and its
        # ``from django.db.models.enums import ...`` asks that module for a
        # ``__path__`` it answers by raising, a twentieth of a complaint POST.
        # The normalised list is copied straight into place instead.
        new._choices = copy.copy(widget._choices)
    memo[id(widget)] = new
    return new


def field_copy(field: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(field, memo)``, by hand where that is the same."""
    if id(field) in memo:
        return memo[id(field)]
    kind = _kind_cached(type(field), _FIELD_COPIES)
    if kind is None:
        return copy.deepcopy(field, memo)
    new = _plain_copy(field)
    memo[id(field)] = new
    new.widget = widget_copy(field.widget, memo)
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    if kind == _CHOICE:
        new._choices = copy.deepcopy(field._choices, memo)
    elif kind == _MODEL_CHOICE and field.queryset is not None:
        # As ModelChoiceField.__deepcopy__: a fresh iterator (Django #11183).
        new.queryset = field.queryset.all()
    return new


class FieldsCopiedFast(dict[str, Any]):
    """A form class's ``base_fields`` whose ``copy.deepcopy`` (what
    ``BaseForm.__init__`` does) is a plain dict of :func:`field_copy`."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {name: field_copy(field, memo) for name, field in self.items()}


def fields_copied_fast_install(*, form_class: Any) -> None:
    """Make ``form_class``'s instances copy their fields by hand (once per
    class; the metaclass sets ``base_fields`` after any ``__init_subclass__``,
    so this runs from the first instance's ``__init__``)."""
    if type(form_class.__dict__.get("base_fields")) is not FieldsCopiedFast:
        form_class.base_fields = FieldsCopiedFast(form_class.base_fields)
