"""Stripe's request conventions: bracketed form keys, coercion of string values, error bodies."""

import re

_NAME = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")
API_ERROR_CODES_DOC = "https://docs.stripe.com/error-codes/"


class StripeError(Exception):
    """An error the fake answers with, in Stripe's `{"error": {...}}` shape."""

    def __init__(
        self,
        status,
        message,
        *,
        type="invalid_request_error",
        code=None,
        param=None,
        replayable=True,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        # Stripe saves no idempotent result for a request that failed validation.
        self.replayable = replayable

    def body(self, request_id):
        """Return the JSON body Stripe sends for this error."""
        error = {"type": self.type, "message": self.message, "code": self.code}
        if self.param is not None:
            error["param"] = self.param
        if self.code:
            error["doc_url"] = API_ERROR_CODES_DOC + self.code.replace("_", "-")
        error["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}"
        return {"error": error}


def invalid(message, param=None, code=None):
    """Return a 400 for a parameter that failed validation (never replayed)."""
    return StripeError(400, message, param=param, code=code, replayable=False)


def missing(kind, object_id, param=None):
    """Return Stripe's resource_missing error: 404 for a URL id, 400 for a parameter."""
    return StripeError(
        404 if param is None else 400,
        f"No such {kind}: '{object_id}'",
        code="resource_missing",
        param=param or "id",
    )


def parse_params(pairs):
    """Nest decoded form pairs: `items[0][price]` → {"items": [{"price": ...}]}."""
    root = {}
    for name, value in pairs:
        match = _NAME.match(name)
        if not match:
            raise invalid(f"Invalid parameter name: {name}", param=name)
        keys = [match.group(1), *_PART.findall(match.group(2))]
        node = root
        for depth, key in enumerate(keys):
            if key == "":
                # `expand[]=a&expand[]=b` appends, as Stripe reads it.
                key = str(sum(k.isdigit() for k in node))
            if depth == len(keys) - 1:
                if isinstance(node.get(key), dict):
                    raise invalid(f"Invalid value for {name}: also sent as a hash", param=name)
                node[key] = value
                break
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                raise invalid(f"Invalid value for {name}: also sent as a string", param=name)
            node = child
    return _listify(root)


def _listify(node):
    if not isinstance(node, dict):
        return node
    values = {key: _listify(value) for key, value in node.items()}
    if values and all(key.isdigit() for key in values):
        return [values[key] for key in sorted(values, key=int)]
    return values


def allow(params, allowed, prefix=""):
    """Refuse parameters the fake doesn't know, as Stripe refuses unknown ones."""
    for key in params:
        if key not in allowed:
            name = f"{prefix}[{key}]" if prefix else key
            raise invalid(
                f"Received unknown parameter: {name}", param=name, code="parameter_unknown"
            )


def require(params, key, param=None):
    """Return a required non-empty parameter."""
    value = params.get(key)
    if value in (None, "", {}, []):
        raise invalid(
            f"Missing required param: {param or key}.", param=param or key, code="parameter_missing"
        )
    return value


def integer(value, param):
    """Coerce a form value to an int (None stays None)."""
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(
            f"Invalid integer: {value}", param=param, code="parameter_invalid_integer"
        ) from None


def number(value, param):
    """Coerce a form value to a float (None stays None)."""
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise invalid(f"Invalid decimal: {value}", param=param) from None


def boolean(value, param):
    """Coerce "true"/"false" to a bool (None stays None)."""
    if value is None:
        return None
    if value in ("true", "false"):
        return value == "true"
    raise invalid(f"Invalid boolean: {value}", param=param)


def choice(value, options, param):
    """Check a value against an enum (None passes)."""
    if value is not None and value not in options:
        raise invalid(f"Invalid {param}: must be one of {', '.join(options)}", param=param)
    return value


def as_list(value, param):
    """Return a list parameter; a lone value would mean the caller forgot the index."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid(f"Invalid array: {param}", param=param)
    return value


def metadata(current, value, param="metadata"):
    """Merge metadata like Stripe: "" clears it all, an empty value unsets one key."""
    if value is None:
        return current
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid("Invalid metadata: must be a hash", param=param)
    merged = dict(current)
    for key, item in value.items():
        if item == "":
            merged.pop(key, None)
        else:
            merged[key] = str(item)
    return merged
