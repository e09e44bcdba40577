"""Which numbers of the pool are in use, and by what.

Features that hand out numbers (PBX users, hunt groups, IVR menus) register a provider:
a function that returns {phone_number_id: "what uses it"} for an organisation.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Organisation

UsageProvider = Callable[[Organisation], dict[int, str]]
_providers: list[UsageProvider] = []


def register_usage_provider(provider: UsageProvider) -> UsageProvider:
    _providers.append(provider)
    return provider


def number_usage(organisation: Organisation) -> dict[int, str]:
    usage: dict[int, str] = {}
    for provider in _providers:
        usage.update(provider(organisation))
    return usage
