"""CSV export of the mobile subscriptions with their limits and blocking, and import of the
limits and blocking (issue 15), matched by number.

Subscriptions are made by operator staff, so a number that is not one of the organisation's
subscriptions is refused, and type and status are exported only (a change in the file is
refused). Every row goes through mobile.services.subscription_update: the model's own rules
and words, as on the page. "SIM blocked" is the page's "Block the whole SIM".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.models import format_phone_number, normalise_phone_number
from core.transfer import (
    Column,
    Importer,
    RowPlan,
    Table,
    bool_column,
    parse_decimal,
    parse_email,
    parse_text,
    show_choice,
    show_decimal,
)
from mobile.models import LimitsAndBlocking, Subscription, SubscriptionKind, SubscriptionStatus
from mobile.services import subscription_update


def _number(text: str) -> str:
    return normalise_phone_number(text) if text.strip() else ""


COLUMNS = (
    Column(
        "number",
        gettext_lazy("Number"),
        parse=_number,
        show=lambda v: format_phone_number(v) if v else "",
        required=True,
    ),
    Column("user_name", gettext_lazy("User name"), parse=parse_text(120)),
    Column("kind", gettext_lazy("Type"), show=show_choice(SubscriptionKind), export_only=True),
    Column("status", gettext_lazy("Status"), show=show_choice(SubscriptionStatus), export_only=True),
    Column(
        "spending_limit", gettext_lazy("Monthly spending limit (€)"), parse=parse_decimal, show=show_decimal
    ),
    Column("data_limit_gb", gettext_lazy("Data limit (GB)"), parse=parse_decimal, show=show_decimal),
    bool_column("alert_50", gettext_lazy("Alert at 50%")),
    bool_column("alert_80", gettext_lazy("Alert at 80%")),
    bool_column("alert_100", gettext_lazy("Alert at 100%")),
    Column("alert_email", gettext_lazy("Alert address"), parse=parse_email),
    bool_column("block_international_calls", gettext_lazy("Block international calls")),
    bool_column("block_roaming_calls", gettext_lazy("Block calls abroad")),
    bool_column("block_roaming_data", gettext_lazy("Block data abroad")),
    bool_column("block_premium_numbers", gettext_lazy("Block premium numbers (090x)")),
    bool_column("block_premium_sms", gettext_lazy("Block premium SMS")),
    bool_column("block_sim", gettext_lazy("Block the whole SIM")),
)


class SubscriptionImporter(Importer):
    columns = COLUMNS
    key = "number"
    summary = gettext_noop("CSV import of mobile subscriptions")
    error_columns = {"__all__": ""}

    def _subscriptions(self) -> Iterable[Subscription]:
        return Subscription.objects.filter(organisation=self.organisation).order_by("number")

    def existing(self) -> dict[Any, Any]:
        return {subscription.number: subscription for subscription in self._subscriptions()}

    def current(self, obj: Any) -> dict[str, Any]:
        subscription: Subscription = obj
        values = {name: getattr(subscription, name) for name in ["number", "user_name", "kind", "status"]}
        values.update(subscription.limit_values())
        values["block_sim"] = subscription.status == SubscriptionStatus.BLOCKED
        return values

    def export_rows(self) -> Iterable[dict[str, Any]]:
        return [self.current(subscription) for subscription in self._subscriptions()]

    def name_of(self, plan: RowPlan) -> str:
        if plan.target is not None:
            return f"{plan.target.display_number} {plan.target.user_name}".strip()
        return plan.key

    def check_row(self, plan: RowPlan, table: Table) -> None:
        if plan.errors:
            return
        if plan.target is None:
            plan.fail(
                self.column("number").header,
                [
                    _(
                        "%(number)s is not one of your organisation's subscriptions. New subscriptions are added by your operator."
                    )
                    % {"number": plan.key}
                ],
            )
            return
        if "block_sim" in plan.changed and plan.target.is_terminated:
            plan.fail("", [_("This subscription has been terminated and can no longer be changed.")])

    def write(self, plan: RowPlan, phase: str) -> None:
        values = {
            key: plan.values[key]
            for key in plan.changed
            if key in ["user_name", *LimitsAndBlocking.DEFAULT_FIELDS]
        }
        block_sim = plan.values["block_sim"] if "block_sim" in plan.changed else None
        if values or block_sim is not None:
            subscription_update(subscription=plan.target, values=values, block_sim=block_sim, by=self.by)
