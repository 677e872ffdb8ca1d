from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from scoring.imports import register_kind
        from scoring.imports.resources import SCORING_KINDS

        for resource in SCORING_KINDS:
            register_kind(resource)
