"""Creates or updates a user with a known password (for demos, tests and smoke runs)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Create a user, or update an existing one, with the given password and role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--agent", action="store_true", help="make the user an agent (staff)")
        parser.add_argument("--superuser", action="store_true", help="make the user a superuser")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user, created = get_user_model().objects.get_or_create(username=options["username"])
        user.set_password(options["password"])
        user.is_active = True
        user.is_staff = options["agent"] or options["superuser"]
        user.is_superuser = options["superuser"]
        user.first_name = options["first_name"] or user.first_name
        user.last_name = options["last_name"] or user.last_name
        user.email = options["email"] or user.email
        user.save()
        role = "superuser" if user.is_superuser else "agent" if user.is_staff else "requester"
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {role} {user.username!r}.")
