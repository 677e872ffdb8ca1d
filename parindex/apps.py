from django.apps import AppConfig


class ParindexConfig(AppConfig):
    """The project package as an app: the page cache's and the audit log's signal receivers."""

    name = "parindex"
    verbose_name = "PAR Index"

    def ready(self) -> None:
        from parindex import signals  # noqa: F401  (connects the receivers)
