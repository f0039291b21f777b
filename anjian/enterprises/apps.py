from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EnterprisesConfig(AppConfig):
    name = "anjian.enterprises"
    label = "enterprises"
    verbose_name = _("企业档案")

    def ready(self) -> None:
        from django.core import checks

        from anjian.core.audit import register_action_labels
        from anjian.core.sheets import flow
        from anjian.enterprises import shell
        from anjian.enterprises.dossier import check_font
        from anjian.enterprises.importer import IMPORTER

        checks.register(check_font)
        flow.register(IMPORTER)
        register_action_labels(
            {
                "change_requested": pgettext_lazy("audit action", "提交变更申请"),
                "approve": pgettext_lazy("audit action", "批准"),
                "reject": pgettext_lazy("audit action", "驳回"),
            }
        )
        shell.register()
