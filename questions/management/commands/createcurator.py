"""Make someone a curator: staff who can curate in the admin, not a superuser.

Curators change threads, answers, doctors and tags and read the import history; what
exactly is set by the `Curators` group (answers/migrations/0002_curators_group.py).
Running it again for the same address is safe: it makes sure the account is a curator.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

GROUP = "Curators"


class Command(BaseCommand):
    help = "Create a staff, non-superuser account in the Curators group (or make one so)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The curator's email address, also their login.")
        parser.add_argument(
            "--password",
            help=(
                "Their password. Without it the account cannot log in until someone runs "
                "`manage.py changepassword EMAIL`. Beware: shells keep a history."
            ),
        )

    def handle(self, *args, email, password, **options):
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
        with transaction.atomic():
            user = User.objects.filter(username__iexact=email).first()
            created = user is None
            if created:
                user = User(username=email, email=email)
            elif user.is_superuser:
                raise CommandError(
                    f"{email} is a superuser; a curator has fewer rights. Nothing changed."
                )
            if password is not None:
                try:
                    validate_password(password, user)
                except ValidationError as error:
                    raise CommandError(" ".join(error.messages)) from error
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
                f"They cannot log in yet: set a password with "
                f"`python manage.py changepassword {email}`."
            )
