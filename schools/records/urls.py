from django.urls import path

from schools.records import views

urlpatterns = [
    path("records/", views.records_overview_page, name="records_overview"),
]
