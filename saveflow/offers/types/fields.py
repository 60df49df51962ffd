"""Field helpers shared by the offer types' parameter schemas."""

from marshmallow import fields, validate


def count(low: int, high: int | None = None, **kwargs) -> fields.Integer:
    """Return a strict integer field within [low, high]."""
    return fields.Integer(strict=True, validate=validate.Range(low, high), **kwargs)
