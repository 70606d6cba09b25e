"""Visits, the supervisor's home and the bureau's coverage page. Included at
the site root: the service worker must be served from /."""

from django.urls import path

from supervision.visits import coverage_views, views

urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("supervisor/", views.supervisor_home, name="supervisor_home"),
    path("supervisor/schools/<int:school_pk>/visit/", views.visit_new, name="visit_new"),
    path("visits/", views.visits_index, name="visit_list"),
    path("visits/<int:pk>/", views.visit_page, name="visit_detail"),
    path("visits/<int:pk>/amend/", views.visit_amend_page, name="visit_amend"),
    path("visits/<int:pk>/items/<int:result_pk>/demand/", views.visit_raise_demand, name="visit_raise_demand"),
    path("visits/<int:pk>/photos/<int:photo_pk>/", views.visit_photo, name="visit_photo"),
    path("bureau/coverage/", coverage_views.bureau_coverage, name="bureau_coverage"),
]
