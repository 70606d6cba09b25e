"""Account management (/bureau/accounts/) and the account's own password pages (/accounts/...)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("bureau/accounts/", views.account_list, name="list"),
    path("bureau/accounts/new/staff/", views.account_create_staff_view, name="create_staff"),
    path("bureau/accounts/new/principal/", views.account_create_principal_view, name="create_principal"),
    path(
        "bureau/accounts/new/principals/",
        views.account_create_missing_principals_view,
        name="create_missing_principals",
    ),
    path("bureau/accounts/new/supervisor/", views.account_create_supervisor_view, name="create_supervisor"),
    path("bureau/accounts/handover/", views.account_handover, name="handover"),
    path("bureau/accounts/<int:pk>/", views.account_detail, name="detail"),
    path("bureau/accounts/<int:pk>/deactivate/", views.account_deactivate_view, name="deactivate"),
    path("bureau/accounts/<int:pk>/activate/", views.account_activate_view, name="activate"),
    path("bureau/accounts/<int:pk>/reset/", views.account_reset_view, name="reset"),
    path("accounts/link/<uidb64>/<token>/", views.AccountLinkView.as_view(), name="link"),
    path("accounts/link/done/", views.AccountLinkDoneView.as_view(), name="link_done"),
    path("accounts/password/required/", views.PasswordRequiredView.as_view(), name="password_required"),
]
