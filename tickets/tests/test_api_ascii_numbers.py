"""Ids, page numbers and versions are ASCII digits: other scripts' digits are no number."""

import pytest

from .factories import make_ticket


@pytest.mark.parametrize("path", ["²", "١", "１", "9" * 30, "9" * 5000])
@pytest.mark.parametrize("suffix", ["", "/history", "/comments"])
def test_an_id_in_other_digits_is_not_found(agent_client, path, suffix):
    make_ticket()

    response = agent_client.get(f"/api/tickets/{path}{suffix}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("value", ["²", "١", "１"])
def test_a_user_id_in_other_digits_is_a_400(agent_client, value):
    response = agent_client.get("/api/tickets", {"assignee": value})

    assert response.status_code == 400
    assert response.json() == {"assignee": ["Expected a user id or one of: me, none."]}


@pytest.mark.parametrize("tag", ['"1', '1"', '"' + "9" * 5000 + '"', '"²"', 'W/"１"'])
def test_an_if_match_that_names_no_version_never_matches(agent_client, tag):
    ticket = make_ticket()

    response = agent_client.patch(
        f"/api/tickets/{ticket.pk}", {"title": "Сканер"}, format="json", HTTP_IF_MATCH=tag
    )

    assert response.status_code == 412
    ticket.refresh_from_db()
    assert ticket.title == "Принтер не печатает"


def test_the_last_day_of_the_calendar_is_a_valid_bound(agent_client):
    ticket = make_ticket()

    response = agent_client.get("/api/tickets", {"created_before": "9999-12-31"})

    assert response.status_code == 200
    assert [t["id"] for t in response.json()["results"]] == [ticket.pk]
