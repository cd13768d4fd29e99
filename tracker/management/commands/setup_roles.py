"""Create the Editor and Publisher groups with exactly their permissions (safe to re-run)."""

from django.core.management.base import BaseCommand

from tracker.editorial.roles import setup_roles


class Command(BaseCommand):
    help = "Create or reset the Editor and Publisher groups."

    def handle(self, **options):
        for name, group in setup_roles().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
