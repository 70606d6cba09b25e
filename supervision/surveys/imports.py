"""Paper questionnaires' tallies (纸质问卷汇总), one row per school and grade,
through the portal's import framework (:mod:`jianfu.imports`). The Chinese
headers are the file format. A row replaces the school and grade's earlier
paper tally; the school's summary rows are then rebuilt in the same
transaction, so the results add online and paper answers alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jianfu.imports import ImportColumn, Importer, RowReader
from schools.models import School

from .models import PaperTally, SurveyRound
from .services import paper_tally_store, tallies_rebuild

CODE, NAME, GRADE, COUNT = "学校标识码", "学校名称", "年级", "问卷份数"
HW_N, HW_AVG, HW_OVER = "作业时长填答数", "作业时长平均（分钟）", "作业超时人数"
SLEEP_N, SLEEP_AVG, SLEEP_UNDER = "睡眠填答数", "睡眠平均（小时）", "睡眠不足人数"
PHONE_N, PHONE = "手机题填答数", "带手机进校自管人数"
AFTER_N, AFTER = "课后服务题填答数", "参加课后服务人数"
TUTOR_N, TUTOR = "校外培训题填答数", "参加校外收费学科培训人数"

# (header, field, counted against which answered-column)
_COUNTS = [
    (HW_N, "hw_n", COUNT),
    (HW_OVER, "hw_over", HW_N),
    (SLEEP_N, "sleep_n", COUNT),
    (SLEEP_UNDER, "sleep_under", SLEEP_N),
    (PHONE_N, "phone_n", COUNT),
    (PHONE, "phone_flag", PHONE_N),
    (AFTER_N, "after_n", COUNT),
    (AFTER, "after_flag", AFTER_N),
    (TUTOR_N, "tutor_n", COUNT),
    (TUTOR, "tutor_flag", TUTOR_N),
]
FIELDS = [f for _h, f, _b in _COUNTS]


@dataclass
class TallyRow:
    school: School
    grade: int
    values: dict[str, Any]
    existing: PaperTally | None


class PaperTallyImporter(Importer):
    kind = "survey_paper"
    verbose_name = gettext_lazy("Paper questionnaire tallies")
    sheet_title = "纸质问卷汇总"
    export_name = "纸质问卷汇总"
    template_name = "纸质问卷汇总模板"
    columns: ClassVar[Sequence[ImportColumn]] = [
        ImportColumn(CODE, True, gettext_lazy("The 10-digit national school code of a school of the round."), 14),
        ImportColumn(NAME, False, gettext_lazy("For the reader only; the code decides."), 24),
        ImportColumn(GRADE, True, gettext_lazy("A grade of the round, 1 to 9."), 6),
        ImportColumn(COUNT, True, gettext_lazy("Paper questionnaires collected for this school and grade."), 10),
        ImportColumn(HW_N, False, gettext_lazy("How many answered the homework question; empty counts as 0."), 12),
        ImportColumn(HW_AVG, False, gettext_lazy("Average minutes of written homework of those answers."), 14),
        ImportColumn(HW_OVER, False, gettext_lazy("How many reported more than the grade's cap."), 12),
        ImportColumn(SLEEP_N, False, gettext_lazy("How many answered the sleep question."), 10),
        ImportColumn(SLEEP_AVG, False, gettext_lazy("Average hours of sleep of those answers."), 12),
        ImportColumn(
            SLEEP_UNDER, False, gettext_lazy("How many sleep less than the rule (10 h primary, 9 h junior)."), 12
        ),
        ImportColumn(PHONE_N, False, gettext_lazy("How many answered the phone question."), 12),
        ImportColumn(PHONE, False, gettext_lazy("How many bring a phone into school and keep it themselves."), 14),
        ImportColumn(AFTER_N, False, gettext_lazy("How many answered the after-school question."), 14),
        ImportColumn(AFTER, False, gettext_lazy("How many take the after-school service."), 12),
        ImportColumn(TUTOR_N, False, gettext_lazy("How many answered the tutoring question."), 14),
        ImportColumn(TUTOR, False, gettext_lazy("How many take paid off-campus subject tutoring."), 16),
    ]

    def __init__(self, *, survey_round: SurveyRound) -> None:
        self.survey_round = survey_round

    def prepare(self, raw_rows: Sequence[Mapping[str, Any]]) -> None:
        codes = {str(r["values"].get(CODE) or "").strip() for r in raw_rows}
        self.schools = {
            s.code: s for s in School.objects.filter(code__in=codes, survey_entries__round=self.survey_round)
        }
        self.existing = {
            (t.school_id, t.grade): t
            for t in PaperTally.objects.filter(round=self.survey_round, school__code__in=codes)
        }
        self.seen: set[tuple[str, int]] = set()

    def parse_row(self, reader: RowReader) -> tuple[Any, Any]:
        code = reader.text(CODE, required=True)
        school = self.schools.get(code)
        if code and school is None:
            reader.error(CODE, _("“%(value)s” is not a school of this round.") % {"value": code})
        grade = reader.integer(GRADE, minimum=1, maximum=9)
        if grade is None and not reader.failed(GRADE):
            reader.error(GRADE, _("This column is required."))
        elif grade is not None and grade not in self.survey_round.grades:
            reader.error(GRADE, _("Grade %(grade)s is not surveyed in this round.") % {"grade": grade})
        elif school is not None and grade is not None and grade not in school.grades:
            reader.error(GRADE, _("This school type does not teach grade %(grade)s.") % {"grade": grade})
        if school is not None and grade is not None:
            if (code, grade) in self.seen:
                reader.error(GRADE, _("This school and grade appear twice in the file."))
            self.seen.add((code, grade))
        count = reader.integer(COUNT, minimum=1, maximum=100000)
        if count is None and not reader.failed(COUNT):
            reader.error(COUNT, _("This column is required."))
        values: dict[str, Any] = {"responses": count}
        for header, name, _base in _COUNTS:
            values[name] = reader.integer(header, minimum=0, maximum=100000) or 0
        field_of = {h: f for h, f, _b in _COUNTS}
        for header, name, base in _COUNTS:
            limit = count if base == COUNT else values[field_of[base]]
            if limit is not None and values[name] > limit:
                reader.error(
                    header, _("More than the %(limit)s of column “%(column)s”.") % {"limit": limit, "column": base}
                )
        values["hw_sum"] = self._average(reader, HW_AVG, 0, 300) * values["hw_n"]
        values["sleep_sum"] = self._average(reader, SLEEP_AVG, 0, 14) * values["sleep_n"]
        if values["hw_n"] and reader.blank(HW_AVG):
            reader.error(HW_AVG, _("Give the average when answers are counted."))
        if values["sleep_n"] and reader.blank(SLEEP_AVG):
            reader.error(SLEEP_AVG, _("Give the average when answers are counted."))
        if reader.failed() or school is None or grade is None:
            return None, None
        return TallyRow(school, grade, values, self.existing.get((school.pk, grade))), self.existing.get(
            (school.pk, grade)
        )

    @staticmethod
    def _average(reader: RowReader, header: str, low: float, high: float) -> float:
        raw = reader.raw(header)
        if raw in (None, ""):
            return 0.0
        try:
            number = float(str(raw).strip())
        except ValueError:
            number = -1
        if not low <= number <= high:
            reader.error(
                header,
                _("“%(value)s” is not a number from %(min)s to %(max)s.") % {"value": raw, "min": low, "max": high},
            )
            return 0.0
        return number

    def cells_of(self, parsed: TallyRow) -> dict[str, Any]:
        return self._cells(parsed.school, parsed.grade, parsed.values)

    def export_cells(self, obj: PaperTally) -> dict[str, Any]:
        values = {"responses": obj.responses, **{f: getattr(obj, f) for f in FIELDS}}
        values["hw_sum"], values["sleep_sum"] = obj.hw_sum, obj.sleep_sum
        return self._cells(obj.school, obj.grade, values)

    @staticmethod
    def _cells(school: School, grade: int, v: Mapping[str, Any]) -> dict[str, Any]:
        cells: dict[str, Any] = {CODE: school.code, NAME: school.name, GRADE: grade, COUNT: v["responses"]}
        for header, name, _base in _COUNTS:
            cells[header] = v[name]
        cells[HW_AVG] = round(v["hw_sum"] / v["hw_n"], 1) if v["hw_n"] else None
        cells[SLEEP_AVG] = round(v["sleep_sum"] / v["sleep_n"], 1) if v["sleep_n"] else None
        return cells

    def apply_row(self, parsed: TallyRow, *, by: Any) -> None:
        paper_tally_store(
            survey_round=self.survey_round, school=parsed.school, grade=parsed.grade, values=parsed.values, by=by
        )

    def apply(self, plan: Any, *, by: Any, today: Any) -> None:
        super().apply(plan, by=by, today=today)
        touched = {row.parsed.school.pk for row in plan.rows}
        if touched:
            tallies_rebuild(survey_round=self.survey_round, school_ids=touched)
