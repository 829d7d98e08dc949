from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "公开门户"

    def ready(self):
        # Logins are only observable through Django's auth signals.
        from axes.signals import user_locked_out
        from django.contrib.auth import signals
        from django.db.models.signals import post_delete, post_save

        from budgets import workflow
        from organizations.models import Department, Region

        from . import audit, page_cache, pages, pdf, rules  # noqa: F401  rules register with budgets.rules
        from .opendata import checksum, store

        # A version's checksum covers its open-data JSON, which the portal builds.
        workflow.register_checksum(checksum.content_checksum)
        # A version's page body is rendered once, at publication, from the portal's templates.
        workflow.register_renderer(pages.publication_body)
        # …and printed once, from that body, into the version's PDF.
        workflow.register_attachment(pdf.attach_pdf)
        # Its downloads and the data package are written once, after the publication commits.
        workflow.register_publication_hook(store.on_publication)
        # A correction changes the cached state of its document's older versions' pages.
        workflow.register_publication_hook(page_cache.forget_states)
        # The home page lists regions, departments and their latest published years: a
        # publication, or a region or department saved or deleted, renews it once committed.
        workflow.register_publication_hook(page_cache.home_changed)
        for model in (Region, Department):
            for signal, event in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(
                    page_cache.home_edited,
                    sender=model,
                    dispatch_uid=f"home-{model._meta.model_name}-{event}",
                )

        signals.user_logged_in.connect(audit.on_login, dispatch_uid="audit-login")
        signals.user_logged_out.connect(audit.on_logout, dispatch_uid="audit-logout")
        signals.user_login_failed.connect(audit.on_login_failed, dispatch_uid="audit-login-failed")
        user_locked_out.connect(audit.on_locked_out, dispatch_uid="audit-locked-out")
