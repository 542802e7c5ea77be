"""The Helm chart lints, renders with default and full values, and every manifest is valid."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import dockerfile
import pytest
import yaml
from conftest import CHART, REPO

import helm

CI_VALUES = sorted((CHART / "ci").glob("*-values.yaml"))
IMAGE_COMMAND = dockerfile.parse(REPO / "Dockerfile")[-1].all("CMD")[-1].exec_form()
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest schemas.
KUBERNETES_VERSIONS = ["1.25.0", "1.37.0"]


def values_of(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text()) or {}


def manifests(rendered: dict[str, str]) -> list[dict[str, Any]]:
    documents = []
    for path, text in rendered.items():
        if path.endswith(".yaml"):
            documents += [d for d in yaml.safe_load_all(text) if d]
    return documents


def by_kind(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in documents if d["kind"] == kind]


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict[str, Any]]]:
    return {f.name: manifests(helm.template(str(CHART), values_of(f))) for f in CI_VALUES}


def test_ci_values_cover_default_and_full_installs() -> None:
    assert [f.name for f in CI_VALUES] == ["default-values.yaml", "full-values.yaml"]


def test_chart_lints_strictly_with_its_own_defaults() -> None:
    assert helm.lint(str(CHART), {}, strict=True) == []


@pytest.mark.parametrize("values_file", CI_VALUES, ids=lambda f: f.name)
def test_chart_lints_strictly(values_file: Path) -> None:
    assert helm.lint(str(CHART), values_of(values_file), strict=True) == []


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("values_file", CI_VALUES, ids=lambda f: f.name)
def test_every_rendered_manifest_is_valid_kubernetes(
    values_file: Path, version: str, tmp_path: Path, venv_bin: Path
) -> None:
    rendered = helm.template(str(CHART), values_of(values_file), name="desk", namespace="support")
    files = []
    for path, text in rendered.items():
        if path.endswith(".yaml"):
            file = tmp_path / path.replace("/", "_")
            file.write_text(text)
            files.append(str(file))

    result = subprocess.run(
        [str(venv_bin / "kubernetes-validate"), "--strict", "--quiet", "-k", version, *files],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert len(files) >= 8


def test_the_validator_rejects_an_unknown_field(tmp_path: Path, venv_bin: Path) -> None:
    rendered = helm.template(str(CHART), values_of(CHART / "ci" / "default-values.yaml"))
    deployment = yaml.safe_load(rendered["service-desk/templates/deployment.yaml"])
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    file = tmp_path / "deployment.yaml"
    file.write_text(yaml.safe_dump(deployment))

    result = subprocess.run(
        [str(venv_bin / "kubernetes-validate"), "--strict", "--quiet", str(file)],
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0


def test_rendering_without_a_database_fails_with_a_clear_message() -> None:
    with pytest.raises(Exception, match=r"secrets\.databaseUrl"):
        helm.template(str(CHART), {"config": {"allowedHosts": ["desk.example.com"]}})


def test_rendering_without_a_host_fails_with_a_clear_message() -> None:
    with pytest.raises(Exception, match=r"config\.allowedHosts"):
        helm.template(str(CHART), {"secrets": {"databaseUrl": "postgres://u:p@db/sd"}})


@pytest.mark.parametrize(
    "override",
    [
        {"replicaCount": "two"},
        {"gunicorn": {"workers": "4"}},
        {"ingress": {"enabled": "yes"}},
        {"config": {"allowedHosts": "desk.example.com"}},
        {"service": {"port": 70000}},
        {"image": {"pullPolicy": "Sometimes"}},
        {"replicas": 3},
    ],
    ids=lambda o: yaml.safe_dump(o, default_flow_style=True).strip(),
)
def test_the_schema_rejects_wrong_values(override: dict[str, Any]) -> None:
    values = helm._merge(values_of(CHART / "ci" / "default-values.yaml"), override)

    problems = helm.lint(str(CHART), values, strict=True)

    assert any("schema" in p for p in problems), problems


def test_every_value_is_documented_by_a_comment() -> None:
    lines = (CHART / "values.yaml").read_text().splitlines()
    key = re.compile(r"^(\s*)(?:- )?([A-Za-z]\w*):(.*)$")
    documented: dict[int, bool] = {}
    undocumented = []
    for number, line in enumerate(lines):
        match = key.match(line)
        if not match:
            continue
        before = lines[number - 1] if number else ""
        previous = key.match(before)
        is_leaf = match.group(3).strip() != ""
        documented[number] = (
            before.strip().startswith("#")
            or "#" in match.group(3)
            # the first key of a block whose parent line is documented
            or bool(previous and not previous.group(3).strip() and documented.get(number - 1))
            # a plain value next to a documented sibling (cpu, then memory)
            or bool(
                previous
                and is_leaf
                and previous.group(3).strip()
                and len(previous.group(1)) <= len(match.group(1)) + 2
                and documented.get(number - 1)
            )
        )
        if not documented[number]:
            undocumented.append(f"values.yaml:{number + 1}: {line.strip()}")

    assert undocumented == []


def test_migrations_run_once_per_release_as_a_hook_before_the_pods(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    for documents in rendered.values():
        jobs = by_kind(documents, "Job")
        assert len(jobs) == 1
        annotations = jobs[0]["metadata"]["annotations"]
        assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
        command = " ".join(jobs[0]["spec"]["template"]["spec"]["containers"][0]["command"])
        assert "manage.py migrate --noinput" in command
        assert "manage.py createcachetable" in command
        deployment = by_kind(documents, "Deployment")[0]
        assert "helm.sh/hook" not in deployment["metadata"].get("annotations", {})
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert "migrate" not in " ".join(container.get("command", []) + container.get("args", []))


def test_the_job_reads_no_resource_that_a_pre_install_hook_cannot_see(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    for name, documents in rendered.items():
        hooks = {
            (d["kind"], d["metadata"]["name"])
            for d in documents
            if "helm.sh/hook" in d["metadata"].get("annotations", {})
        }
        job = by_kind(documents, "Job")[0]
        pod = job["spec"]["template"]["spec"]
        existing = yaml.safe_load((CHART / "ci" / name).read_text())["secrets"].get(
            "existingSecret", ""
        )
        for env in pod["containers"][0]["env"]:
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["name"] == existing or ("Secret", ref["name"]) in hooks
            assert "configMapKeyRef" not in env.get("valueFrom", {})
        assert "envFrom" not in pod["containers"][0]


def test_web_pods_probe_health_endpoints_and_run_hardened(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    for documents in rendered.values():
        pod = by_kind(documents, "Deployment")[0]["spec"]["template"]["spec"]
        container = pod["containers"][0]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
        assert container["command"] == IMAGE_COMMAND


def test_probes_name_an_allowed_host(rendered: dict[str, list[dict[str, Any]]]) -> None:
    for documents in rendered.values():
        allowed = by_kind(documents, "ConfigMap")[0]["data"]["ALLOWED_HOSTS"].split(",")
        container = by_kind(documents, "Deployment")[0]["spec"]["template"]["spec"]["containers"][0]
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            (header,) = container[probe]["httpGet"]["httpHeaders"]
            assert header["name"] == "Host"
            assert header["value"] in allowed


def test_pods_roll_when_settings_change() -> None:
    base = values_of(CHART / "ci" / "default-values.yaml")
    changed = helm._merge(base, {"config": {"logLevel": "DEBUG"}})

    def checksum(values: dict[str, Any]) -> str:
        deployment = yaml.safe_load(
            helm.template(str(CHART), values)["service-desk/templates/deployment.yaml"]
        )
        return deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    assert checksum(base) != checksum(changed)


def test_secrets_never_land_in_the_configmap(rendered: dict[str, list[dict[str, Any]]]) -> None:
    for documents in rendered.values():
        data = by_kind(documents, "ConfigMap")[0]["data"]
        assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} & set(data)


def test_existing_secret_replaces_the_chart_secret(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    full = rendered["full-values.yaml"]
    assert by_kind(full, "Secret") == []
    env = by_kind(full, "Deployment")[0]["spec"]["template"]["spec"]["containers"][0]["env"]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in env if "valueFrom" in e}
    assert refs["DATABASE_URL"] == {"name": "desk-app", "key": "uri"}


def test_configmap_keys_are_settings_the_app_reads(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    read = app_environment_variables()
    extra = set(values_of(CHART / "ci" / "full-values.yaml")["config"]["extra"])

    for documents in rendered.values():
        keys = set(by_kind(documents, "ConfigMap")[0]["data"]) - extra
        assert keys - read == set()


def app_environment_variables() -> set[str]:
    """Names of the environment variables that the settings and the gunicorn config read."""
    names: set[str] = set()
    for file in [REPO / "config" / "settings.py", REPO / "config" / "gunicorn.conf.py"]:
        text = file.read_text()
        names |= set(re.findall(r"""env_\w+\(\s*["']([A-Z][A-Z0-9_]*)["']""", text))
        names |= set(re.findall(r"""environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]*)["']""", text))
    return names


def django_deploy_check(values_file: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check --deploy` with the settings a release of these values gives the pods."""
    rendered = manifests(helm.template(str(CHART), values_of(values_file)))
    settings = by_kind(rendered, "ConfigMap")[0]["data"]
    env = {
        "PATH": os.environ["PATH"],
        **settings,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )


def test_a_production_release_passes_djangos_deployment_checklist(database_url: str) -> None:
    result = django_deploy_check(CHART / "ci" / "full-values.yaml", database_url)

    assert result.returncode == 0, result.stdout + result.stderr


def test_default_values_leave_only_the_hsts_scope_to_the_deployment_checklist(
    database_url: str,
) -> None:
    result = django_deploy_check(CHART / "ci" / "default-values.yaml", database_url)

    assert "System check identified" in result.stdout + result.stderr
    # Production defaults: HTTPS redirect, HSTS for a year and secure cookies behind the
    # ingress's X-Forwarded-Proto. Whether HSTS covers every subdomain, and preloading, are
    # the domain owner's call (config.hstsIncludeSubdomains, config.hstsPreload).
    assert set(re.findall(r"\(([\w.]+)\)", result.stdout + result.stderr)) <= {
        "security.W005",
        "security.W021",
    }, result.stdout + result.stderr
