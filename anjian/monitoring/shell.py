"""What the monitoring module adds to the shell: the enterprise fact it holds, menu entries,
home-page panels, the dossier section and the enterprise detail panel."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anjian.enterprises import facts


def register() -> None:
    from anjian.monitoring.services import highest_grades

    facts.register(
        facts.FactProvider(facts.MAJOR_HAZARD_INSTALLATION, _("重大危险源"), highest_grades)
    )
