from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "questions"
    verbose_name = "Questions and imports"

    def ready(self):
        from django.conf import settings

        from kbsite import pagecache, routers
        from questions import signals

        if settings.REPLICA_DATABASES:
            # First: no page is built from a replica that has not replayed the change
            # once the page cache below has moved on to the new data version.
            signals.threads_changed.connect(
                routers.note_primary_position, dispatch_uid="replica-position"
            )
        # Every write ends in threads_changed: cached pages move on to the new data.
        signals.threads_changed.connect(pagecache.data_changed, dispatch_uid="page-cache")
