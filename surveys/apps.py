from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from scoring.demo import demo_seeded
        from scoring.imports import register_importer, register_kind
        from surveys.demo import seed_demo_sipas
        from surveys.figures import SipasFigureResource
        from surveys.importer import import_sipas
        from surveys.respondents import KIND, OPTIONAL, REQUIRED

        register_importer(KIND, import_sipas, required=REQUIRED, optional=OPTIONAL)
        register_kind(SipasFigureResource)
        demo_seeded.connect(seed_demo_sipas, dispatch_uid="surveys.demo_sipas")
