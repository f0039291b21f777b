from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anjian.core"
    label = "core"
    verbose_name = _("平台核心")

    def ready(self) -> None:
        # The Celery app is configured here rather than in anjian/__init__.py, so that the pure
        # anjian.standards package imports without Celery or Django.
        from anjian import celery  # noqa: F401
        from anjian.core import (
            shell,
            signals,  # noqa: F401  (connects the Celery job recorder)
        )
        from anjian.core.audit import connect_safety_net

        connect_safety_net()
        shell.register()
