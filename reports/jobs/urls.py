from django.urls import path

from reports.jobs import views

urlpatterns = [
    path("", views.report_list, name="list"),
    path("request/<slug:kind>/", views.report_request, name="request"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
