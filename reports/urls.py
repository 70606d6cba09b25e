from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("scores/", views.scores, name="scores"),
    path("scores/<int:pk>/", views.score_detail, name="score_detail"),
    path("request/<slug:kind>/", views.report_request, name="request"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
