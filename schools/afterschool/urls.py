from django.urls import path

from schools.afterschool import views

urlpatterns = [
    path("school/<int:pk>/afterschool/", views.afterschool_page, name="afterschool_page"),
    path("school/<int:pk>/afterschool/week/<str:day>/", views.afterschool_week, name="afterschool_week"),
]
