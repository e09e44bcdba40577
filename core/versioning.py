"""Concurrent edits: a stale save is refused, never silently lost (DESIGN.md "Concurrent edits").

Every aggregate an edit page saves has a ``version`` (PositiveIntegerField, default 1). Its
services call :func:`claim_version` inside their transaction, right before they save: one
conditional UPDATE bumps the version only when it still is the one the caller loaded, so of
two saves made from the same page exactly one goes through, and no lock is held across
requests. The other raises :class:`StaleEdit`, carrying the object as it is stored now.

Edit forms use :class:`VersionedFormMixin`: a hidden ``version`` field with the version the
page was loaded at, and :meth:`VersionedFormMixin.refuse_stale`, which keeps what the user
typed, takes the stored version (so a second save applies the typed values deliberately) and
lists the stored values for ``templates/core/_stale_edit.html``. The CSV import and the API
pass the same version (the API as an ETag with If-Match).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .ids import parse_id

M = TypeVar("M", bound=models.Model)

STALE_MESSAGE = gettext_lazy(
    "Someone else changed this in the meantime. What is stored now is shown below; what you "
    "typed is still in the form. Check it and save again to apply your changes anyway."
)
# Larger than any version a row reaches; a tampered value is refused as stale, not as a 500.
MAX_VERSION = 2**31 - 1


class StaleEdit(ValidationError):
    """A save made from a page loaded at an older version; ``current`` is the stored object."""

    def __init__(self, current: models.Model) -> None:
        super().__init__(STALE_MESSAGE, code="stale")
        self.current = current


def claim_version(instance: M, *, expected_version: int | None) -> M:
    """Bumps the stored version of ``instance`` with one conditional UPDATE, inside the caller's
    transaction, and sets ``instance.version`` to the new value; the caller saves next.

    ``expected_version`` is the version the caller's page was loaded at; ``None`` means the
    caller does not check (demo loaders, the admin, background tasks). A new object (no pk)
    is stored one above the version its page showed, so a second page that showed the same
    unsaved default is refused too. Raises :class:`StaleEdit` when the stored version differs.
    """
    model = type(instance)
    manager = model._base_manager
    if instance.pk is None:
        if expected_version is not None:
            instance.version = expected_version + 1  # type: ignore[attr-defined]
        return instance
    rows = manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        current = manager.filter(pk=instance.pk).first()
        if current is None:
            raise ValidationError(_("This was deleted in the meantime by someone else."))
        raise StaleEdit(current)
    if expected_version is not None:
        instance.version = expected_version + 1  # type: ignore[attr-defined]
    else:
        instance.version = manager.filter(pk=instance.pk).values_list("version", flat=True).get()  # type: ignore[attr-defined]
    return instance


def check_version(instance: models.Model, *, expected_version: int | None) -> None:
    """For a save that changes nothing: refuses it when the page was stale, without a bump."""
    if expected_version is None or instance.pk is None:
        return
    if instance.version != expected_version:  # type: ignore[attr-defined]
        raise StaleEdit(instance)


@dataclass(frozen=True)
class StoredValue:
    """One line of the "stored now" summary of a refused save."""

    label: str
    value: str
    differs: bool


def _shown(field: forms.Field, value: Any) -> str:
    if isinstance(value, models.Model) and isinstance(field, forms.ModelChoiceField):
        return str(field.label_from_instance(value))
    if isinstance(field, forms.ModelChoiceField):
        if value in (None, ""):
            return str(field.empty_label or _("(none)"))
        queryset = field.queryset
        chosen = queryset.filter(pk=value).first() if queryset is not None else None
        return str(field.label_from_instance(chosen)) if chosen is not None else str(value)
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if value in (None, ""):
        return _("(empty)")
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): v for k, v in field.choices}  # type: ignore[union-attr,misc]
        return str(labels.get(str(value), value))
    if isinstance(value, (Decimal, float, int)):
        return str(localize(value))
    return str(value)


class VersionedFormMixin:
    """An edit form that carries the version its page was loaded at (a hidden ``version``).

    The version comes from ``version=`` or, for model forms, from the instance. An empty
    version means the sender does not check (older clients); a version that is not a number
    is treated as stale.
    """

    fields: dict[str, forms.Field]
    data: Any
    cleaned_data: dict[str, Any]
    add_prefix: Any

    def values(self) -> dict[str, Any]:
        """What the service changes: every cleaned field of the form but the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if version is None:
            version = getattr(getattr(self, "instance", None), "version", None)
        self.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False, initial=version)
        self.stale: StaleEdit | None = None
        self.stored_values: list[StoredValue] = []

    def clean_version(self) -> int | None:
        raw = (self.cleaned_data.get("version") or "").strip()
        if not raw:
            return None
        number = parse_id(raw)  # ASCII digits only: "١٢" is no version either
        return number if number is not None and number <= MAX_VERSION else 0

    @property
    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None

    def refuse_stale(
        self,
        exc: StaleEdit,
        *,
        stored: Mapping[str, Any],
        extra: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Keeps the typed values, takes the stored version and lists the stored values.

        ``stored`` maps this form's field names to the stored values (as the page's initial
        data would have them); ``extra`` adds lines for what the form does not hold as fields
        (a schedule's rows).
        """
        self.stale = exc
        data = self.data.copy()
        data[self.add_prefix("version")] = str(exc.current.version)  # type: ignore[attr-defined]
        self.data = data
        values = []
        for name, value in stored.items():
            field = self.fields.get(name)
            if field is None or name == "version":
                continue
            typed = self[name].data  # type: ignore[index]
            values.append(
                StoredValue(
                    label=str(field.label or name),
                    value=_shown(field, value),
                    differs=field.has_changed(value, typed),
                )
            )
        values.extend(StoredValue(label=label, value=value, differs=True) for label, value in extra)
        self.stored_values = values
