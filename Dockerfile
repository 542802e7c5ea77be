# syntax=docker/dockerfile:1
#
# Service Desk image. One image runs both the web server (the default command) and the
# database migrations (`python manage.py migrate --noinput`), so they always come from the
# same code. Build: docker build -t service-desk .

# --- 1. The SPA bundle ------------------------------------------------------------------------
FROM node:20-slim AS frontend
WORKDIR /build/frontend
# Manifests first: the dependency layer is reused until they change.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- 2. Python dependencies -------------------------------------------------------------------
# Installed into a venv from wheels only, so no compiler is ever needed and none reaches the
# final image; the venv is copied over whole (same base image, same interpreter path).
FROM python:3.12-slim AS python-deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir --only-binary=:all: -r /tmp/requirements.txt

# --- 3. Runtime -------------------------------------------------------------------------------
FROM python:3.12-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings
# A fixed numeric id lets Kubernetes verify runAsNonRoot and lets volumes set fsGroup to match.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
# The code stays owned by root: the app user can read it but not change it.
COPY manage.py ./
COPY config/ ./config/
COPY tickets/ ./tickets/
COPY --from=frontend /build/frontend/dist/ ./frontend/dist/
# Static files (the admin, the API docs and the SPA bundle) are hashed, compressed and baked
# into the image. Settings refuse to load without a SECRET_KEY when DEBUG is off, and without a
# DATABASE_URL; these throwaway ones (collectstatic never connects) exist only for this command
# and are not kept in any layer's environment.
RUN SECRET_KEY=collectstatic-only DEBUG=false DATABASE_URL=postgres://collectstatic-only@localhost/none \
    python manage.py collectstatic --noinput \
    && python -m compileall -q manage.py config tickets
USER 10001:10001
EXPOSE 8000
# slim has no curl: ask /healthz with Python. Django only answers hosts in ALLOWED_HOSTS, so the
# request names the first of them (a leading "." or a "*" dropped), or localhost.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; host = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.*') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]
CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi:application"]
