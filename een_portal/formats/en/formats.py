"""English as the portal writes it for accounts in the Netherlands: day before month, 24-hour
clock ("25 November 2026 17:30"), not Django's American defaults ("Nov. 25, 2026, 5:30 p.m.").
Month and day names come from the translation catalogue, so templates ask for these formats by
name (``|date:"DATETIME_FORMAT"``) and never spell out a fixed pattern with ``M`` or ``strftime``."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
FIRST_DAY_OF_WEEK = 1
