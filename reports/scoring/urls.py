from django.urls import path

from reports.scoring import views

urlpatterns = [
    path("scores/", views.scores, name="scores"),
    path("scores/compute/", views.score_run_compute, name="score_run_compute"),
    path("scores/<int:pk>/", views.score_detail, name="score_detail"),
]
