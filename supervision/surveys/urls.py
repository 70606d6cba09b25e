from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    # public, no login: a school's link
    path("s/<str:token>/", views.public_form, name="public_form"),
    path("s/<str:token>/done/", views.public_done, name="public_done"),
    path("s/<str:token>/captcha.png", views.public_captcha, name="public_captcha"),
    # staff
    path("surveys/", views.round_list, name="rounds"),
    path("surveys/new/", views.round_new, name="round_new"),
    path("surveys/questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("surveys/<int:pk>/", views.round_detail, name="round"),
    path("surveys/<int:pk>/close/", views.round_close, name="round_close"),
    path("surveys/<int:pk>/links/", views.round_links, name="links"),
    path("surveys/<int:pk>/texts/", views.text_list, name="texts"),
    path("surveys/<int:pk>/texts/<int:text_pk>/", views.text_redact, name="text_redact"),
    path("surveys/<int:pk>/paper/", views.paper_import, name="paper_import"),
    path("surveys/<int:pk>/paper/template.xlsx", views.paper_template, name="paper_template"),
    path("surveys/<int:pk>/schools/<int:school_pk>/", views.school_detail, name="school"),
    path("surveys/<int:pk>/schools/<int:school_pk>/notice/", views.school_notice, name="notice"),
    path("surveys/<int:pk>/schools/<int:school_pk>/notice.pdf", views.school_notice_pdf, name="notice_pdf"),
]
