from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "名词解释"

    def ready(self):
        from . import rules  # noqa: F401  registers the glossary's consistency rule
