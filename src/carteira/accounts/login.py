"""The login page: Django's, with throttling and an audit entry for every attempt."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from carteira.accounts import throttle
from carteira.audit.services import do_record


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a known proxy sets it.
    return request.META.get("REMOTE_ADDR") or None


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed attempts. Wait 15 minutes and try again."),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        hashed = throttle.username_hash(username)[:16]
        do_record("auth.login_attempt", ip=ip, username_hash=hashed)
        if throttle.is_locked_out(username=username, ip=ip):
            do_record("auth.lockout", ip=ip, username_hash=hashed)
            self.throttled = True
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            throttle.do_note_failure(username=username, ip=ip)
            do_record("auth.login_failed", ip=ip, username_hash=hashed)
            raise


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response
