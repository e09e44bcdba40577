"""The Django admin keeps the rule every service keeps: a change to the PBX document bumps the revision.

Staff edit night mode, call barring and schedules (with their inlines) in the admin without
going through the portal's services; these admin classes announce every save and delete to
the PBX sync in the admin's own transaction (core.revision), so the change is pushed on
commit like one made in the portal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .revision import config_changed

if TYPE_CHECKING:
    from accounts.models import Organisation

    _Base = Any
else:
    _Base = object


class PbxDocumentAdminMixin(_Base):
    """For ModelAdmins of models the PBX document reads (core.document.register_section)."""

    def pbx_organisation(self, obj: Model) -> Organisation:
        return obj.organisation  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        # Also the path of simple-history's "revert"; inline changes are saved after this, in
        # the same transaction, before the push renders the document on commit.
        super().save_model(request, obj, form, change)
        config_changed(organisation=self.pbx_organisation(obj))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        organisation = self.pbx_organisation(obj)
        super().delete_model(request, obj)
        config_changed(organisation=organisation)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            organisations = {self.pbx_organisation(obj) for obj in queryset.select_related("organisation")}
            super().delete_queryset(request, queryset)
            for organisation in organisations:
                config_changed(organisation=organisation)
