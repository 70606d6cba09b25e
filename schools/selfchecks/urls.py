from django.urls import path

from schools.selfchecks import views, views_crosscheck

urlpatterns = [
    path("bureau/selfchecks/", views.selfcheck_rounds, name="selfcheck_rounds"),
    path("bureau/selfchecks/new/", views.selfcheck_round_new, name="selfcheck_round_new"),
    path("bureau/selfchecks/<int:pk>/", views.selfcheck_round_detail, name="selfcheck_round_detail"),
    path("selfchecks/crosscheck/", views_crosscheck.crosscheck_list, name="selfcheck_crosscheck"),
    path(
        "selfchecks/crosscheck/<int:school_pk>/",
        views_crosscheck.crosscheck_school,
        name="selfcheck_crosscheck_school",
    ),
    path("school/<int:school_pk>/selfchecks/", views.school_selfchecks, name="school_selfchecks"),
    path("school/<int:school_pk>/selfchecks/<int:round_pk>/", views.selfcheck_page, name="selfcheck_page"),
    path("school/<int:school_pk>/selfchecks/<int:round_pk>/review/", views.selfcheck_review, name="selfcheck_review"),
    path(
        "school/<int:school_pk>/selfchecks/<int:round_pk>/evidence/<int:pk>/",
        views.selfcheck_evidence,
        name="selfcheck_evidence",
    ),
]
