"""The Django admin is for admins only, after their second factor; it manages accounts through
staff.accounts, as the staff_user command does.

Django's default admin site is configured here rather than replaced (settings.py keeps
django.contrib.admin): its permission check asks for the admin role (a superuser has it) and a
verified second factor, and its login page sends people to the staff sign-in, which has the
lockout and the second factor.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from provinces.models import Unit
from scoring.models import Participant, UnitAssignment
from scoring.permissions import ADMIN, unit_of
from scoring.tree import Tree
from staff.access import needs_second_factor, staff_role
from staff.accounts import ADMIN_SITE, ROLE_NAMES, assign_role, role_in_groups, role_problems
from staff.assignments import appraisers
from staff.models import AppraisalAssignment, AppraisalCheck, OutboxMessage

User = get_user_model()


def admin_may_enter(request) -> bool:
    """admin.site.has_permission: an active admin (or superuser) who passed the second factor."""
    user = request.user
    return user.is_active and staff_role(user) == ADMIN and not needs_second_factor(user)


def admin_login(request, extra_context=None):
    """admin.site.login: the staff sign-in and second factor, then back to the admin."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    if admin_may_enter(request):
        return redirect(next_url)
    if staff_role(request.user) == ADMIN:
        return redirect(f"{reverse('staff:second_factor')}?{urlencode({'next': next_url})}")
    raise PermissionDenied


admin.site.has_permission = admin_may_enter
admin.site.login = admin_login


def _is_admin(request) -> bool:
    return staff_role(request.user) == ADMIN


class AdminsOnly:
    """A model of the staff screens that only the admin role sees and edits in the Django admin;
    a subclass narrows what even an admin may do."""

    def has_module_permission(self, request) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request) -> bool:
        return _is_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_admin(request)


class SeenByAdmins(AdminsOnly):
    """Rows a screen or the worker writes: the admin role reads them in the Django admin, and no
    one adds, changes or deletes them there."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _role_field():
    return forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("none (cannot open the staff screens)")), *ROLE_NAMES.items()],
        required=False,
    )


def _unit_field():
    return forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.order_by("level", "code", "valid_from"),
        required=False,
        help_text=_("A unit officer's unit, the one whose self-assessment they write."),
    )


class RoleChecked:
    """The role and unit fields of an account, checked by staff.accounts.role_problems (before
    anything is saved; assign_role checks them again when it writes)."""

    def clean(self):
        cleaned = super().clean()
        for problem in role_problems(cleaned.get("role") or None, cleaned.get("unit")):
            self.add_error("role" if problem.code == "unknown_role" else "unit", str(problem))
        return cleaned


class StaffUserChangeForm(RoleChecked, UserChangeForm):
    role = _role_field()
    unit = _unit_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("role", role_in_groups(self.instance) or "")
            self.initial.setdefault("unit", getattr(unit_of(self.instance), "pk", None))


class StaffUserCreationForm(RoleChecked, AdminUserCreationForm):
    role = _role_field()
    unit = _unit_field()


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(AdminsOnly, SimpleHistoryAdmin, UserAdmin):
    """Accounts with their role and unit; the history view lists every change to them."""

    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("role", "unit", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Role"), {"fields": ("role", "unit")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_superuser")
    list_filter = ("groups", "is_active", "is_superuser")
    filter_horizontal = ()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            # Only a superuser makes another one.
            fieldsets = (*fieldsets, (_("Superuser"), {"fields": ("is_superuser",)}))
        return fieldsets

    def has_change_permission(self, request, obj=None) -> bool:
        # An admin who is not a superuser cannot change a superuser (their password above all).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return _is_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an account is deactivated, so its history and its audit rows stay whole

    def revert_disabled(self, request, obj=None) -> bool:
        return True  # an old version would come back without going through assign_role

    def save_model(self, request, obj, form, change) -> None:
        obj._change_reason = ADMIN_SITE
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        assign_role(
            form.instance,
            form.cleaned_data.get("role") or None,
            unit=form.cleaned_data.get("unit"),
            by=request.user,
            reason=ADMIN_SITE,
        )


# Units are assigned on the account's page above, where the role is checked with them; a list of
# assignments of its own would let an appraiser get a unit or an officer lose theirs.
if admin.site.is_registered(UnitAssignment):
    admin.site.unregister(UnitAssignment)

# Admins (not only superusers) reset a lost authenticator: deleting the device lets its owner set
# up a new one at their next sign-in.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class StaffTOTPDeviceAdmin(AdminsOnly, TOTPDeviceAdmin):
    def has_add_permission(self, request) -> bool:
        return False  # a device is set up by its owner, who scans its secret

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AppraisalAssignmentForm(forms.ModelForm):
    class Meta:
        model = AppraisalAssignment
        fields = ("participant", "field_code", "appraiser")

    def clean(self):
        cleaned = super().clean()
        participant, code = cleaned.get("participant"), cleaned.get("field_code")
        if participant is not None and code:
            fields = {node.code for node in Tree.of(participant.edition).fields}
            if code not in fields:
                self.add_error(
                    "field_code",
                    _("Not a field of this edition; its fields are %(codes)s.")
                    % {"codes": ", ".join(sorted(fields, key=int)) or "—"},
                )
        return cleaned


@admin.register(AppraisalAssignment)
class AppraisalAssignmentAdmin(AdminsOnly, admin.ModelAdmin):
    """The work split, as the staff screen of an edition edits it (staff:assignments)."""

    form = AppraisalAssignmentForm
    list_display = ("participant", "field_code", "appraiser")
    list_filter = ("participant__edition", "field_code", "appraiser")
    list_select_related = ("participant__unit", "participant__edition", "appraiser")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "appraiser":
            kwargs["queryset"] = appraisers()
        if db_field.name == "participant":
            kwargs["queryset"] = Participant.objects.filter(
                edition__summary_only=False
            ).select_related("unit", "edition")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AppraisalCheck)
class AppraisalCheckAdmin(SeenByAdmins, admin.ModelAdmin):
    """Read only: a unit's appraisal is marked done and checked on the appraisal screen."""

    list_display = ("participant", "done_by", "done_at", "checked_by", "checked_at")
    list_filter = ("participant__edition",)
    list_select_related = ("participant__unit", "participant__edition", "done_by", "checked_by")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(SeenByAdmins, admin.ModelAdmin):
    """Read only: what the notifications queued and whether the worker sent it (a failed send
    stays here with its error, and the worker tries again)."""

    list_display = ("queued_at", "event", "to", "subject", "sent_at", "attempts")
    list_filter = ("event", "sent_at", "edition")
    search_fields = ("to", "subject")
    date_hierarchy = "queued_at"
    list_select_related = ("edition", "user")
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
