"""CSV export and import of the Telefooncentrale's users (issue 15), matched by extension.

Every row goes through pbx.services.users, the same rules and words as the pages: all rows of a
phase in one call of pbx_users_save, which the pages' single create and change go through too. Forwarding is written in a second pass, so a row may forward to a user
that a later row of the same file creates. Not in the CSV: the greeting (a file), the app
password (never shown) and what happens after the greeting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core.transfer import (
    Column,
    Importer,
    RowPlan,
    Table,
    bool_column,
    parse_choice,
    parse_email,
    parse_int,
    parse_text,
    show_choice,
)
from pbx.domain.destination import DestinationKind
from pbx.models import DirectoryEntry, NightModeFollow, PbxUser
from pbx.services import users as services
from pbx.transfer.common import (
    PoolNumbers,
    destination_value,
    directory_of,
    parse_destination,
    parse_extension,
    parse_number,
    pool_of,
    show_destination,
    show_number,
    stored_destination,
)

SECONDS_MESSAGE = gettext_lazy("Choose a number of seconds from 5 to 60, for example 20.")


def _destination(key: str, label: Any) -> Column:
    return Column(key, label, parse=parse_destination, show=show_destination)


COLUMNS = (
    Column("extension", gettext_lazy("Extension"), parse=parse_extension, required=True),
    Column("first_name", gettext_lazy("First name"), parse=parse_text(60)),
    Column("last_name", gettext_lazy("Last name"), parse=parse_text(80)),
    Column("phone_number", gettext_lazy("External number"), parse=parse_number, show=show_number),
    bool_column("voicemail_enabled", gettext_lazy("Voicemail on")),
    Column("voicemail_email", gettext_lazy("Voicemail e-mail address"), parse=parse_email),
    Column("voicemail_copy_email", gettext_lazy("Voicemail copy to"), parse=parse_email),
    bool_column("voicemail_direct", gettext_lazy("Voicemail direct")),
    bool_column("voicemail_on_busy", gettext_lazy("Voicemail on busy")),
    bool_column("voicemail_on_no_answer", gettext_lazy("Voicemail on no answer")),
    _destination("forward_always", gettext_lazy("Forward always to")),
    _destination("forward_busy", gettext_lazy("Forward on busy to")),
    _destination("forward_no_answer", gettext_lazy("Forward on no answer to")),
    Column(
        "forward_no_answer_seconds",
        gettext_lazy("Forward on no answer after (seconds)"),
        parse=lambda text: parse_int(5, 60, str(SECONDS_MESSAGE))(text),
        blank_keeps=True,
    ),
    _destination("forward_unreachable", gettext_lazy("Forward when unreachable to")),
    Column(
        "night_mode",
        gettext_lazy("Night mode"),
        parse=parse_choice(NightModeFollow, gettext_lazy("Write “Follow company setting”, “On” or “Off”.")),
        show=show_choice(NightModeFollow),
        blank_keeps=True,
    ),
)
DESTINATION_KEYS = ("forward_always", "forward_busy", "forward_no_answer", "forward_unreachable")
SETTINGS = tuple(
    c.key for c in COLUMNS if c.key not in ("extension", "first_name", "last_name", "phone_number")
)


class UserImporter(PoolNumbers, Importer):
    columns = COLUMNS
    key = "extension"
    summary = gettext_noop("CSV import of PBX users")
    phases = ("main", "forwarding")
    error_columns = {"after_greeting_to": "", "__all__": ""}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.created: dict[int, PbxUser] = {}
        self.directory: dict[str, DirectoryEntry] = {}

    def _users(self) -> Iterable[PbxUser]:
        return services.pbx_users(organisation=self.organisation).order_by("entry__extension", "pk")

    def existing(self) -> dict[Any, Any]:
        return {user.entry.extension: user for user in self._users() if user.entry.extension}

    def current(self, obj: Any) -> dict[str, Any]:
        user: PbxUser = obj
        values: dict[str, Any] = {
            "extension": user.entry.extension or "",
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone_number": user.entry.phone_number.number if user.entry.phone_number else "",
        }
        for key in SETTINGS:
            if key in DESTINATION_KEYS:
                values[key] = stored_destination(user, services.DESTINATIONS[key])
            else:
                values[key] = getattr(user, key)
        return values

    def export_rows(self) -> Iterable[dict[str, Any]]:
        return [self.current(user) for user in self._users()]

    def name_of(self, plan: RowPlan) -> str:
        if plan.target is not None:
            return f"{plan.target.entry.extension} {plan.target.full_name}"
        name = f"{plan.values.get('first_name', '')} {plan.values.get('last_name', '')}".strip()
        return f"{plan.key} {name}".strip()

    def check_row(self, plan: RowPlan, table: Table) -> None:
        self.check_number(plan, self.column("phone_number").header)
        if self.creates(plan):
            for key in ("first_name", "last_name"):
                if not plan.values.get(key):
                    message = (
                        _("Enter the user's first name.")
                        if key == "first_name"
                        else _("Enter the user's last name.")
                    )
                    plan.fail(self.column(key).header, [message])

    def _settings(self, plan: RowPlan, keys: Iterable[str]) -> dict[str, Any]:
        return {key: plan.values[key] for key in keys if key in plan.values and key not in DESTINATION_KEYS}

    def write_all(self, plans: Sequence[RowPlan], phase: str) -> None:
        """Every row of a phase in one call of pbx_users_save, in the file's order (2,000 users:
        a second or two, not half a minute): first the users with their settings, then, once
        every user exists, the forwards to an extension."""
        if phase == "main":
            self._pool = pool_of(self.organisation)  # fresh: the preview may be minutes old
        else:
            self.directory = directory_of(self.organisation)
        ready: list[RowPlan] = []
        items: list[services.NewUser | services.UserChange] = []
        for plan in plans:
            try:
                item = self._item(plan, phase)
            except ValidationError as exc:
                self.refused(plan, exc)
                continue
            if item is not None:
                ready.append(plan)
                items.append(item)
        if not items:
            return
        try:
            results = services.pbx_users_save(organisation=self.organisation, by=self.by, items=items)
        except ValidationError as exc:  # the batch as a whole: someone took a name meanwhile
            self.refused(ready[0], exc)
            return
        for plan, result in zip(ready, results, strict=True):
            if isinstance(result, ValidationError):
                self.refused(plan, result)
            elif plan.target is None:
                self.created[plan.number] = result

    def _item(self, plan: RowPlan, phase: str) -> services.NewUser | services.UserChange | None:
        """What the row asks of the service in this phase (None: nothing)."""
        if phase == "main":
            if plan.target is None:
                return services.NewUser(
                    first_name=plan.values.get("first_name", ""),
                    last_name=plan.values.get("last_name", ""),
                    extension=plan.values["extension"],
                    phone_number=self.number(plan.values.get("phone_number", "")),
                    values={**self._settings(plan, SETTINGS), **self._direct(plan, DESTINATION_KEYS)},
                )
            values = self._settings(plan, [key for key in plan.changed if key != "phone_number"])
            if "phone_number" in plan.changed:
                values["phone_number"] = self.number(plan.values["phone_number"])
            return services.UserChange(plan.target, values) if values else None
        user = self.created.get(plan.number, plan.target)
        if user is None:
            return None
        if plan.target is None:  # a new user: only forwards to an extension are left
            wanted = {
                key: plan.values[key]
                for key in DESTINATION_KEYS
                if key in plan.values and plan.values[key].kind == DestinationKind.ENTRY
            }
        else:
            wanted = {key: plan.values[key] for key in plan.changed if key in DESTINATION_KEYS}
        if not wanted:
            return None
        return services.UserChange(
            user,
            {
                key: destination_value(self.organisation, dest, key, directory=self.directory)
                for key, dest in wanted.items()
            },
        )

    def _direct(self, plan: RowPlan, keys: Iterable[str]) -> dict[str, Any]:
        """Destinations that name no extension (voicemail, external): written with the row itself."""
        return {
            key: destination_value(self.organisation, plan.values[key], key)
            for key in keys
            if key in plan.values
            and plan.values[key].kind in (DestinationKind.VOICEMAIL, DestinationKind.EXTERNAL)
        }
