from django.urls import path

from schools.homework import views

urlpatterns = [
    path("school/<int:pk>/homework/", views.homework_week, name="homework_week"),
    path("school/<int:pk>/homework/class/<int:class_id>/<str:day>/", views.homework_day, name="homework_day"),
    path("school/<int:pk>/homework/upload/", views.homework_upload, name="homework_upload"),
    path("school/<int:pk>/homework/template/", views.homework_template, name="homework_template"),
    path("school/<int:pk>/homework/publish/", views.homework_publish, name="homework_publish"),
    path("homework/compliance/", views.homework_compliance_page, name="homework_compliance"),
    path("schools/<str:code>/homework/", views.homework_public, name="homework_public"),
]
