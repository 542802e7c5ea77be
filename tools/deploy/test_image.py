"""What the image contains works: its build steps replayed without Docker, then served.

No Docker engine runs here, so the Dockerfile itself is read and replayed in a temporary
folder standing in for the image's root: a fresh venv from requirements.txt (the image's pip
command), the SPA built from a clean copy of frontend/ with `npm ci && npm run build` (or the
current frontend/dist when it is newer than every source), only the files the final stage
COPYs (minus .dockerignore), `collectstatic` with the RUN line's own throwaway settings, then
the compose migrate command and the image's CMD (gunicorn with config/gunicorn.conf.py) run
as a non-root user on a read-only code tree, on a fresh database next to the one in
DATABASE_URL (tools/fresh-db; `make test-deploy` starts the embedded server when it is unset).
HTTP checks go to that server.
"""

import gzip
import json
import os
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dockerfile
import pytest
import yaml
from conftest import REPO

STAGES = {stage.name: stage for stage in dockerfile.parse(REPO / "Dockerfile")}
FINAL = dockerfile.parse(REPO / "Dockerfile")[-1]
IGNORE = dockerfile.ignore_patterns(REPO / ".dockerignore")
HOST = "service-desk.example.com"
APP_UID = int(FINAL.all("USER")[0].arguments.split(":")[0])
FRONTEND_DIST = REPO / "frontend" / "dist"


@dataclass
class Image:
    """The replayed image: its root folder, the server's address, and the run environment."""

    root: Path
    workdir: Path
    url: str
    env: dict[str, str]
    log: Path
    user: list[str]


def image_path(root: Path, path: str, workdir: Path) -> Path:
    """Where an image path lands under the stand-in root."""
    return root / path.lstrip("/") if path.startswith("/") else workdir / path


def map_paths(command: str, root: Path) -> str:
    """Points the absolute image paths in a RUN command at the stand-in root."""
    return re.sub(r"(?<![\w.~-])/(opt|build|app|tmp)(?=/|\b)", rf"{root}/\1", command)


def copy_context(source: str, destination: str, root: Path, workdir: Path) -> None:
    """COPY from the build context, leaving out what .dockerignore excludes."""
    src = REPO / source.rstrip("/")
    target = image_path(root, destination, workdir)
    if src.is_file():
        if destination.endswith("/") or destination in {".", "./"}:
            target = target / src.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        return
    for path in sorted(src.rglob("*")):
        relative = path.relative_to(REPO).as_posix()
        if path.is_dir() or dockerfile.ignored(REPO / ".dockerignore", relative, IGNORE):
            continue
        file_target = target / path.relative_to(src)
        file_target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, file_target)


def run(command: str, cwd: Path, env: dict[str, str], timeout: int = 300) -> None:
    result = subprocess.run(
        ["sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def base_env(root: Path, stage: dockerfile.Stage, bin_dir: Path) -> dict[str, str]:
    """The stage's ENV on top of a minimal host environment, its paths mapped to the root."""
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "HOME": str(root / "tmp"),
        "LANG": "C.UTF-8",
    }
    for key, value in stage.env().items():
        env[key] = map_paths(value.replace("$PATH", env["PATH"]), root)
    # The host's download caches and package index settings: the image build would have its own.
    env["NPM_CONFIG_CACHE"] = os.environ.get("NPM_CONFIG_CACHE", str(Path.home() / ".npm"))
    for key in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def frontend_sources_are_older_than_dist() -> bool:
    index = FRONTEND_DIST / "index.html"
    if not index.exists():
        return False
    built = index.stat().st_mtime
    for path in (REPO / "frontend").rglob("*"):
        relative = path.relative_to(REPO / "frontend").parts
        if relative[0] in {"node_modules", "dist", "test-results", "playwright-report", "e2e"}:
            continue
        if path.is_file() and path.stat().st_mtime > built:
            return False
    return True


def build(root: Path, python_bin: Path) -> None:
    """Replays the three stages of the Dockerfile under `root`."""
    frontend = STAGES["frontend"]
    frontend_dir = image_path(root, frontend.all("WORKDIR")[-1].arguments, root)
    if frontend_sources_are_older_than_dist():
        shutil.copytree(FRONTEND_DIST, frontend_dir / "dist")
    else:
        env = base_env(root, frontend, python_bin)
        for instruction in frontend.instructions:
            if instruction.keyword == "COPY":
                *sources, destination = instruction.arguments.split()
                for source in sources:
                    copy_context(source, destination, root, frontend_dir)
            elif instruction.keyword == "RUN":
                run(map_paths(instruction.arguments, root), frontend_dir, env, timeout=600)

    deps = STAGES["python-deps"]
    env = base_env(root, deps, python_bin)
    for instruction in deps.instructions:
        if instruction.keyword == "COPY":
            source, destination = instruction.arguments.split()
            copy_context(source, destination, root, root)
        elif instruction.keyword == "RUN":
            run(map_paths(instruction.arguments, root), root, env, timeout=600)

    workdir = image_path(root, FINAL.all("WORKDIR")[-1].arguments, root)
    env = base_env(root, FINAL, python_bin)
    for instruction in FINAL.instructions:
        if instruction.keyword == "COPY":
            *sources, destination = instruction.arguments.split()
            if "from" in instruction.flags:
                # Stages share the stand-in root, so a stage's output is already in place.
                (source,) = sources
                origin = image_path(root, source, root)
                target = image_path(root, destination, workdir)
                if origin != target:
                    shutil.copytree(origin, target, dirs_exist_ok=True)
            else:
                for source in sources:
                    copy_context(source, destination, root, workdir)
        elif instruction.keyword == "RUN":
            if re.match(r"(groupadd|useradd)\b", instruction.arguments):
                continue  # user accounts: the server below runs under the image's numeric uid
            run(map_paths(instruction.arguments, root), workdir, env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_app_user(python: Path) -> list[str]:
    """A prefix that runs a command under the image's numeric uid, as Kubernetes would.

    Empty when that is impossible here: not root, or the venv's base interpreter lives where
    that uid cannot read it (pyenv under /root); the server then runs as the current user.
    """
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return []
    prefix = ["setpriv", f"--reuid={APP_UID}", f"--regid={APP_UID}", "--clear-groups", "--"]
    probe = subprocess.run([*prefix, str(python), "-c", "import django"], capture_output=True)
    return prefix if probe.returncode == 0 else []


def make_read_only(path: Path) -> None:
    """Code readable by everyone, writable by no one but root (the image's COPY owner)."""
    for item in [path, *path.rglob("*")]:
        mode = item.stat().st_mode
        item.chmod((mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH) & ~0o022)
        if item.is_dir() or mode & stat.S_IXUSR:
            item.chmod(item.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def http(
    image: Image, path: str, host: str = HOST, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(image.url + path, headers={"Host": host, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def fresh_database(database_url: str, suffix: str) -> str:
    """The URL of a new empty database `<name>_<suffix>` on the server of `database_url`."""
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "fresh-db"), suffix],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="session")
def image(database_url: str) -> Iterator[Image]:
    # Not under pytest's own temp folder, which only root may enter.
    base = Path(tempfile.mkdtemp(prefix="service-desk-image-"))
    base.chmod(0o755)
    try:
        yield from serve(base, fresh_database(database_url, "image"))
    finally:
        shutil.rmtree(base, ignore_errors=True)


def serve(base: Path, database_url: str) -> Iterator[Image]:
    """Builds the image under `base`, migrates the empty database and runs its server."""
    root = base / "root"
    root.mkdir()
    # `python` and `npm` of the build stages: Python 3.12 (the venv's base) and Node.
    tool_bin = base / "bin"
    tool_bin.mkdir()
    (tool_bin / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    build(root, tool_bin)

    workdir = image_path(root, FINAL.all("WORKDIR")[-1].arguments, root)
    make_read_only(root)
    # The writable place of a pod: /tmp (an emptyDir).
    tmp = root / "tmp"
    tmp.mkdir(exist_ok=True)
    tmp.chmod(0o1777)

    port = free_port()
    env = base_env(root, FINAL, tool_bin) | {
        "HOME": "/nonexistent",
        "TMPDIR": str(tmp),
        "SECRET_KEY": "image-test-" + os.urandom(16).hex(),
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "ADMIN_PASSWORD": "image-test-admin-password",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
    }
    user = as_app_user(root / "opt" / "venv" / "bin" / "python")
    compose = yaml.safe_load((REPO / "docker-compose.yaml").read_text())
    migrate = compose["services"]["migrate"]["command"]
    result = subprocess.run(user + migrate, cwd=workdir, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

    log = base / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            user + FINAL.all("CMD")[-1].exec_form(),
            cwd=workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    image = Image(root=root, workdir=workdir, url=url, env=env, log=log, user=user)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if http(image, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert server.poll() is None, log.read_text()
        yield image
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_healthz_answers_200(image: Image) -> None:
    status, _, body = http(image, "/healthz")

    assert status == 200, body


def test_readyz_answers_200_with_the_database_up(image: Image) -> None:
    status, _, body = http(image, "/readyz")

    assert status == 200, body
    assert json.loads(body)["status"] == "ok"


def test_root_is_the_spa_html(image: Image) -> None:
    status, headers, body = http(image, "/")

    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    html = body.decode()
    assert '<div id="app"' in html
    assert re.search(r'<script[^>]+src="/static/assets/[^"]+\.js"', html), html[:500]


def test_a_client_side_route_also_gets_the_spa(image: Image) -> None:
    status, _, body = http(image, "/tickets/42")

    assert status == 200
    assert b'<div id="app"' in body


def test_the_spa_bundle_is_served_compressed_and_cached_forever(image: Image) -> None:
    html = http(image, "/")[2].decode()
    script = re.search(r'<script[^>]+src="(/static/assets/[^"]+\.js)"', html)
    assert script, html[:500]

    status, headers, body = http(image, script.group(1), headers={"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers.get("Cache-Control", "")
    assert len(gzip.decompress(body)) > 1000


def test_admin_static_files_were_collected(image: Image) -> None:
    status, _, _ = http(image, "/static/admin/css/base.css")

    assert status == 200


def test_an_unknown_host_is_refused(image: Image) -> None:
    status, _, _ = http(image, "/", host="evil.example.org")

    assert status == 400


def test_the_access_log_goes_to_stdout(image: Image) -> None:
    http(image, "/healthz?from=access-log-test")

    line = re.compile(r'"GET /healthz\?from=access-log-test HTTP/1\.\d" 200')
    deadline = time.monotonic() + 5
    while not line.search(image.log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert line.search(image.log.read_text())


def test_the_docker_healthcheck_command_passes(image: Image) -> None:
    command = FINAL.all("HEALTHCHECK")[0].exec_form()
    command[-1] = command[-1].replace("127.0.0.1:8000", image.url.removeprefix("http://"))

    result = subprocess.run(
        image.user + command, cwd=image.workdir, env=image.env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr


def test_the_server_runs_as_the_image_user_on_a_read_only_tree(image: Image) -> None:
    if not image.user:
        pytest.skip(f"cannot switch to uid {APP_UID} here (needs root and a readable Python)")
    booted = re.search(r"Booting worker with pid: (\d+)", image.log.read_text())
    assert booted is not None
    pid = int(booted.group(1))

    assert Path(f"/proc/{pid}").stat().st_uid == APP_UID
    assert [p for p in image.workdir.rglob("*") if p.stat().st_uid == APP_UID] == []


def test_the_image_needs_no_build_tools_at_run_time(image: Image) -> None:
    venv = image.root / "opt" / "venv"
    assert (venv / "bin" / "gunicorn").exists()
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
    )
    names = {p["name"].lower() for p in json.loads(installed.stdout)}
    assert {"django", "gunicorn", "psycopg", "whitenoise"} <= names
    assert not {"pytest", "ruff"} & names, "test tools leaked into the runtime requirements"


def test_the_code_tree_matches_the_dockerfile_copies(image: Image) -> None:
    top = {p.name for p in image.workdir.iterdir()}
    copied = {
        shlex.split(i.arguments)[0].rstrip("/").split("/")[0]
        for i in FINAL.all("COPY")
        if "from" not in i.flags
    }

    assert copied <= top
    assert {"frontend", "staticfiles"} <= top
    assert not {".git", ".venv", "node_modules", "db.sqlite3", ".env"} & top
