"""Submitting and amending inspection visits.

A visit reaches the server once, when the supervisor submits the draft kept
on the tablet. The tablet makes the visit's id (``client_id``) when the draft
starts, so a retry, a double tap or a copy queued while offline finds the
visit already made instead of making a second one. After submission a visit
is locked: :func:`visit_amend` changes it with a reason and keeps the before
and after values."""

from __future__ import annotations

import datetime
import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from jianfu.scoping import schools_visible_to, supervisor_of
from jianfu.uploads import reencode_image
from schools.models import School
from supervision.districts.dated import active_on_q
from supervision.districts.models import DistrictMembership
from supervision.errors import SupervisionError
from supervision.models import (
    ItemResult,
    Rectification,
    SupervisionItem,
    Supervisor,
    SupervisorKind,
    Visit,
    VisitAmendment,
    VisitItemResult,
    VisitKind,
    VisitMethod,
    VisitMode,
    VisitPhoto,
)
from supervision.rectifications.services import (
    notify_raised_on_commit,
    raise_without_notice,
    rectification_checked_on_visit,
)

MB = 1024 * 1024


@dataclass
class DemandEntry:
    """A rectification demand raised from a non-compliant item."""

    description: str
    deadline: datetime.date


@dataclass
class ItemEntry:
    item: SupervisionItem
    result: str
    note: str = ""
    demand: DemandEntry | None = None


def supervisors_for_visit(*, school: School, on: datetime.date | None = None) -> Any:
    """Who may be named as present on a visit to ``school``: the active
    supervisors of the school's district on the day, and the special
    supervisors (特约督学), who join visits across the area."""
    day = on or timezone.localdate()
    district_ids = DistrictMembership.objects.active_on(day).filter(school=school).values("district_id")
    return (
        Supervisor.objects.filter(active=True)
        .filter(
            Q(
                pk__in=Supervisor.objects.filter(
                    active_on_q(day, "assignments__"), assignments__district__in=district_ids
                )
            )
            | Q(kind=SupervisorKind.SPECIAL)
        )
        .order_by("kind", "name")
    )


def _photo_contents(photos: Sequence[UploadedFile]) -> list[tuple[ContentFile, ContentFile, int, int]]:
    if len(photos) > settings.VISIT_MAX_PHOTOS:
        raise SupervisionError(_("At most %(n)s photos per visit.") % {"n": settings.VISIT_MAX_PHOTOS})
    contents = []
    for upload in photos:
        try:
            full = reencode_image(upload, max_side=2000, max_bytes=settings.VISIT_PHOTO_MAX_MB * MB)
        except ValidationError as exc:
            raise SupervisionError(exc.messages) from exc
        with Image.open(io.BytesIO(full.read())) as img:
            width, height = img.size
            img.thumbnail((480, 480))
            out = io.BytesIO()
            img.convert("RGB").save(out, format="JPEG", quality=80)
        full.seek(0)
        thumb = ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
        contents.append((full, thumb, width, height))
    return contents


def existing_visit_for(*, client_id: uuid.UUID, by: Any) -> Visit | None:
    """The visit already made from this draft, if any. A client id made by
    another account is refused rather than answered with that visit."""
    visit = Visit.objects.filter(client_id=client_id).first()
    if visit is not None and visit.submitted_by_id != by.pk:
        raise SupervisionError(_("This visit was submitted by another account."))
    return visit


def _check_submitter(by: Any, school: School) -> Supervisor:
    supervisor = supervisor_of(by)
    if supervisor is None or not schools_visible_to(by).filter(pk=school.pk).exists():
        raise SupervisionError(_("You are not responsible for this school."))
    return supervisor


def _validate(
    *,
    school: School,
    date: datetime.date,
    kind: str,
    mode: str,
    methods: Sequence[str],
    items: Sequence[ItemEntry],
    checked_rectifications: Sequence[Rectification],
) -> None:
    today = timezone.localdate()
    if date > today:
        raise SupervisionError(_("A visit cannot be dated in the future."))
    if kind not in VisitKind.values or mode not in VisitMode.values:
        raise SupervisionError(_("Choose the kind of visit and whether it was announced."))
    if not methods or set(methods) - set(VisitMethod.values):
        raise SupervisionError(_("Choose at least one method."))
    if not items:
        raise SupervisionError(_("Give a result for at least one checklist item."))
    seen: set[int] = set()
    for entry in items:
        if entry.item.pk in seen:
            raise SupervisionError(_("An item is rated twice."))
        seen.add(entry.item.pk)
        if entry.result not in ItemResult.values:
            raise SupervisionError(_("Unknown result."))
        if entry.demand is not None:
            if entry.result != ItemResult.NON_COMPLIANT:
                raise SupervisionError(_("Only a non-compliant item can raise a rectification demand."))
            if entry.demand.deadline < max(today, date):
                raise SupervisionError(
                    _("The deadline of the demand on item %(code)s cannot be in the past.") % {"code": entry.item.code}
                )
            if not entry.demand.description.strip():
                raise SupervisionError(_("Say what must be corrected for item %(code)s.") % {"code": entry.item.code})
    for rectification in checked_rectifications:
        if rectification.school_id != school.pk:
            raise SupervisionError(_("A visit checks only the demands of the school it visited."))


def visit_submit(
    *,
    client_id: uuid.UUID,
    school: School,
    by: Any,
    date: datetime.date,
    kind: str,
    mode: str,
    methods: Sequence[str],
    items: Sequence[ItemEntry],
    findings: str = "",
    supervisors: Iterable[Supervisor] = (),
    checked_rectifications: Sequence[Rectification] = (),
    photos: Sequence[UploadedFile] = (),
) -> tuple[Visit, bool]:
    """Record a visit submitted from the tablet and return ``(visit, created)``.

    Idempotent on ``client_id``: when a visit with that id exists (submitted
    by the same account) it is returned unchanged with ``created=False``,
    even when two copies race (the unique constraint decides). ``by`` must be
    a supervisor responsible for ``school`` today; they are always recorded
    as present. Items are stored with their code and wording of today;
    non-compliant items with a :class:`DemandEntry` raise rectification
    demands, and the principal gets one e-mail for them after the commit.
    Photos are re-encoded (EXIF and GPS dropped) and size-capped.
    Raises SupervisionError."""
    existing = existing_visit_for(client_id=client_id, by=by)
    if existing is not None:
        return existing, False
    submitter = _check_submitter(by, school)
    _validate(
        school=school,
        date=date,
        kind=kind,
        mode=mode,
        methods=methods,
        items=items,
        checked_rectifications=checked_rectifications,
    )
    allowed = set(supervisors_for_visit(school=school).values_list("pk", flat=True)) | {submitter.pk}
    present = {submitter.pk} | {s.pk for s in supervisors}
    if present - allowed:
        raise SupervisionError(_("Only supervisors of this school's district or special supervisors can be named."))
    photo_contents = _photo_contents(photos)

    stored: list[VisitPhoto] = []
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                client_id=client_id,
                school=school,
                date=date,
                kind=kind,
                mode=mode,
                methods=[m for m in VisitMethod.values if m in set(methods)],
                findings=(findings or "").strip(),
                submitted_by=by,
            )
            visit.supervisors.set(present)
            raised: list[int] = []
            for entry in items:
                result = VisitItemResult.objects.create(
                    visit=visit,
                    item=entry.item,
                    item_code=entry.item.code,
                    item_title=entry.item.title,
                    item_order=entry.item.order,
                    item_is_top_level=entry.item.parent_id is None,
                    result=entry.result,
                    note=(entry.note or "").strip(),
                )
                if entry.demand is not None:
                    rectification = raise_without_notice(
                        school=school,
                        title=f"{entry.item.code} {entry.item.title}",
                        description=entry.demand.description,
                        deadline=entry.demand.deadline,
                        by=by,
                        visit_item=result,
                    )
                    raised.append(rectification.pk)
            for full, thumb, width, height in photo_contents:
                photo = VisitPhoto(visit=visit, size=full.size, width=width, height=height)
                photo.image.save(full.name or "photo.jpg", full, save=False)
                photo.thumbnail.save(thumb.name or "thumb.jpg", thumb, save=False)
                stored.append(photo)
                photo.save()
            for rectification in checked_rectifications:
                rectification_checked_on_visit(rectification=rectification, visit=visit, by=by)
            notify_raised_on_commit(rectification_ids=raised)
    except IntegrityError:
        _delete_files(stored)
        # Another copy of the same draft won the race: answer with its visit.
        existing = existing_visit_for(client_id=client_id, by=by)
        if existing is None:
            raise
        return existing, False
    except BaseException:
        _delete_files(stored)
        raise
    return visit, True


def _delete_files(photos: Sequence[VisitPhoto]) -> None:
    for photo in photos:
        for field in (photo.image, photo.thumbnail):
            if field and field.name:
                field.storage.delete(field.name)


def user_may_amend(*, user: Any, visit: Visit) -> bool:
    """A supervisor who was present on the visit and is still responsible
    for the school."""
    supervisor = supervisor_of(user)
    if supervisor is None:
        return False
    present = visit.submitted_by_id == user.pk or visit.supervisors.filter(pk=supervisor.pk).exists()
    return present and schools_visible_to(user).filter(pk=visit.school_id).exists()


def _label(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        labels = dict(VisitMethod.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    return str(value)


@transaction.atomic
def visit_amend(
    *,
    visit: Visit,
    by: Any,
    reason: str,
    date: datetime.date,
    mode: str,
    methods: Sequence[str],
    findings: str,
    items: Sequence[ItemEntry],
) -> VisitAmendment:
    """Change a submitted visit. ``items`` is the full new set of results:
    a result left out is removed (unless a demand hangs on it). Records one
    :class:`VisitAmendment` with the reason and every changed value before
    and after; refuses an amendment that changes nothing."""
    reason = (reason or "").strip()
    if not user_may_amend(user=by, visit=visit):
        raise SupervisionError(
            _("Only a supervisor present on the visit and still responsible for the school amends it.")
        )
    if not reason:
        raise SupervisionError(_("An amendment needs a reason."))
    _validate(
        school=visit.school,
        date=date,
        kind=visit.kind,
        mode=mode,
        methods=methods,
        items=items,
        checked_rectifications=(),
    )
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    changes: list[dict[str, str]] = []
    mode_labels = dict(VisitMode.choices)
    methods = [m for m in VisitMethod.values if m in set(methods)]
    findings = (findings or "").strip()
    for field, label, new in (
        ("date", _("date of visit"), date),
        ("mode", _("announced or not"), mode),
        ("methods", _("methods"), methods),
        ("findings", _("findings"), findings),
    ):
        old = getattr(visit, field)
        if old != new:
            if field == "mode":
                before, after = str(mode_labels.get(str(old), old)), str(mode_labels.get(str(new), new))
            else:
                before, after = _label(old), _label(new)
            changes.append({"field": field, "label": str(label), "before": before, "after": after})
            setattr(visit, field, new)

    result_labels = dict(ItemResult.choices)
    current = {r.item_id: r for r in visit.results.select_related("item")}
    with_demand = set(
        Rectification.objects.filter(visit_item__visit=visit).values_list("visit_item__item_id", flat=True)
    )
    wanted = {entry.item.pk: entry for entry in items}
    for item_id, row in current.items():
        entry = wanted.get(item_id)
        if item_id in with_demand and (entry is None or entry.result != ItemResult.NON_COMPLIANT):
            raise SupervisionError(
                _("Item %(code)s has a rectification demand; its result stays non-compliant.") % {"code": row.item_code}
            )
        label = f"{row.item_code} {row.item_title}"
        if entry is None:
            changes.append(
                {
                    "field": f"item:{row.item_code}",
                    "label": label,
                    "before": _result_text(row, result_labels),
                    "after": "",
                }
            )
            row.delete()
            continue
        note = (entry.note or "").strip()
        if row.result != entry.result or row.note != note:
            before = _result_text(row, result_labels)
            row.result, row.note = entry.result, note
            row.save(update_fields=["result", "note"])
            changes.append(
                {
                    "field": f"item:{row.item_code}",
                    "label": label,
                    "before": before,
                    "after": _result_text(row, result_labels),
                }
            )
    for item_id, entry in wanted.items():
        if item_id in current:
            continue
        row = VisitItemResult.objects.create(
            visit=visit,
            item=entry.item,
            item_code=entry.item.code,
            item_title=entry.item.title,
            item_order=entry.item.order,
            item_is_top_level=entry.item.parent_id is None,
            result=entry.result,
            note=(entry.note or "").strip(),
        )
        changes.append(
            {
                "field": f"item:{row.item_code}",
                "label": f"{row.item_code} {row.item_title}",
                "before": "",
                "after": _result_text(row, result_labels),
            }
        )
    if not changes:
        raise SupervisionError(_("Nothing was changed."))
    visit.save()
    return VisitAmendment.objects.create(visit=visit, by=by, reason=reason, changes=changes)


def _result_text(row: VisitItemResult, labels: dict[str, Any]) -> str:
    text = str(labels.get(row.result, row.result))
    return f"{text}：{row.note}" if row.note else text
