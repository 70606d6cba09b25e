from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django_otp import DEVICE_ID_SESSION_KEY

from .forms import LockoutAuthenticationForm


class LoginView(auth_views.LoginView):
    form_class = LockoutAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LockoutAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        # A password sign-in never carries a second factor over from before.
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        return response
