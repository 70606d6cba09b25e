from django.urls import path

from supervision.complaints import views_assigned, views_public, views_staff

app_name = "complaints"

urlpatterns = [
    # public, no login; the busiest first (each pattern tried before the
    # one that matches is a regular expression run for nothing): the form,
    # then the status look-up
    path("complain/", views_public.complain, name="public_form"),
    path("complain/status/", views_public.public_status, name="public_status"),
    path("complain/captcha.png", views_public.captcha_image, name="captcha"),
    path("complain/schools/", views_public.school_search, name="school_search"),
    path("complain/institutions/", views_public.institution_search, name="institution_search"),
    path("complain/done/", views_public.public_done, name="public_done"),
    # bureau staff
    path("bureau/complaints/", views_staff.case_list, name="staff_list"),
    path("bureau/complaints/new/", views_staff.case_intake, name="staff_intake"),
    path("bureau/complaints/<int:pk>/", views_staff.case_detail, name="staff_detail"),
    path("bureau/complaints/<int:pk>/identity/", views_staff.case_reveal, name="staff_reveal"),
    path("bureau/complaints/<int:pk>/<slug:action>/", views_staff.case_action, name="staff_action"),
    # assignees: supervisors and schools
    path("complaints/assigned/", views_assigned.assigned_list, name="assigned_list"),
    path("complaints/assigned/<int:pk>/", views_assigned.assigned_detail, name="assigned_detail"),
    path("complaints/assigned/<int:pk>/<slug:action>/", views_assigned.assigned_action, name="assigned_action"),
    path("complaints/files/<int:pk>/", views_assigned.attachment_download, name="attachment"),
]
