"""Decided sessions for `bench_reports.py`, generated inside PostgreSQL (INSERT … SELECT over
generate_series), so ten million rows take minutes rather than the hours row-by-row inserts would.

One app's sessions over `days` days ending yesterday, more of them lately (and a few thousand in
test mode, the team's own tries, however big the customer); three currencies,
four plans, eight reason categories, the default app's six offers with each type's own
acceptance rate, and an experiment with a holdout on the price reason for the last 120 days.
Saves carry money as a save does (saved MRR, projection, cost, realized revenue so far), a status
(pending in their first 30 days, else confirmed or a boomerang) and how long they were kept.
"""

from datetime import date

from sqlalchemy import text

# Draws first, then what follows from them, then the row. OFFSET 0 keeps each level a level:
# flattened, every use of a derived column would repeat the whole expression behind it.
_DRAWS = """
SELECT g,
       -- Days weighted 0.6 at the start to 1.4 at the end (a growing product): inverse CDF.
       CAST(:start AS date)
           + LEAST(floor(:days * (sqrt(0.36 + 1.6 * random()) - 0.6) / 0.8), :days - 1)::int AS day,
       random() AS r_cur, random() AS r_plan, random() AS r_reason, random() AS r_out,
       random() AS r_variant, random() AS r_shown, random() AS r_status, random() AS r_time
FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g
"""
_FACTS = f"""
SELECT d.*,
       CASE WHEN r_cur < 0.56 THEN 'usd' WHEN r_cur < 0.84 THEN 'eur' ELSE 'gbp' END AS currency,
       CASE WHEN r_plan < 0.30 THEN 'starter_monthly' WHEN r_plan < 0.70 THEN 'pro_monthly'
            WHEN r_plan < 0.84 THEN 'pro_annual' ELSE 'business_monthly' END AS plan,
       CASE WHEN r_reason < 0.24 THEN 'too_expensive' WHEN r_reason < 0.41 THEN 'not_using'
            WHEN r_reason < 0.51 THEN 'missing_feature'
            WHEN r_reason < 0.60 THEN 'switched_competitor'
            WHEN r_reason < 0.68 THEN 'budget_cut' WHEN r_reason < 0.75 THEN 'too_complex'
            WHEN r_reason < 0.81 THEN 'temporary_need' ELSE 'technical_issues' END AS category,
       (d.day::timestamp + r_time * interval '1 day') AT TIME ZONE 'UTC' AS decided_at
FROM ({_DRAWS} OFFSET 0) AS d
"""
_OFFERS = f"""
SELECT f.*,
       CASE plan WHEN 'starter_monthly' THEN 1900
                 WHEN 'pro_monthly' THEN CASE currency WHEN 'gbp' THEN 3900 ELSE 4900 END
                 WHEN 'pro_annual' THEN CASE currency WHEN 'gbp' THEN 3250 ELSE 4083 END
                 ELSE CASE currency WHEN 'gbp' THEN 11900 ELSE 14900 END END AS mrr,
       CASE WHEN category = 'too_expensive' AND day >= CAST(:experiment_from AS date) THEN
            CASE WHEN r_variant < 0.2 THEN 'holdout' WHEN r_variant < 0.6 THEN 'discount_first'
                 ELSE 'downgrade_first' END END AS variant,
       CASE category WHEN 'too_expensive' THEN 'discount_25_3m' WHEN 'not_using' THEN 'pause_2m'
            WHEN 'temporary_need' THEN 'pause_2m' WHEN 'missing_feature' THEN 'contact'
            WHEN 'too_complex' THEN 'training' WHEN 'technical_issues' THEN 'contact'
            WHEN 'switched_competitor' THEN 'discount_25_3m' ELSE 'downgrade' END AS first_offer,
       CASE category WHEN 'too_expensive' THEN 'downgrade' WHEN 'not_using' THEN 'training'
            WHEN 'missing_feature' THEN 'training' WHEN 'too_complex' THEN 'concierge'
            WHEN 'switched_competitor' THEN 'contact' WHEN 'budget_cut' THEN 'pause_2m'
            END AS second_offer
FROM ({_FACTS} OFFSET 0) AS f
"""
_SHOWN = f"""
SELECT o.*,
       CASE WHEN variant = 'holdout' OR r_out < 0.02 THEN NULL
            WHEN variant = 'downgrade_first' THEN
                 CASE WHEN r_shown < 0.55 THEN second_offer ELSE first_offer END
            WHEN second_offer IS NULL OR r_shown < 0.55 THEN first_offer
            ELSE second_offer END AS shown
FROM ({_OFFERS} OFFSET 0) AS o
"""
_TYPED = f"""
SELECT s.*,
       CASE shown WHEN 'discount_25_3m' THEN 'discount' WHEN 'pause_2m' THEN 'pause'
            ELSE shown END AS shown_type,
       CASE WHEN r_out < 0.02 THEN 'recovered' WHEN r_out < 0.09 THEN 'abandoned'
            WHEN shown IS NULL THEN CASE WHEN r_out < 0.20 THEN 'withdrawn' ELSE 'cancelled' END
            WHEN r_out < 0.09 + CASE shown WHEN 'discount_25_3m' THEN 0.26
                 WHEN 'pause_2m' THEN 0.27 WHEN 'downgrade' THEN 0.17 WHEN 'training' THEN 0.10
                 WHEN 'concierge' THEN 0.12 ELSE 0.08 END THEN 'saved'
            WHEN r_out >= 0.95 THEN 'withdrawn'
            ELSE 'cancelled' END AS outcome
FROM ({_SHOWN} OFFSET 0) AS s
"""
_MONEY = f"""
SELECT t.*,
       t.outcome IN ('saved', 'withdrawn') AS save,
       CASE WHEN t.outcome = 'withdrawn' THEN mrr * 12
            WHEN shown = 'discount_25_3m' THEN round(mrr * 11.25)
            WHEN shown = 'pause_2m' THEN mrr * 10
            WHEN shown = 'downgrade' THEN round(mrr * 0.4) * 12
            ELSE mrr * 12 END AS projected,
       CASE WHEN day > CAST(:end_day AS date) - 30 THEN 'pending'
            WHEN r_status < 0.15 THEN 'boomerang' ELSE 'confirmed' END AS status,
       CASE WHEN day > CAST(:end_day AS date) - 30 THEN -1
            WHEN r_status < 0.15 THEN floor(r_status / 0.15 * 3)::int
            WHEN r_status > 0.9 THEN 3 + floor((r_status - 0.9) * 60)::int ELSE -1 END AS kept,
       floor((CAST(:end_day AS date) - day) / 30.4)::int AS age
FROM ({_TYPED} OFFSET 0) AS t
"""
GENERATE = f"""
INSERT INTO sessions (
    id, app_id, mode, customer, subscription, token_digest, locale, country, attributes,
    snapshot, currency, mrr, compliance_mode, max_offers, step, reason_key, classification,
    rule_set_version, rule_id, experiment_key, variant, offer_keys, offer_index, event_seq,
    outcome, outcome_at, accepted_offer_key, horizon_months, saved_mrr, projected_revenue,
    offer_cost, save_status, save_status_at, realized_revenue, projected_revenue_cut, ended_at,
    report_day, shown_offer_key, shown_offer_type, reason_category, plan, months_kept, result,
    created_at, last_seen_at)
SELECT
    'ses_' || lpad(to_hex(g), 24, '0'), :app_id,
    CASE WHEN g % 200 = 0 AND g <= 1000000 THEN 'test' ELSE 'live' END,
    'cus_' || g, 'sub_' || g, md5(g::text) || md5((g + 1)::text), 'en',
    CASE currency WHEN 'usd' THEN 'US' WHEN 'eur' THEN 'DE' ELSE 'GB' END, '{{}}'::jsonb,
    jsonb_build_object('plan', plan, 'amount', mrr, 'currency', currency,
        'interval', 'month', 'interval_count', 1, 'quantity', 1, 'status', 'active',
        'started_at', to_char(decided_at - interval '400 days', 'YYYY-MM-DD"T"HH24:MI:SS+00:00')),
    currency, mrr, 'standard', 2, 'done',
    CASE WHEN outcome = 'recovered' THEN NULL ELSE category END,
    CASE WHEN outcome = 'recovered' THEN NULL ELSE jsonb_build_object('category', category,
        'voluntary', true, 'influenceable', true, 'confidence', 1.0, 'matched', '[]'::jsonb,
        'source', 'reason') END,
    1, CASE WHEN outcome = 'recovered' THEN NULL ELSE category END,
    CASE WHEN variant IS NOT NULL THEN 'price-offer-order' END, variant,
    CASE WHEN shown IS NULL THEN '[]'::jsonb
         WHEN second_offer IS NULL THEN jsonb_build_array(first_offer)
         ELSE jsonb_build_array(first_offer, second_offer) END,
    CASE WHEN shown = second_offer THEN 1 ELSE 0 END, 4,
    outcome, decided_at, CASE WHEN outcome = 'saved' THEN shown END,
    CASE WHEN save THEN 12 END, CASE WHEN save THEN mrr END, CASE WHEN save THEN projected END,
    CASE WHEN save THEN mrr * 12 - projected END, CASE WHEN save THEN status END,
    CASE WHEN save THEN decided_at END,
    CASE WHEN save THEN mrr * LEAST(age, CASE WHEN kept >= 0 THEN kept ELSE 12 END) ELSE 0 END,
    CASE WHEN save AND status = 'boomerang' THEN round(projected * (kept + 0.5) / 12) END,
    CASE WHEN save AND kept >= 0 THEN decided_at + (kept + 0.5) * interval '30 days' END,
    day, shown, shown_type, CASE WHEN outcome = 'recovered' THEN NULL ELSE category END, plan,
    CASE WHEN save THEN kept END, jsonb_build_object('outcome', outcome),
    decided_at - interval '95 seconds', decided_at
FROM ({_MONEY} OFFSET 0) AS m
"""


def generate(conn, app_id: str, first: int, last: int, start: date, days: int) -> None:
    """Insert sessions numbered `first` to `last` (inclusive) for `days` days from `start`."""
    end_day = date.fromordinal(start.toordinal() + days)
    conn.execute(
        text(GENERATE),
        {
            "app_id": app_id,
            "first": first,
            "last": last,
            "start": start,
            "days": days,
            "end_day": end_day,
            "experiment_from": date.fromordinal(end_day.toordinal() - 120),
        },
    )
