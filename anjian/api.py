"""The JSON API at ``/api/v1``: every module's router, one error format, offline docs.

With :mod:`anjian.urls` it is the top layer (the shell): the only place that imports every app.
"""

from __future__ import annotations

from ninja.security import django_auth

from anjian.accidents.api import router as accidents_router
from anjian.accounts.api import router as accounts_router
from anjian.accounts.api import token_auth
from anjian.core.api import AnjianApi, install_error_handlers
from anjian.core.attachments.api import router as attachments_router
from anjian.core.audit_api import router as audit_router
from anjian.core.dashboard_api import router as dashboard_router
from anjian.dangers.api import router as dangers_router
from anjian.enterprises.api import router as enterprises_router
from anjian.monitoring.api import router as monitoring_router
from anjian.orgs.api import router as orgs_router
from anjian.risks.api import router as risks_router

api = AnjianApi(
    title="Anjian API",
    version="1",
    description="安监平台接口 / Anjian work-safety supervision API",
    urls_namespace="api",
    auth=[token_auth, django_auth],
)
install_error_handlers(api)

api.add_router("/", orgs_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/", dangers_router)
api.add_router("/", monitoring_router)
api.add_router("/", accounts_router)
api.add_router("/", audit_router)
api.add_router("/", attachments_router)
api.add_router("/", dashboard_router)
api.add_router("/", accidents_router)
api.add_router("/", risks_router)
