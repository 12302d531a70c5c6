"""Conversion of client values into stored values, per field type, as Odoo's fields do.

Raises AppError (fault 1) where Odoo raises a Python exception: a wrong selection value, a
malformed date, a string where a number is expected, bad base64.
"""

import base64
import binascii
import html
import re
from datetime import datetime

from .errors import AppError, value_error

_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)


def sanitize_html(value):
    """Approximates html_sanitize: plain text becomes a paragraph, scripts are removed."""
    if value is False or value is None:
        return False
    value = str(value)
    if not value.strip():
        return value
    if not _TAG.search(value):
        return "<p>%s</p>" % html.escape(html.unescape(value), quote=False)
    return _SCRIPT.sub("", value)


def _to_date(value):
    if not isinstance(value, str):
        raise AppError("TypeError", "'%s' object is not subscriptable" % type(value).__name__,
                       "odoo/fields.py")
    text = value[:10]
    try:
        return datetime.strptime(text, "%Y-%m-%d").strftime("%Y-%m-%d")
    except ValueError:
        raise AppError("ValueError", "time data %r does not match format '%%Y-%%m-%%d'" % text,
                       "odoo/fields.py")


def _to_datetime(value):
    if not isinstance(value, str):
        raise AppError("TypeError", "'%s' object is not subscriptable" % type(value).__name__,
                       "odoo/fields.py")
    text = value[:19]
    if len(text) == 10:
        text += " 00:00:00"
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise AppError("ValueError",
                       "time data %r does not match format '%%Y-%%m-%%d %%H:%%M:%%S'" % text,
                       "odoo/fields.py")


def _type_name(value):
    return type(value).__name__


def convert(model, fname, field, value):
    """Returns the stored form of `value` for `field`; x2many commands are returned as given."""
    ftype = field.type
    if ftype in ("char", "text"):
        if value is False or value is None:
            return False
        if isinstance(value, (list, dict)):
            return str(value)
        return str(value)
    if ftype == "html":
        return sanitize_html(value)
    if ftype == "boolean":
        return bool(value)
    if ftype in ("integer", "many2one_reference"):
        if value is False or value is None:
            return 0
        try:
            return int(value)
        except ValueError:
            raise AppError("ValueError", "invalid literal for int() with base 10: %r" % value)
        except TypeError:
            raise AppError("TypeError", "int() argument must be a string, a bytes-like object or "
                           "a real number, not '%s'" % _type_name(value))
    if ftype in ("float", "monetary"):
        if value is False or value is None:
            return 0.0
        try:
            return float(value)
        except ValueError:
            raise AppError("ValueError", "could not convert string to float: %r" % value)
        except TypeError:
            raise AppError("TypeError", "float() argument must be a string or a real number, "
                           "not '%s'" % _type_name(value))
    if ftype == "date":
        if value is False or value is None or value == "":
            return False
        return _to_date(value)
    if ftype == "datetime":
        if value is False or value is None or value == "":
            return False
        return _to_datetime(value)
    if ftype == "selection":
        if value is False or value is None:
            return False
        allowed = [v for v, _label in (field.selection or [])]
        if value not in allowed:
            raise value_error("Wrong value for %s.%s: %r" % (model, fname, value))
        return value
    if ftype == "many2one":
        if value is False or value is None or value == 0:
            return False
        if isinstance(value, bool) or not isinstance(value, int):
            raise value_error("Wrong value for %s.%s: %r" % (model, fname, value))
        return value
    if ftype == "binary":
        if value is False or value is None:
            return False
        if not isinstance(value, str):
            raise AppError("TypeError", "argument should be a bytes-like object or ASCII string, "
                           "not '%s'" % _type_name(value))
        try:
            base64.b64decode(value)
        except binascii.Error as exc:
            raise AppError("binascii.Error", str(exc))
        except ValueError as exc:
            raise AppError("ValueError", str(exc))
        return value
    return value


def read_value(field, value):
    """Stored value -> what read() returns for a non-relational field."""
    ftype = field.type
    if ftype in ("integer", "many2one_reference"):
        return value or 0
    if ftype in ("float", "monetary"):
        return float(value or 0.0)
    if ftype == "boolean":
        return bool(value)
    if value is None:
        return False
    return value
