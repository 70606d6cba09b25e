"""A template stamped once per language and shape (jianfu/stamped.py) gives
what Django's engine gives, byte for byte; where it cannot, it is not used."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from jianfu import stamped

BODY = """{% load i18n %}<h1>{% translate "Follow a complaint" %}</h1>
{% if card %}<p data-n="{{ card.number }}">{{ card.number }} · {{ card.subject }}</p>
{% if card.due %}<p>{{ card.due }}</p>{% endif %}{% if card.reply %}<div>{{ card.reply }}</div>{% endif %}
<ol>{% for m in card.timeline %}<li data-stage="{{ m.stage }}">{{ m.label }} {{ m.on }}</li>{% endfor %}</ol>
{% else %}<p>{{ error }}</p>{% endif %}{% if flag %}<b>{{ fixed_html }}</b>{% endif %}<i>{{ hotline }}</i>
<s>{{ note }}</s>
"""
FILTERED = "<p>{{ name|upper }}</p>"
CUT = "<p>{{ name|cut:'j' }}</p>"


@pytest.fixture
def templates(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "body.html").write_text(BODY, encoding="utf-8")
    (tmp_path / "filtered.html").write_text(FILTERED, encoding="utf-8")
    (tmp_path / "cut.html").write_text(CUT, encoding="utf-8")
    engine = {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [str(tmp_path)],
        "OPTIONS": {"context_processors": []},
    }
    with override_settings(TEMPLATES=[engine]):
        stamped.stamps_clear()
        yield
    stamped.stamps_clear()


class _OwnHtml(str):
    """A text that is not Django's safe string but gives its own HTML, which
    Django prints as it gives it."""

    def __html__(self) -> str:
        return "<mark>" + self + "</mark>"


def _card(**extra: object) -> dict[str, object]:
    return {
        "number": "TS20261201-0001",
        "subject": "甲小学",
        "due": "2026-12-08",
        "reply": "",
        "timeline": [{"stage": "received", "label": "已接收", "on": "2026-12-01"}],
        **extra,
    }


CONTEXTS = [
    {"card": _card(), "error": "", "flag": False},
    {"card": _card(due="", reply=mark_safe("已责令整改<br>并通报")), "error": "", "flag": True},
    {
        "card": _card(
            subject='<script>alert("x")</script> & "引号"',
            timeline=[{"stage": s, "label": f"第{n}步", "on": "2026-12-0" + str(n)} for n, s in enumerate("abcde", 1)],
        ),
        "error": "",
        "flag": False,
    },
    {"card": None, "error": "没有找到 <这个> 案件", "flag": True},
    {"card": None, "error": "", "flag": False},
    # Strings under two keys of the context (numbered across both), quotes,
    # a lazy translation and a text that knows its own HTML.
    {
        "card": _card(subject='O\'Brien "甲" 小学', reply=gettext_lazy("Follow a complaint")),
        "error": "",
        "flag": False,
        "note": _OwnHtml("<u>自带</u>"),
    },
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_shape_gives_what_the_engine_gives(templates, language) -> None:  # type: ignore[no-untyped-def]
    fixed = {"fixed_html": mark_safe("<em>固定</em>"), "hotline": "12345 & 678"}
    with translation.override(language):
        for context in CONTEXTS * 2:  # the second time from the stamp
            assert stamped.stamped_render(template="body.html", context=context, fixed=fixed) == render_to_string(
                "body.html", {**fixed, **context}
            )
    assert len(stamped._STAMPS) == len(CONTEXTS)


def test_a_value_is_escaped_once_and_never_read_as_a_placeholder(templates) -> None:  # type: ignore[no-untyped-def]
    # A visitor's text that looks like a placeholder, even of this process,
    # is only ever text: the stamp is split, values are not.
    sneaky = stamped._placeholder(0) + " jfstamp0000000000000000n1x"
    context = {"card": _card(subject=sneaky, number="<b>"), "error": "", "flag": False}
    html = stamped.stamped_render(template="body.html", context=context)
    assert html == render_to_string("body.html", context)
    assert sneaky in html and "&lt;b&gt;" in html and "<b>" not in html.replace("<b>{{", "")


def test_a_filter_on_a_stamped_value_is_refused(templates) -> None:  # type: ignore[no-untyped-def]
    for template in ("filtered.html", "cut.html"):
        with pytest.raises(ValueError, match="filter"):
            stamped.stamped_render(template=template, context={"name": "abc"})


def test_what_the_stamp_cannot_stand_in_for_is_rendered_by_the_engine(templates) -> None:  # type: ignore[no-untyped-def]
    for odd in (3, datetime.date(2026, 12, 1), object()):
        context = {"card": None, "error": odd, "flag": False}
        assert stamped.stamped_render(template="body.html", context=context) == render_to_string("body.html", context)
    assert not stamped._STAMPS


def test_the_language_is_part_of_the_stamp(templates) -> None:  # type: ignore[no-untyped-def]
    context = {"card": None, "error": "", "flag": False}
    with translation.override("zh-hans"):
        chinese = stamped.stamped_render(template="body.html", context=context)
    with translation.override("en"):
        english = stamped.stamped_render(template="body.html", context=context)
    assert "投诉办理进度查询" in chinese and "Follow a complaint" in english
