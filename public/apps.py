from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from public import warming
        from scoring import signals

        signals.edition_published.connect(warming.on_published, dispatch_uid="public.warming")
