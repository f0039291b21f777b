from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "anjian.risks"
    label = "risks"
    verbose_name = _("风险分级管控")

    def ready(self) -> None:
        from anjian.core.owners import register_owner
        from anjian.risks import shell
        from anjian.risks.models import PlantLayout

        register_owner(PlantLayout)  # its layout image is an attachment
        shell.register()
