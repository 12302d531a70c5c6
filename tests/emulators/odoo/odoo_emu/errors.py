"""Odoo's exception classes and how /xmlrpc/2 turns them into faults.

Fault codes follow odoo/addons/base/controllers/rpc.py (xmlrpc_handle_exception_int): 1 for any
non-user error (the whole traceback text, ending with the exception line), 2 for UserError and
its subclasses, 3 for AccessDenied, 4 for AccessError.
"""

FAULT_APPLICATION = 1
FAULT_WARNING = 2
FAULT_ACCESS_DENIED = 3
FAULT_ACCESS_ERROR = 4


class OdooError(Exception):
    """Base of every error a call can raise; carries its fault code."""

    fault_code = FAULT_APPLICATION

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def fault_string(self):
        return self.message


class UserError(OdooError):
    fault_code = FAULT_WARNING


class ValidationError(UserError):
    pass


class MissingError(UserError):
    pass


class RedirectWarning(UserError):
    """Odoo builds it with (message, action, button_text, context); str() is the tuple."""

    def __init__(self, message, action_id, button_text):
        super().__init__(message)
        self.action_id = action_id
        self.button_text = button_text

    def fault_string(self):
        return repr((self.message, self.action_id, self.button_text, None))


class AccessDenied(OdooError):
    fault_code = FAULT_ACCESS_DENIED

    def __init__(self):
        super().__init__("Access Denied")


class AccessError(OdooError):
    fault_code = FAULT_ACCESS_ERROR


class AppError(OdooError):
    """A Python-level exception (ValueError, KeyError...) in Odoo: fault 1 with a traceback."""

    def __init__(self, exc_type, message, where="odoo/models.py"):
        super().__init__(message)
        self.exc_type = exc_type
        self.where = where

    def fault_string(self):
        return traceback_text(self.exc_type, self.message, self.where)


def traceback_text(exc_type, message, where="odoo/models.py"):
    """A traceback shaped like the one Odoo sends: frames, then `Type: message`."""
    frames = [
        ("odoo/addons/base/controllers/rpc.py", 165, "xmlrpc_2", "response = self._xmlrpc(service)"),
        ("odoo/addons/base/controllers/rpc.py", 145, "_xmlrpc", "result = dispatch_rpc(service, method, params)"),
        ("odoo/http.py", 368, "dispatch_rpc", "return dispatch(method, params)"),
        ("odoo/service/model.py", 39, "dispatch", "res = execute_kw(db, uid, *params[3:])"),
        ("odoo/service/model.py", 64, "execute_kw", "return execute(db, uid, obj, method, *args, **kw or {})"),
        ("odoo/service/model.py", 70, "execute", "res = execute_cr(cr, uid, obj, method, *args, **kw)"),
        ("odoo/api.py", 468, "call_kw", "result = _call_kw_multi(method, model, args, kwargs)"),
        (where, 1200, "<method>", "raise " + exc_type + "(...)"),
    ]
    lines = ["Traceback (most recent call last):"]
    for path, line, func, code in frames:
        lines.append('  File "/usr/lib/python3/dist-packages/%s", line %d, in %s' % (path, line, func))
        lines.append("    " + code)
    lines.append("%s: %s" % (exc_type, message))
    return "\n".join(lines) + "\n"


def value_error(message):
    return AppError("ValueError", message)


def missing_error(model, ids, uid):
    return MissingError(
        "Record does not exist or has been deleted.\n(Record: %s, User: %s)"
        % (recordset_repr(model, ids), uid))


def recordset_repr(model, ids):
    ids = list(ids)
    inner = "%d," % ids[0] if len(ids) == 1 else ", ".join(str(i) for i in ids)
    return "%s(%s)" % (model, inner)


def not_null_error(model_label, model, field_label, field):
    exc = ValidationError(
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it "
        "instead.\n\n"
        "Model: %s (%s)\nField: %s (%s)\n" % (model_label, model, field_label, field))
    exc.pg = ("not_null", field, field_label)
    return exc


def foreign_key_error(model_label, model, constraint, detail=""):
    exc = ValidationError(
        "The operation cannot be completed: another model requires the record being deleted. "
        "If possible, archive it instead.\n\n"
        "Model: %s (%s)\nConstraint: %s\n" % (model_label, model, constraint))
    exc.pg = ("fk", constraint, detail)
    return exc


def constraint_error(message):
    exc = ValidationError("The operation cannot be completed: %s" % message)
    exc.pg = ("constraint", message)
    return exc
