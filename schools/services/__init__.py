"""Writes of the school records (homework, after-school service, five
managements). Views, admin, commands and the demo call these."""

from .afterschool import afterschool_plan_save, afterschool_week_save
from .classes import school_classes_sync
from .errors import RecordError
from .five_management import five_management_save
from .homework import (
    ItemSpec,
    homework_day_save,
    homework_days_recompute,
    homework_week_publish,
    homework_week_withdraw,
)
from .homework_upload import HomeworkUploadError, UploadResult, homework_template_build, homework_week_upload

__all__ = [
    "HomeworkUploadError",
    "ItemSpec",
    "RecordError",
    "UploadResult",
    "afterschool_plan_save",
    "afterschool_week_save",
    "five_management_save",
    "homework_day_save",
    "homework_days_recompute",
    "homework_template_build",
    "homework_week_publish",
    "homework_week_upload",
    "homework_week_withdraw",
    "school_classes_sync",
]
