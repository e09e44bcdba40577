"""The limits' rules live in the model, so a service call refuses what the form refuses, in the same words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mobile.services import mobile_defaults_update, subscription_update

from factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("spending_limit", Decimal("-1"), "Vul een bedrag van € 0 of meer in"),
        ("spending_limit", Decimal("10000.01"), "De bestedingslimiet kan hoogstens € 10.000 zijn."),
        ("data_limit_gb", Decimal("0.0"), "Vul minstens 0,1 GB in"),
        ("data_limit_gb", Decimal("1000.5"), "De datalimiet kan hoogstens 1000 GB zijn."),
    ],
)
def test_it_refuses_a_limit_through_the_service_with_the_forms_words(org, admin, field, value, message):
    subscription = SubscriptionFactory(organisation=org)
    with pytest.raises(ValidationError) as refused:
        subscription_update(subscription=subscription, values={field: value}, by=admin)
    assert any(text.startswith(message) for text in refused.value.message_dict[field])
    subscription.refresh_from_db()
    assert getattr(subscription, field) != value

    with pytest.raises(ValidationError) as defaults:
        mobile_defaults_update(organisation=org, values={field: value}, by=admin)
    assert any(text.startswith(message) for text in defaults.value.message_dict[field])
