"""CSV export and import of the Telefooncentrale's hunt groups with their members in order (issue 15).

Rows are matched on the extension, or on the external number for a group without one. Every
row goes through pbx.services.hunt_groups (create/update, set_members): the same rules and words
as the pages. Members are the users' extensions (or numbers, for a user without an extension)
in ringing order, separated by commas. Overflow and members are written in a second pass, so
a group may overflow to a group that a later row creates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core.transfer import (
    Column,
    Importer,
    RowPlan,
    Table,
    parse_bool,
    parse_choice,
    parse_int,
    parse_text,
    show_bool,
    show_choice,
)
from pbx.domain import huntgroup as domain
from pbx.models import Distribution, HuntGroup, HuntGroupMember, NightModeFollow
from pbx.services import hunt_groups as services
from pbx.transfer.common import (
    NOWHERE,
    PoolNumbers,
    destination_value,
    parse_destination,
    parse_extension,
    parse_number,
    show_destination,
    show_number,
    stored_destination,
)


def parse_members(text: str) -> tuple[str, ...]:
    """ "201, 202, 06 1234 5678" -> ("201", "202", "+31612345678")."""
    members = []
    for part in re.split(r"[,|]", text):
        part = part.strip()
        if not part:
            continue
        compact = part.replace(" ", "")
        if compact.isascii() and compact.isdigit() and 2 <= len(compact) <= 4:
            members.append(compact)
        else:
            try:
                members.append(parse_number(part))
            except ValidationError:
                raise ValidationError(
                    _(
                        "“%(member)s” is not an extension or number. Write the members' extensions separated by commas, for example 201, 202."
                    )
                    % {"member": part}
                ) from None
    return tuple(members)


def show_members(value: Any) -> str:
    return ", ".join(show_number(m) if m.startswith("+") else m for m in value or ())


COLUMNS = (
    Column("extension", gettext_lazy("Extension"), parse=parse_extension, required=True),
    Column("name", gettext_lazy("Name"), parse=parse_text(200)),
    Column("phone_number", gettext_lazy("External number"), parse=parse_number, show=show_number),
    Column("first_name", gettext_lazy("Display first name"), parse=parse_text(60)),
    Column("last_name", gettext_lazy("Display last name"), parse=parse_text(80)),
    Column(
        "distribution",
        gettext_lazy("Call distribution"),
        parse=parse_choice(
            Distribution, gettext_lazy("Write “Circular”, “Fixed order”, “Simultaneous” or “Uniform”.")
        ),
        show=show_choice(Distribution),
        blank_keeps=True,
    ),
    Column(
        "rings",
        gettext_lazy("Rings per member"),
        parse=lambda text: parse_int(*domain.RINGS_RANGE, _(services.RINGS_MESSAGE))(text),
        blank_keeps=True,
    ),
    Column(
        "move_on",
        gettext_lazy("Then call the next member"),
        parse=parse_bool,
        show=show_bool,
        blank_keeps=True,
    ),
    Column(
        "overflow_seconds",
        gettext_lazy("Forward after (seconds)"),
        parse=lambda text: parse_int(*domain.OVERFLOW_SECONDS_RANGE, _(services.SECONDS_MESSAGE))(text),
        blank_keeps=True,
    ),
    Column(
        "overflow_to",
        gettext_lazy("Forward after waiting time to"),
        parse=parse_destination,
        show=show_destination,
    ),
    Column(
        "night_mode",
        gettext_lazy("Night mode"),
        parse=parse_choice(NightModeFollow, gettext_lazy("Write “Follow company setting”, “On” or “Off”.")),
        show=show_choice(NightModeFollow),
        blank_keeps=True,
    ),
    Column("members", gettext_lazy("Members"), parse=parse_members, show=show_members),
)
SETTINGS = ("first_name", "last_name", "distribution", "rings", "move_on", "overflow_seconds", "night_mode")


def _member_ref(member: Any) -> str:
    return member.extension or (member.phone_number.number if member.phone_number else "")


class HuntGroupImporter(PoolNumbers, Importer):
    columns = COLUMNS
    key = "extension"
    summary = gettext_noop("CSV import of hunt groups")
    phases = ("main", "links")
    error_columns = {"__all__": ""}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.created: dict[int, HuntGroup] = {}
        self._candidates: dict[str, int] | None = None  # members by extension or E.164 number

    def _groups(self) -> list[HuntGroup]:
        groups = list(services.hunt_groups(organisation=self.organisation).order_by("entry__name", "pk"))
        members: dict[int, list[str]] = {group.pk: [] for group in groups}
        rows = (
            HuntGroupMember.objects.filter(group__organisation=self.organisation)
            .select_related("member__phone_number")
            .order_by("group", "position", "pk")
        )
        for row in rows:
            members.setdefault(row.group_id, []).append(_member_ref(row.member))
        for group in groups:
            group.member_refs = tuple(members.get(group.pk, ()))  # type: ignore[attr-defined]
        return groups

    def match_key(self, plan: RowPlan) -> Any:
        if plan.values.get("extension"):
            return ("extension", plan.values["extension"])
        if plan.values.get("phone_number"):
            return ("number", plan.values["phone_number"])
        return None

    def existing(self) -> dict[Any, Any]:
        found: dict[Any, Any] = {}
        for group in self._groups():
            if group.entry.extension:
                found[("extension", group.entry.extension)] = group
            elif group.entry.phone_number is not None:
                found[("number", group.entry.phone_number.number)] = group
        return found

    def current(self, obj: Any) -> dict[str, Any]:
        group: HuntGroup = obj
        values: dict[str, Any] = {
            "extension": group.entry.extension or "",
            "name": group.entry.name,
            "phone_number": group.entry.phone_number.number if group.entry.phone_number else "",
            "overflow_to": stored_destination(group, "overflow"),
            "members": group.member_refs,  # type: ignore[attr-defined]
        }
        for key in SETTINGS:
            values[key] = getattr(group, key)
        return values

    def export_rows(self) -> Iterable[dict[str, Any]]:
        return [self.current(group) for group in self._groups()]

    def name_of(self, plan: RowPlan) -> str:
        name = plan.target.entry.name if plan.target is not None else plan.values.get("name", "")
        return f"{plan.key} {name}".strip()

    def check_row(self, plan: RowPlan, table: Table) -> None:
        self.check_number(plan, self.column("phone_number").header)
        if self.creates(plan) and not plan.values.get("name"):
            plan.fail(self.column("name").header, [_("Enter a name for the group, for example Verkoop.")])

    def _members(self, plan: RowPlan) -> list[int]:
        if self._candidates is None:  # read once, when the first group's members are written
            self._candidates = {}
            for entry in services.member_candidates(organisation=self.organisation):
                if entry.phone_number is not None:
                    self._candidates.setdefault(entry.phone_number.number, entry.pk)
                if entry.extension:
                    self._candidates.setdefault(entry.extension, entry.pk)
        ids = []
        for ref in plan.values["members"]:
            found = self._candidates.get(ref)
            if found is None:
                raise ValidationError(
                    {
                        "members": _(
                            "No user has %(member)s. Members are users' extensions, for example 201."
                        )
                        % {"member": show_members((ref,))}
                    }
                )
            ids.append(found)
        return ids

    def write(self, plan: RowPlan, phase: str) -> None:
        if phase == "main":
            settings = {k: plan.values[k] for k in SETTINGS if k in plan.values}
            if plan.target is None:
                self.created[plan.number] = services.hunt_group_create(
                    organisation=self.organisation,
                    by=self.by,
                    name=plan.values["name"],
                    extension=plan.values.get("extension") or None,
                    phone_number=self.number(plan.values.get("phone_number", "")),
                    values=settings,
                )
                return
            values: dict[str, Any] = {k: v for k, v in settings.items() if k in plan.changed}
            for key in ("name", "extension"):
                if key in plan.changed:
                    values[key] = plan.values[key] or None
            if "phone_number" in plan.changed:
                values["phone_number"] = self.number(plan.values["phone_number"])
            if values:
                services.hunt_group_update(group=plan.target, by=self.by, values=values)
            return
        group = self.created.get(plan.number, plan.target)
        if group is None:
            return
        new = plan.target is None
        overflow = plan.values.get("overflow_to")
        if overflow is not None and (
            (new and overflow != NOWHERE) or (not new and "overflow_to" in plan.changed)
        ):
            services.hunt_group_update(
                group=group,
                by=self.by,
                values={"overflow_to": destination_value(self.organisation, overflow, "overflow_to")},
            )
        if "members" in plan.values and ((new and plan.values["members"]) or "members" in plan.changed):
            try:
                services.hunt_group_set_members(group=group, by=self.by, members=self._members(plan))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    raise
                raise ValidationError({"members": exc.messages}) from None
