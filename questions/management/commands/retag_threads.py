"""Re-run keyword auto-tagging after staff change the keyword lists.

Only tags that auto-tagging set are replaced; tags staff set by hand stay.
"""

from django.core.management.base import BaseCommand

from questions.tagging import questions_retag


class Command(BaseCommand):
    help = "Re-apply treatment-area and procedure keywords to every thread."

    def handle(self, *args, verbosity, **options):
        report = questions_retag()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Re-tagged: {report}."))
