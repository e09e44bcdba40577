"""The sections of the PBX document (docs/pbx-config.md), registered by the features that own them.

A feature renders its own part of the document (schedules its schedules, telephony the call
barring, the Telefooncentrale night mode, users, groups and menus); pbx.sync.render puts the
registered sections together. Registration happens in each app's ready(), in INSTALLED_APPS
order; `order` fixes the key order of the document, so it does not depend on app order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import Organisation

Renderer = Callable[["Organisation"], Any]


@dataclass(frozen=True)
class Section:
    name: str
    order: int
    render: Renderer


_SECTIONS: dict[str, Section] = {}


def register_section(name: str, render: Renderer, *, order: int) -> None:
    _SECTIONS[name] = Section(name=name, order=order, render=render)


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def schedule_key(kind: str, pk: int) -> str:
    """How the document refers to a schedule: "t12" (time) or "h3" (holiday); one format for all."""
    return f"{'t' if kind == 'time' else 'h'}{pk}"
