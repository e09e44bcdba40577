"""The Telefooncentrale's models, one module per subject."""

from .night_mode import COMPANY_VOICEMAIL, DestinationType, NightMode, NightModeFollow, NightModeSetting

__all__ = ["COMPANY_VOICEMAIL", "DestinationType", "NightMode", "NightModeFollow", "NightModeSetting"]
