from django.urls import path

from reports.modelschools import views

urlpatterns = [
    path("model-schools/", views.round_list, name="modelschool_rounds"),
    path("model-schools/new/", views.round_create, name="modelschool_round_create"),
    path("model-schools/<int:pk>/", views.round_detail, name="modelschool_round"),
    path("model-schools/<int:pk>/<slug:action>/", views.round_action, name="modelschool_round_action"),
]
