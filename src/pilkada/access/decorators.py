"""Every web view declares who may open it: :func:`guarded` (signed in, with a role that may
do the action somewhere; the view then checks the place with :func:`ensure`) or :func:`public`.
A test walks the URL configuration and fails on any view that declares neither."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from pilkada.access.policy import Action, allows, may_somewhere

ACCESS_ATTRIBUTE = "pilkada_access"


def public(view):
    """Open to everyone, signed in or not: published results only, no personal data."""
    setattr(view, ACCESS_ATTRIBUTE, "public")
    return view


def guarded(action: Action):
    """Signed-in users whose role allows ``action`` somewhere; others are sent to the login
    page (not signed in) or refused with a 403 (signed in)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may_somewhere(request.user, action):
                raise PermissionDenied(refusal(action))
            return view(request, *args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, action)
        return wrapped

    return decorate


def refusal(action: Action, where: str = "") -> str:
    """The reason shown (and logged) when ``action`` is refused."""
    texts = {
        Action.VIEW: _("melihat data internal"),
        Action.ENTER: _("memasukkan hasil"),
        Action.VERIFY: _("memverifikasi formulir"),
        Action.UPLOAD: _("mengunggah berkas"),
        Action.VIEW_DPT: _("melihat DPT"),
        Action.MANAGE: _("mengelola pengguna"),
    }
    if where:
        return _("Anda tidak berhak %(what)s di %(where)s: di luar wilayah tugas Anda.") % {
            "what": texts[action],
            "where": where,
        }
    return _("Peran Anda tidak mencakup hak %(what)s.") % {"what": texts[action]}


def ensure(request, action: Action, *, region: str | None = None, station=None) -> None:
    """Refuse (403) unless the user may do ``action`` in ``region`` or at ``station``."""
    if not allows(request.user, action, region=region, station=station):
        where = f"TPS {station.sirekap_id}" if station is not None else (region or "")
        raise PermissionDenied(refusal(action, where or _("wilayah ini")))
