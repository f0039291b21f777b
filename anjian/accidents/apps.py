from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccidentsConfig(AppConfig):
    name = "anjian.accidents"
    label = "accidents"
    verbose_name = _("事故管理")

    def ready(self) -> None:
        from anjian.accidents import shell
        from anjian.core.audit import register_action_labels

        register_action_labels(
            {
                "supplementary_report": pgettext_lazy("audit action", "事故补报"),
                "quota_warning": pgettext_lazy("audit action", "控制指标预警"),
                "veto_marked": pgettext_lazy("audit action", "标记一票否决"),
                "veto_removed": pgettext_lazy("audit action", "撤销一票否决"),
            }
        )
        shell.register()
