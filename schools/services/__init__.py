"""Writes of the schools app: the register's Excel import (register.py) and
the school records (homework, after-school service, five managements).
Views, admin, commands and the demo call these."""

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
from .register import (
    ImportOutcome,
    ImportPreview,
    ImportRefused,
    import_batch_apply,
    import_batch_cancel,
    register_import_preview,
    register_import_preview_rows,
)

__all__ = [
    "HomeworkUploadError",
    "ImportOutcome",
    "ImportPreview",
    "ImportRefused",
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
    "import_batch_apply",
    "import_batch_cancel",
    "register_import_preview",
    "register_import_preview_rows",
    "school_classes_sync",
]
