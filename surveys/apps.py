from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from scoring.imports import register_importer
        from surveys.importer import import_sipas

        register_importer("sipas", import_sipas)
