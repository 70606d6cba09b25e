from django.urls import path

from reports.scoring import views

urlpatterns = [
    path("scores/", views.scores, name="scores"),
    path("scores/compute/", views.score_run_compute, name="score_run_compute"),
    path("scores/<int:pk>/", views.score_detail, name="score_detail"),
    path("scores/runs/<int:pk>/publish/", views.score_run_publish_view, name="score_run_publish"),
    path("scores/runs/<int:pk>/compare/", views.score_run_compare_view, name="score_run_compare"),
    path("scores/vetoes/", views.veto_decisions, name="veto_decisions"),
    path("scores/vetoes/<int:pk>/decide/", views.veto_decide_view, name="veto_decide"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/download/", views.notice_download, name="notice_download"),
]
