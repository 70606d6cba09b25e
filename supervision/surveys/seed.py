"""The two ready questionnaires (a parents' and a pupils' burden survey),
built from the national rules (written homework caps by grade, sleep of
10/9 hours, no phones brought into school, after-school service, no paid subject
tutoring; see `rules.py`). Idempotent: called by the data
migration and by the demo, it creates what is missing and never edits a
questionnaire that exists (a version in use is frozen)."""

from __future__ import annotations

from typing import Any

PARENTS_KEY = "parents-burden"
PUPILS_KEY = "pupils-burden"

# An option that may only be chosen alone; a question's spec names such
# options (1 = first) in an eleventh item, after the options that count.
NONE_OF_THE_ABOVE = "以上都没有"

_PHONE = ["不带手机进校", "带手机进校，入校后交学校统一保管", "带手机进校，由孩子自己保管"]
_AFTER = ["每天参加", "部分天参加", "不参加"]
_TUTOR = ["没有参加", "参加线下学科类收费培训", "参加线上学科类收费培训"]

QUESTIONNAIRES: list[dict[str, Any]] = [
    {
        "key": PARENTS_KEY,
        "title": "义务教育学生课业负担家长问卷",
        "audience": "parents",
        "grade_from": 1,
        "grade_to": 9,
        "ask_class": False,
        "intro": (
            "各位家长：为了解孩子的作业、睡眠和校外培训情况，督导室开展本次匿名问卷调查。"
            "问卷不收集姓名、电话等任何个人信息，约需3分钟。感谢您的支持！"
        ),
        "questions": [
            (
                "number",
                "孩子最近一个上学日完成书面作业大约用了多少分钟？",
                "不含课后服务时间在校内完成的作业。",
                [],
                "分钟",
                0,
                300,
                True,
                "homework_minutes",
                [],
            ),
            (
                "number",
                "孩子平时每天睡眠大约多少小时？",
                "小学生应达到10小时，初中生9小时。",
                [],
                "小时",
                3,
                14,
                True,
                "sleep_hours",
                [],
            ),
            ("single", "孩子是否带手机进校园？", "", _PHONE, "", None, None, True, "phone_in_school", [3]),
            ("single", "孩子是否参加学校的课后服务？", "", _AFTER, "", None, None, True, "afterschool", [1, 2]),
            (
                "single",
                "本学期孩子是否参加校外收费的学科类培训？",
                "",
                _TUTOR,
                "",
                None,
                None,
                True,
                "paid_tutoring",
                [2, 3],
            ),
            (
                "single",
                "是否有老师组织、推荐或参与有偿补课？",
                "",
                ["没有", "有", "不清楚"],
                "",
                None,
                None,
                True,
                "",
                [],
            ),
            (
                "multiple",
                "孩子的作业中有以下哪些情况？（可多选）",
                "",
                ["要求家长批改作业", "要求家长在作业上签字", "需要在手机或电脑上完成", NONE_OF_THE_ABOVE],
                "",
                None,
                None,
                False,
                "",
                [],
                [4],
            ),
            ("scale", "您对学校作业布置的总体满意程度（1=很不满意，5=很满意）", "", [], "", 1, 5, True, "", []),
            (
                "text",
                "您对减轻孩子课业负担还有什么意见和建议？",
                "请勿填写姓名、电话等个人信息。",
                [],
                "",
                None,
                None,
                False,
                "",
                [],
            ),
        ],
    },
    {
        "key": PUPILS_KEY,
        "title": "义务教育学生课业负担学生问卷（三至九年级）",
        "audience": "pupils",
        "grade_from": 3,
        "grade_to": 9,
        "ask_class": True,
        "intro": "同学们：这是一份不记名的问卷，请根据自己的真实情况填写，约需3分钟。",
        "questions": [
            (
                "number",
                "最近一个上学日，你完成书面作业用了多少分钟？",
                "",
                [],
                "分钟",
                0,
                300,
                True,
                "homework_minutes",
                [],
            ),
            ("number", "你平时每天晚上睡多少小时？", "", [], "小时", 3, 14, True, "sleep_hours", []),
            ("single", "你带手机到学校吗？", "", _PHONE, "", None, None, True, "phone_in_school", [3]),
            ("single", "你参加学校的课后服务吗？", "", _AFTER, "", None, None, True, "afterschool", [1, 2]),
            (
                "single",
                "这学期你在校外参加收费的学科类补习班吗？",
                "",
                _TUTOR,
                "",
                None,
                None,
                True,
                "paid_tutoring",
                [2, 3],
            ),
            (
                "single",
                "你觉得现在的作业量怎么样？",
                "",
                ["偏少", "合适", "偏多", "太多"],
                "",
                None,
                None,
                True,
                "",
                [],
            ),
            ("single", "你每天校内外体育锻炼的时间加起来够2小时吗？", "", ["够", "不够"], "", None, None, True, "", []),
            ("scale", "你喜欢学校的课后服务吗？（1=很不喜欢，5=很喜欢）", "", [], "", 1, 5, False, "", []),
            ("text", "你还想对老师或学校说些什么？", "不要写自己的名字。", [], "", None, None, False, "", []),
        ],
    },
]


def seed_questionnaires(questionnaire_model: Any, question_model: Any) -> int:
    """Create the ready questionnaires that are missing; returns how many.
    Takes the models so the data migration can pass its historical ones."""
    created = 0
    for spec in QUESTIONNAIRES:
        if questionnaire_model.objects.filter(key=spec["key"]).exists():
            continue
        questionnaire = questionnaire_model.objects.create(
            key=spec["key"],
            version=1,
            title=spec["title"],
            audience=spec["audience"],
            grade_from=spec["grade_from"],
            grade_to=spec["grade_to"],
            ask_class=spec["ask_class"],
            intro=spec["intro"],
        )
        # The migration that seeds runs before questions had exclusive
        # choices; the one that added them marks the seeded ones.
        exclusive_field = any(f.name == "exclusive_choices" for f in question_model._meta.get_fields())
        question_model.objects.bulk_create(
            question_model(
                questionnaire=questionnaire,
                order=order,
                kind=kind,
                text=text,
                help_text=hint,
                choices=choices,
                unit=unit,
                minimum=low,
                maximum=high,
                required=required,
                rule=rule,
                flag_choices=flags,
                **({"exclusive_choices": exclusive[0] if exclusive else []} if exclusive_field else {}),
            )
            for order, (kind, text, hint, choices, unit, low, high, required, rule, flags, *exclusive) in enumerate(
                spec["questions"], start=1
            )
        )
        created += 1
    return created


def mark_exclusive_choices(questionnaire_model: Any, question_model: Any) -> int:
    """Mark the exclusive options of the ready questionnaires' questions
    seeded before options could be exclusive, in every version of them (a
    new version copies its questions); returns how many questions changed.
    Only an option still of the seeded text is marked."""
    marked = 0
    for spec in QUESTIONNAIRES:
        versions = questionnaire_model.objects.filter(key=spec["key"])
        for question in spec["questions"]:
            kind, text, choices, extra = question[0], question[1], question[3], question[10:]
            if not extra:
                continue
            labels = [choices[n - 1] for n in extra[0]]
            for row in question_model.objects.filter(questionnaire__in=versions, kind=kind, text=text):
                wanted = [i for i, c in enumerate(row.choices or [], start=1) if c in labels]
                if wanted and not row.exclusive_choices:
                    row.exclusive_choices = wanted
                    row.save(update_fields=["exclusive_choices"])
                    marked += 1
    return marked
