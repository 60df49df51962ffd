"""The reports page's filters: a GET form (nothing changes, so no CSRF token) read as a query."""

from dataclasses import dataclass
from datetime import date

from wtforms import MonthField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from saveflow.admin.forms import FilterForm
from saveflow.admin.session_query import NONE
from saveflow.reports.months import DEFAULT_MONTHS, MAX_MONTHS, add_months, months_in
from saveflow.reports.overview import months_from
from saveflow.reports.saved_revenue import MODES

# Filter fields that narrow the report to one group ("" = every group, NONE = the "none" group).
GROUP_FIELDS = ("offer_type", "reason_category", "plan", "experiment", "variant")


def _any(label: str) -> list[SelectChoice]:
    return [SelectChoice("", label)]


class ReportFilter(FilterForm):
    start = MonthField("From", name="from", format="%Y-%m", validators=[Optional()])
    end = MonthField("To", name="to", format="%Y-%m", validators=[Optional()])
    currency = SelectField("Currency", default="", validate_choice=False)
    mode = SelectField(
        "Mode",
        choices=[SelectChoice("live", "Live"), SelectChoice("test", "Test (sample data)")],
        default="live",
    )
    offer_type = SelectField("Offer type", default="", validate_choice=False)
    reason_category = SelectField("Reason category", default="", validate_choice=False)
    plan = SelectField("Plan", default="", validate_choice=False)
    experiment = SelectField("Experiment", default="", validate_choice=False)
    variant = SelectField("Variant", default="", validate_choice=False)

    def validate_end(self, field) -> None:
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError("The last month comes before the first.")
            if months_in(self.start.data, field.data) > MAX_MONTHS:
                raise ValidationError(f"Choose at most {MAX_MONTHS} months.")

    def set_choices(self, found: dict[str, list[str]], labels: dict[str, dict[str, str]]) -> None:
        """Offer the values the app's reports hold; keep a linked-in value even if it has none."""
        names = {"currency": "All", "plan": "All plans", "experiment": "All"}
        for name in ("currency", *GROUP_FIELDS):
            field = self[name]
            values = [v for v in found.get(name, []) if v]
            named = labels.get(name, {})
            options = _any(names.get(name, "All"))
            if "" in found.get(name, []) and name != "currency":
                options.append(SelectChoice(NONE, named.get("", "None")))
            options += [
                SelectChoice(v, named.get(v, v.upper() if name == "currency" else v))
                for v in values
            ]
            if field.data and field.data not in {o.value for o in options}:
                options.append(SelectChoice(field.data, field.data))
            field.choices = options

    def validate_mode(self, field) -> None:
        if field.data not in MODES:
            raise ValidationError("Choose live or test.")


@dataclass(frozen=True)
class Chosen:
    """What the filters ask for, as the report query takes it."""

    start: date  # the first local day (first of a month)
    end: date  # the first local day after the range
    mode: str
    currency: str | None
    filters: dict[str, str]  # `ReportQuery.filters`: "" means the "none" group

    @property
    def last_month(self) -> date:
        return months_from(self.start, self.end)[-1]


def chosen(form: ReportFilter, this_month: date) -> Chosen:
    """Return the range and groups the valid form asks for, with the defaults filled in."""
    end_month = (form.end.data or this_month).replace(day=1)
    start_month = form.start.data or add_months(end_month, 1 - DEFAULT_MONTHS)
    filters = {}
    for name in GROUP_FIELDS:
        value = form[name].data or ""
        if value:
            filters[name] = "" if value == NONE else value
    mode = form.mode.data if form.mode.data in MODES else "live"
    return Chosen(
        start=start_month.replace(day=1),
        end=add_months(end_month, 1),
        mode=mode,
        currency=(form.currency.data or "").lower() or None,
        filters=filters,
    )
