"""The visits and rectifications panel of a school's page."""

from __future__ import annotations

from typing import Any

from django import template

from supervision.rectifications.selectors import rectifications_visible_to
from supervision.visits.selectors import visits_visible_to

register = template.Library()


@register.inclusion_tag("supervision/_school_panel.html", takes_context=True)
def school_supervision_panel(context: dict[str, Any], school: Any) -> dict[str, Any]:
    """The school's recent visits and open demands, as far as the viewer may
    see them (the page itself is already scoped). Two queries."""
    user = context["request"].user
    return {
        "school": school,
        "visits": list(
            visits_visible_to(user=user).filter(school=school).select_related("submitted_by").order_by("-date")[:5]
        ),
        "rectifications": list(
            rectifications_visible_to(user=user).filter(school=school).not_closed().order_by("deadline")[:10]
        ),
        "is_supervisor": getattr(user, "is_supervisor", False),
    }
