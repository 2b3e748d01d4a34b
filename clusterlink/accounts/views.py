"""Account pages: sign-up, throttled login, logout, password reset, language preference."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterlink.accounts.forms import LanguageForm, LoginForm, SignUpForm
from clusterlink.accounts.services import (
    LoginThrottle,
    client_ip,
    login_throttle_error,
    user_language_set,
    user_password_set,
    user_sign_up,
)
from clusterlink.common.errors import ApplicationError


def _in_language(response: HttpResponse, language: str) -> HttpResponse:
    """Remember the language in the cookie Django's LocaleMiddleware reads."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


def _redirect_in_language(url: str, language: str) -> HttpResponse:
    return _in_language(HttpResponseRedirect(translate_url(url, language)), language)


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("directory:home")
    form = SignUpForm(request.POST or None, initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_sign_up(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                language=data["language"],
                display_name=data["display_name"],
                firm_name=data["firm_name"],
                firm_cluster=data["firm_cluster"],
                firm_roles=(data["firm_role"],) if data["firm_role"] else (),
            )
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            with translation.override(user.language):
                messages.success(request, _("Welcome to ClusterLink, %(name)s.") % {"name": user})
            return _redirect_in_language(reverse("directory:home"), user.language)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


class ThrottledLoginMixin(auth_views.LoginView):
    """Django's login, refused for a while after too many failures (services.LoginThrottle: per
    account and client address, and per client address). The site's and the admin's login pages
    share it."""

    def _throttle(self) -> LoginThrottle:
        # Count a person's e-mail and username as one, so switching between them buys no tries.
        identifier = str(self.request.POST.get("username", ""))
        return LoginThrottle(
            username=LoginForm.username_for(identifier), client_ip=client_ip(self.request.META)
        )

    def _refuse(self) -> HttpResponse:
        form = self.get_form_class()(
            self.request, initial={"username": self.request.POST.get("username", "")}
        )
        context = self.get_context_data(form=form, throttle_message=login_throttle_error().message)
        return self.render_to_response(context, status=429)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self._throttle().is_blocked():
            return self._refuse()
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        throttle = self._throttle()
        throttle.record_failure()
        if throttle.is_blocked():
            return self._refuse()
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form: Any) -> HttpResponse:
        self._throttle().clear()
        return super().form_valid(form)


class LoginView(ThrottledLoginMixin):
    """The site's login; also accepts the e-mail address, and answers in the user's language."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        super().form_valid(form)  # clears the throttle and logs the user in
        user = form.get_user()
        # get_success_url() accepts only this site's paths (url_has_allowed_host_and_scheme).
        return _redirect_in_language(self.get_success_url(), user.language)


class AdminLoginView(ThrottledLoginMixin):
    """The admin's login page (served at /admin/login/ before the admin's own URLs), with the
    admin's form and template, throttled like the site's login: guessing the superuser's password
    there counts against the same pair and address as on the site's page."""

    form_class = AdminAuthenticationForm
    template_name = "admin/login.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and admin.site.has_permission(request):
            return HttpResponseRedirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def _refuse(self) -> HttpResponse:
        # The admin's template has no place for throttle_message; it shows the messages.
        messages.error(self.request, str(login_throttle_error().message))
        return super()._refuse()

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index", current_app=admin.site.name)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {
            **admin.site.each_context(self.request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": self.request.get_full_path(),
            "username": self.request.user.get_username(),
            **context,
        }


class LogoutView(auth_views.LogoutView):
    next_page = "directory:home"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # Django's form_valid would only save the password; the service also revokes the tokens.
        user_password_set(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class AdminPasswordChangeView(auth_views.PasswordChangeView):
    """The admin's "change my password" page (served at /admin/password_change/ before the admin's
    own URLs), changing the password through the service that also revokes the API tokens."""

    form_class = AdminPasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("admin:password_change_done")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not admin.site.has_permission(request):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}

    def form_valid(self, form: Any) -> HttpResponse:
        user_password_set(user=form.user, password=form.cleaned_data["new_password1"])
        # Keep this session signed in; the password change ends every other one.
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = LanguageForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        user_language_set(user=user, language=form.cleaned_data["language"])
        with translation.override(user.language):
            messages.success(request, _("Your language preference was saved."))
        return _redirect_in_language(reverse("accounts:preferences"), user.language)
    return render(request, "accounts/preferences.html", {"form": form})
