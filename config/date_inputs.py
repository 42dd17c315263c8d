"""The browser's date and time pickers (<input type="date">, <input type="datetime-local">) read and write
only ISO values: 2026-12-07, 2026-12-07T23:59. Django's DateInput writes a value in the page language's
first input format instead (07/12/2026 on a French page), which the browser drops: the field looks empty,
a default such as today's date is lost, and a form sent back as shown erases the stored date. These
widgets always write ISO values; what they read is unchanged (Django accepts ISO input in every language)."""

from django import forms

ISO_DATE, ISO_DATETIME_MINUTES = "%Y-%m-%d", "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or ISO_DATETIME_MINUTES)
