"""Top-level URLs: the UI shell, each module's pages, the API and the health check."""

from django.urls import include, path

from anjian.api import api
from anjian.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("anjian.accounts.urls")),
    path("orgs/", include("anjian.orgs.urls")),
    path("enterprises/", include("anjian.enterprises.urls")),
    path("dangers/", include("anjian.dangers.urls")),
    path("monitoring/", include("anjian.monitoring.urls")),
    path("accidents/", include("anjian.accidents.urls")),
    path("risks/", include("anjian.risks.urls")),
    path("", include("anjian.core.urls")),
]
