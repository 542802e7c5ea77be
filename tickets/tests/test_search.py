"""Search: case-insensitive substring in title or description, Cyrillic included, or an id."""

import pytest

from .factories import make_ticket


def found(client, text):
    response = client.get("/api/tickets", {"search": text})
    assert response.status_code == 200
    return sorted(t["id"] for t in response.json()["results"])


def test_lowercase_cyrillic_finds_capitalised_title(agent_client):
    printer = make_ticket(title="Принтер не печатает")
    make_ticket(title="Сканер")

    assert found(agent_client, "принтер") == [printer.pk]


def test_uppercase_cyrillic_finds_lowercase_text(agent_client):
    ticket = make_ticket(title="Почта", description="не приходят письма от ёжика")

    assert found(agent_client, "ПИСЬМА ОТ ЁЖИКА") == [ticket.pk]


def test_search_matches_latin_text_in_any_case(agent_client):
    vpn = make_ticket(title="VPN drops every hour")

    assert found(agent_client, "vpn DROPS") == [vpn.pk]


def test_search_finds_words_inside_description(agent_client):
    ticket = make_ticket(title="Ноутбук", description="Батарея садится за час")
    make_ticket(title="Ноутбук", description="Трещина на экране")

    assert found(agent_client, "садится") == [ticket.pk]


def test_search_follows_an_edit_of_the_text(agent_client):
    ticket = make_ticket(title="Монитор", description="Мерцает экран")

    response = agent_client.patch(
        f"/api/tickets/{ticket.pk}", {"description": "Гудит БЛОК питания"}, format="json"
    )

    assert response.status_code == 200
    assert found(agent_client, "блок питания") == [ticket.pk]
    assert found(agent_client, "мерцает") == []


def test_search_for_a_number_finds_ticket_with_that_id(agent_client):
    make_ticket(title="Первый")
    target = make_ticket(title="Второй")

    assert target.pk in found(agent_client, str(target.pk))
    assert found(agent_client, f"#{target.pk}") == [target.pk]


def test_search_for_a_number_also_finds_it_in_text(agent_client):
    by_text = make_ticket(title="Кабинет 4242 без света")

    assert found(agent_client, "4242") == [by_text.pk]


def test_search_treats_wildcards_literally(agent_client):
    percent = make_ticket(title="Скидка 100% не применяется")
    make_ticket(title="Скидка 1000 рублей")

    assert found(agent_client, "100%") == [percent.pk]
    assert found(agent_client, "_") == []


def test_blank_search_returns_everything(agent_client):
    make_ticket()
    make_ticket()

    assert len(found(agent_client, "   ")) == 2


def test_huge_number_search_does_not_fail(agent_client):
    make_ticket()

    assert found(agent_client, "9" * 40) == []


def test_title_matches_rank_before_description_matches(agent_client):
    in_title = make_ticket(title="Принтер не печатает")
    make_ticket(title="Кабинет 12", description="там стоит принтер")
    make_ticket(title="Ещё один", description="и тут принтер")

    response = agent_client.get("/api/tickets", {"search": "принтер"})

    assert response.json()["results"][0]["id"] == in_title.pk


def test_explicit_ordering_wins_over_ranking(agent_client):
    older = make_ticket(title="Принтер")
    newer = make_ticket(title="Кабинет", description="принтер")

    response = agent_client.get("/api/tickets", {"search": "принтер", "ordering": "-created_at"})

    assert [t["id"] for t in response.json()["results"]] == [newer.pk, older.pk]


def test_ranked_search_pages_hold_every_match_once(agent_client, settings, monkeypatch):
    monkeypatch.setattr("tickets.pagination.RANK_WINDOW", 4)
    tickets = [
        make_ticket(title="Принтер" if i % 3 == 0 else "Сканер", description="принтер")
        for i in range(11)
    ]

    seen = []
    for page in (1, 2, 3, 4):
        body = agent_client.get(
            "/api/tickets", {"search": "принтер", "page_size": 3, "page": page}
        ).json()
        seen += [t["id"] for t in body["results"]]

    assert sorted(seen) == sorted(t.pk for t in tickets)
    assert body["next"] is None


def test_equally_good_matches_come_newest_first(agent_client):
    tickets = [make_ticket(title=f"Принтер {i}") for i in range(4)]

    response = agent_client.get("/api/tickets", {"search": "принтер"})

    assert [t["id"] for t in response.json()["results"]] == [t.pk for t in reversed(tickets)]


def test_a_search_with_few_matches_counts_them_exactly_and_names_its_last_page(agent_client):
    make_ticket(title="Сканер")
    for i in range(7):
        make_ticket(title=f"Принтер {i}")

    first = agent_client.get("/api/tickets", {"search": "принтер", "page_size": 3})
    last = agent_client.get("/api/tickets", {"search": "принтер", "page_size": 3, "page": 3})
    past = agent_client.get("/api/tickets", {"search": "принтер", "page_size": 3, "page": 4})

    assert (first.json()["count"], first.json()["count_exact"]) == (7, True)
    assert len(last.json()["results"]) == 1 and last.json()["next"] is None
    assert past.status_code == 400
    assert past.json() == {"page": ["There is no page 4: the last page is 3."]}


def test_a_search_without_matches_is_an_empty_first_page(agent_client):
    make_ticket(title="Сканер")

    body = agent_client.get("/api/tickets", {"search": "принтер"}).json()

    assert (body["count"], body["count_exact"], body["results"]) == (0, True, [])


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Принтер не печатает", "принтеры"),
        ("Не работают принтеры", "принтер"),
        ("Printer is jammed", "printers"),
        ("Two printers are offline", "printer"),
    ],
)
def test_search_finds_word_forms(agent_client, text, query):
    ticket = make_ticket(title=text)

    assert found(agent_client, query) == [ticket.pk]


def test_word_forms_are_found_in_descriptions_too(agent_client):
    ticket = make_ticket(title="Офис", description="Сломались мониторы в переговорной")

    assert found(agent_client, "монитор") == [ticket.pk]
