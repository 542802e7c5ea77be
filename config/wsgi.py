"""WSGI entry point for gunicorn."""

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


_warm_up()
