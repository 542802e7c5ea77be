"""Creates the first admin account when there is none yet."""

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the first superuser if none exists. Reads ADMIN_USERNAME (default 'admin'), "
        "ADMIN_PASSWORD (generated and printed once when unset) and ADMIN_EMAIL."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already; nothing to do.")
            return
        username = os.environ.get("ADMIN_USERNAME", "admin")
        password = os.environ.get("ADMIN_PASSWORD", "")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser(
            username=username, email=os.environ.get("ADMIN_EMAIL", ""), password=password
        )
        if generated:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created admin account {username!r} with password {password!r}. "
                    "It is shown only this once: note it down."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Created admin account {username!r}."))
