"""URLs of the institutions subject, included at the site root by
jianfu/urls.py: public pages under /institutions/, staff pages under
/bureau/institutions/."""

from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    path("institutions/", views.public_list, name="public_list"),
    path("institutions/<int:pk>/", views.public_detail, name="public_detail"),
    path("bureau/institutions/", views.staff_list, name="staff_list"),
    path("bureau/institutions/new/", views.staff_edit, name="new"),
    path("bureau/institutions/export/", views.export_download, name="export"),
    path("bureau/institutions/template/", views.template_download, name="template"),
    path("bureau/institutions/import/", views.import_upload, name="import"),
    path("bureau/institutions/import/confirm/", views.import_confirm, name="import_confirm"),
    path("bureau/institutions/campaigns/", views.campaigns, name="campaigns"),
    path("bureau/institutions/campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("bureau/institutions/campaigns/<int:pk>/enrol/", views.campaign_enrol, name="campaign_enrol"),
    path("bureau/institutions/campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path(
        "bureau/institutions/campaigns/<int:pk>/outcomes/<int:outcome_pk>/",
        views.campaign_outcome,
        name="campaign_outcome",
    ),
    path("bureau/institutions/<int:pk>/", views.staff_detail, name="detail"),
    path("bureau/institutions/<int:pk>/edit/", views.staff_edit, name="edit"),
    path("bureau/institutions/<int:pk>/fees/", views.staff_fees, name="fees"),
    path("bureau/institutions/<int:pk>/inspection/", views.staff_inspection, name="inspection"),
    path("bureau/institutions/<int:pk>/status/<slug:action>/", views.staff_transition, name="transition"),
    path("bureau/institutions/<int:pk>/entries/", views.staff_entry_add, name="entry_add"),
    path(
        "bureau/institutions/<int:pk>/entries/<int:entry_pk>/publish/", views.staff_entry_publish, name="entry_publish"
    ),
    path("bureau/institutions/<int:pk>/entries/<int:entry_pk>/remove/", views.staff_entry_remove, name="entry_remove"),
]
