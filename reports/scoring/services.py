"""Score runs: computing one is an explicit step (bureau staff press a
button; a task computes and stores the run). Reports only read stored runs."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from reports.models import ScoringScheme
from reports.scoring.errors import ScoringError
from schools.models import Semester

log = logging.getLogger(__name__)

COMPUTE_PERMISSION = "reports.add_scorerun"


def _enqueue(scheme_id: int, user_id: int | None) -> None:
    from reports.scoring.tasks import compute_score_run

    try:
        compute_score_run.apply_async(args=(scheme_id, user_id), retry=False)
    except Exception:  # the broker's errors are many (kombu, redis, socket)
        log.warning("could not queue the score run of scheme %s", scheme_id, exc_info=True)


def score_run_may_compute(*, user: Any) -> bool:
    """Bureau staff whose section may add score runs."""
    return bool(getattr(user, "is_authenticated", False) and user.is_bureau and user.has_perm(COMPUTE_PERMISSION))


def score_run_request(*, semester: Semester, by: Any) -> ScoringScheme:
    """Queue the computation of a new run of the semester's scheme (after
    commit). Only bureau staff holding the permission may; audited."""
    if not score_run_may_compute(user=by):
        raise ScoringError(_("You may not compute scores."))
    scheme = ScoringScheme.objects.filter(semester=semester).first()
    if scheme is None:
        raise ScoringError(_("No scoring scheme is set up for %(semester)s.") % {"semester": semester})
    audit_record(action=AuditAction.CREATE, obj=scheme, note=_("Score computation requested"), user=by)
    transaction.on_commit(partial(_enqueue, scheme.pk, by.pk))
    return scheme
