"""Make someone a curator: staff who can curate in the admin, not a superuser.

Curators change threads, answers, doctors and tags and read the import history; what
exactly is set by the `Curators` group (answers/migrations/0002_curators_group.py).
Running it again for the same address is safe: it makes sure the account is a curator.

The password is set in the same step: typed twice at a terminal (never echoed, never in
the shell's history), or read from standard input by a script (`--password-stdin`).
Django's password validators judge it either way.
"""

import sys
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

GROUP = "Curators"
# A person at a terminal gets this many tries; a typo twice is common, ten times is not.
TRIES = 3


class Command(BaseCommand):
    help = "Create a staff, non-superuser account in the Curators group (or make one so)."
    # Tests (and callers of call_command) hand in their own standard input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("email", help="The curator's email address, also their login.")
        given = parser.add_mutually_exclusive_group()
        given.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input (for scripts).",
        )
        given.add_argument(
            "--password",
            help="Their password. Beware: shells keep a history; prefer the prompt.",
        )
        given.add_argument(
            "--no-input",
            action="store_true",
            help="Ask nothing: a new account gets no password until someone sets one.",
        )

    def handle(self, *args, email, password, password_stdin, no_input, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address.") from error
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist as error:
            raise CommandError(f"No {GROUP} group: run `manage.py migrate` first.") from error

        User = get_user_model()
        stdin = options.get("stdin") or sys.stdin
        with transaction.atomic():
            user = User.objects.filter(username__iexact=email).first()
            created = user is None
            if created:
                user = User(username=email, email=email)
            elif user.is_superuser:
                raise CommandError(
                    f"{email} is a superuser; a curator has fewer rights. Nothing changed."
                )
            if password_stdin:
                password = self.read_password(stdin, user)
            elif password is not None:
                self.check_password(password, user)
            elif not no_input and stdin.isatty() and (created or not user.has_usable_password()):
                # New (or never given a password): ask now rather than send them to a
                # second command.
                password = self.ask_password(user)
            if password is not None:
                user.set_password(password)
            elif created:
                user.set_unusable_password()
            user.is_staff = True
            user.is_active = True
            user.save()
            user.groups.add(group)

        verb = "Created curator" if created else "Made existing account a curator:"
        self.stdout.write(self.style.SUCCESS(f"{verb} {email}."))
        if not user.has_usable_password():
            self.stdout.write(
                f"They cannot log in yet: run this again at a terminal to type a password, "
                f"pipe one to `--password-stdin`, or run "
                f"`python manage.py changepassword {email}`."
            )

    @staticmethod
    def check_password(password, user):
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

    def read_password(self, stdin, user):
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("No password on standard input (--password-stdin).")
        self.check_password(password, user)
        return password

    def ask_password(self, user):
        for _ in range(TRIES):
            password = getpass("Password: ")
            if password != getpass("Password (again): "):
                self.stderr.write("The two passwords did not match; try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError(f"No password set after {TRIES} tries. Nothing changed.")
