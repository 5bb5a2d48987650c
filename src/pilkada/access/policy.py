"""What each role may do, and where: the one place the web app asks before it acts.

Deny by default. A signed-in user may do an action only as a superuser (administrator) or
through an :class:`~pilkada.access.models.Assignment` whose role allows the action and whose
region or TPS covers the place. Anonymous users get only the pages marked public
(:func:`pilkada.access.decorators.public`), which show published results and never personal
data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pilkada.access.models import Assignment, Role
from pilkada.regions import codes


class Action(StrEnum):
    VIEW = "view"  # internal pages: recap with findings, TPS sheets and their history
    ENTER = "enter"  # enter or correct a TPS's result sheet
    VERIFY = "verify"  # verify (or dispute) a sheet someone else entered
    UPLOAD = "upload"  # upload result or voter-list workbooks, download the entry workbook
    VIEW_DPT = "view_dpt"  # voter-list statistics, duplicates, masked downloads
    MANAGE = "manage"  # users, roles and witness accounts


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.OPERATOR: frozenset(
        {Action.VIEW, Action.ENTER, Action.VERIFY, Action.UPLOAD, Action.VIEW_DPT}
    ),
    Role.SUPERVISOR: frozenset({Action.VIEW, Action.VERIFY, Action.VIEW_DPT}),
    Role.WITNESS: frozenset({Action.VIEW, Action.ENTER}),
}


@dataclass(frozen=True)
class Grant:
    role: str
    region: str | None  # a region code (operator, supervisor)
    station_id: int | None  # a TPS (witness)
    desa: str | None  # the witness's TPS's desa code


def grants(user) -> tuple[Grant, ...]:
    """The user's assignments, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_pilkada_grants", None)
    if cached is None:
        rows = Assignment.objects.filter(user=user).values_list(
            "role", "region__code", "polling_station_id", "polling_station__desa__code"
        )
        cached = tuple(Grant(*row) for row in rows)
        user._pilkada_grants = cached
    return cached


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def may_somewhere(user, action: Action) -> bool:
    """Whether the user may do ``action`` anywhere at all (a page's first gate)."""
    if is_admin(user):
        return True
    return any(action in ROLE_ACTIONS[g.role] for g in grants(user))


def _covers(grant: Grant, region: str | None, station) -> bool:
    if station is not None:
        if grant.station_id is not None:
            return grant.station_id == station.pk
        return codes.is_within(station.desa.code, grant.region)
    if region is not None and grant.region is not None:
        return codes.is_within(region, grant.region)
    return False


def allows(user, action: Action, *, region: str | None = None, station=None) -> bool:
    """Whether ``user`` may do ``action`` in ``region`` (a region code) or at ``station``
    (a PollingStation with its desa). A region must lie within an assigned region; a
    witness's rights hold only at their own TPS, never for a region."""
    if is_admin(user):
        return True
    if action == Action.MANAGE:
        return False
    return any(action in ROLE_ACTIONS[g.role] and _covers(g, region, station) for g in grants(user))


def regions_for(user, action: Action) -> list[str] | None:
    """The region codes where ``user`` may do ``action`` (``None``: everywhere)."""
    if is_admin(user):
        return None
    return sorted({g.region for g in grants(user) if g.region and action in ROLE_ACTIONS[g.role]})


def stations_for(user, action: Action) -> set[int]:
    """TPS a witness holds for ``action`` (their own TPS; regions are in regions_for)."""
    return {
        g.station_id
        for g in grants(user)
        if g.station_id is not None and action in ROLE_ACTIONS[g.role]
    }


def station_filter(user, action: Action):
    """A predicate ``(desa_code, station_id) -> bool`` for importers: whether a row's TPS is
    one the user may write to (``None`` when the user may write everywhere)."""
    if is_admin(user):
        return None
    regions = regions_for(user, action) or []
    stations = stations_for(user, action)

    def allowed(desa_code: str, station_id: int | None) -> bool:
        if station_id is not None and station_id in stations:
            return True
        return any(codes.is_within(desa_code, r) for r in regions)

    return allowed


def home_region(user, action: Action, area: str) -> str | None:
    """Where a scoped user's pages for an election over ``area`` start: ``area`` itself if
    it is inside the user's scope, else their one region inside ``area`` (None if none, or
    several: the user then picks from the election list)."""
    if allows(user, action, region=area):
        return area
    inside = [r for r in regions_for(user, action) or [] if codes.is_within(r, area)]
    return inside[0] if len(inside) == 1 else None
