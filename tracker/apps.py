from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Surveillance export tracker"

    def ready(self):
        from . import signals  # noqa: F401 - connects the search-index receivers
