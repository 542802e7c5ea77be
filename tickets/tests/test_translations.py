"""Human labels and messages come in Russian first, English second."""

import pytest
from django.utils import translation

from tickets.models import Ticket

from .conftest import english_client


@pytest.mark.parametrize(
    ("language", "status_labels", "priority_labels"),
    [
        (
            "ru",
            ["Новое", "В работе", "Приостановлено", "Решено", "Закрыто"],
            ["Низкий", "Средний", "Высокий", "Критический"],
        ),
        (
            "en",
            ["New", "In progress", "On hold", "Resolved", "Closed"],
            ["Low", "Medium", "High", "Critical"],
        ),
    ],
)
def test_status_and_priority_labels_are_translated(language, status_labels, priority_labels):
    with translation.override(language):
        assert [str(label) for label in Ticket.Status.labels] == status_labels
        assert [str(label) for label in Ticket.Priority.labels] == priority_labels


def test_requester_gets_the_permission_message_in_russian(requester):
    client = english_client(requester)

    response = client.get("/api/users", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.json() == {"detail": "Этот раздел доступен только агентам."}
