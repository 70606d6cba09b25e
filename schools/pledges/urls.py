from django.urls import path

from schools.pledges import views

urlpatterns = [
    path("bureau/pledges/", views.pledge_overview, name="pledge_overview"),
    path("bureau/pledges/remind/", views.pledge_remind, name="pledge_remind"),
    path("bureau/pledges/texts/", views.pledge_texts, name="pledge_texts"),
    path("school/<int:school_pk>/pledge/", views.school_pledge, name="school_pledge"),
    path("school/<int:school_pk>/pledge/<int:pk>/scan/", views.pledge_scan, name="pledge_scan"),
]
