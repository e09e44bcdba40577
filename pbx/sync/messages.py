"""What a failed push means, in the words of the page that shows it.

The worker stores a PbxError's code and params (pbx/sync/client.py) on PbxSync; the status line
words them here, in the language of whoever looks, not of the worker that met the error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

ERROR_TEXTS = {
    "unavailable": _("The PBX cannot be reached"),
    "timeout": _("The PBX did not answer in time"),
    "server_error": _("The PBX reported an error (HTTP %(status)s)"),
    "rejected": _("The PBX refused the configuration"),
    "rejected_reason": _("The PBX refused the configuration: %(reason)s"),
    "auth": _("Access to the PBX was refused (check the token)"),
    "unexpected": _("The PBX gave an unexpected answer"),
    "error": _("Something went wrong in contact with the PBX"),
}


def error_text(code: str, params: Mapping[str, Any] | None) -> str:
    """The reason for the status line; an unknown code or missing parameter gets the general text."""
    params = params if isinstance(params, Mapping) else {}
    if code == "rejected" and params.get("reason"):
        code = "rejected_reason"
    try:
        return str(ERROR_TEXTS[code]) % params
    except (KeyError, TypeError, ValueError):
        return str(ERROR_TEXTS["error"])
