from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "名词解释"

    def ready(self):
        from . import rules, snapshots, workflow  # noqa: F401  register with budgets
