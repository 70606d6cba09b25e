from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render


@login_required
def scores(request: HttpRequest) -> HttpResponse:
    """The semester's ranking, overall or within a school type or a district,
    each school linked to the explanation of its score. Scoped: bureau staff
    see every school, supervisors their schools, a principal their own."""
    from jianfu.scoping import schools_visible_to
    from jianfu.text import natural_key
    from reports.scoring.selectors import latest_run
    from schools.models import SchoolType, Semester

    semesters = list(Semester.objects.select_related("school_year").order_by("-start_date"))
    chosen = request.GET.get("semester")
    semester = next((s for s in semesters if str(s.pk) == chosen), None) or Semester.objects.current()
    run = latest_run(semester=semester) if semester else None
    rows = []
    districts: list[str] = []
    school_type = request.GET.get("type", "")
    district = request.GET.get("district", "")
    if run is not None:
        visible = run.scores.filter(school__in=schools_visible_to(request.user))
        districts = sorted(
            set(visible.exclude(district_name="").values_list("district_name", flat=True)), key=natural_key
        )
        if school_type in SchoolType.values:
            visible = visible.filter(school__school_type=school_type)
        if district:
            visible = visible.filter(district_name=district)
        order = "rank_in_type" if school_type else ("rank_in_district" if district else "rank")
        rows = list(visible.select_related("school").order_by(order, "school__code"))
    context = {
        "semesters": semesters,
        "semester": semester,
        "run": run,
        "rows": rows,
        "types": SchoolType.choices,
        "districts": districts,
        "school_type": school_type,
        "district": district,
    }
    return render(request, "reports/scores.html", context)


@login_required
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Why a school has its score: points gained and lost per indicator, and
    the records behind them."""
    from jianfu.scoping import schools_visible_to
    from reports.scoring.models import SchoolScore

    score = get_object_or_404(
        SchoolScore.objects.select_related("school", "run__scheme__semester__school_year"),
        pk=pk,
        school__in=schools_visible_to(request.user),
    )
    return render(request, "reports/score_detail.html", {"score": score})
