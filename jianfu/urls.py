from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from jianfu import views
from jianfu.signin import twofactor
from jianfu.signin.views import LoginView

admin.site.site_header = _("Burden-reduction supervision portal")
admin.site.site_title = _("Burden-reduction supervision")
admin.site.index_title = _("Register and administration")

urlpatterns = [
    # The complaint pages before everything else: the public form and the
    # status look-up are the busiest pages, and every pattern tried before
    # the one that matches costs each request its time (an include that
    # does not match raises and catches an exception). No other pattern
    # starts with complain/, complaints/ or bureau/complaints/.
    path("", include("supervision.complaints.urls")),
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/login/", LoginView.as_view(), name="login"),
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
    path("", include("jianfu.accounts.urls")),
    path("bureau/", views.bureau_overview, name="bureau_overview"),
    # Each subject's pages; order matters only where a path could match two
    # patterns (schools/<code>/homework/ before schools/<code>/).
    path("", include("schools.homework.urls")),
    path("", include("schools.afterschool.urls")),
    path("", include("schools.fivemanagement.urls")),
    path("", include("schools.records.urls")),
    path("", include("schools.pledges.urls")),
    path("", include("schools.selfchecks.urls")),
    path("", include("schools.register.urls")),
    path("", include("supervision.visits.urls")),
    path("", include("supervision.rectifications.urls")),
    path("reports/", include("reports.urls")),
    path("", include("supervision.institutions.urls")),
    path("", include("supervision.surveys.urls")),
    path("admin/", admin.site.urls),
]
