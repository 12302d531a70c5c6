"""`load(fields, rows)`: Odoo's bulk importer (odoo/models.py load, ir.fields.converter).

Rows are lists of strings. The `id` column is an external id (module `__import__` unless the
context names another or the value has a dot): an existing one updates its record, a new one
creates a record and its ir.model.data row. Any message of type 'error' makes the whole call
roll back and `ids` False, while the call itself succeeds (no fault).
"""

import re
from datetime import datetime

from .errors import AppError, OdooError, UserError, ValidationError

_TRUE = ("1", "true", "yes")
_FALSE = ("0", "false", "no", "")
REFERENCING = (None, "id", ".id")


def fix_path(name):
    fixed = re.sub(r"([^/])\.id", r"\1/.id", name)
    fixed = re.sub(r"([^/]):id", r"\1/id", fixed)
    return fixed.split("/")


class _ConvError(Exception):
    def __init__(self, message, extra=None, warning=False):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
        self.warning = warning


def load(orm, model, fields, data):
    if not isinstance(fields, list) or not isinstance(data, list):
        raise AppError("TypeError", "load() fields and data must be lists")
    mdef = orm.mdef(model)
    paths = [fix_path(f) if isinstance(f, str) else [f] for f in fields]
    for path in paths:
        if path[0] in ("id", ".id"):
            continue
        if path[0] not in mdef.fields:
            raise AppError("KeyError", repr(path[0]))
        if mdef.fields[path[0]].type == "one2many" and len(path) > 1:
            comodel = mdef.fields[path[0]].relation
            if path[1] not in REFERENCING and path[1] not in orm.mdef(comodel).fields:
                raise AppError("KeyError", repr(path[1]))
    current_module = orm.context.get("module", "__import__")
    noupdate = bool(orm.context.get("noupdate", False))
    limit = orm.context.get("_import_limit")
    messages = []
    ids = []
    records = list(_extract(orm, model, paths, data, limit))
    converted = []
    for index, (raw, info) in enumerate(records):
        info = dict(info, record=index)
        dbid = False
        if ".id" in raw and raw[".id"] not in (False, None, ""):
            try:
                dbid = int(raw[".id"])
            except (TypeError, ValueError):
                dbid = raw[".id"]
            if not isinstance(dbid, int) or not orm.store.exists(model, dbid):
                messages.append(dict(info, type="error", field=".id",
                                     message="Unknown database identifier '%s'" % dbid))
                dbid = False
        values = _convert_record(orm, model, raw, info, messages)
        xid = raw.get("id") or False
        if xid:
            xid = xid if "." in xid else "%s.%s" % (current_module, xid)
        converted.append((dbid, xid, values, info))
    errors = 0
    for i, (dbid, xid, values, info) in enumerate(converted, 1):
        try:
            rid = _load_record(orm, model, dbid, xid, values, noupdate)
            ids.append(rid)
        except OdooError as exc:
            messages.append(dict(info, type="error", **_message_for(orm, model, exc)))
            errors += 1
        if errors >= 10 and errors >= i / 10:
            messages.append({"type": "warning", "message": "Found more than 10 errors and more "
                             "than one error per 10 records, interrupted to avoid showing too "
                             "many errors."})
            break
    if any(m["type"] == "error" for m in messages):
        orm.rollback_requested = True
        ids = False
    last = records[-1][1]["rows"]["to"] if records else -1
    nextrow = last + 1
    if limit is None or nextrow >= len(data):
        nextrow = 0
    return {"ids": ids, "messages": messages, "nextrow": nextrow}


def _extract(orm, model, paths, data, limit):
    """Yields (record dict of raw cells, info); o2m sub-rows join the record above them."""
    mdef = orm.mdef(model)
    o2m_cols = [i for i, p in enumerate(paths)
                if p[0] not in REFERENCING and mdef.fields[p[0]].type == "one2many"]
    other_cols = [i for i in range(len(paths)) if i not in o2m_cols]
    index = 0
    count = 0
    while index < len(data):
        if limit is not None and count >= limit:
            break
        row = data[index]
        if not isinstance(row, list):
            raise AppError("TypeError", "'%s' object is not subscriptable" % type(row).__name__)
        span = [row]
        nxt = index + 1
        while nxt < len(data) and o2m_cols and isinstance(data[nxt], list) and \
                any(_cell(data[nxt], i) for i in o2m_cols) and \
                not any(_cell(data[nxt], i) for i in other_cols):
            span.append(data[nxt])
            nxt += 1
        record = {}
        relational = {}
        for i, path in enumerate(paths):
            head = path[0]
            if head in ("id", ".id"):
                record[head] = _cell(row, i)
                continue
            ftype = mdef.fields[head].type
            if ftype in ("many2one", "many2many", "one2many"):
                relational.setdefault(head, []).append((i, path[1:]))
            else:
                record[head] = _cell(row, i)
        for head, cols in relational.items():
            field = mdef.fields[head]
            if field.type == "one2many":
                subs = []
                for srow in span:
                    sub = {}
                    for i, sub_path in cols:
                        key = sub_path[0] if sub_path else None
                        sub[key] = _cell(srow, i)
                    if any(v not in ("", False, None) for v in sub.values()):
                        subs.append(sub)
                record[head] = subs
            else:
                i, sub_path = cols[0]
                record[head] = (sub_path[0] if sub_path else None, _cell(row, i))
        yield record, {"rows": {"from": index, "to": index + len(span) - 1}}
        index = nxt
        count += 1


def _cell(row, i):
    return row[i] if i < len(row) else ""


def _convert_record(orm, model, raw, info, messages):
    mdef = orm.mdef(model)
    values = {}
    for fname, value in raw.items():
        if fname in ("id", ".id"):
            continue
        field = mdef.fields[fname]
        try:
            if field.type == "one2many":
                values[fname] = _convert_o2m(orm, field, value, info, messages)
                continue
            if field.type in ("many2one", "many2many"):
                sub, cell = value
                if cell in ("", False, None):
                    values[fname] = False if field.type == "many2one" else [[6, 0, []]]
                    continue
                def warn(text, field=field, fname=fname):
                    messages.append(dict(info, type="warning", field=fname,
                                         message=text % {"field": field.string}))
                values[fname] = _convert_relational(orm, field, sub, cell, warn)
                continue
            if value in ("", False, None):
                values[fname] = False
                continue
            values[fname] = _convert_scalar(orm, field, value)
        except _ConvError as exc:
            message = exc.message % {"field": field.string}
            entry = dict(info, type="warning" if exc.warning else "error", field=fname,
                         message=message)
            if exc.extra:
                entry.update(exc.extra)
                entry["field_name"] = field.string
            messages.append(entry)
            if exc.warning and "value" in exc.extra:
                values[fname] = exc.extra.pop("value")
                entry.pop("value", None)
    return values


def _need_str(value):
    if not isinstance(value, str):
        raise AppError("AttributeError", "'%s' object has no attribute 'lower'"
                       % type(value).__name__, "odoo/addons/base/models/ir_fields.py")
    return value


def _convert_scalar(orm, field, value):
    ftype = field.type
    if ftype in ("char", "text", "html"):
        return value
    if ftype == "boolean":
        text = _need_str(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _ConvError("Unknown value '%s' for boolean field '%%(field)s', assuming 'yes'"
                         % value, {"moreinfo": "Use '1' for yes and '0' for no", "value": True},
                         warning=True)
    if ftype in ("integer", "many2one_reference"):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _ConvError("'%s' does not seem to be an integer for field '%%(field)s'" % value)
    if ftype in ("float", "monetary"):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _ConvError("'%s' does not seem to be a number for field '%%(field)s'" % value)
    if ftype == "date":
        try:
            return datetime.strptime(_need_str(value), "%Y-%m-%d").strftime("%Y-%m-%d")
        except ValueError:
            raise _ConvError("'%s' does not seem to be a valid date for field '%%(field)s'" % value,
                             {"moreinfo": "Use the format '%s'" % "2012-12-31"})
    if ftype == "datetime":
        try:
            parsed = datetime.strptime(_need_str(value), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise _ConvError("'%s' does not seem to be a valid datetime for field '%%(field)s'"
                             % value, {"moreinfo": "Use the format '%s'" % "2012-12-31 23:59:59"})
        tz = orm.context.get("tz")
        if tz and tz != "UTC":
            try:
                from zoneinfo import ZoneInfo
                parsed = parsed.replace(tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))
            except Exception:  # unknown zone: Odoo falls back to UTC
                pass
        return parsed.strftime("%Y-%m-%d %H:%M:%S")
    if ftype == "selection":
        text = _need_str(value)
        for key, label in field.selection or []:
            if text == key or text.lower() == str(label).lower() or text.lower() == str(key).lower():
                return key
        raise _ConvError("Value '%s' not found in selection field '%%(field)s'" % value,
                         {"moreinfo": [label for _k, label in field.selection or []]})
    if ftype == "binary":
        return value
    return value


def _convert_relational(orm, field, sub, cell, warn=None):
    cell = _need_str(cell) if not isinstance(cell, int) else str(cell)
    comodel = field.relation
    if field.type == "many2many":
        ids = []
        for part in [c.strip() for c in cell.split(",") if c.strip()]:
            ids.append(_reference(orm, field, comodel, sub, part, warn))
        return [[6, 0, ids]]
    return _reference(orm, field, comodel, sub, cell, warn)


def _reference(orm, field, comodel, sub, value, warn=None):
    if sub == ".id":
        try:
            rid = int(value)
        except ValueError:
            raise _ConvError("Invalid database id '%s' for the field '%%(field)s'" % value,
                             {"moreinfo": _action(comodel)})
        if orm.store.exists(comodel, rid):
            return rid
        raise _ConvError("No matching record found for database id '%s' in field '%%(field)s'"
                         % value, {"moreinfo": _action(comodel)})
    if sub == "id":
        module = orm.context.get("module", "__import__")
        xmlid = value if "." in value else "%s.%s" % (module, value)
        mod, _, name = xmlid.partition(".")
        imd = orm.store.xmlids.get((mod, name))
        if imd is not None:
            rec = orm.store.get("ir.model.data", imd)
            if rec["model"] == comodel and orm.store.exists(comodel, rec["res_id"]):
                return rec["res_id"]
        raise _ConvError("No matching record found for external id '%s' in field '%%(field)s'"
                         % value, {"moreinfo": _action(comodel)})
    matches = orm.name_match(comodel, "=", value)
    if "active" in orm.mdef(comodel).fields:
        matches = [m for m in matches if orm.store.get(comodel, m).get("active", True)]
    if not matches:
        raise _ConvError("No matching record found for name '%s' in field '%%(field)s'" % value,
                         {"moreinfo": _action(comodel)})
    if len(matches) > 1 and warn is not None:
        warn("Found multiple matches for value '%s' in field '%%(field)s' (%d matches)"
             % (value, len(matches)))
    return orm.order_ids(comodel, matches, None)[0]


def _action(comodel):
    return {"name": "Possible Values", "type": "ir.actions.act_window", "target": "new",
            "view_mode": "tree,form", "views": [[False, "list"], [False, "form"]],
            "context": {"create": False}, "help": "See all possible values",
            "res_model": comodel}


def _convert_o2m(orm, field, subs, info, messages):
    commands = []
    comodel = field.relation
    for sub in subs:
        vals = {}
        for key, cell in sub.items():
            if key in REFERENCING or cell in ("", False, None):
                continue
            cfield = orm.mdef(comodel).fields[key]
            try:
                if cfield.type in ("many2one", "many2many"):
                    vals[key] = _convert_relational(orm, cfield, None, cell)
                else:
                    vals[key] = _convert_scalar(orm, cfield, cell)
            except _ConvError as exc:
                messages.append(dict(info, type="error", field=field.name,
                                     message=exc.message % {"field": cfield.string}))
        commands.append([0, 0, vals])
    return commands


def _load_record(orm, model, dbid, xid, values, noupdate):
    store = orm.store
    if xid:
        module, _, name = xid.partition(".")
        imd_id = store.xmlids.get((module, name))
        if imd_id is not None:
            imd = store.get("ir.model.data", imd_id)
            if imd["model"] != model:
                raise ValidationError(
                    "For external id %s when trying to create/update a record of model %s found "
                    "record of different model %s (%s)" % (xid, model, imd["model"], imd_id))
            if store.exists(model, imd["res_id"]):
                orm.write_records(model, [imd["res_id"]], values)
                return imd["res_id"]
            orm.unlink_records("ir.model.data", [imd_id])
        if orm.context.get("import_file") and not noupdate:
            known = {r["name"] for r in store.tables["ir.module.module"].values()}
            if module in known:
                raise UserError(
                    "The record %(xml_id)s has the module prefix %(module_name)s. This is the part "
                    "before the '.' in the external id. Because the prefix refers to an existing "
                    "module, the record would be deleted when the module is upgraded. Use either "
                    "no prefix and no dot or a prefix that isn't an existing module. For example, "
                    "__import__, resulting in the external id __import__.%(record_id)s."
                    % {"xml_id": xid, "module_name": module, "record_id": name})
        rid = orm.create_one(model, values)
        orm.create_one("ir.model.data", {"module": module, "name": name, "model": model,
                                         "res_id": rid, "noupdate": noupdate})
        return rid
    if dbid:
        orm.write_records(model, [dbid], values)
        return dbid
    return orm.create_one(model, values)


def _message_for(orm, model, exc):
    pg = getattr(exc, "pg", None)
    if pg and pg[0] == "not_null":
        return {"message": "Missing required value for the field '%s' (%s)" % (pg[2], pg[1]),
                "field": pg[1]}
    if pg and pg[0] == "fk":
        table = orm.mdef(model).table
        return {"message": 'insert or update on table "%s" violates foreign key constraint "%s"\n'
                % (table, pg[1])}
    if pg and pg[0] == "constraint":
        return {"message": pg[1]}
    if isinstance(exc, UserError):
        return {"message": exc.fault_string()}
    exc_type = getattr(exc, "exc_type", type(exc).__name__)
    return {"message": "Unknown error during import: <class '%s'>: %s" % (exc_type, exc.message),
            "moreinfo": "Resolve other errors first"}
