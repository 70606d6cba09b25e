"""Reads of the institutions subject.

Public reads (no sign-in) see only published list entries that have not been
removed, and of an institution only its public facts: never a draft entry,
an internal note, a complaint or an inspection. Staff reads are for bureau
staff only: institutions are the bureau's business, not a district's, so a
supervisor or a school account sees none of them (the views answer 404)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from supervision.complaints.models import OPEN_STATUSES
from supervision.models import (
    ComplaintCase,
    FeeStandard,
    InstitutionEvent,
    InstitutionInspection,
    ListEntry,
    ListKind,
    Rectification,
    ReviewCampaign,
    ReviewOutcome,
    TrainingInstitution,
)

from .services import ReductionFigures, reduction_figures

PUBLIC_PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50


def _public_entries() -> QuerySet[ListEntry]:
    return ListEntry.objects.filter(published=True, removed_on__isnull=True)


def _search_q(q: str, prefix: str = "") -> Q:
    q = q.strip()
    if not q:
        return Q()
    return (
        Q(**{f"{prefix}name__icontains": q})
        | Q(**{f"{prefix}credit_code__icontains": q})
        | Q(**{f"{prefix}address__icontains": q})
    )


def public_list_entries(*, kind: str, q: str = "") -> QuerySet[ListEntry]:
    """The published, current entries of the white or black list, searched
    by name, credit code or address; with the institution, its district
    and its fee standards (three queries whatever the size, plus paging's
    count)."""
    if kind not in ListKind.values:
        raise Http404
    return (
        _public_entries()
        .filter(kind=kind)
        .filter(_search_q(q, "institution__"))
        .select_related("institution", "institution__district")
        .prefetch_related(Prefetch("institution__fees", queryset=FeeStandard.objects.order_by("course", "pk")))
        .order_by("-listed_on", "institution__name", "pk")
    )


def _public_institutions() -> QuerySet[TrainingInstitution]:
    """Institutions with a published entry, current or past: a public page
    stays to show, for example, that a listed institution was cancelled."""
    return TrainingInstitution.objects.filter(
        Exists(ListEntry.objects.filter(institution=OuterRef("pk"), published=True))
    )


@dataclass
class PublicInstitution:
    institution: TrainingInstitution
    current: ListEntry | None
    history: list[ListEntry]
    fees: list[FeeStandard]


def institution_public_detail(*, pk: int) -> PublicInstitution:
    """An institution's public page, or 404 for one never published."""
    institution = _public_institutions().select_related("district").filter(pk=pk).first()
    if institution is None:
        raise Http404
    entries = list(ListEntry.objects.filter(institution=institution, published=True).order_by("-listed_on", "-pk"))
    current = next((e for e in entries if e.removed_on is None), None)
    fees = list(institution.fees.order_by("course", "pk"))
    return PublicInstitution(institution=institution, current=current, history=entries, fees=fees)


def institution_public_search(*, text: str, limit: int = 20) -> list[dict[str, object]]:
    """Institutions on a public list now whose name contains ``text``, for
    the complaint form's institution fields: at most ``limit``, by name. One
    query whatever the size of the register; nothing for blank input."""
    text = text.strip()[:100]
    if not text:
        return []
    rows = (
        TrainingInstitution.objects.filter(Exists(_public_entries().filter(institution=OuterRef("pk"))))
        .filter(name__icontains=text)
        .order_by("name", "pk")
        .values("pk", "name")[:limit]
    )
    return [{"id": r["pk"], "name": r["name"]} for r in rows]


def institution_resolve_public(*, pk: int | None, name: str) -> TrainingInstitution | None:
    """The one institution on a public list now that the complaint form
    means: by id (from its public page) when the name agrees, else by exact
    name, else by a unique part of the name."""
    listed = TrainingInstitution.objects.filter(Exists(_public_entries().filter(institution=OuterRef("pk"))))
    name = name.strip()
    if pk:
        by_pk = listed.filter(pk=pk).first()
        if by_pk and (not name or name == by_pk.name):
            return by_pk
    if not name:
        return None
    exact = list(listed.filter(name=name)[:2])
    if len(exact) == 1:
        return exact[0]
    matches = list(listed.filter(name__icontains=name)[:2]) if len(name) >= 2 else []
    return matches[0] if len(matches) == 1 else None


# --- bureau staff -----------------------------------------------------------------------


def _require_bureau(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_bureau):
        raise Http404


def institution_list(*, user: Any, q: str = "", status: str = "", kind: str = "") -> QuerySet[TrainingInstitution]:
    """The register for bureau staff, with each institution's open complaint
    cases and open rectification demands counted in the same query."""
    _require_bureau(user)
    qs = TrainingInstitution.objects.filter(_search_q(q))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return (
        qs.select_related("district")
        .annotate(
            open_cases=Count("complaint_cases", filter=Q(complaint_cases__status__in=OPEN_STATUSES), distinct=True),
            open_demands=Count("rectifications", filter=~Q(rectifications__status="accepted"), distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "list_entries", queryset=ListEntry.objects.filter(removed_on__isnull=True), to_attr="current_entries"
            )
        )
        .order_by("name", "pk")
    )


def institution_export_rows(*, user: Any) -> QuerySet[TrainingInstitution]:
    """Every institution with what its register row shows (fees, current
    list entry), in a fixed number of queries."""
    _require_bureau(user)
    return (
        TrainingInstitution.objects.select_related("district")
        .prefetch_related(
            Prefetch("fees", queryset=FeeStandard.objects.order_by("course", "pk")),
            Prefetch(
                "list_entries", queryset=ListEntry.objects.filter(removed_on__isnull=True), to_attr="current_entries"
            ),
        )
        .order_by("name", "pk")
    )


def institution_get_visible(*, user: Any, pk: int) -> TrainingInstitution:
    """The institution ``pk`` with its history, fees and lists, for bureau
    staff (the register is theirs alone); else 404."""
    _require_bureau(user)
    institution = (
        TrainingInstitution.objects.select_related("district")
        .prefetch_related(
            Prefetch("events", queryset=InstitutionEvent.objects.select_related("by").order_by("-at", "-pk")),
            Prefetch("fees", queryset=FeeStandard.objects.order_by("course", "pk")),
            Prefetch("list_entries", queryset=ListEntry.objects.order_by("-listed_on", "-pk")),
            Prefetch("inspections", queryset=InstitutionInspection.objects.select_related("by")),
            Prefetch("rectifications", queryset=Rectification.objects.order_by("deadline", "pk")),
            Prefetch(
                "review_outcomes", queryset=ReviewOutcome.objects.select_related("campaign").order_by("-enrolled_at")
            ),
            Prefetch(
                "complaint_cases",
                queryset=ComplaintCase.objects.select_related("category").order_by("-received_at"),
            ),
            Prefetch(
                "linked_complaint_cases",
                queryset=ComplaintCase.objects.select_related("category", "school").order_by("-received_at"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if institution is None:
        raise Http404
    return institution


def campaign_counts(*, campaign: ReviewCampaign) -> dict[str, int]:
    return dict(
        ReviewOutcome.objects.filter(campaign=campaign)
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )


def campaign_figures(*, campaign: ReviewCampaign) -> ReductionFigures:
    """Reviewed, cut and the rate of one campaign (one query)."""
    return reduction_figures(counts=campaign_counts(campaign=campaign))


def campaigns_with_figures(*, user: Any) -> list[tuple[ReviewCampaign, ReductionFigures, int]]:
    """Every campaign with its figures and the number still pending, in two
    queries."""
    _require_bureau(user)
    campaigns = list(ReviewCampaign.objects.order_by("-started_on", "-pk"))
    counts: dict[int, dict[str, int]] = {c.pk: {} for c in campaigns}
    for campaign_id, outcome, n in (
        ReviewOutcome.objects.order_by().values_list("campaign_id", "outcome").annotate(n=Count("pk"))
    ):
        counts[campaign_id][outcome] = n
    return [(c, reduction_figures(counts=counts[c.pk]), counts[c.pk].get("", 0)) for c in campaigns]


def campaign_get_visible(*, user: Any, pk: int) -> ReviewCampaign:
    """The review campaign ``pk`` for bureau staff; else 404."""
    _require_bureau(user)
    campaign = ReviewCampaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def campaign_outcomes(*, campaign: ReviewCampaign) -> list[ReviewOutcome]:
    return list(
        ReviewOutcome.objects.filter(campaign=campaign)
        .select_related("institution", "by")
        .order_by("institution__name", "pk")
    )


@dataclass(frozen=True)
class InstitutionFigures:
    """The institutions' figures for the notice, the leadership report and
    the dashboard."""

    campaign: ReviewCampaign | None
    reduction: ReductionFigures | None
    registered: int
    black_listed: int
    white_listed: int
    open_cases: int


def institution_figures() -> InstitutionFigures:
    """Figures of the latest review campaign (the most recent start),
    current public list sizes and open complaint cases about institutions."""
    campaign = ReviewCampaign.objects.order_by("-started_on", "-pk").first()
    lists = dict(_public_entries().order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return InstitutionFigures(
        campaign=campaign,
        reduction=campaign_figures(campaign=campaign) if campaign else None,
        registered=TrainingInstitution.objects.count(),
        black_listed=lists.get(ListKind.BLACK, 0),
        white_listed=lists.get(ListKind.WHITE, 0),
        open_cases=ComplaintCase.objects.filter(institution__isnull=False, status__in=OPEN_STATUSES).count(),
    )
