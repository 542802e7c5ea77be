"""Deleted tickets: kept with their history, listed for agents, restorable with the same id."""

from tickets.models import TicketChange

from .factories import make_ticket


def test_agent_lists_deleted_tickets(agent_client):
    kept = make_ticket(title="Остаётся")
    gone = make_ticket(title="Удалён")
    agent_client.delete(f"/api/tickets/{gone.pk}")

    deleted = agent_client.get("/api/tickets/deleted").json()
    alive = agent_client.get("/api/tickets").json()

    assert [t["id"] for t in deleted["results"]] == [gone.pk]
    assert [t["id"] for t in alive["results"]] == [kept.pk]


def test_restore_brings_back_the_same_ticket_with_its_history(agent_client):
    ticket = make_ticket(title="Вернуть меня")
    agent_client.patch(f"/api/tickets/{ticket.pk}", {"status": "on_hold"}, format="json")
    agent_client.delete(f"/api/tickets/{ticket.pk}")

    response = agent_client.post(f"/api/tickets/{ticket.pk}/restore")

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"]) == (ticket.pk, "on_hold")
    assert agent_client.get(f"/api/tickets/{ticket.pk}").status_code == 200
    assert TicketChange.objects.filter(ticket=ticket).count() == 3
    assert agent_client.get("/api/tickets/deleted").json()["count"] == 0


def test_restoring_a_ticket_that_is_not_deleted_changes_nothing(agent_client):
    ticket = make_ticket()

    response = agent_client.post(f"/api/tickets/{ticket.pk}/restore")

    assert response.status_code == 200
    assert response.json()["version"] == 1


def test_restoring_a_ticket_that_never_existed_is_404(agent_client):
    assert agent_client.post("/api/tickets/987654/restore").status_code == 404


def test_requesters_cannot_list_or_restore_deleted_tickets(
    agent_client, requester_client, requester
):
    ticket = make_ticket(requester=requester)
    agent_client.delete(f"/api/tickets/{ticket.pk}")

    listing = requester_client.get("/api/tickets/deleted")
    restore = requester_client.post(f"/api/tickets/{ticket.pk}/restore")

    assert (listing.status_code, restore.status_code) == (403, 403)
    assert requester_client.get(f"/api/tickets/{ticket.pk}").status_code == 404


def test_deleted_ticket_is_404_everywhere_else(agent_client):
    ticket = make_ticket()
    agent_client.delete(f"/api/tickets/{ticket.pk}")

    statuses = [
        agent_client.get(f"/api/tickets/{ticket.pk}").status_code,
        agent_client.get(f"/api/tickets/{ticket.pk}/history").status_code,
        agent_client.patch(f"/api/tickets/{ticket.pk}", {"title": "x"}, format="json").status_code,
        agent_client.delete(f"/api/tickets/{ticket.pk}").status_code,
    ]

    assert statuses == [404, 404, 404, 404]
    assert agent_client.get("/api/tickets", {"search": str(ticket.pk)}).json()["count"] == 0
