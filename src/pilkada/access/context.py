"""``rights`` in every template: what the user may do somewhere, to show only usable links."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from pilkada.access.policy import Action, may_somewhere


class Rights:
    def __init__(self, user):
        self._user = user

    def __getattr__(self, name: str) -> bool:
        try:
            action = Action(name)
        except ValueError:
            raise AttributeError(name) from None
        return may_somewhere(self._user, action)


def rights(request) -> dict:
    return {"rights": SimpleLazyObject(lambda: Rights(getattr(request, "user", None)))}
