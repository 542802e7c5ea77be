#!/usr/bin/env bash
# Starts the real Django server for the browser tests: builds the SPA when it is missing or older
# than its sources, migrates the database named by DATABASE_URL, creates the test users, then runs
# the development server in the foreground (Playwright stops it when the tests end).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-../.venv/bin/python}
port=${E2E_PORT:-8123}
export DEBUG=true
# The Makefile passes a fresh PostgreSQL database (make test-e2e); never the developer's own.
if [[ -z ${DATABASE_URL:-} ]]; then
    echo "e2e: DATABASE_URL is not set: run the browser tests with make test-e2e" >&2
    exit 1
fi

if [[ ! -f dist/index.html ]] || [[ -n $(find src index.html vite.config.ts package-lock.json -newer dist/index.html -type f -print -quit) ]]; then
    echo "e2e: building the SPA (dist/ is missing or stale)"
    npm run build
fi

"$python" ../manage.py migrate --noinput
"$python" ../manage.py createcachetable
password=${E2E_PASSWORD:-e2e-Secret-4821}
"$python" ../manage.py ensure_user e2e_agent --password="$password" --agent --first-name Ольга --last-name Смирнова
"$python" ../manage.py ensure_user e2e_requester --password="$password" --first-name Анна --last-name Петрова
"$python" ../manage.py ensure_user e2e_other --password="$password" --first-name Иван --last-name Соколов
# The Django admin checks model permissions that agents do not have; a superuser may open it.
"$python" ../manage.py ensure_user e2e_admin --password="$password" --superuser --first-name Админ --last-name Системы

exec "$python" ../manage.py runserver "127.0.0.1:$port" --noreload
