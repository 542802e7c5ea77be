"""Management commands for the first admin account and scripted users."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

User = get_user_model()


def test_bootstrap_admin_creates_an_admin_and_prints_the_password_once(db, capsys, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)

    call_command("bootstrap_admin")
    first = capsys.readouterr().out
    call_command("bootstrap_admin")
    second = capsys.readouterr().out

    admin = User.objects.get(username="admin")
    password = first.split("with password ")[1].split("'")[1]
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(password)
    assert "already" in second
    assert password not in second


def test_bootstrap_admin_takes_credentials_from_the_environment(db, capsys, monkeypatch):
    monkeypatch.setenv("ADMIN_USERNAME", "root")
    monkeypatch.setenv("ADMIN_PASSWORD", "Секрет-из-окружения")

    call_command("bootstrap_admin")

    assert User.objects.get(username="root").check_password("Секрет-из-окружения")
    assert "Секрет" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("flags", "staff", "superuser"),
    [([], False, False), (["--agent"], True, False), (["--superuser"], True, True)],
)
def test_ensure_user_creates_each_role(db, flags, staff, superuser):
    call_command("ensure_user", "maria", "--password", "pw-123456", *flags)

    user = User.objects.get(username="maria")
    assert (user.is_staff, user.is_superuser) == (staff, superuser)
    assert user.check_password("pw-123456")


def test_ensure_user_updates_an_existing_user(db):
    call_command("ensure_user", "maria", "--password", "old-password", "--agent")

    call_command("ensure_user", "maria", "--password", "new-password", "--first-name", "Мария")

    user = User.objects.get(username="maria")
    assert user.check_password("new-password")
    assert (user.first_name, user.is_staff) == ("Мария", False)


def test_ensure_user_takes_a_password_that_starts_with_a_dash(db):
    # Generated passwords (secrets.token_urlsafe) start with "-" one time in 64; the
    # scripts pass them as --password=VALUE so argparse cannot read them as an option.
    call_command("ensure_user", "maria", "--password=-Zq3_random")

    assert User.objects.get(username="maria").check_password("-Zq3_random")
