"""Write every thread as JSON Lines: a backup that `import_threads` restores exactly."""

import sys

from django.core.management.base import BaseCommand, CommandError

from questions.exporting import threads_export
from questions.models import TreatmentArea


class Command(BaseCommand):
    help = "Export threads as JSON Lines, one per line, ordered by source key."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--area", metavar="SLUG", help="Only threads in this treatment area.")

    def handle(self, *args, output, area, verbosity, **options):
        if area and not TreatmentArea.objects.filter(slug=area).exists():
            raise CommandError(f"No treatment area with the slug {area!r}.", returncode=2)
        count = 0
        handle = open(output, "w", encoding="utf-8") if output else self.stdout  # noqa: SIM115
        try:
            for line in threads_export(area=area):
                handle.write(line + "\n") if output else handle.write(line)
                count += 1
        finally:
            if output:
                handle.close()
        if verbosity and output:
            self.stderr.write(self.style.SUCCESS(f"Wrote {count:,} threads to {output}."))
        elif verbosity and not output and sys.stderr.isatty():
            self.stderr.write(f"{count:,} threads.")
