"""A template rendered once per language and shape, then filled in.

The public status look-up is the portal's busiest page after the form, and
Django's template engine was a fifth of its time: a dozen translations, a
loop and the escaping of each value, the same work for every parent but for
a few strings. :func:`stamped_render` renders the template once with a
placeholder in place of each string of the context (a "stamp"), keeps the
result split at the placeholders, and for each request only escapes the
strings and joins them into it.

What decides the stamp (its "shape") is everything but the strings' text:
the language, which values are empty (so ``{% if %}`` goes the same way),
each list's length (so ``{% for %}`` runs as often), and any ``True`` or
``False``. So a stamp is only ever used where rendering the template would
give the same text around the same strings.

The template must print its stamped strings plainly (``{{ card.number }}``):
a filter would act on the placeholder, not the string. Values that need one
(a date, ``linebreaksbr``) are prepared by the view, the latter as safe
strings, which are filled in as they are, as Django prints them. A context
holding anything else (a form, a model, a number, a date) is rendered by
Django's engine as before: the shortcut is only taken where it is exact.
A test compares both ways byte for byte for each shape the pages use.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.translation import get_language

# Random per process: only the stamp, rendered from placeholders and the
# template, is ever split at them, never a visitor's text.
_NONCE = secrets.token_hex(8)
_PLACEHOLDER = re.compile(rf"jfstamp{_NONCE}n(\d+)x")


class _NotStampable(Exception):
    """The context holds a value the stamp cannot stand in for."""


def _placeholder(index: int) -> str:
    return f"jfstamp{_NONCE}n{index}x"


def _walk(value: Any, strings: list[Any], shape: list[Any], *, stand_ins: bool) -> Any:
    """Appends each non-empty string of ``value`` to ``strings`` and its
    shape to ``shape``; with ``stand_ins``, returns ``value`` with a
    placeholder for each of those strings (needed only to make a stamp, so
    a request served from one builds nothing but the two lists)."""
    if value is None or value is True or value is False:
        shape.append(value)
        return value
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        if not value:
            shape.append("")
            return value
        shape.append(isinstance(value, SafeData))
        strings.append(value)
        return _placeholder(len(strings) - 1) if stand_ins else None
    if isinstance(value, list | tuple):
        shape.append(len(value))
        if stand_ins:
            return [_walk(item, strings, shape, stand_ins=True) for item in value]
        for item in value:
            _walk(item, strings, shape, stand_ins=False)
        return None
    if isinstance(value, Mapping):
        shape.append(tuple(value))
        if stand_ins:
            return {key: _walk(item, strings, shape, stand_ins=True) for key, item in value.items()}
        for item in value.values():
            _walk(item, strings, shape, stand_ins=False)
        return None
    raise _NotStampable(type(value).__name__)


def _escaped(value: Any) -> str:
    """``conditional_escape(value)`` as text: a plain ``str`` (not safe, no
    ``__html__``) escaped directly, as Django's ``escape`` does, without its
    checks for lazy arguments; anything else by Django's own function."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


# (template, language, fixed context, shape) -> the stamp's text between the
# placeholders, and which string goes after each piece.
_STAMPS: dict[tuple[Any, ...], tuple[list[str], list[int]]] = {}
_STAMPS_MAX = 256


def _stamp(template: str, stand_ins: dict[str, Any], fixed: Mapping[str, Any]) -> tuple[list[str], list[int]]:
    html = render_to_string(template, {**fixed, **stand_ins})
    pieces = _PLACEHOLDER.split(html)
    texts, order = pieces[0::2], [int(n) for n in pieces[1::2]]
    # Either half may survive a filter (``|cut:"j"`` leaves the nonce).
    if any("jfstamp" in low or _NONCE in low for low in map(str.lower, texts)):
        # A filter changed a placeholder: the template prints a stamped
        # value other than plainly (see the module's docstring).
        raise ValueError(f"{template} alters a stamped value with a filter")
    return texts, order


def stamped_render(*, template: str, context: Mapping[str, Any], fixed: Mapping[str, Any] | None = None) -> str:
    """``render_to_string(template, {**fixed, **context})``, from a stamp
    when ``context`` holds only strings, None, booleans and lists and dicts
    of those. ``fixed`` holds what is the same for every request of the
    process (settings' texts, HTML rendered once per language): part of the
    stamp, never escaped again."""
    fixed = fixed or {}
    strings: list[Any] = []
    shape: list[Any] = []
    try:
        for value in context.values():
            _walk(value, strings, shape, stand_ins=False)
    except _NotStampable:
        return render_to_string(template, {**fixed, **context})
    key = (template, get_language(), tuple(fixed.items()), tuple(context), tuple(shape))
    found = _STAMPS.get(key)
    if found is None:
        # The same walk again, numbering the same strings in the same order.
        numbered: list[Any] = []
        stand_ins = {name: _walk(value, numbered, [], stand_ins=True) for name, value in context.items()}
        found = _stamp(template, stand_ins, fixed)
        if len(_STAMPS) >= _STAMPS_MAX:
            _STAMPS.clear()
        _STAMPS[key] = found
    texts, order = found
    escaped = [_escaped(value) for value in strings]
    out = [texts[0]]
    for index, text in zip(order, texts[1:], strict=True):
        out.append(escaped[index])
        out.append(text)
    return "".join(out)


def stamps_clear() -> None:
    """Forget every stamp (tests that change settings or templates)."""
    _STAMPS.clear()
