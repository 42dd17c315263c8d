"""The site's dates in French (FORMAT_MODULE_PATH): one date format and one date-time format for every
page, day before month, 24-hour clock, Paris time (TIME_ZONE): « 8 décembre 2026 », « 8 déc. 2026 à 00:10 ».
The short formats are the same: no page writes 08/12/2026, which reads as 12 August in English.
Templates name these formats (``|date:"DATETIME_FORMAT"``), never a pattern of their own."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j N Y à\u00a0H:i"  # a line may break before « à », never after it
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
