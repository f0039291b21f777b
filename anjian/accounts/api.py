"""API of accounts: personal tokens (``POST /auth/token``) and the users the caller may see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.security import HttpBearer

from anjian.accounts import security, services
from anjian.accounts.models import User
from anjian.core.api import ApiError, ErrorOut, PageNumber
from anjian.core.middleware import client_address
from anjian.core.scoping import get_visible_or_404

router = Router(tags=["accounts"])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ajt_…``: a personal token, checked with one indexed query."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = security.user_for_token(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()


class TokenIn(Schema):
    username: str
    password: str
    otp: str = Field("", description="TOTP code, required for accounts with a second factor")
    name: str = ""


class TokenOut(Schema):
    token: str
    expires_at: datetime


class RoleOut(Schema):
    role: str
    jurisdiction: str
    valid_from: Any = None
    valid_until: Any = None


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    roles: list[RoleOut]

    @staticmethod
    def resolve_roles(obj: User) -> list[dict[str, Any]]:
        return [
            {
                "role": a.role,
                "jurisdiction": a.jurisdiction,
                "valid_from": a.valid_from,
                "valid_until": a.valid_until,
            }
            for a in obj.role_assignments.all()
        ]


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut},
    summary="申请接口令牌 / issue a personal token",
)
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    """Exchange a password (and TOTP code when enrolled) for a personal token, under the same
    lockout rules as the login page."""
    try:
        user = services.check_password_login(
            payload.username, payload.password, address=client_address(request)
        )
    except services.LoginRefused as refused:
        raise ApiError(401, refused.code, refused.message) from None
    if user.must_change_password:
        raise ApiError(401, "password_change_required", _("请先登录网页修改初始密码。"))
    if user.totp_enabled or security.totp_required(user):
        try:
            confirmed = user.totp_enabled and services.confirm_totp(
                user, payload.otp, actor=user, address=client_address(request)
            )
        except services.LoginRefused as refused:
            raise ApiError(401, refused.code, refused.message) from None
        if not confirmed:
            raise ApiError(401, "otp_required", _("需要有效的动态口令。"))
    services.signed_in(user, method="token")
    token, plain = services.create_token(user, actor=user, name=payload.name or "api")
    return {"token": plain, "expires_at": token.expires_at}


@router.get("/users", response=list[UserOut], summary="用户列表 / users")
@paginate(PageNumber)
def list_users(request: HttpRequest, q: str | None = None) -> QuerySet[User]:
    users = User.objects.visible_to(request.user).prefetch_related("role_assignments")
    if q:
        users = users.filter(username__icontains=q)
    return users.order_by("username")


@router.get("/users/me", response=UserOut, summary="当前用户 / the caller")
def me(request: HttpRequest) -> Any:
    return request.user


@router.get("/users/{user_id}", response={200: UserOut, 404: ErrorOut}, summary="用户 / user")
def get_user(request: HttpRequest, user_id: int) -> User:
    return get_visible_or_404(
        User.objects.prefetch_related("role_assignments"), request.user, pk=user_id
    )
