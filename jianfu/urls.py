from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from jianfu import twofactor, views
from schools import views as school_views
from supervision import views as supervision_views

admin.site.site_header = _("Burden-reduction supervision portal")
admin.site.site_title = _("Burden-reduction supervision")
admin.site.index_title = _("Register and administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", twofactor.manage, name="twofactor_manage"),
    path("accounts/2fa/verify/", twofactor.verify, name="twofactor_verify"),
    path("accounts/2fa/setup/", twofactor.setup, name="twofactor_setup"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bureau/", views.bureau_overview, name="bureau_overview"),
    path("bureau/", include("schools.urls_bureau")),
    path("", include("schools.pledges.urls")),
    path("", include("schools.selfchecks.urls")),
    path("supervisor/", supervision_views.supervisor_home, name="supervisor_home"),
    path("school/<int:pk>/", school_views.school_detail, name="school_detail"),
    path("schools/<str:code>/", school_views.public_sign, name="public_sign"),
    path("supervisor-photo/<int:pk>/", school_views.supervisor_photo, name="supervisor_photo"),
    path("reports/", include("reports.urls")),
    path("", include("schools.urls_records")),
    path("", include("supervision.complaints.urls")),
    path("", include("supervision.surveys.urls")),
    path("admin/", admin.site.urls),
    path("", include("supervision.urls")),
]
