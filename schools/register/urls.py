"""The register: the bureau's import and export pages, each school's own page
and its public sign page (挂牌督导) with the supervisors' photos."""

from __future__ import annotations

from django.urls import path

from schools.register import views

urlpatterns = [
    path("bureau/register/", views.register_index, name="register_index"),
    path("bureau/register/imports/<int:pk>/", views.import_batch_detail, name="register_import_batch"),
    path("bureau/register/imports/<int:pk>/confirm/", views.import_batch_confirm, name="register_import_confirm"),
    path("bureau/register/imports/<int:pk>/cancel/", views.import_batch_cancel_view, name="register_import_cancel"),
    path("bureau/register/<slug:kind>/template/", views.register_template_download, name="register_template"),
    path("bureau/register/<slug:kind>/export/", views.register_export_download, name="register_export"),
    path("bureau/register/<slug:kind>/import/", views.register_import, name="register_import"),
    path("school/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<str:code>/", views.public_sign, name="public_sign"),
    path("schools/<str:code>/poster/", views.public_sign_poster, name="public_sign_poster"),
    path("supervisor-photo/<int:pk>/", views.supervisor_photo, name="supervisor_photo"),
]
