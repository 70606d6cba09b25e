"""The house plan (docs/architecture.md) holds: every model names its Chinese
term, the docs never send a reader outside the repository, and each subject
lives in one package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("jianfu", "schools", "supervision", "reports")
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize("model", [m for m in apps.get_models() if m._meta.app_label in APPS], ids=str)
def test_every_model_names_its_chinese_term_first(model) -> None:  # type: ignore[no-untyped-def]
    doc = model.__dict__.get("__doc__") or ""
    first_line = doc.strip().splitlines()[0] if doc.strip() else ""
    assert not doc.startswith(model.__name__ + "("), f"{model._meta.label} has no docstring"
    assert CJK.search(first_line), f"{model._meta.label}: the docstring's first line names no Chinese term"


def test_docs_never_link_outside_the_repository() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "bench").glob("*.md"))]
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text and "DOMAIN.md" not in text and "ENGINEERING.md" not in text, doc
        assert "/work/" not in text and "/root/" not in text, doc
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (doc.parent / target).resolve().is_relative_to(ROOT), (doc, target)
            assert (doc.parent / target).exists(), (doc, target)


def test_architecture_doc_answers_the_newcomer_questions() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for needle in ("overdue for its monthly visit", "who may see a complaint", "how a score is computed"):
        assert needle in text.lower(), needle
    # Every home it names exists.
    for path in set(re.findall(r"`((?:jianfu|schools|supervision|reports)/[\w/]+\.py)`", text)):
        assert (ROOT / path).exists(), path


def test_no_layer_modules_beside_subject_packages() -> None:
    """Inside an app: subject packages, not views_x.py / forms_x.py / services/ layers."""
    for app in ("schools", "supervision", "reports"):
        names = {p.name for p in (ROOT / app).iterdir()}
        assert not {"services", "selectors", "views", "forms"} & names, app
        assert not [n for n in names if re.match(r"(views|forms|admin|urls|demo)_\w+\.py$", n)], app
