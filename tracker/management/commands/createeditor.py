"""Create an editor: a staff account that can add and change the tracker's content.

Editors can use the admin to add vendors, sources and deployments with their citations. They
cannot delete records or manage accounts; that stays with superusers.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

CONTENT_MODELS = [
    "citation",
    "deployment",
    "designation",
    "finding",
    "source",
    "technology",
    "vendor",
    "vendoralias",
]
READ_ONLY_MODELS = ["country"]


def editor_permissions():
    codenames = [
        f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "view")
    ]
    codenames += [f"view_{model}" for model in READ_ONLY_MODELS]
    return Permission.objects.filter(content_type__app_label="tracker", codename__in=codenames)


class Command(BaseCommand):
    help = "Create an editor account (staff, may add and change content in the admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Take the password from the EDITOR_PASSWORD environment variable.",
        )

    def handle(self, username, email, no_input, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists.")
        password = self.read_password(no_input)
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        user.user_permissions.set(editor_permissions())
        self.stdout.write(self.style.SUCCESS(f"Editor {username!r} created; sign in at /admin/."))

    def read_password(self, no_input):
        if no_input:
            password = os.environ.get("EDITOR_PASSWORD", "")
            if not password:
                raise CommandError("--no-input needs the password in EDITOR_PASSWORD.")
            return password
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
