"""The starting checklist: the eight supervision items of 《中小学校责任督学
挂牌督导办法》 with burden-reduction sub-items from the "double reduction"
opinion, the five managements and the double-ten rules. Bureau staff reword,
add and retire them in the admin afterwards; seeding only fills an empty
table (migration 0004, and the tests that empty the database between runs)."""

from __future__ import annotations

from typing import Any

ITEMS = [
    (
        "1",
        "校务管理和制度执行",
        [
            ("1.1", "签订减负责任书，向社会公开减负承诺"),
            ("1.2", "公示教学活动安排（课程表、作息时间表、作业安排）"),
        ],
    ),
    (
        "2",
        "招生、收费、择校",
        [
            ("2.1", "不以考试、竞赛成绩或证书招生"),
            ("2.2", "均衡编班，不分重点班、快慢班"),
            ("2.3", "无违规收费、不强制征订教辅"),
        ],
    ),
    (
        "3",
        "课程开设和课堂教学",
        [
            ("3.1", "开齐开足国家课程，不随意增减课时、调整课程"),
            ("3.2", "节假日、双休日和课后不组织集体补课或上新课"),
            ("3.3", "小学上午上课不早于8:20，中学不早于8:00"),
        ],
    ),
    (
        "4",
        "学生学习、体育锻炼和课业负担",
        [
            ("4.1", "书面作业总量：一二年级不布置书面家庭作业，三至六年级不超过60分钟，初中不超过90分钟"),
            ("4.2", "作业登记、审核、公示，基本作业加弹性作业，分层布置"),
            ("4.3", "课后服务每周5天、每天不少于2小时，全覆盖，落实“三不”"),
            ("4.4", "睡眠管理：小学生10小时、初中生9小时"),
            ("4.5", "体质管理：校内每天1小时体育活动，30分钟大课间"),
            ("4.6", "手机管理：原则上不带入校园，确需带入的统一保管"),
            ("4.7", "读物管理：进校园课外读物经审核"),
            ("4.8", "不公布考试成绩和排名"),
        ],
    ),
    (
        "5",
        "师德和专业发展",
        [
            ("5.1", "教师无有偿家教，不在校外培训机构兼职"),
        ],
    ),
    ("6", "校园及周边安全和交通安全", []),
    ("7", "食堂、食品、饮水、宿舍卫生", []),
    (
        "8",
        "校风、教风、学风",
        [
            ("8.1", "不组织学生参加商业性庆典活动"),
        ],
    ),
]


def seed_checklist(item_model: Any) -> None:
    if item_model.objects.exists():
        return
    order = 0
    for code, title, children in ITEMS:
        order += 10
        parent = item_model.objects.create(code=code, title=title, order=order)
        for child_code, child_title in children:
            order += 1
            item_model.objects.create(code=child_code, title=child_title, order=order, parent=parent)
