"""WSGI entry point (gunicorn maraude.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maraude.settings")
application = get_wsgi_application()


def settle_garbage_collector() -> None:
    """Load the URLs and views now, then keep everything loaded out of the collector's sight.

    What a worker loads stays for its whole life (settings, models, URLconf, views, translations),
    yet Python's collector would walk all of it again at every full collection, and a push of 500
    contacts allocates enough short-lived objects to trigger dozens of collections. `gc.freeze()`
    moves what is loaded to a generation the collector never scans; young collections then run
    every 20,000 allocations instead of 700 (cyclic garbage is still collected, just in fewer,
    larger sweeps). Measured in docs/performance.md (sync ingest).
    """
    get_resolver().url_patterns  # noqa: B018 — imports every URLconf and view module
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


settle_garbage_collector()
