"""Create an editorial account in a role: an editor (writes, submits for review) or a
publisher (also publishes, unpublishes and retracts). See tracker.editorial.roles.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tracker.editorial.roles import EDITOR, PUBLISHER, setup_roles


class Command(BaseCommand):
    help = "Create an editor or publisher account (staff, in the matching group)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--role",
            choices=["editor", "publisher"],
            default="editor",
            help="editor: writes and submits; publisher: also publishes and retracts.",
        )
        parser.add_argument(
            "--no-input",
            action="store_true",
            help="Take the password from the EDITOR_PASSWORD environment variable.",
        )

    def handle(self, username, email, no_input, role, **options):
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
        group = setup_roles()[PUBLISHER if role == "publisher" else EDITOR]
        user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(f"{group.name} {username!r} created; sign in at /admin/.")
        )

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
