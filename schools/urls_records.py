"""Pages of the school records: homework, after-school service, five
managements, and the public homework page."""

from django.urls import path

from . import views_afterschool, views_homework

urlpatterns = [
    path("school/<int:pk>/homework/", views_homework.homework_week, name="homework_week"),
    path(
        "school/<int:pk>/homework/class/<int:class_id>/<str:day>/",
        views_homework.homework_day,
        name="homework_day",
    ),
    path("school/<int:pk>/homework/upload/", views_homework.homework_upload, name="homework_upload"),
    path("school/<int:pk>/homework/template/", views_homework.homework_template, name="homework_template"),
    path("school/<int:pk>/homework/publish/", views_homework.homework_publish, name="homework_publish"),
    path("homework/compliance/", views_homework.homework_compliance_page, name="homework_compliance"),
    path("schools/<str:code>/homework/", views_homework.homework_public, name="homework_public"),
    path("school/<int:pk>/afterschool/", views_afterschool.afterschool_page, name="afterschool_page"),
    path("school/<int:pk>/afterschool/week/<str:day>/", views_afterschool.afterschool_week, name="afterschool_week"),
    path("school/<int:pk>/five-management/", views_afterschool.five_management_page, name="five_management_page"),
    path("records/", views_afterschool.records_overview_page, name="records_overview"),
]
