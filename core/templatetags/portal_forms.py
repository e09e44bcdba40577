"""`{% form_guard %}`: what every POST form of the portal carries, in place of `{% csrf_token %}`.

The CSRF token and the organisation the page was made for. TenantMiddleware refuses a write
to a tenant view without that claim (400) or with another organisation's (409), so a page
left open for the organisation one has switched away from cannot save into the new one.
It is a builtin (settings.TEMPLATES), so no template needs to load it.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.tenancy import ORGANISATION_FIELD

register = template.Library()


@register.simple_tag(takes_context=True)
def form_guard(context: template.Context) -> SafeString:
    csrf = CsrfTokenNode().render(context)
    organisation = context.get("organisation")
    if organisation is None:
        return SafeString(csrf)
    return format_html(
        '{}<input type="hidden" name="{}" value="{}">', csrf, ORGANISATION_FIELD, organisation.pk
    )
