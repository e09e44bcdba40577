"""CSV export and import of the Telefooncentrale's users and hunt groups, export of IVR menus (issue 15).

The pages are core.views_transfer's; each object brings its importer (pbx/transfer/).
Exports are GET (read-only members may export); imports POST (TenantMiddleware refuses
read-only members with 403).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.tenancy import PortalRequest, product_required
from core.views_transfer import export_view, import_view
from pbx.transfer.hunt_groups import HuntGroupImporter
from pbx.transfer.ivr import IvrExporter
from pbx.transfer.users import UserImporter

TEMPLATE = "pbx/transfer/import.html"


@require_GET
@product_required("pbx")
def users_export(request: PortalRequest) -> HttpResponse:
    return export_view(request, UserImporter, _("users"))


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def users_import(request: PortalRequest) -> HttpResponse:
    return import_view(
        request,
        importer=UserImporter,
        template=TEMPLATE,
        done_url=reverse("pbx:users"),
        context={
            "title": _("Import users"),
            "back_url": reverse("pbx:users"),
            "back_label": _("Users"),
            "export_url": reverse("pbx:users_export"),
            "key_help": _(
                "Rows are matched on the extension: a known extension changes that user, a new one creates a user. "
                "Users that are not in the file are left alone."
            ),
        },
    )


@require_GET
@product_required("pbx")
def hunt_groups_export(request: PortalRequest) -> HttpResponse:
    return export_view(request, HuntGroupImporter, _("hunt-groups"))


@require_http_methods(["GET", "POST"])
@product_required("pbx")
def hunt_groups_import(request: PortalRequest) -> HttpResponse:
    return import_view(
        request,
        importer=HuntGroupImporter,
        template=TEMPLATE,
        done_url=reverse("pbx:hunt_groups"),
        context={
            "title": _("Import hunt groups"),
            "back_url": reverse("pbx:hunt_groups"),
            "back_label": _("Hunt groups"),
            "export_url": reverse("pbx:hunt_groups_export"),
            "key_help": _(
                "Rows are matched on the extension (or, for a group without one, its external number). "
                "Members are users' extensions in ringing order, separated by commas. "
                "Groups that are not in the file are left alone."
            ),
        },
    )


@require_GET
@product_required("pbx")
def ivr_export(request: PortalRequest) -> HttpResponse:
    return export_view(request, IvrExporter, _("ivr-menus"))
