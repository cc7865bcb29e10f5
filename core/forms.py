"""Form fields every screen uses: Vietnamese dates, a deadline with the phone's time picker,
several files in one input."""

from django import forms

# Officers type dates the Vietnamese way whatever the interface language: 29/02/2024.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "autocomplete": "off", "class": "date"}


class DateInput(forms.DateInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={**DATE_ATTRS, **(attrs or {})}, format="%d/%m/%Y")


def date_field(label, **kwargs):
    return forms.DateField(label=label, input_formats=DATE_INPUT_FORMATS, widget=DateInput(), **kwargs)


class DeadlineWidget(forms.SplitDateTimeWidget):
    """A dd/mm/yyyy text box and the phone's own time picker, side by side."""

    def __init__(self):
        super().__init__(date_attrs=DATE_ATTRS, time_attrs={"class": "time"}, date_format="%d/%m/%Y",
                         time_format="%H:%M")
        # <input type=time> gives the native picker and always submits HH:MM.
        self.widgets[1].input_type = "time"


class DeadlineField(forms.SplitDateTimeField):
    widget = DeadlineWidget

    def __init__(self, **kwargs):
        super().__init__(input_date_formats=DATE_INPUT_FORMATS, input_time_formats=["%H:%M", "%H:%M:%S"],
                         **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """<input type=file multiple>: cleans to a list of uploaded files (maybe empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        clean_one = super().clean
        return [clean_one(f, initial) for f in files if f]
