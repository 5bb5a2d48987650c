"""WSGI entry point for ``pilkada serve`` and any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilkada.settings")
application = get_wsgi_application()
