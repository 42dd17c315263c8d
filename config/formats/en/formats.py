"""The site's dates in English (FORMAT_MODULE_PATH): one date format and one date-time format for every
page, day before month, 24-hour clock, Paris time (TIME_ZONE): "8 December 2026", "8 Dec 2026, 00:10".
The short formats are the same: no page writes 12/08/2026 12:10 a.m., which reads as 12 August in French.
Templates name these formats (``|date:"DATETIME_FORMAT"``), never a pattern of their own."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
