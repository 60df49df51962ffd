"""Offers that change nothing in billing and point somewhere: training, concierge, contact and
redirect. Their terms and effect are the link itself."""

from marshmallow import Schema, fields, validate

from saveflow.offers.types.base import OfferType

_http_url = validate.URL(schemes={"http", "https"}, require_tld=False)
_email = validate.Email()


def _link(url: str) -> None:
    # Contact offers are often a support mailbox; everything else is a web page.
    if url.startswith("mailto:"):
        _email(url.removeprefix("mailto:"))
    else:
        _http_url(url)


class LinkParams(Schema):
    url = fields.String(required=True, validate=[validate.Length(max=2000), _link])


class Training(OfferType):
    name = "training"
    params = LinkParams


class Concierge(OfferType):
    name = "concierge"
    params = LinkParams


class Contact(OfferType):
    name = "contact"
    params = LinkParams


class Redirect(OfferType):
    name = "redirect"
    params = LinkParams
