from django.apps import AppConfig


class BriefroomConfig(AppConfig):
    """The project itself, as an app only to adjust Django's admin once at start-up."""

    name = "briefroom"
    verbose_name = "Briefroom"

    def ready(self) -> None:
        from briefroom import admin_phrases

        admin_phrases.translate_boolean_icons()
