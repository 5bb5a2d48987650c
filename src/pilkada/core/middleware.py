"""Language selection (Indonesian unless the user picked another language in the app) and
session limits (idle timeout, maximum age)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    Office computers in Indonesia often run an English browser; the users still read
    Indonesian. Only an explicit choice (the language switch, stored in a cookie) changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


STARTED, SEEN = "_pilkada_started", "_pilkada_seen"
# The id of the dashboard part that refreshes itself (htmx sends it as HX-Trigger).
AUTO_REFRESH = "dasbor-isi"
SEEN_RESOLUTION = 30  # seconds


@receiver(user_logged_in)
def _session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[SEEN] = int(time.time())


class SessionLimitsMiddleware:
    """Signs a user out after ``PILKADA_SESSION_IDLE`` seconds without a request, and at the
    latest ``SESSION_COOKIE_AGE`` seconds after signing in, whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(STARTED, now)
            seen = request.session.get(SEEN, now)
            idle = now - seen > settings.PILKADA_SESSION_IDLE
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("Sesi berakhir; silakan masuk lagi."))
                if request.headers.get("HX-Request"):
                    # a page's own refresh: reload the whole page (to the login), not a part
                    response = HttpResponse(status=204)
                    response["HX-Refresh"] = "true"
                    return response
                return redirect_to_login(request.get_full_path())
            automatic = request.headers.get("HX-Trigger") == AUTO_REFRESH
            if now - seen >= SEEN_RESOLUTION and not automatic:
                # not a session write on every request; a dashboard refreshing itself is not
                # the user being active, so it does not keep an unattended session open
                request.session[SEEN] = now
            request.session.setdefault(STARTED, now)
        return self.get_response(request)
