"""Users with roles for tests: one call makes the account and its assignments."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from pilkada.access.models import Assignment
from pilkada.regions.models import Region

PASSWORD = "rahasia-uji-123"


def make_user(
    username: str,
    role: str | None = None,
    region: str | None = None,
    *,
    stations=(),
    superuser: bool = False,
    perms: tuple[str, ...] = (),
):
    """A user (password :data:`PASSWORD`) with ``role`` in ``region`` (a region code) or at
    each of ``stations`` (witness), plus Django permissions by codename."""
    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(username, "", PASSWORD)
    else:
        user = User.objects.create_user(username, password=PASSWORD)
    if role is not None and region is not None:
        Assignment.objects.create(user=user, role=role, region=Region.objects.get(code=region))
    for station in stations:
        Assignment.objects.create(user=user, role=role, polling_station=station)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user
