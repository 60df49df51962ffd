"""Saved-revenue reports for finance (and admins): figures, charts, drill-down, the digest."""

from datetime import date, datetime, timedelta
from typing import Any

from flask import abort, render_template, request, url_for
from sqlalchemy import select

from saveflow.admin import bp
from saveflow.admin.auth import FINANCE_ROLES, require_role
from saveflow.admin.report_charts import (
    breakdown_chart,
    deflection_chart,
    lift_chart,
    money_charts,
)
from saveflow.admin.report_forms import Chosen, ReportFilter, chosen
from saveflow.admin.session_query import NONE
from saveflow.admin.sessions import admin_app
from saveflow.extensions import db
from saveflow.money import money, percent, points
from saveflow.reasons.models import ReasonCategory
from saveflow.reports import charts
from saveflow.reports.digest import latest_digest
from saveflow.reports.lift import MIN_SAMPLE
from saveflow.reports.overview import choices, overview
from saveflow.reports.signals import reason_vs_words
from saveflow.rollups.ledger import timezone_of

NONE_LABELS = {
    "offer_type": "No offer shown",
    "reason_category": "No reason given",
    "plan": "No plan",
    "experiment": "Not in an experiment",
    "variant": "Not in an experiment",
}


def _labels(app_id: str) -> dict[str, dict[str, str]]:
    categories = db.session.scalars(select(ReasonCategory).where(ReasonCategory.app_id == app_id))
    reason = {c.key: (c.labels or {}).get("en") or c.key for c in categories}
    return {
        "reason_category": {"": NONE_LABELS["reason_category"], **reason},
        "offer_type": {"": NONE_LABELS["offer_type"]},
        "plan": {"": NONE_LABELS["plan"]},
        "experiment": {"": NONE_LABELS["experiment"]},
        "variant": {"": NONE_LABELS["variant"]},
    }


def offer_type_label(value: str | None) -> str:
    return value.replace("_", " ").capitalize() if value else NONE_LABELS["offer_type"]


def _drill(app_id: str, pick: Chosen):
    """Return a function that links a figure to the sessions counted in it."""
    base: dict[str, Any] = {
        "app_id": app_id,
        "mode": pick.mode,
        "outcome": "decided",
        "report_from": pick.start.isoformat(),
        "report_to": (pick.end - timedelta(days=1)).isoformat(),
    }
    if pick.currency:
        base["currency"] = pick.currency
    for name, value in pick.filters.items():
        base[name] = value or NONE

    def link(**narrower) -> str:
        args = {**base}
        for name, value in narrower.items():
            if name == "month":
                first = date.fromisoformat(f"{value}-01")
                last = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
                args["report_from"] = first.isoformat()
                args["report_to"] = (last - timedelta(days=1)).isoformat()
            elif value is None:
                args[name] = NONE
            else:
                args[name] = value
        return url_for("admin.sessions", **args)

    return link


@bp.get("/apps/<app_id>/reports")
@require_role(*FINANCE_ROLES)
def reports(app_id: str):
    app = admin_app(app_id)
    zone = timezone_of(app.settings)
    today = datetime.now(zone).date()
    form = ReportFilter(request.args)
    mode = request.args.get("mode", "live")
    labels = _labels(app_id)
    form.set_choices(choices(app_id, mode if mode in ("live", "test") else "live"), labels)
    valid = form.validate()
    pick = chosen(form if valid else ReportFilter(formdata=None), today.replace(day=1))
    if valid:
        # The form shows the months the page counts, defaults included.
        form.start.data, form.end.data = pick.start, pick.last_month
    found = overview(
        app_id,
        pick.start,
        pick.end,
        today,
        mode=pick.mode,
        currency=pick.currency,
        filters=pick.filters,
    )
    reason_labels = labels["reason_category"]

    def reason_label(value: str | None) -> str:
        return reason_labels.get(value or "", value or "")

    per_currency = {
        cur: {
            "money": money_charts(found, cur),
            "offer_type": breakdown_chart(found, "offer_type", cur, offer_type_label),
            "reason_category": breakdown_chart(found, "reason_category", cur, reason_label),
        }
        for cur in found.currencies
    }
    return render_template(
        "admin/reports.html",
        app=app,
        form=form,
        pick=pick,
        found=found,
        zone=zone.key,
        per_currency=per_currency,
        deflection=deflection_chart(found) if found.totals else None,
        lift=lift_chart(found.lifts) if found.lifts else None,
        drill=_drill(app_id, pick),
        digest=latest_digest(app_id),
        words=reason_vs_words(app_id, pick.start, pick.end, pick.mode),
        money=money,
        percent=percent,
        shade=charts.shade,
        offer_type_label=offer_type_label,
        reason_label=reason_label,
        money_of=lambda cur: lambda value: money(int(value), cur),
        lift_points=points,
        min_sample=MIN_SAMPLE,
        zip=zip,
    ), (200 if valid else 400)


@bp.get("/apps/<app_id>/reports/digests/<month>")
@require_role(*FINANCE_ROLES)
def report_digest(app_id: str, month: str):
    found = _digest_or_404(app_id, month)
    return render_template("admin/report_digest.html", app=admin_app(app_id), digest=found)


@bp.get("/apps/<app_id>/reports/digests/<month>/csv")
@require_role(*FINANCE_ROLES)
def report_digest_csv(app_id: str, month: str):
    found = _digest_or_404(app_id, month)
    filename = f"saved-revenue-{found.month.strftime('%Y-%m')}.csv"
    return (
        found.csv,
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _digest_or_404(app_id: str, month: str):
    from saveflow.reports.digest import digest_for

    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        abort(404)
    found = digest_for(app_id, first)
    if found is None:
        abort(404)
    return found
