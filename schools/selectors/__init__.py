"""Reads of the schools app: the register's exports (register.py) and the
school records (homework, after-school service, five managements), each a
fixed number of queries."""

from .afterschool import (
    Check,
    ServiceFigures,
    afterschool_plan_checks,
    afterschool_plan_of,
    afterschool_week_days,
    afterschool_weeks,
    contents_display,
)
from .five_management import five_management_checks, five_management_record_of
from .homework import (
    ComplianceReport,
    default_period,
    describe,
    homework_compliance,
    homework_day_of,
    homework_days_visible_to,
    homework_public_week,
    homework_week_grid,
    published_weeks,
    records_editable_by,
)
from .records import records_overview
from .register import (
    get_import_batch,
    import_batches_of,
    register_export,
    register_schools_for_export,
    register_supervisors_for_export,
    register_template,
)

__all__ = [
    "Check",
    "ComplianceReport",
    "ServiceFigures",
    "afterschool_plan_checks",
    "afterschool_plan_of",
    "afterschool_week_days",
    "afterschool_weeks",
    "contents_display",
    "default_period",
    "describe",
    "five_management_checks",
    "five_management_record_of",
    "get_import_batch",
    "homework_compliance",
    "homework_day_of",
    "homework_days_visible_to",
    "homework_public_week",
    "homework_week_grid",
    "import_batches_of",
    "published_weeks",
    "records_editable_by",
    "records_overview",
    "register_export",
    "register_schools_for_export",
    "register_supervisors_for_export",
    "register_template",
]
