from django.urls import path

from supervision.rectifications import views

urlpatterns = [
    path("rectifications/", views.rectifications_index, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_page, name="rectification_detail"),
    path("rectifications/<int:pk>/answer/", views.rectification_answer_view, name="rectification_answer"),
    path("rectifications/<int:pk>/review/", views.rectification_review_view, name="rectification_review"),
    path(
        "rectifications/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_file,
        name="rectification_evidence",
    ),
]
