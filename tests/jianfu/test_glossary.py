"""docs/glossary.md and the code name every state the same way: for each
state of each state machine, the zh-hans label the users see is the one the
glossary gives, and no Chinese label names two states of one machine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Choices
from django.utils import translation

from reports.models import ModelSchoolRound, ReportJob
from reports.scoring.models import ScoreRun
from schools.models import SelfCheck
from schools.selfchecks.models import RoundState
from supervision.complaints.models import ComplaintStage
from supervision.models import ComplaintCase, ItemResult, Rectification, TrainingInstitution, VisitSubmissionState

GLOSSARY = Path(settings.BASE_DIR) / "docs" / "glossary.md"
HEADING = re.compile(r"^### .*\(`([a-z -]+)`\)\s*$")
ROW = re.compile(r"^\| `([a-z_]+)` \| ([^|]+?) \|")


def glossary_tables(text: str) -> dict[str, list[tuple[str, str]]]:
    """Each machine's table: (code, zh-hans label) in the order written."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current: str | None = None
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            current = heading.group(1)
            tables[current] = []
        elif line.startswith("## "):
            current = None
        elif current is not None and (row := ROW.match(line)):
            tables[current].append((row.group(1), row.group(2).strip()))
    return tables


def _field_choices(model: type, field: str) -> list[tuple[str, str]] | None:
    names = {f.name for f in model._meta.get_fields()}  # type: ignore[attr-defined]
    if field not in names:
        return None
    return list(model._meta.get_field(field).choices)  # type: ignore[attr-defined]


def _machines() -> dict[str, list[tuple[str, str]] | None]:
    """Every state machine of the portal, as its code's (value, label)
    pairs; a machine whose field does not exist yet is None."""

    def of(choices: type[Choices]) -> list[tuple[str, str]]:
        return list(choices.choices)

    return {
        "complaint": _field_choices(ComplaintCase, "status"),
        "complaint public stage": of(ComplaintStage),
        "rectification": _field_choices(Rectification, "status"),
        "institution": _field_choices(TrainingInstitution, "status"),
        "self-check": _field_choices(SelfCheck, "status"),
        "self-check round": of(RoundState),
        "visit": of(VisitSubmissionState),
        "report job": _field_choices(ReportJob, "status"),
        # The score run's states are being added (publication); until the
        # field exists the glossary must not claim a table for it.
        "score run": _field_choices(ScoreRun, "status"),
        "model-school round": _field_choices(ModelSchoolRound, "status"),
        "item result": of(ItemResult),
    }


def _zh(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    with translation.override("zh-hans"):
        return [(value, str(label)) for value, label in choices]


def test_the_parser_reads_the_glossary() -> None:
    tables = glossary_tables(GLOSSARY.read_text(encoding="utf-8"))
    assert {"complaint", "rectification", "self-check", "visit", "report job"} <= set(tables)
    assert ("accepted", "已受理") in tables["complaint"]
    assert all(len(rows) >= 3 for rows in tables.values())


@pytest.mark.parametrize("machine", sorted(_machines()))
def test_each_state_has_the_glossary_label(machine: str) -> None:
    tables = glossary_tables(GLOSSARY.read_text(encoding="utf-8"))
    choices = _machines()[machine]
    if choices is None:
        assert machine not in tables, f"docs/glossary.md has a table for {machine}, the code has no such states"
        return
    assert machine in tables, f"docs/glossary.md has no table for the {machine} states"
    assert _zh(choices) == tables[machine]


@pytest.mark.parametrize("machine", sorted(_machines()))
def test_no_chinese_label_names_two_states_of_one_machine(machine: str) -> None:
    choices = _machines()[machine]
    if choices is None:
        return
    labels = [label for _, label in _zh(choices)]
    assert len(labels) == len(set(labels)), f"{machine}: {labels}"
    # Nor is any zh-hans label left in English.
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels), labels


def test_the_known_lies_are_gone() -> None:
    """Words that once read wrong (issue 14): each now says what it means."""
    from schools.models import Subject
    from supervision.complaints.views_staff import ACTION_TITLES
    from supervision.rectifications.forms import ReviewForm

    with translation.override("zh-hans"):
        assert str(ComplaintCase(status="accepted").get_status_display()) == "已受理"
        assert str(ACTION_TITLES["accept"]) == "受理"
        assert dict(ReviewForm.base_fields["decision"].choices)["accept"] == "验收通过"
        assert str(Rectification(status="open").get_status_display()) == "整改中"
        assert str(Subject.HISTORY.label) == "历史" and str(Subject.ENGLISH.label) == "英语"


def test_a_complaint_action_s_message_names_the_state_it_leads_to() -> None:
    """After "conclude" the case is 已出结论 and after "close" 已办结: the
    messages said "办结" and "关闭" (the bureau read a concluded case as
    closed)."""
    from supervision.complaints.views_staff import ACTIONS

    with translation.override("zh-hans"):
        concluded = str(ComplaintCase(status="concluded").get_status_display())
        closed = str(ComplaintCase(status="closed").get_status_display())
        assert "结论" in concluded and "办结" not in str(ACTIONS["conclude"].done)
        assert "结论" in str(ACTIONS["conclude"].done)
        assert closed.removeprefix("已") in str(ACTIONS["close"].done)


@pytest.mark.django_db
def test_ranking_workbook_names_an_open_rectification_in_its_words(world) -> None:  # type: ignore[no-untyped-def]
    from reports.scoring.visits import open_rectifications_sheet
    from tests.supervision.factories import RectificationFactory

    RectificationFactory(school=world.school_a)
    with translation.override("zh-hans"):
        sheet = open_rectifications_sheet({}, None)  # type: ignore[arg-type]
        rows = list(sheet.rows)
    assert rows[0][4] == "整改中"
