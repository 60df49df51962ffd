"""Import every model so the metadata (and Alembic) sees all tables."""

from saveflow.accounts.models import ApiToken, Membership, User
from saveflow.apps.models import App, AuditEntry
from saveflow.billing.models import (
    BillingConnection,
    BillingEvent,
    PaidInvoice,
    SubscriptionState,
)
from saveflow.messaging.models import Delivery, DeliveryAttempt, WebhookEndpoint, WorkerJob
from saveflow.offers.models import Offer, OfferAcceptance, RuleSet
from saveflow.reasons.models import LabelledComment, LexiconPhrase, Reason, ReasonCategory
from saveflow.reports.models import FinanceDigest
from saveflow.rollups.models import ReportCohort, ReportDay
from saveflow.security.models import SecurityCount
from saveflow.sessions.models import Session, SessionEvent

__all__ = [
    "ApiToken",
    "App",
    "AuditEntry",
    "BillingConnection",
    "BillingEvent",
    "Delivery",
    "DeliveryAttempt",
    "FinanceDigest",
    "LabelledComment",
    "LexiconPhrase",
    "Membership",
    "Offer",
    "OfferAcceptance",
    "PaidInvoice",
    "Reason",
    "ReportCohort",
    "ReportDay",
    "ReasonCategory",
    "RuleSet",
    "SecurityCount",
    "Session",
    "SessionEvent",
    "SubscriptionState",
    "User",
    "WebhookEndpoint",
    "WorkerJob",
]
