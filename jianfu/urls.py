from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from jianfu import views
from schools import views as school_views
from supervision import views as supervision_views

admin.site.site_header = _("Burden-reduction supervision portal")
admin.site.site_title = _("Burden-reduction supervision")
admin.site.index_title = _("Register and administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bureau/", views.bureau_overview, name="bureau_overview"),
    path("bureau/", include("schools.urls_bureau")),
    path("supervisor/", supervision_views.supervisor_home, name="supervisor_home"),
    path("school/<int:pk>/", school_views.school_detail, name="school_detail"),
    path("schools/<str:code>/", school_views.public_sign, name="public_sign"),
    path("supervisor-photo/<int:pk>/", school_views.supervisor_photo, name="supervisor_photo"),
    path("", include("supervision.complaints.urls")),
    path("admin/", admin.site.urls),
]
