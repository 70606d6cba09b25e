from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    return {"BUREAU_NAME": settings.BUREAU_NAME, "COMPLAINT_HOTLINE": settings.COMPLAINT_HOTLINE}
