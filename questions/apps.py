from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "questions"
    verbose_name = "Questions and imports"

    def ready(self):
        from kbsite import pagecache
        from questions import signals

        # Every write ends in threads_changed: cached pages move on to the new data.
        signals.threads_changed.connect(pagecache.data_changed, dispatch_uid="page-cache")
