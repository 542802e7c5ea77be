"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()


def _warm_up() -> None:
    """Does here, once, what each worker would otherwise do on its first request.

    With gunicorn's preload_app the workers fork from the process that imported this module, so
    a worker that max_requests recycles serves at once instead of spending some 40 ms importing
    the URLconf (and the API schema views with it) and loading translations while requests
    queue behind it. Nothing here touches the database: no connection may cross the fork.
    """
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Not found.")


def _freeze() -> None:
    """Takes what is loaded so far out of the garbage collector's sight, just before the fork.

    Otherwise a worker's first full collection, within its first few thousand requests, walks
    every object of Django, DRF and the app (some 80,000): a pause of 50-75 ms in one request,
    which the requests queued behind it wait out too. It also writes to every page those objects
    sit on, so the worker copies some 18 MiB it shared with the master. Objects loaded at import
    live as long as the process anyway. `bench/pauses.py` measures both effects.
    """
    gc.collect()
    gc.freeze()


_warm_up()
_freeze()
