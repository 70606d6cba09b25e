"""A form's fields copied by hand (jianfu.form_fields) are the copies
``copy.deepcopy`` makes: for every form of the portal on the shared mixin,
and for Django's own fields that take either way."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator

from jianfu.form_fields import FieldsCopiedFast, field_copy
from jianfu.validators import SingleLineFieldsMixin
from supervision.models import ComplaintCategory


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _portal_forms() -> list[type]:
    import jianfu.urls  # noqa: F401 - every view, so every form module, is imported

    return sorted(
        {c for c in _subclasses(SingleLineFieldsMixin) if c.__module__.split(".")[0] != "tests"},
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def _sql(queryset: QuerySet[Any]) -> str:
    try:
        return str(queryset.query)
    except EmptyResultSet:  # a .none() queryset has no SQL
        return "none"


def _equal(fast: Any, deep: Any, original: Any = None) -> bool:
    if isinstance(deep, QuerySet):
        return isinstance(fast, QuerySet) and fast.model is deep.model and _sql(fast) == _sql(deep)
    if isinstance(deep, ModelChoiceIterator):
        # Either copied shallowly (the same field) or made anew for the
        # field's copy (its own copy in each): the same queryset either way.
        same_field = fast.field is deep.field or (fast.field is not None and type(fast.field) is type(deep.field))
        queryset, deep_queryset = fast.__dict__.get("queryset"), deep.__dict__.get("queryset")
        same_rows = queryset is deep_queryset or _equal(queryset, deep_queryset)
        return type(fast) is type(deep) and fast is not deep and same_field and same_rows
    if isinstance(deep, list | tuple) and any(isinstance(x, forms.Widget | forms.Field) for x in deep):
        return len(fast) == len(deep) and all(_equal(f, d) for f, d in zip(fast, deep, strict=True))
    if isinstance(deep, forms.Widget | forms.Field):
        _assert_same_copy(fast, deep, original)
        return True
    return bool(fast == deep)


def _assert_same_copy(fast: Any, deep: Any, original: Any) -> None:
    """``fast`` holds what ``deep`` holds: the same attributes; shared with
    ``original`` where the deep copy shares them, a copy of its own (equal,
    not the same object) where the deep copy made one."""
    assert type(fast) is type(deep)
    assert fast is not original
    assert fast.__dict__.keys() == deep.__dict__.keys()
    for key, deep_value in deep.__dict__.items():
        value = fast.__dict__[key]
        if original is not None and deep_value is original.__dict__[key]:
            assert value is deep_value, key
            continue
        if original is not None and not isinstance(deep_value, str | int | float | bool | type(None)):
            assert value is not original.__dict__[key], key
        assert _equal(value, deep_value, None if original is None else original.__dict__[key]), key


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", _portal_forms(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_portal_form_copies_its_fields_as_deepcopy_does(form_class: Any) -> None:
    base = form_class.base_fields
    fast = copy.deepcopy(FieldsCopiedFast(base))
    deep = copy.deepcopy(dict(base))
    assert type(fast) is dict
    assert list(fast) == list(deep)
    for name, field in base.items():
        _assert_same_copy(fast[name], deep[name], field)


@pytest.mark.django_db
def test_django_fields_by_hand_and_the_others_through_deepcopy() -> None:
    class Mixed(forms.Form):
        text = forms.CharField(max_length=5, widget=forms.TextInput(attrs={"class": "x"}))
        choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
        typed = forms.TypedChoiceField(choices=[(1, "one")], coerce=int)
        many = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
        category = forms.ModelChoiceField(queryset=ComplaintCategory.objects.filter(active=True))
        categories = forms.ModelMultipleChoiceField(queryset=ComplaintCategory.objects.all())
        # A MultiValueField and a MultiWidget copy their parts themselves:
        # they go through copy.deepcopy.
        when = forms.SplitDateTimeField()

    for field in Mixed.base_fields.values():
        _assert_same_copy(field_copy(field, {}), copy.deepcopy(field), field)


def test_a_copy_changed_leaves_the_class_and_other_instances_alone() -> None:
    class One(SingleLineFieldsMixin, forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=forms.Select(attrs={"class": "x"}))
        text = forms.CharField(max_length=5)

    first, second = One(), One()
    assert isinstance(One.__dict__["base_fields"], FieldsCopiedFast)
    first.fields["choice"].widget.attrs["class"] = "changed"
    first.fields["choice"].choices = [("b", "B")]  # type: ignore[attr-defined]
    first.fields["text"].validators.append(lambda value: None)
    first.fields["text"].error_messages["required"] = "changed"
    for form in (second, One()):
        assert form.fields["choice"].widget.attrs == {"class": "x"}
        assert list(form.fields["choice"].choices) == [("a", "A")]  # type: ignore[attr-defined]
        assert list(form.fields["choice"].widget.choices) == [("a", "A")]
        assert len(form.fields["text"].validators) == len(second.fields["text"].validators)
        assert form.fields["text"].error_messages["required"] != "changed"
    assert One.base_fields["choice"].widget.attrs == {"class": "x"}
