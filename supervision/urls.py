"""URLs of visits, rectifications and coverage (issue 3), included at the
site root by jianfu/urls.py: the service worker must be served from /."""

from django.urls import path

from supervision.views import coverage, rectifications, visits

urlpatterns = [
    path("sw.js", visits.service_worker, name="service_worker"),
    path("supervisor/schools/<int:school_pk>/visit/", visits.visit_new, name="visit_new"),
    path("visits/", visits.visits_index, name="visit_list"),
    path("visits/<int:pk>/", visits.visit_page, name="visit_detail"),
    path("visits/<int:pk>/amend/", visits.visit_amend_page, name="visit_amend"),
    path("visits/<int:pk>/items/<int:result_pk>/demand/", visits.visit_raise_demand, name="visit_raise_demand"),
    path("visits/<int:pk>/photos/<int:photo_pk>/", visits.visit_photo, name="visit_photo"),
    path("rectifications/", rectifications.rectifications_index, name="rectification_list"),
    path("rectifications/<int:pk>/", rectifications.rectification_page, name="rectification_detail"),
    path("rectifications/<int:pk>/answer/", rectifications.rectification_answer_view, name="rectification_answer"),
    path("rectifications/<int:pk>/review/", rectifications.rectification_review_view, name="rectification_review"),
    path(
        "rectifications/<int:pk>/evidence/<int:evidence_pk>/",
        rectifications.evidence_file,
        name="rectification_evidence",
    ),
    path("bureau/coverage/", coverage.bureau_coverage, name="bureau_coverage"),
]
