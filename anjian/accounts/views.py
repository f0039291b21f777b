"""Pages of accounts: sign-in with its second factor and forced change, the profile with tokens,
and user administration. Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from anjian.accounts import importing, roles, security, services
from anjian.accounts.access import grants_for
from anjian.accounts.choices import Role
from anjian.accounts.forms import (
    ImportForm,
    LoginForm,
    RoleForm,
    TokenForm,
    TotpForm,
    UserCreateForm,
)
from anjian.accounts.middleware import PENDING_KEY, STEP_URLS
from anjian.accounts.models import ApiToken, LoginAttempt, RoleAssignment, User
from anjian.core.middleware import client_address
from anjian.core.scoping import get_editable_or_404, get_visible_or_404
from anjian.orgs.models import Grid

NEXT_KEY = "anjian_next"
ENROL_SECRET_KEY = "anjian_totp_secret"  # noqa: S105 (a session key name)


def _after_step(request: HttpRequest) -> HttpResponse:
    """Go to the next pending login step, or to where the user was going."""
    pending: list[str] = request.session.get(PENDING_KEY) or []
    if pending:
        return redirect(STEP_URLS[pending[0]])
    target = request.session.pop(NEXT_KEY, "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("core:home")


def _finish_step(request: HttpRequest, step: str) -> None:
    pending: list[str] = request.session.get(PENDING_KEY) or []
    request.session[PENDING_KEY] = [s for s in pending if s != step]


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Password first; then the TOTP code or enrolment, then a forced password change."""
    if request.user.is_authenticated and not request.session.get(PENDING_KEY):
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        try:
            user = services.check_password_login(
                form.cleaned_data["username"],
                form.cleaned_data["password"],
                address=client_address(request),
            )
        except services.LoginRefused as refused:
            form.add_error(None, refused.message)
        else:
            pending = []
            if user.totp_enabled:
                pending.append("totp")
            elif security.totp_required(user):
                pending.append("enrol")
            if user.must_change_password or security.password_expired(user):
                pending.append("password")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            services.signed_in(user, method="password", pending=pending)
            request.session[PENDING_KEY] = pending
            request.session[NEXT_KEY] = next_url
            return _after_step(request)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@login_required
@never_cache
def totp_verify(request: HttpRequest) -> HttpResponse:
    """The second step for a user with a second factor."""
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        try:
            confirmed = services.confirm_totp(
                user, form.cleaned_data["code"], actor=user, address=client_address(request)
            )
        except services.LoginRefused as refused:
            request._anjian_logout_reason = "locked"  # type: ignore[attr-defined]
            logout(request)  # the account is locked: the half-signed-in session ends
            messages.error(request, refused.message)
            return redirect("accounts:login")
        if confirmed:
            request.session.cycle_key()  # a new session id once the second factor is proven
            _finish_step(request, "totp")
            services.signed_in(user, method="totp", pending=request.session[PENDING_KEY])
            return _after_step(request)
        form.add_error("code", _("动态口令错误或已使用。"))
    return render(request, "accounts/totp_verify.html", {"form": form})


@login_required
@never_cache
def totp_enrol(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code; the user confirms with a code from the app."""
    user: Any = request.user
    secret = request.session.get(ENROL_SECRET_KEY) or security.new_totp_secret()
    request.session[ENROL_SECRET_KEY] = secret
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.enable_totp(user, secret, form.cleaned_data["code"], actor=user):
            request.session.pop(ENROL_SECRET_KEY, None)
            _finish_step(request, "enrol")
            messages.success(request, _("动态口令已启用。"))
            return _after_step(request)
        form.add_error("code", _("动态口令错误，请核对手机时间后重试。"))
    uri = security.totp_uri(user, secret)
    context = {
        "form": form,
        "secret": secret,
        "qr_svg": security.totp_qr_svg(uri),
        "required": security.totp_required(user),
    }
    return render(request, "accounts/totp_enrol.html", context)


@login_required
@sensitive_post_parameters()
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's password (compulsory after an issued or reset password)."""
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user, form.cleaned_data["new_password1"], actor=user)
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            update_session_auth_hash(request, user)
            _finish_step(request, "password")
            messages.success(request, _("密码已修改。"))
            return _after_step(request)
    forced = "password" in (request.session.get(PENDING_KEY) or [])
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's roles, second factor and personal API tokens."""
    user: Any = request.user
    context = {
        "assignments": RoleAssignment.objects.filter(user=user).order_by("pk"),
        "tokens": ApiToken.objects.visible_to(user),
        "token_form": TokenForm(),
        "new_token": request.session.pop("anjian_new_token", ""),
        "totp_required": security.totp_required(user),
        "recent_logins": LoginAttempt.objects.filter(username=user.username.lower()).order_by(
            "-at"
        )[:10],
    }
    response = render(request, "accounts/profile.html", context)
    response["Cache-Control"] = "no-store"  # a new token is shown here once
    return response


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Issue a personal token; its plain value is shown once on the profile page."""
    form = TokenForm(request.POST)
    if form.is_valid():
        user: Any = request.user
        _token, plain = services.create_token(
            user, actor=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        request.session["anjian_new_token"] = plain
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's tokens."""
    token = get_editable_or_404(ApiToken.objects, request.user, pk=pk)
    services.revoke_token(token, actor=request.user)
    messages.success(request, _("令牌已撤销。"))
    return redirect("accounts:profile")


@login_required
@require_POST
def totp_disable(request: HttpRequest) -> HttpResponse:
    """Turn off one's optional second factor."""
    user: Any = request.user
    try:
        services.disable_totp(user, actor=user)
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    return redirect("accounts:profile")


# --- user administration ------------------------------------------------------------------------


def _issued(request: HttpRequest, user: User, password: str, title: str) -> HttpResponse:
    """Show an issued password once, in this response only: never in a message cookie."""
    response = render(
        request,
        "accounts/issued_password.html",
        {"shown": user, "password": password, "title": title},
    )
    response["Cache-Control"] = "no-store"
    return response


def _can_manage(user: Any) -> bool:
    return grants_for(user).has(Role.CITY, Role.ADMIN)


def _grantable(user: Any) -> frozenset[str]:
    return roles.grantable_roles(grants_for(user))


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """Users the viewer may see, searchable by username or name."""
    users = User.objects.visible_to(request.user).prefetch_related("role_assignments")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__contains=query))
    page = Paginator(users.order_by("username"), 30).get_page(request.GET.get("page"))
    context = {"page": page, "q": query, "can_manage": _can_manage(request.user)}
    return render(request, "accounts/user_list.html", context)


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    """Create an account with one role; the issued password is shown once."""
    if not _can_manage(request.user):
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, grantable=_grantable(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.create_user(
                actor=request.user,
                username=data["username"],
                display_name=data["display_name"],
                phone=data["phone"],
                roles=[services.RoleSpec(data["role"], data["jurisdiction_code"])],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            return _issued(request, user, password, _("用户已创建"))
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One user: roles (added and withdrawn here), state, password reset."""
    shown = get_visible_or_404(User.objects, request.user, pk=pk)
    form = RoleForm(request.POST or None, grantable=_grantable(request.user))
    if request.method == "POST":
        target = get_editable_or_404(User.objects, request.user, pk=pk)
        if form.is_valid():
            data = form.cleaned_data
            spec = services.RoleSpec(
                data["role"], data["jurisdiction_code"], data["valid_from"], data["valid_until"]
            )
            try:
                services.assign_role(target, spec, actor=request.user)
            except ValidationError as error:
                form.add_error(None, error.messages)
            except PermissionDenied as denied:
                form.add_error(None, str(denied))
            else:
                messages.success(request, _("角色已授予。"))
                return redirect("accounts:user_detail", pk=pk)
    context = {
        "shown": shown,
        "assignments": RoleAssignment.objects.visible_to(request.user).filter(user=shown),
        "form": form,
        "can_manage": User.objects.editable_by(request.user).filter(pk=pk).exists(),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@require_POST
def role_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one role assignment."""
    assignment = get_editable_or_404(
        RoleAssignment.objects.select_related("user"), request.user, pk=pk
    )
    try:
        services.remove_role(assignment, actor=request.user)
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    return redirect("accounts:user_detail", pk=assignment.user_id)


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Disable or re-enable an account."""
    target = get_editable_or_404(User.objects, request.user, pk=pk)
    try:
        services.set_active(target, request.POST.get("active") == "1", actor=request.user)
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    return redirect("accounts:user_detail", pk=pk)


@login_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a new password; the user must change it at next login."""
    target = get_editable_or_404(User.objects, request.user, pk=pk)
    password = services.reset_password(target, actor=request.user)
    return _issued(request, target, password, _("密码已重置"))


@login_required
def user_import(request: HttpRequest) -> HttpResponse:
    """Bulk import from Excel: all or nothing, every bad row reported."""
    if not _can_manage(request.user):
        raise PermissionDenied
    if request.GET.get("template"):
        response = HttpResponse(
            importing.template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="users-template.xlsx"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "errors": [], "created": []}
    if request.method == "POST" and form.is_valid():
        try:
            context["created"] = importing.import_users(
                form.cleaned_data["file"], actor=request.user
            )
        except importing.ImportRejected as rejected:
            context["errors"] = rejected.errors
    response = render(request, "accounts/user_import.html", context)
    response["Cache-Control"] = "no-store"  # issued passwords are shown here once
    return response


# --- grid inspectors (the panel on the grid page) ------------------------------------------------


def _grid_staffing_done(request: HttpRequest, code: str, change: Any) -> HttpResponse:
    try:
        change()
    except (PermissionDenied, ValidationError) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
    else:
        messages.success(request, _("网格员已更新。"))
    return redirect("orgs:grid_detail", code=code)


@login_required
@require_POST
def grid_inspector_add(request: HttpRequest, code: str) -> HttpResponse:
    """Assign a grid inspector of the actor's territory to this grid."""
    grid = get_editable_or_404(Grid.objects, request.user, code=code)
    user_id = request.POST.get("user", "")
    candidate = services.grid_inspector_candidates(request.user).filter(
        pk=int(user_id) if user_id.isdigit() else 0
    )
    inspector = candidate.first()
    if inspector is None:
        messages.error(request, _("请选择本辖区内的网格员。"))
        return redirect("orgs:grid_detail", code=code)
    return _grid_staffing_done(
        request, code, lambda: services.assign_grid_inspector(inspector, grid, actor=request.user)
    )


@login_required
@require_POST
def grid_inspector_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Take an inspector off this grid."""
    grid = get_editable_or_404(Grid.objects, request.user, code=code)
    inspector = get_object_or_404(services.grid_inspectors(grid), pk=pk)
    return _grid_staffing_done(
        request, code, lambda: services.remove_grid_inspector(inspector, grid, actor=request.user)
    )
