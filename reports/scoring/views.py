from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.scoring.errors import ScoringError
from reports.scoring.services import score_run_may_compute, score_run_request


@login_required
def scores(request: HttpRequest) -> HttpResponse:
    """The semester's ranking, overall or within a school type or a district,
    each school linked to the explanation of its score. Scoped: bureau staff
    see every school, supervisors their schools, a principal their own."""
    from jianfu.scoping import schools_visible_to
    from reports.scoring.selectors import score_run_latest
    from schools.models import SchoolType, Semester

    semesters = list(Semester.objects.select_related("school_year").order_by("-start_date"))
    chosen = request.GET.get("semester")
    semester = next((s for s in semesters if str(s.pk) == chosen), None) or Semester.objects.current()
    run = score_run_latest(semester=semester) if semester else None
    rows = []
    districts: list[str] = []
    school_type = request.GET.get("type", "")
    district = request.GET.get("district", "")
    if run is not None:
        visible = run.scores.filter(school__in=schools_visible_to(request.user))
        districts = sorted(set(visible.exclude(district_name="").values_list("district_name", flat=True)))
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
        "may_compute": score_run_may_compute(user=request.user),
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


@login_required
@require_POST
def score_run_compute(request: HttpRequest) -> HttpResponse:
    """Bureau staff ask for a new score run of a semester: a task computes
    and stores it; the page shows it once it is there."""
    from schools.models import Semester

    if not score_run_may_compute(user=request.user):
        raise Http404
    semester = Semester.objects.filter(pk=request.POST.get("semester") or 0).first()
    if semester is None:
        messages.error(request, _("Choose a semester."))
        return redirect("reports:scores")
    try:
        score_run_request(semester=semester, by=request.user)
    except ScoringError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The scores of %(semester)s are being computed; reload the page in a moment.") % {"semester": semester},
        )
    return redirect(f"{reverse('reports:scores')}?semester={semester.pk}")
