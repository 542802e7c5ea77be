"""The seeded accounts: agents `agent001`… and requesters `user0001`…, one password for all."""

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from random import Random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import CommandError

from tickets.models import is_agent

from .vocabulary import person

User = get_user_model()

SEEDED_USERNAME = re.compile(r"^(agent\d{3,}|user\d{4,})$")
USER_FIELDS = ("password", "first_name", "last_name", "email", "is_staff", "is_active")


class Names:
    """Usernames of the seeded agents and requesters."""

    def __init__(self, agents: int, requesters: int) -> None:
        self.agents = [f"agent{n:03d}" for n in range(1, agents + 1)]
        self.requesters = [f"user{n:04d}" for n in range(1, requesters + 1)]
        self.all = self.agents + self.requesters


@dataclass
class People:
    """Ids of the seeded users, the names that requesters sign their tickets with, and how many
    accounts this run created, and left as they were."""

    agents: list[int]
    requesters: list[int]
    names: dict[int, str]
    created: int = 0
    kept: int = 0


def generate_password() -> str:
    """A password for one run's seeded accounts: nobody knows it until the run prints it."""
    return secrets.token_urlsafe(12)


def seed_accounts(
    *,
    names: Names,
    password: str,
    seed: int,
    since: datetime,
    refresh: bool,
    generated: bool = False,
) -> People:
    """Creates the seeded users that are missing, with `password` (hashed once, for all) and the
    names the seed gives them. The existing ones are reused: with `refresh` (a reset) they get
    that password, those names and their role again; without it they stay exactly as they are,
    and an existing agent name that is not an agent's account stops the run. A `generated`
    password matches no existing hash: checking one would cost a second slow hashing."""
    rng = Random(f"{seed}:people")
    existing = {user.username: user for user in User.objects.filter(username__in=names.all)}
    if not refresh:
        not_agents = [n for n in names.agents if n in existing and not is_agent(existing[n])]
        if not_agents:
            raise CommandError(
                f"{', '.join(not_agents[:5])} exist but are not active staff accounts, and "
                "seeded tickets would be assigned to them. Without --reset existing accounts "
                "are never changed: pass --reset, or fewer --agents."
            )
    hashed = ""  # needed only for accounts to create or refresh
    if refresh or len(existing) < len(names.all):
        hashes = [u.password for u in existing.values()] if refresh and not generated else []
        hashed = password_hash(password, hashes)
    missing: list[Any] = []
    changed: list[Any] = []
    rehashed: list[Any] = []
    for username in names.all:
        # Every name is drawn, used or not, so that each account's name depends on the seed only.
        first, last = person(rng)
        user = existing.get(username)
        if user is not None and not refresh:
            continue
        email, staff = f"{username}@example.com", username.startswith("agent")
        wanted = (hashed, first, last, email, staff, True)
        if user is None:
            user = User(username=username, date_joined=since)
            missing.append(user)
        else:
            have = tuple(getattr(user, name) for name in USER_FIELDS)
            if have == wanted:
                continue
            # A new password is the usual change: one UPDATE for all, not a CASE per account.
            (rehashed if have[1:] == wanted[1:] else changed).append(user)
        for name, value in zip(USER_FIELDS, wanted, strict=True):
            setattr(user, name, value)
    User.objects.bulk_create(missing, batch_size=1000)
    User.objects.filter(pk__in=[user.pk for user in rehashed]).update(password=hashed)
    User.objects.bulk_update(changed, USER_FIELDS, batch_size=1000)
    rows = User.objects.filter(username__in=names.all).values_list(
        "pk", "username", "first_name", "last_name"
    )
    ids, full_names = {}, {}
    for pk, username, first, last in rows:
        ids[username] = pk
        full_names[pk] = f"{first} {last}".strip() or username
    return People(
        agents=[ids[name] for name in names.agents],
        requesters=[ids[name] for name in names.requesters],
        names=full_names,
        created=len(missing),
        kept=0 if refresh else len(existing),
    )


def delete_seeded_users(*, keep: set[str]) -> None:
    """Deletes the seeded users (by their names' pattern) but those in `keep`, which the run
    reuses: deleting thousands one by one, as the signals that forget cached copies require,
    is slow."""
    seeded = [
        pk
        for pk, username in User.objects.values_list("pk", "username")
        if SEEDED_USERNAME.match(username) and username not in keep
    ]
    for start in range(0, len(seeded), 500):
        User.objects.filter(pk__in=seeded[start : start + 500]).delete()


def password_hash(password: str, hashes: Sequence[str]) -> str:
    """The hash the seeded users already share when it matches `password`, else a new one: an
    unchanged hash leaves them nothing to update. PBKDF2 is slow on purpose, so all accounts
    share one hash rather than hash the password thousands of times."""
    if hashes and len(set(hashes)) == 1 and check_password(password, hashes[0]):
        return hashes[0]
    return make_password(password)
