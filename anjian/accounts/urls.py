from django.contrib.auth import views as auth_views
from django.urls import path

from anjian.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("totp/", views.totp_verify, name="totp_verify"),
    path("totp/enrol/", views.totp_enrol, name="totp_enrol"),
    path("totp/disable/", views.totp_disable, name="totp_disable"),
    path("password/", views.password_change, name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/import/", views.user_import, name="user_import"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("roles/<int:pk>/remove/", views.role_remove, name="role_remove"),
    path("grids/<str:code>/inspectors/", views.grid_inspector_add, name="grid_inspector_add"),
    path(
        "grids/<str:code>/inspectors/<int:pk>/remove/",
        views.grid_inspector_remove,
        name="grid_inspector_remove",
    ),
]
