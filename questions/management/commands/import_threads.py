"""Load scraped thread files (or our own .jsonl exports) into the knowledge base.

Operators run this as often as the scraper brings files: unchanged files are skipped,
changed ones update their thread without touching staff work, bad ones are reported
one per line on stderr and never stop the others. The work is in
questions.importing.threads_import.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from questions.importing import ImportPathError, Outcome, Shard, threads_import
from questions.models import Question

# Below this many files a progress bar is noise.
PROGRESS_MIN_FILES = 300


class Command(BaseCommand):
    help = "Import scraped thread files: files, directories (every *.txt below) or globs."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report everything; write nothing."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds threads (used by `make run`).",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Files per transaction.")
        parser.add_argument(
            "--shard",
            metavar="K/N",
            help="Import only the K-th of N slices of the files (by a stable hash of each "
            "file name), so that N runs, on one machine or several, share a corpus.",
        )

    def handle(self, *args, paths, dry_run, if_empty, batch_size, shard, verbosity, **options):
        try:
            shard = Shard.parse(shard) if shard else None
        except ValueError as exc:
            raise CommandError(f"--shard {exc}", returncode=2) from exc
        if if_empty and Question.objects.exists():
            if verbosity:
                self.stdout.write("The database already holds threads; nothing imported.")
            return
        progress = None
        failed = []

        def on_start(total):
            nonlocal progress
            # A bar only for people watching a terminal, and only when there is a wait;
            # at -v 2 the line of each file shows the progress.
            if verbosity == 1 and total >= PROGRESS_MIN_FILES and sys.stderr.isatty():
                from tqdm import tqdm

                progress = tqdm(total=total, unit="file", file=sys.stderr, leave=False)

        def on_result(result):
            if progress:
                progress.update(1)
            if result.outcome == Outcome.FAILED:
                where = f"{result.path}:{result.line}" if result.line else result.path
                line = f"{where}: {result.message}"
                failed.append(line)
                self.stderr.write(self.style.ERROR(line))
            elif verbosity >= 2:
                self.stdout.write(result.report())

        try:
            summary = threads_import(
                paths=list(paths),
                dry_run=dry_run,
                arguments=sys.argv[2:] if sys.argv[1:2] == ["import_threads"] else list(paths),
                on_result=on_result,
                on_start=on_start,
                batch_size=batch_size,
                shard=shard,
            )
        except ImportPathError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        finally:
            if progress:
                progress.close()

        if verbosity:
            noun = "files" if not any(p.endswith(".jsonl") for p in paths) else "threads"
            line = ("Dry run, nothing written. " if dry_run else "") + summary.line(noun)
            extras = []
            if summary.incomplete:
                extras.append(summary.incomplete_note())
            if summary.duplicate_paths:
                extras.append(f"{summary.duplicate_paths:,} duplicate paths ignored")
            if extras:
                line += f" [{', '.join(extras)}]"
            style = self.style.ERROR if failed else self.style.SUCCESS
            self.stdout.write(style(line))
        if failed:
            raise CommandError(f"{len(failed):,} failed; see the lines above.", returncode=1)
