"""The 2026 public holidays and adjusted working days (调休) of the State
Council's notice 《国务院办公厅关于2026年部分节假日安排的通知》. Bureau staff
check these against the notice and add each new year's in the admin."""

import datetime

from django.db import migrations

HOLIDAY = "holiday"
WORKDAY = "workday"

# (first day, last day, occasion) of each holiday, and the weekend days worked.
HOLIDAYS_2026 = [
    ((1, 1), (1, 3), "元旦"),
    ((2, 15), (2, 23), "春节"),
    ((4, 4), (4, 6), "清明节"),
    ((5, 1), (5, 5), "劳动节"),
    ((6, 19), (6, 21), "端午节"),
    ((9, 25), (9, 27), "中秋节"),
    ((10, 1), (10, 7), "国庆节"),
]
WORKDAYS_2026 = [
    ((1, 4), "元旦调休上班"),
    ((2, 14), "春节调休上班"),
    ((2, 28), "春节调休上班"),
    ((5, 9), "劳动节调休上班"),
    ((9, 20), "国庆节调休上班"),
    ((10, 10), "国庆节调休上班"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    CalendarDay = apps.get_model("supervision", "CalendarDay")
    rows = []
    for (m1, d1), (m2, d2), name in HOLIDAYS_2026:
        day = datetime.date(2026, m1, d1)
        while day <= datetime.date(2026, m2, d2):
            rows.append((day, HOLIDAY, name))
            day += datetime.timedelta(days=1)
    rows += [(datetime.date(2026, m, d), WORKDAY, name) for (m, d), name in WORKDAYS_2026]
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=day, kind=kind, name=name) for day, kind, name in rows if day not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0007_seed_complaint_categories")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
