"""Bureau pages for the school and supervisor register (import and export)."""

from django.urls import path

from . import views_register

urlpatterns = [
    path("register/", views_register.register_index, name="register_index"),
    path("register/imports/<int:pk>/", views_register.import_batch_detail, name="register_import_batch"),
    path("register/imports/<int:pk>/confirm/", views_register.import_batch_confirm, name="register_import_confirm"),
    path("register/imports/<int:pk>/cancel/", views_register.import_batch_cancel_view, name="register_import_cancel"),
    path("register/<slug:kind>/template/", views_register.register_template_download, name="register_template"),
    path("register/<slug:kind>/export/", views_register.register_export_download, name="register_export"),
    path("register/<slug:kind>/import/", views_register.register_import, name="register_import"),
]
