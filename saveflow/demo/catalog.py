"""The made-up business behind the demo history: its plans and prices, where its customers are,
why they leave and how often each kind of offer keeps them. Figures only; no database here."""

import random
import string

# Plan id -> (name, interval, price per currency in minor units). One price id per plan with a
# price per currency, as Stripe's multi-currency prices have it.
PLANS: dict[str, tuple[str, str, dict[str, int]]] = {
    "starter_monthly": ("Starter", "month", {"usd": 1900, "eur": 1900, "gbp": 1900}),
    "pro_monthly": ("Pro", "month", {"usd": 4900, "eur": 4900, "gbp": 3900}),
    "pro_annual": ("Pro (annual)", "year", {"usd": 49000, "eur": 49000, "gbp": 39000}),
    "business_monthly": ("Business", "month", {"usd": 14900, "eur": 14900, "gbp": 11900}),
}
PLAN_WEIGHTS = {"starter_monthly": 30, "pro_monthly": 40, "pro_annual": 14, "business_monthly": 16}

# Currency -> share of customers, and its countries with their shares and locales.
CURRENCIES = {"usd": 56, "eur": 28, "gbp": 16}
COUNTRIES: dict[str, list[tuple[str, int, str]]] = {
    "usd": [("US", 80, "en"), ("CA", 7, "en"), ("SG", 6, "zh-Hans"), ("TW", 4, "zh-Hant")]
    + [("MX", 3, "en")],
    "eur": [("DE", 34, "en"), ("FR", 24, "en"), ("NL", 16, "en"), ("ES", 15, "en")]
    + [("IE", 11, "en")],
    "gbp": [("GB", 100, "en")],
}
# Hours (UTC) when each currency's customers are at work, for the time a session starts.
WORKING_HOURS_UTC = {"usd": (13, 23), "eur": (7, 17), "gbp": (8, 18)}

# Why customers leave, by category of the default taxonomy (a reason whose category is not
# listed gets weight 1). Payment problems come from past-due subscriptions instead.
CATEGORY_WEIGHTS = {
    "too_expensive": 24,
    "not_using": 17,
    "missing_feature": 10,
    "switched_competitor": 9,
    "budget_cut": 8,
    "too_complex": 7,
    "temporary_need": 6,
    "technical_issues": 5,
    "business_closed": 4,
    "poor_support": 3,
    "personal_circumstances": 3,
    "moved_away": 1,
    "other": 2,
}
COMMENTS: dict[str, list[str]] = {
    "other": [
        "We barely log in any more, maybe twice a month",
        "Too expensive for what we use it for",
        "Our team moved to a different tool",
        "We only needed it for the launch, back next quarter",
        "It keeps crashing when we export reports",
        "Hard to set up for the whole team",
        "Just cleaning up subscriptions",
    ],
    "missing_feature": [
        "No Xero integration",
        "We need SSO for the whole company",
        "Reports can't be scheduled",
    ],
    "switched_competitor": ["Moving to a tool our parent company uses", "Found a cheaper option"],
}
COMMENT_SHARE = 0.45  # of customers who may add a comment, how many do

# How often a customer takes an offer of each type when it is the first one shown; a second
# offer is taken less often. Reasons outside the product's reach take offers less often still.
ACCEPT = {
    "discount": 0.26,
    "pause": 0.27,
    "downgrade": 0.17,
    "training": 0.10,
    "concierge": 0.12,
    "contact": 0.08,
    "trial_extension": 0.20,
    "redirect": 0.05,
}
SECOND_OFFER = 0.55
# Shown offers convert a little better month by month as the team tunes them (0 → 1 over time).
IMPROVEMENT = 0.25
# Customers who keep their subscription as it is without taking an offer.
WITHDRAW_WITHOUT_OFFERS = 0.11  # nothing was shown (the holdout, reasons without offers)
WITHDRAW_AFTER_OFFERS = 0.05  # every offer declined, then "keep my subscription"
# Where customers close the widget without deciding.
ABANDON = {"survey": 0.04, "offers": 0.03, "confirm": 0.03}
ABANDON_IDLE = 0.4  # of those, the share swept as idle rather than closed
# Subscriptions past due when the customer clicks Cancel, and what becomes of those sessions.
PAST_DUE = 0.04
RECOVERED = 0.6
RECOVERY_ABANDONED = 0.15
TEST_MODE = 0.02  # the team trying the widget in test mode

# What becomes of a save: the chance its customer cancels within the boomerang window after all
# (most often around when the offer runs out), and the monthly chance afterwards.
BOOMERANG = {"discount": 0.22, "pause": 0.26, "downgrade": 0.10, None: 0.24}
BOOMERANG_OTHER = 0.17
MONTHLY_CHURN_AFTER = 0.035

# The experiment the demo ran on the price reason: which offer comes first, with a holdout.
EXPERIMENT_KEY = "price-offer-order"
EXPERIMENT_HOLDOUT = 0.2
EXPERIMENT_MONTHS = 4  # it has run for the last few months

FIRST_NAMES = {
    "en": [
        "Olivia",
        "Liam",
        "Emma",
        "Noah",
        "Ava",
        "Ethan",
        "Sophia",
        "Mason",
        "Mia",
        "Lucas",
        "Amelia",
        "Logan",
        "Harper",
        "Elijah",
        "Evelyn",
        "James",
        "Abigail",
        "Benjamin",
        "Chloe",
        "Daniel",
        "Grace",
        "Henry",
        "Zoe",
        "Samuel",
        "Nora",
        "Owen",
        "Priya",
        "Arjun",
        "Fatima",
        "Omar",
        "Sofia",
        "Mateo",
        "Camila",
        "Diego",
        "Lena",
        "Jonas",
        "Clara",
        "Felix",
        "Lea",
        "Louis",
        "Chloé",
        "Hugo",
        "Sanne",
        "Daan",
        "Lucía",
        "Pablo",
        "Aoife",
        "Cian",
        "Isla",
        "Oliver",
        "Freya",
        "Harry",
        "Poppy",
        "George",
        "Maya",
    ],
    "zh-Hans": ["子涵", "浩然", "欣怡", "宇轩", "梓萱", "俊杰", "雨桐", "思远", "佳怡", "明轩"],
    "zh-Hant": ["志明", "淑芬", "俊傑", "雅婷", "家豪", "怡君", "冠宇", "詩涵"],
}
COMPANY_WORDS = [
    "Northwind",
    "Bluebird",
    "Cedar",
    "Harbor",
    "Juniper",
    "Summit",
    "Maple",
    "Lantern",
    "Copper",
    "Meadow",
    "Atlas",
    "Orbit",
    "Kestrel",
    "Tidewater",
    "Foxglove",
    "Granite",
    "Willow",
    "Beacon",
    "Riverstone",
    "Aurora",
    "Pinecone",
    "Saltmarsh",
]
COMPANY_KINDS = [
    "Analytics",
    "Studio",
    "Labs",
    "Design",
    "Logistics",
    "Health",
    "Media",
    "Partners",
    "Robotics",
]
COMPANY_SUFFIX = {"DE": " GmbH", "FR": " SAS", "NL": " B.V.", "ES": " S.L.", "GB": " Ltd"}


def pick(rng: random.Random, weights: dict) -> object:
    """Return one key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def stripe_id(rng: random.Random, prefix: str, length: int = 24) -> str:
    """Return an id shaped like Stripe's (`cus_…`, `sub_…`, `in_…`, `evt_…`)."""
    alphabet = string.ascii_letters + string.digits
    return f"{prefix}_" + "".join(rng.choice(alphabet) for _ in range(length))


def person(rng: random.Random, country: str, locale: str) -> dict:
    """Return the attributes a host page would pass for a customer: first name, company, seats."""
    first = rng.choice(FIRST_NAMES.get(locale, FIRST_NAMES["en"]))
    company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"
    return {
        "first_name": first,
        "company": company + COMPANY_SUFFIX.get(country, ""),
        "seats": rng.choice((1, 2, 3, 5, 8, 12, 20, 35)),
    }
