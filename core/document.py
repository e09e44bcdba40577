"""The sections of the PBX document (docs/pbx-config.md), registered by the features that own them.

A feature renders its own part of the document (schedules its schedules, telephony the call
barring, the Telefooncentrale night mode, users, groups and menus); pbx.sync.render puts the
registered sections together. Registration happens in each app's ready(), in INSTALLED_APPS
order; `order` fixes the key order of the document, so it does not depend on app order.

Each section also names the models it reads. Every way of changing one of their rows (a
service, a portal page, the Django admin, a command, a task) must call
core.revision.config_changed; tests/core/test_document_revision.py changes a field of every
declared model through every path and fails for a model or path that does not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model

    from accounts.models import Organisation

Renderer = Callable[["Organisation"], Any]

# The organisation fields in the document's header (pbx.sync.render).
ORGANISATION_FIELDS = ("name", "time_zone")


@dataclass(frozen=True)
class Section:
    name: str
    order: int
    render: Renderer
    models: tuple[type[Model], ...] = ()


_SECTIONS: dict[str, Section] = {}


def register_section(
    name: str, render: Renderer, *, order: int, models: tuple[type[Model], ...] = ()
) -> None:
    """`models`: every model whose rows `render` reads (a change to one must bump the revision)."""
    _SECTIONS[name] = Section(name=name, order=order, render=render, models=models)


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def document_models() -> list[type[Model]]:
    """Every model the document reads: the organisation (the header) and each section's."""
    from accounts.models import Organisation

    found: list[type[Model]] = [Organisation]
    for section in sections():
        found += [model for model in section.models if model not in found]
    return found


def schedule_key(kind: str, pk: int) -> str:
    """How the document refers to a schedule: "t12" (time) or "h3" (holiday); one format for all."""
    return f"{'t' if kind == 'time' else 'h'}{pk}"
