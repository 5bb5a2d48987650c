"""Rate limits: how often one user or one address may do something, counted in Django's cache.

A *scope* names what is counted; its rate comes from ``settings.PILKADA_RATE_LIMITS``
(``{"login": "20/m", "nik": "30/m"}``; a rate is ``count/period`` with the period in seconds
or as ``s``, ``m``, ``h``, ``d``, optionally multiplied: ``100/5m``). A scope missing from the
setting or set to ``None`` is not limited. Over the limit, the request gets a 429 page in the user's
language (JSON for a client that asks for it) with ``Retry-After``, and a warning in the
``pilkada.ratelimit`` log: method, path, scope, user id and address — never the query, which
may hold the NIK that was looked up.

Used by

* :class:`RateLimitMiddleware`: **login** — failed sign-ins from one address, whatever the user
  names (django-axes separately locks one user name from one address after 5 failures); once
  the limit is reached, every login POST from that address is refused until the window ends.
  Only failures count, so an office where 30 operators sign in at 08:00 from behind one
  router is not refused. **nik** — per user (per address when not signed in), every request
  that looks a voter up by NIK/NKK: a query parameter named ``nik``/``nkk`` (or ``nik__…``)
  with digits in it, or any query value holding 16 digits. Today no page searches by NIK (the
  admin's voter search is by name and refuses NIK filters), so this is the net under any page
  that will; it also counts the probes (``?q=<NIK>``, ``?nik__startswith=…``).
* :func:`rate_limited`: a view decorator for everything else, e.g. the coming API
  (``@rate_limited("api")`` with ``"api": "120/m"`` in the setting).

Counting: a fixed window per scope, key and period (``cache.add`` then ``cache.incr``): cheap
and exact within a window, but a client may use up one window's allowance at its end and the
next one's at its start. The counters live in the cache alias named by
``settings.PILKADA_RATELIMIT_CACHE``. Pilkada runs as one process (``pilkada serve``: waitress
with several threads), so the default is a local-memory cache: shared by the threads,
increments atomic under its lock, nothing to install, emptied on restart. A deployment with
several server processes must point the alias at a shared cache (Redis or Memcached), or each
process counts on its own.

Why not django-ratelimit (4.1.0, the last release in 2023): its system check refuses every
cache Pilkada can use without a separate server (local memory, database, files: error
``django_ratelimit.E003``, to be silenced), and a refusal is a ``PermissionDenied`` that
reaches the 403 handler (logged and recorded as a refusal of rights) unless its own middleware
turns it into a response. The counting here follows its scheme (one counter per window in the
cache) in a hundred lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import logging
import re
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from pilkada.core.logfilter import NIK_LIKE, mask_digits

logger = logging.getLogger("pilkada.ratelimit")

LOGIN, NIK = "login", "nik"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd]?)\s*$")
_NIK_PARAMETERS = {"nik", "nkk"}
_SEPARATORS = re.compile(r"[\s.\-]")
_clock = time.time  # replaced by the tests


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


@dataclass(frozen=True)
class Usage:
    count: int  # in the current window, this request included when it was counted
    limit: int
    retry_after: int  # seconds until the window ends


def parse_rate(text: str) -> Rate:
    """``"20/m"`` → 20 per 60 s; ``"100/5m"`` → 100 per 300 s; ``"3/10"`` → 3 per 10 s."""
    match = _RATE.match(text)
    if not match:
        raise ValueError(f"rate {text!r}: expected count/period, e.g. 20/m")
    count, multiple, unit = match.groups()
    period = int(multiple or 1) * _UNITS[unit or "s"]
    if period <= 0:
        raise ValueError(f"rate {text!r}: the period must be positive")
    return Rate(int(count), period)


def rate_for(scope: str) -> Rate | None:
    text = getattr(settings, "PILKADA_RATE_LIMITS", {}).get(scope)
    return parse_rate(text) if text else None


def _cache():
    return caches[getattr(settings, "PILKADA_RATELIMIT_CACHE", "default")]


def count(scope: str, key: str, *, increment: bool = True) -> Usage | None:
    """Counts one event of ``scope`` for ``key`` (or only reads the count) in the current
    window; ``None`` when the scope is not limited."""
    rate = rate_for(scope)
    if rate is None:
        return None
    now = _clock()
    window = int(now // rate.period)
    # hashed: the key is a user id or an address, and a cache key has a limited alphabet
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"pilkada-rl:{scope}:{rate.period}:{window}:{digest}"
    cache = _cache()
    if not increment:
        current = cache.get(cache_key, 0)
    elif cache.add(cache_key, 1, timeout=rate.period + 1):
        current = 1
    else:
        try:
            current = cache.incr(cache_key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(cache_key, 1, timeout=rate.period + 1)
            current = 1
    retry_after = max(1, int((window + 1) * rate.period - now + 0.999))
    return Usage(current, rate.limit, retry_after)


def client_address(request) -> str:
    """``REMOTE_ADDR``; an IPv6 address stands for its /64, which one client usually holds
    whole. Behind a reverse proxy this is the proxy's address (as for django-axes)."""
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "-"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def user_or_address(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{client_address(request)}"


def address_key(request) -> str:
    return f"address:{client_address(request)}"


_MESSAGES = {
    LOGIN: gettext_lazy(
        "Terlalu banyak percobaan masuk yang gagal dari alamat ini. Tunggu %(seconds)d detik, "
        "lalu coba lagi."
    ),
    NIK: gettext_lazy(
        "Terlalu banyak pencarian data pemilih dalam waktu singkat. Tunggu %(seconds)d detik, "
        "lalu coba lagi."
    ),
    None: gettext_lazy(
        "Terlalu banyak permintaan dalam waktu singkat. Tunggu %(seconds)d detik, lalu coba lagi."
    ),
}


def refuse(request, scope: str, usage: Usage):
    """The 429 response, logged without the query string or any NIK."""
    user = getattr(request, "user", None)
    logger.warning(
        "429 %s %s scope=%s user=%s address=%s",
        request.method,
        mask_digits(request.path),
        scope,
        user.pk if user is not None and user.is_authenticated else "-",
        client_address(request),
    )
    message = str(_MESSAGES.get(scope, _MESSAGES[None])) % {"seconds": usage.retry_after}
    if "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message, "retry_after": usage.retry_after}, status=429)
    else:
        response = render(request, "core/429.html", {"message": message}, status=429)
    response["Retry-After"] = str(usage.retry_after)
    return response


def check(request, scope: str, key: str | None = None):
    """Counts this request in ``scope`` (once, however many layers ask) and returns the 429
    response when it is over the limit, else ``None``."""
    counted = getattr(request, "_pilkada_rate_counted", set())
    if scope in counted:
        return None
    request._pilkada_rate_counted = counted | {scope}
    usage = count(scope, key or user_or_address(request))
    if usage is not None and usage.count > usage.limit:
        return refuse(request, scope, usage)
    return None


def rate_limited(scope: str, key=user_or_address):
    """View decorator: at most the scope's rate of requests per ``key(request)`` (by default
    the signed-in user, else the address)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refused = check(request, scope, key(request))
            return refused if refused is not None else view(request, *args, **kwargs)

        return wrapped

    return decorate


def looks_up_nik(request) -> bool:
    """Whether the query string looks a voter up by NIK/NKK (see the module docstring)."""
    for name, values in request.GET.lists():
        named = name.split("__")[0].lower() in _NIK_PARAMETERS
        for value in values:
            if named and any(c.isdigit() for c in value):
                return True
            if NIK_LIKE.search(_SEPARATORS.sub("", value)):
                return True
    return False


def _login_paths() -> set[str]:
    paths = set()
    for name in ("login", "admin:login"):
        with contextlib.suppress(NoReverseMatch):  # a URL configuration without it
            paths.add(reverse(name))
    return paths


@receiver(user_login_failed)
def _count_failed_login(sender, credentials=None, request=None, **kwargs):
    if request is not None and hasattr(request, "META"):
        count(LOGIN, address_key(request))


class RateLimitMiddleware:
    """Refuses login POSTs from an address with too many failed sign-ins, and NIK look-ups
    beyond the per-user rate. Goes after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in _login_paths():
            usage = count(LOGIN, address_key(request), increment=False)
            if usage is not None and usage.count >= usage.limit:
                return refuse(request, LOGIN, usage)
        if looks_up_nik(request):
            refused = check(request, NIK)
            if refused is not None:
                return refused
        return self.get_response(request)
