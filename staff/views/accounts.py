"""Signing in and out, the second factor (TOTP) and the staff home.

The password is checked by Django's LoginView (django-axes counts failures per user name and
address together and answers with staff/locked_out.html once locked). Appraisers and admins then
pass a second factor before any staff screen or the Django admin opens (staff.access); a unit
officer may set one up, and from then on passes it too.
"""

import base64
from functools import wraps

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from provinces.localized import localized
from scoring.models import Edition, Participant
from scoring.permissions import UNIT_OFFICER, unit_of
from staff.access import needs_second_factor, staff_required, staff_role

# Stages in which an edition is being worked on (a draft is set up by admins only).
OPEN_STAGES = [Edition.Status.SELF_ASSESSMENT, Edition.Status.APPRAISAL, Edition.Status.REVIEW]
WAIT_WORTH_SAYING = 3


class StaffAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if staff_role(user) is None:
            raise forms.ValidationError(
                _("This account has no staff role. Ask an administrator to give it one."),
                code="no_role",
            )


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffAuthenticationForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT}

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if needs_second_factor(self.request.user):
            return f"{reverse('staff:second_factor')}?{urlencode({'next': url})}"
        return url


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (Django refuses a GET), from the button in the staff navigation."""

    next_page = "staff:login"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
        help_text=_("The code your authenticator app shows now for the PAR Index portal."),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("The code is six digits."))
        return code


def _second_factor_step(view):
    """A page of the second factor: for a signed-in staff member only, its code never in an
    error report, never cached, called with the address to go on to once it is passed."""

    @sensitive_post_parameters("code")
    @csrf_protect
    @never_cache
    @wraps(view)
    def step(request: HttpRequest) -> HttpResponse:
        refusal = _signed_in_staff(request)
        if refusal is not None:
            return refusal
        return view(request, _next_url(request))

    return step


@_second_factor_step
def second_factor(request: HttpRequest, next_url: str) -> HttpResponse:
    """After the password: the code of the user's authenticator app (staff:second_factor)."""
    if request.user.is_verified():
        return redirect(next_url)
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect(_with_next("staff:second_factor_setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next(
            (d for d in devices if d.verify_token(form.cleaned_data["code"])),
            None,
        )
        if device is not None:
            _passed(request, device)
            return redirect(next_url)
        form.add_error("code", _wrong_code(devices[0]))
    return render(request, "staff/second_factor.html", {"form": form, "next": next_url})


@_second_factor_step
def second_factor_setup(request: HttpRequest, next_url: str) -> HttpResponse:
    """A new authenticator: scan the QR code (or type the secret), then confirm with a code."""
    if user_has_device(request.user):
        # Replacing a device is an admin's act (the admin's TOTP devices list): whoever knows
        # the password alone must not swap it.
        return redirect(_with_next("staff:second_factor", next_url))
    # Kept unconfirmed between showing the code and confirming it, so the secret stays the same.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _passed(request, device)
            return redirect(next_url)
        form.add_error("code", _wrong_code(device))
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#000", light="#fff", title=_("QR code of the new authenticator")
        ),
        "secret": _spaced(base64.b32encode(device.bin_key).decode()),
    }
    return render(request, "staff/second_factor_setup.html", context)


@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    role = request.staff_role
    editions = Edition.objects.filter(status__in=OPEN_STAGES).order_by("-year", "level")
    unit = unit_of(request.user) if role == UNIT_OFFICER else None
    if role == UNIT_OFFICER:
        editions = editions.filter(
            pk__in=Participant.objects.filter(unit=unit).values("edition_id")
        )
    editions = _with_deadlines(list(editions), unit)
    context = {
        "role": role,
        "unit_name": localized(unit, "name") if unit is not None else "",
        "unit_code": unit.code if unit is not None else "",
        "editions": editions,
        "work": _work(editions, unit) if unit is not None else [],
        "has_device": user_has_device(request.user),
    }
    return render(request, "staff/home.html", context)


def _with_deadlines(editions: list, unit) -> list:
    """Each edition with the deadline of its current stage and, for an officer's unit, the
    extension that still lets it submit its self-assessment (docs/rules.md)."""
    extensions = {}
    if unit is not None:
        extensions = dict(
            Participant.objects.filter(
                unit=unit, edition__in=editions, extended_until__gte=timezone.localdate()
            ).values_list("edition_id", "extended_until")
        )
    for edition in editions:
        edition.deadline = getattr(edition, f"{edition.status}_deadline", None)
        edition.extended_until = extensions.get(edition.pk)
    return editions


def _work(editions, unit) -> list[dict]:
    """What an officer works on: each open edition of their unit, with the unit's name in that
    year (a unit renamed or merged since reads as it was then)."""
    names = {}
    for edition in editions:
        if edition.year not in names:
            names[edition.year] = unit.name_in(edition.year)
    return [{"edition": edition, "unit_name": names[edition.year]} for edition in editions]


def _signed_in_staff(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if staff_role(request.user) is None:
        raise PermissionDenied
    return None


def _passed(request: HttpRequest, device) -> None:
    # A new session key for the raised privilege, as at sign-in.
    request.session.cycle_key()
    otp_login(request, device)


def _wrong_code(device) -> str:
    # django-otp makes the wait double with each wrong code (1 s, 2 s, 4 s...): worth saying
    # only once it is more than a moment.
    allowed, details = device.verify_is_allowed()
    if not allowed and (details or {}).get("failure_count", 0) >= WAIT_WORTH_SAYING:
        return _("Too many wrong codes. Wait a little and try the next code.")
    return _("This code is not right, or has been used already. Try the next code.")


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("staff:home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _spaced(secret: str) -> str:
    """The secret in groups of four, as authenticator apps accept it typed."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


urlpatterns = [
    path("", home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("second-factor/", second_factor, name="second_factor"),
    path("second-factor/setup/", second_factor_setup, name="second_factor_setup"),
]
