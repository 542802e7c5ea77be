"""The OpenAPI schema, Swagger UI, the browsable API and the single-page app shell."""

import yaml
from django.test import Client


def test_schema_is_yaml_by_default(db):
    response = Client().get("/api/schema")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/tickets/{id}" in schema["paths"]


def test_schema_is_json_when_asked(db):
    response = Client().get("/api/schema", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()["paths"]) >= {"/api/tickets", "/api/ticket", "/api/auth/token"}


def test_schema_documents_the_status_enum(db):
    schema = Client().get("/api/schema", HTTP_ACCEPT="application/json").json()

    assert schema["components"]["schemas"]["TicketStatusEnum"]["enum"] == [
        "new",
        "in_progress",
        "on_hold",
        "resolved",
        "closed",
    ]


def test_swagger_ui_is_served_without_a_cdn(db):
    response = Client().get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_browsable_api_renders_html_for_a_logged_in_user(agent):
    client = Client()
    client.force_login(agent)

    response = client.get("/api/tickets", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert b"Ticket" in response.content


def test_each_view_answers_a_common_accept_header_with_its_own_renderer(agent):
    client = Client()
    client.force_login(agent)

    # Twice each, in turns: the second answer comes from the kept negotiation.
    types = [
        client.get(path, HTTP_ACCEPT=accept)["Content-Type"]
        for _ in range(2)
        for path, accept in [
            ("/api/tickets", "*/*"),
            ("/api/schema", "*/*"),
            ("/api/tickets", "application/json"),
            ("/api/schema", "application/json"),
        ]
    ]

    assert [kind.split(";")[0] for kind in types] == 2 * [
        "application/json",
        "application/vnd.oai.openapi",
        "application/json",
        "application/json",
    ]


def test_the_format_parameter_overrides_a_common_accept_header(agent):
    client = Client()
    client.force_login(agent)

    client.get("/api/tickets", HTTP_ACCEPT="*/*")
    response = client.get("/api/tickets?format=api", HTTP_ACCEPT="*/*")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_an_accept_header_nothing_can_answer_is_refused(agent):
    client = Client()
    client.force_login(agent)

    response = client.get("/api/tickets", HTTP_ACCEPT="application/xml")

    assert response.status_code == 406


def test_spa_routes_fall_back_to_the_app_shell(db, settings, tmp_path):
    (tmp_path / "index.html").write_text("<div id=app></div>", encoding="utf-8")
    settings.FRONTEND_DIST = tmp_path

    responses = [Client().get(path) for path in ["/", "/tickets/42", "/login"]]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert all(r.content == b"<div id=app></div>" for r in responses)
    assert "csrftoken" in responses[0].cookies


def test_missing_bundle_shows_how_to_build_it(db, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path

    response = Client().get("/")

    assert response.status_code == 200
    assert b"make run" in response.content


def test_admin_paths_are_not_swallowed_by_the_app(db):
    response = Client().get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_schema_documents_conflicts_and_json_errors(db):
    schema = Client().get("/api/schema", HTTP_ACCEPT="application/json").json()
    patch = schema["paths"]["/api/tickets/{id}"]["patch"]["responses"]
    create = schema["paths"]["/api/tickets"]["post"]["responses"]

    assert patch["412"]["content"]["application/json"]["schema"]["$ref"].endswith("/Ticket")
    assert create["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert {"400", "401", "403", "404", "429", "503"} <= set(create)


def test_schema_documents_that_large_counts_are_estimates(db):
    schema = Client().get("/api/schema", HTTP_ACCEPT="application/json").json()
    page = schema["components"]["schemas"]["PaginatedTicketList"]["properties"]

    assert page["count_exact"]["type"] == "boolean"
    assert "estimate" in page["count"]["description"]
