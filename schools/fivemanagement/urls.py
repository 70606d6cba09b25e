from django.urls import path

from schools.fivemanagement import views

urlpatterns = [
    path("school/<int:pk>/five-management/", views.five_management_page, name="five_management_page"),
]
