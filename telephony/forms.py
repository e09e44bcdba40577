from django import forms
from django.utils.translation import gettext_lazy as _

from core.versioning import VersionedFormMixin

from .models import CallBarring


class CallBarringForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = CallBarring
        fields = list(CallBarring.FIELDS)
        help_texts = {
            "international": _("All numbers outside the Netherlands, for example +32 2 123 45 67."),
            "mobile": _("Dutch mobile numbers, for example 06 1234 5678."),
            "premium_0900": _("Paid business service lines, for example 0900 1234567."),
            "erotic_0906": _("Erotic lines, for example 0906 1234567."),
            "entertainment_0909": _("Entertainment and game lines, for example 0909 1234567."),
        }
