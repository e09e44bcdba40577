"""The project's URL patterns as the sweeps see them: which act on a tenant, which take ids of what.

The patterns are read from the URL configuration, so views added later are swept without
editing the sweeps; a new URL that takes an id must say here which model the id names
(URL_OBJECTS), or test_it_knows_the_model_of_every_id_in_a_url fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Membership
from core.models import ChangeRecord
from core.tenancy import acts_on_tenant
from mobile.models import Subscription
from pbx.models import HuntGroup, IvrMenu, PbxUser
from schedules.models import HolidaySchedule, TimeSchedule

# URL name -> the model whose primary key the URL's `<id:pk>` names.
URL_OBJECTS: dict[str, type[Model]] = {
    "history:restore": ChangeRecord,
    "member_role": Membership,
    "member_deactivate": Membership,
    "member_reactivate": Membership,
    "mobile:subscription": Subscription,
    "pbx:user_edit": PbxUser,
    "pbx:user_password": PbxUser,
    "pbx:user_greeting": PbxUser,
    "pbx:user_greeting_remove": PbxUser,
    "pbx:user_delete": PbxUser,
    "pbx:hunt_group_edit": HuntGroup,
    "pbx:hunt_group_members": HuntGroup,
    "pbx:hunt_group_delete": HuntGroup,
    "pbx:ivr_edit": IvrMenu,
    "pbx:ivr_greeting_business": IvrMenu,
    "pbx:ivr_greeting_after": IvrMenu,
    "pbx:ivr_greeting_business_remove": IvrMenu,
    "pbx:ivr_greeting_after_remove": IvrMenu,
    "pbx:ivr_delete": IvrMenu,
    "schedules:time_detail": TimeSchedule,
    "schedules:time_delete": TimeSchedule,
    "schedules:holiday_detail": HolidaySchedule,
    "schedules:holiday_delete": HolidaySchedule,
    "schedules:holiday_public": HolidaySchedule,
    "schedules:holiday_import": HolidaySchedule,
    "schedules:holiday_export": HolidaySchedule,
    "api:hunt_group": HuntGroup,
    "api:hunt_group_members": HuntGroup,
    "api:user": PbxUser,
    "api:time_schedule": TimeSchedule,
    "api:holiday_schedule": HolidaySchedule,
    "api:subscription": Subscription,
    "api:subscription_voicemail": Subscription,
    "api:ivr_menu": IvrMenu,
}

ID_PARAMETER = re.compile(r"<(?:int|id):(\w+)>")
OTHER_PARAMETER = re.compile(r"<(?:str|slug|path|uuid):(\w+)>")


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    callback: Any

    @property
    def takes_id(self) -> bool:
        return ID_PARAMETER.search(self.route) is not None

    def url(self, pk: object = 1) -> str:
        """The URL with pk for its id and a nonsense word for any other parameter."""
        filled = ID_PARAMETER.sub(str(pk), self.route)
        return "/" + OTHER_PARAMETER.sub("onzin", filled)


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + str(entry.pattern), f"{namespace}{entry.name or ''}", entry.callback)


def tenant_routes() -> list[Route]:
    """Every URL of the project whose view acts on the current organisation (deny by default)."""
    return [
        r
        for r in _walk(get_resolver().url_patterns)
        if not r.route.startswith("admin/") and acts_on_tenant(r.callback)
    ]


def portal_routes() -> list[Route]:
    """Every URL of the portal's own views: tenant and personal ones (not allauth's, not the admin)."""
    return [r for r in _walk(get_resolver().url_patterns) if not r.route.startswith(("admin/", "account/"))]


def id_routes() -> list[Route]:
    return [r for r in tenant_routes() if r.takes_id]


def leaks(client: Client, route: Route, own: Model, foreign: Model) -> list[str]:
    """What a member of own's organisation sees of foreign (another organisation's object).

    Another tenant's object must answer 404 (405 for a method the view does not take, but
    at least one 404); the member's own object must not answer 404 on both, or the probe
    proves nothing (the URL would not be about this model at all). The own object is probed
    last: a POST may delete it.
    """
    problems = []
    url = route.url(foreign.pk)
    answers = {"GET": client.get(url).status_code, "POST": client.post(url, {}).status_code}
    for method, status in answers.items():
        if status not in (404, 405):
            problems.append(f"{method} {url} of another organisation answered {status}")
    if 404 not in answers.values():
        problems.append(f"{url} of another organisation never answered 404")
    own_url = route.url(own.pk)
    own_answers = [client.get(own_url).status_code, client.post(own_url, {}).status_code]
    if all(status in (404, 405) for status in own_answers):
        problems.append(f"{own_url} answers 404 for the member's own object too: the probe proves nothing")
    return problems
