from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "anjian.enterprises"
    label = "enterprises"
    verbose_name = _("企业档案")

    def ready(self) -> None:
        from anjian.core.sheets import flow
        from anjian.enterprises import shell
        from anjian.enterprises.importer import IMPORTER

        flow.register(IMPORTER)
        shell.register()
