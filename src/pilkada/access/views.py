"""The refusal page: every 403 is logged with who, what and why."""

from __future__ import annotations

import logging

from django.shortcuts import render

from pilkada.access.models import Refusal

logger = logging.getLogger("pilkada.access")


def denied(request, exception=None):
    """Django's 403 handler: log the refusal, record it, and explain it in the user's language."""
    reason = str(exception) if exception is not None and str(exception) else ""
    user = (
        request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    )
    address = request.META.get("REMOTE_ADDR") or None
    logger.warning(
        "403 %s %s user=%s address=%s reason=%s",
        request.method,
        request.path,
        user.pk if user else "-",
        address or "-",
        reason or "-",
    )
    Refusal.objects.create(
        user=user,
        method=request.method[:10],
        path=request.path[:500],
        address=address,
        reason=reason[:300],
    )
    return render(request, "403.html", {"reason": reason}, status=403)
