"""The starting complaint categories (the list of issue 4) and reply
templates. Bureau staff rename, reorder, weight and retire them in the admin;
this only fills empty tables."""

from django.db import migrations

CATEGORIES = [
    "节假日、双休日或课后违规补课",
    "教师有偿家教或校外兼职",
    "作业量过大",
    "公布考试成绩和排名",
    "违规收费",
    "招生考试或分设重点班",
    "体罚或变相体罚",
    "课后服务问题",
    "校外培训",
    "手机管理",
    "睡眠管理",
    "课外读物",
    "体育活动",
    "其他",
]

REPLY_TEMPLATES = [
    (
        "情况属实",
        "您好！您反映的{school}有关问题（案件编号{case_number}）已由教育局组织核查，情况属实。"
        "教育局已责令学校立即整改，并将依规对相关责任人作出处理。感谢您对减负工作的关心和监督。",
    ),
    (
        "部分属实",
        "您好！您反映的{school}有关问题（案件编号{case_number}）已由教育局组织核查，情况部分属实。"
        "对查实的问题，教育局已责令学校限期整改；其余反映内容经核查未发现违规情形。感谢您的监督。",
    ),
    (
        "情况不属实",
        "您好！您反映的{school}有关问题（案件编号{case_number}）已由教育局组织核查，未发现您反映的违规情形。"
        "如您掌握新的线索，欢迎继续向我们反映。感谢您对减负工作的关心。",
    ),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Category = apps.get_model("supervision", "ComplaintCategory")
    Template = apps.get_model("supervision", "ComplaintReplyTemplate")
    if not Category.objects.exists():
        Category.objects.bulk_create(
            [Category(name=name, order=(i + 1) * 10) for i, name in enumerate(CATEGORIES)]
        )
    if not Template.objects.exists():
        Template.objects.bulk_create(
            [Template(title=title, body=body, order=(i + 1) * 10) for i, (title, body) in enumerate(REPLY_TEMPLATES)]
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0006_complaints_and_work_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
