"""Small explicit factories: each test says what it needs."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from tickets.models import Ticket

User = get_user_model()

PASSWORD = "Пароль-для-тестов-42"


def make_user(username: str = "requester", **overrides: Any) -> AbstractUser:
    """A requester unless told otherwise; the password is PASSWORD."""
    user = User(username=username, **overrides)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_agent(username: str = "agent", **overrides: Any) -> AbstractUser:
    return make_user(username, is_staff=True, **overrides)


def make_ticket(**overrides: Any) -> Ticket:
    values: dict[str, Any] = {"title": "Принтер не печатает", "description": ""}
    values.update(overrides)
    if "requester" not in values:
        values["requester"] = User.objects.filter(username="requester").first() or make_user()
    return Ticket.objects.create(**values)
