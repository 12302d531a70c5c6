"""Model-specific behaviour of the emulated Odoo 17: defaults, constraints, side effects and the
business methods called over RPC (action_post, message_post, payment registration...).

Each hook is registered in a table keyed by model (or (model, method)); orm.py calls them.
"""

import ast
import base64
import hashlib
import html
import mimetypes
import re
from datetime import datetime, timedelta

from .errors import (AppError, RedirectWarning, UserError, ValidationError,
                     constraint_error, missing_error, value_error)
from .schema import Field

DISPLAY_NAME, COMPUTED, O2M_FILTER = {}, {}, {}
PRE_CREATE, POST_CREATE, POST_CREATE_BATCH = {}, {}, {}
PRE_WRITE, POST_WRITE, PRE_UNLINK, POST_UNLINK = {}, {}, {}, {}
CONSTRAINTS, METHODS, THREAD_METHODS = {}, {}, {}


def hook(table, *keys):
    def register(fn):
        for key in keys:
            table[key] = fn
        return fn
    return register


def xmlid_res_id(orm, module, name):
    imd = orm.store.xmlids.get((module, name))
    if imd is None:
        return False
    return orm.store.get("ir.model.data", imd)["res_id"]


def ir_model_id(orm, model):
    for rid, rec in orm.store.tables["ir.model"].items():
        if rec["model"] == model:
            return rid
    return False


def document_links(orm):
    links = [("ir.attachment", "res_model", "res_id"), ("ir.model.data", "model", "res_id")]
    if "mail.message" in orm.store.models:
        links += [("mail.message", "model", "res_id"), ("mail.activity", "res_model", "res_id")]
    return links


def _check_document(orm, model, res_id):
    """A (model, res_id) pair must name an existing record."""
    if not model:
        return
    if model not in orm.store.models:
        raise UserError("Object %s doesn't exist" % model)
    if res_id and not orm.store.exists(model, res_id):
        raise missing_error(model, [res_id], orm.uid)


# -- display names ------------------------------------------------------------------------------
@hook(DISPLAY_NAME, "res.partner")
def _partner_name(orm, rid, rec):
    return rec.get("complete_name") or rec.get("name") or ""


def _complete_name(orm, rec):
    name = rec.get("name") or ""
    parent = rec.get("parent_id")
    if parent and not rec.get("is_company"):
        prec = orm.store.get("res.partner", parent)
        pname = (prec or {}).get("complete_name") or (prec or {}).get("name") or ""
        if not name and rec.get("type") != "contact":
            label = dict(orm.mdef("res.partner").fields["type"].selection).get(rec.get("type"), "")
            name = label
        return "%s, %s" % (pname, name) if pname else name
    return name


@hook(DISPLAY_NAME, "ir.model.data")
def _imd_name(orm, rid, rec):
    return "%s.%s" % (rec.get("module") or "", rec.get("name"))


@hook(DISPLAY_NAME, "account.move")
def _move_name(orm, rid, rec):
    if rec.get("name") and rec["name"] != "/":
        return rec["name"]
    labels = {"out_invoice": "Draft Invoice", "out_refund": "Draft Credit Note",
              "in_invoice": "Draft Bill", "in_refund": "Draft Vendor Credit Note"}
    return "%s (* %d)" % (labels.get(rec.get("move_type"), "Draft Entry"), rid)


@hook(DISPLAY_NAME, "mail.activity")
def _activity_name(orm, rid, rec):
    if rec.get("summary"):
        return rec["summary"]
    atype = orm.store.get("mail.activity.type", rec.get("activity_type_id"))
    return atype["name"] if atype else "mail.activity,%d" % rid


@hook(DISPLAY_NAME, "account.payment")
def _payment_name(orm, rid, rec):
    return rec.get("name") if rec.get("name") not in (None, False, "/") else "Draft Payment"


# -- computed, not stored -----------------------------------------------------------------------
@hook(COMPUTED, ("mail.activity", "state"))
def _activity_state(orm, rid, rec):
    if not rec.get("active", True):
        return "done"
    deadline = rec.get("date_deadline") or ""
    today = orm.today()
    return "overdue" if deadline < today else ("today" if deadline == today else "planned")


@hook(COMPUTED, ("crm.lead", "company_currency"))
def _lead_currency(orm, rid, rec):
    return orm.company_currency()


@hook(COMPUTED, ("ir.model.fields", "selection"))
def _field_selection(orm, rid, rec):
    if rec.get("ttype") != "selection":
        return False
    return repr([(v, n) for v, n in _selection_pairs(orm, rid)])


def _selection_pairs(orm, field_rid):
    rows = [(r.get("sequence", 1000), sid, r) for sid, r in
            orm.store.tables["ir.model.fields.selection"].items() if r.get("field_id") == field_rid]
    return [(r["value"], r["name"]) for _s, _i, r in sorted(rows, key=lambda t: (t[0], t[1]))]


@hook(O2M_FILTER, ("account.move", "invoice_line_ids"))
def _invoice_lines(crec):
    return crec.get("display_type") in ("product", "line_section", "line_note", False)


# -- res.partner / res.users -------------------------------------------------------------------
@hook(CONSTRAINTS, "res.partner")
def _partner_constraints(orm, rid, merged, changed):
    if merged.get("type") == "contact" and not merged.get("name"):
        raise constraint_error("Contacts require a name")


@hook(POST_CREATE, "res.partner")
def _partner_post_create(orm, rid, vals):
    rec = orm.store.get("res.partner", rid)
    orm.store.update("res.partner", rid, {"complete_name": _complete_name(orm, rec)})


@hook(POST_WRITE, "res.partner")
def _partner_post_write(orm, ids, vals):
    if not {"name", "parent_id", "is_company", "type"} & set(vals):
        return
    todo = list(ids)
    seen = set()
    while todo:
        rid = todo.pop()
        if rid in seen:
            continue
        seen.add(rid)
        rec = orm.store.get("res.partner", rid)
        name = _complete_name(orm, rec)
        if rec.get("complete_name") != name:
            orm.store.update("res.partner", rid, {"complete_name": name})
        todo += sorted(orm.store.index("res.partner", "parent_id").get(rid, ()))


@hook(PRE_UNLINK, "res.partner")
def _partner_pre_unlink(orm, ids):
    users = sorted(orm.referencing("res.users", "partner_id", ids))
    if users:
        names = ", ".join(orm.display_name("res.users", u) for u in users)
        action = {"name": "Users", "type": "ir.actions.act_window", "res_model": "res.users",
                  "view_mode": "form", "res_id": users[0], "context": {"create": False}}
        raise RedirectWarning(
            "You cannot delete contacts linked to an active user.\nYou should rather archive them "
            "after archiving their related user.\n\nLinked active users :\n%s" % names,
            action, "Go to users")


@hook(PRE_CREATE, "res.users")
def _user_pre_create(orm, vals):
    if not vals.get("partner_id"):
        pvals = {"name": vals.get("name") or vals.get("login"), "email": vals.get("email") or False}
        vals = dict(vals, partner_id=orm.create_one("res.partner", pvals))
    vals.setdefault("company_id", orm.company_id())
    return vals


@hook(PRE_CREATE, "res.company")
def _company_pre_create(orm, vals):
    """Odoo 17 res.company.create: a company named without a partner gets a new company partner
    (name, email, phone, country); the currency defaults to the current user's company's."""
    vals = dict(vals)
    if vals.get("name") and not vals.get("partner_id"):
        pvals = {"name": vals["name"], "is_company": True}
        for key in ("email", "phone", "country_id"):
            if vals.get(key):
                pvals[key] = vals[key]
        vals["partner_id"] = orm.create_one("res.partner", pvals)
    vals.setdefault("currency_id", orm.company_currency())
    return vals


@hook(CONSTRAINTS, "res.users")
def _user_constraints(orm, rid, merged, changed):
    if "login" in changed:
        for other, rec in orm.store.tables["res.users"].items():
            if other != rid and rec.get("login") == merged.get("login"):
                raise constraint_error("You can not have two users with the same login !")


@hook(PRE_UNLINK, "res.users")
def _user_pre_unlink(orm, ids):
    if 2 in ids or 1 in ids:
        raise UserError("You can not remove the admin user as it is used internally for resources "
                        "created by Odoo (updates, module installation, ...)")


@hook(CONSTRAINTS, "res.country.state")
def _state_constraints(orm, rid, merged, changed):
    for other, rec in orm.store.tables["res.country.state"].items():
        if other != rid and rec.get("country_id") == merged.get("country_id") and \
                rec.get("code") == merged.get("code"):
            raise constraint_error("The code of the state must be unique by country !")


@hook(CONSTRAINTS, "crm.tag")
def _tag_constraints(orm, rid, merged, changed):
    for other, rec in orm.store.tables["crm.tag"].items():
        if other != rid and rec.get("name") == merged.get("name"):
            raise constraint_error("Tag name already exists!")


def _utm_unique_name(model):
    """Odoo 17 renames a duplicate UTM record 'Name [2]' instead of refusing it."""
    def pre(orm, vals):
        name = vals.get("name")
        if not name:
            return vals
        existing = {r.get("name") for r in orm.store.tables[model].values()}
        return vals if name not in existing else dict(vals, name=_next_name(name, existing))
    return pre


for _utm in ("utm.source", "utm.medium", "utm.campaign"):
    PRE_CREATE[_utm] = _utm_unique_name(_utm)


def _next_name(name, existing):
    n = 2
    while "%s [%d]" % (name, n) in existing:
        n += 1
    return "%s [%d]" % (name, n)


# -- ir.model.data ------------------------------------------------------------------------------
@hook(CONSTRAINTS, "ir.model.data")
def _imd_constraints(orm, rid, merged, changed):
    name = merged.get("name") or ""
    if " " in name:
        raise constraint_error("External IDs cannot contain spaces")
    key = (merged.get("module") or "", name)
    other = orm.store.xmlids.get(key)
    if other is not None and other != rid:
        raise constraint_error(
            'duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"'
            "\nDETAIL:  Key (module, name)=(%s, %s) already exists.\n" % key)


# -- ir.model.fields: custom fields ----------------------------------------------------------
_PG_NAME = re.compile(r"^[a-z_][a-z0-9_$]*$", re.I)
_EMULATED_TTYPES = ("char", "text", "html", "boolean", "integer", "float", "monetary", "date",
                    "datetime", "selection", "many2one", "many2many", "one2many", "binary")


@hook(PRE_CREATE, "ir.model.fields")
def _field_pre_create(orm, vals):
    vals = dict(vals)
    model_rec = orm.store.get("ir.model", vals.get("model_id")) if vals.get("model_id") else None
    if model_rec is not None:
        vals["model"] = model_rec["model"]
    state = vals.get("state", "manual")
    name = vals.get("name") or ""
    if state != "manual":
        raise UserError("emulator: only custom (manual) fields can be created over RPC")
    if model_rec is None:
        return vals  # NOT NULL on model / model_id follows
    if not isinstance(name, str) or not name.startswith("x_"):
        raise constraint_error("Custom fields must have a name that starts with 'x_'!")
    if not _PG_NAME.match(name) or len(name) > 63:
        raise ValidationError("Field names can only contain characters, digits and underscores "
                              "(up to 63).")
    model = model_rec["model"]
    if name in orm.mdef(model).fields:
        raise constraint_error("Field names must be unique per model.")
    ttype = vals.get("ttype")
    if ttype and ttype not in _EMULATED_TTYPES and ttype in dict(
            orm.mdef("ir.model.fields").fields["ttype"].selection):
        raise UserError("emulator: custom fields of type %r are not emulated" % ttype)
    if ttype in ("many2one", "one2many", "many2many"):
        relation = vals.get("relation")
        if not relation or relation not in orm.store.models:
            raise UserError("Model %s does not exist!" % (relation or False))
        if ttype == "one2many":
            inverse = orm.mdef(relation).fields.get(vals.get("relation_field") or "")
            if inverse is None or inverse.type != "many2one" or inverse.relation != model:
                raise UserError("Many2one %s on model %s does not exist!"
                                % (vals.get("relation_field"), relation))
    if ttype == "monetary":
        cur = vals.get("currency_field") or "currency_id"
        cfield = orm.mdef(model).fields.get(cur)
        if cfield is None:
            raise ValidationError("Currency field is empty and there is no fallback field in the "
                                  "model" if not vals.get("currency_field") else
                                  "Unknown field specified %r in currency_field" % cur)
        if cfield.type != "many2one" or cfield.relation != "res.currency":
            raise ValidationError("Currency field does not have type many2one")
    if ttype == "selection" and vals.get("selection") and not vals.get("selection_ids"):
        vals["selection_ids"] = [[0, 0, {"value": v, "name": n, "sequence": i}]
                                 for i, (v, n) in enumerate(_parse_selection(vals["selection"]))]
    vals.pop("selection", None)
    vals.setdefault("complete_name", "%s.%s" % (model, name))
    return vals


def _parse_selection(text):
    try:
        value = ast.literal_eval(text) if isinstance(text, str) else None
        pairs = [(str(v), str(n)) for v, n in value]
    except (ValueError, SyntaxError, TypeError):
        raise ValidationError("The Selection Options expression is not a valid Pythonic "
                              "expression. Please provide an expression in the [('key','Label'), "
                              "...] format.")
    return pairs


def field_from_record(orm, rid, rec):
    ttype = rec["ttype"]
    return Field(
        ttype, rec.get("field_description") or rec["name"], required=bool(rec.get("required")),
        relation=rec.get("relation") or None,
        selection=_selection_pairs(orm, rid) if ttype == "selection" else None,
        ondelete=(rec.get("on_delete") or "set null") if ttype == "many2one" else None,
        readonly=bool(rec.get("readonly")), inverse=rec.get("relation_field") or None,
        state=rec.get("state") or "manual", currency_field=rec.get("currency_field") or None,
        help_text=rec.get("help") or "", size=rec.get("size") or None, index=bool(rec.get("index")))


def _install_field(orm, rid, old_name=None):
    rec = orm.store.get("ir.model.fields", rid)
    model = rec["model"]
    field = field_from_record(orm, rid, rec)
    field.name = rec["name"]
    orm.store.save_schema(model)
    fields = dict(orm.mdef(model).fields)
    if old_name and old_name != rec["name"]:
        fields.pop(old_name, None)
        for rrid, rrec in orm.store.tables[model].items():
            if old_name in rrec:
                orm.store.update(model, rrid, {rec["name"]: rrec[old_name]})
        orm.store.drop_column(model, old_name)
    fields[rec["name"]] = field
    orm.mdef(model).fields = fields


@hook(POST_CREATE, "ir.model.fields")
def _field_post_create(orm, rid, vals):
    _install_field(orm, rid)


@hook(PRE_WRITE, "ir.model.fields")
def _field_pre_write(orm, ids, vals):
    for rid in ids:
        rec = orm.store.get("ir.model.fields", rid)
        if rec.get("state") != "manual":
            raise UserError("Properties of base fields cannot be altered in this manner! Please "
                            "modify them through Python code, preferably through a custom addon!")
        if "ttype" in vals and vals["ttype"] != rec["ttype"]:
            raise UserError("Changing the type of a field is not yet supported. Please drop it "
                            "and create it again!")
        if "model_id" in vals and vals["model_id"] != rec["model_id"]:
            raise UserError("Changing the model of a field is forbidden!")
        if "name" in vals and (not isinstance(vals["name"], str) or not vals["name"].startswith("x_")):
            raise constraint_error("Custom fields must have a name that starts with 'x_'!")
    vals = dict(vals)
    if "selection" in vals:
        pairs = _parse_selection(vals.pop("selection"))
        vals["selection_ids"] = [[5, 0, 0]] + [[0, 0, {"value": v, "name": n, "sequence": i}]
                                               for i, (v, n) in enumerate(pairs)]
    orm._renames = {rid: orm.store.get("ir.model.fields", rid)["name"] for rid in ids}
    return vals


@hook(POST_WRITE, "ir.model.fields")
def _field_post_write(orm, ids, vals):
    renames = getattr(orm, "_renames", {})
    for rid in ids:
        _install_field(orm, rid, old_name=renames.get(rid))


@hook(PRE_UNLINK, "ir.model.fields")
def _field_pre_unlink(orm, ids):
    dropping = getattr(orm, "_dropping", {})
    for rid in ids:
        rec = orm.store.get("ir.model.fields", rid)
        if rec.get("state") != "manual":
            raise UserError("This column contains module data and cannot be removed!")
        dropping[rid] = dict(rec)
    orm._dropping = dropping


@hook(POST_UNLINK, "ir.model.fields")
def _field_post_unlink(orm, ids):
    for rid in ids:
        rec = orm._dropping.pop(rid)
        model = rec["model"]
        if model not in orm.store.models:
            continue
        orm.store.save_schema(model)
        fields = dict(orm.mdef(model).fields)
        fields.pop(rec["name"], None)
        orm.mdef(model).fields = fields
        orm.store.drop_column(model, rec["name"])


@hook(POST_CREATE, "ir.model.fields.selection")
def _selection_post_create(orm, rid, vals):
    rec = orm.store.get("ir.model.fields.selection", rid)
    for other, orec in orm.store.tables["ir.model.fields.selection"].items():
        if other != rid and orec["field_id"] == rec["field_id"] and orec["value"] == rec["value"]:
            raise constraint_error("Selection Option must be unique!")
    if orm.store.get("ir.model.fields", rec["field_id"]).get("model") in orm.store.models:
        _install_field(orm, rec["field_id"])


@hook(POST_WRITE, "ir.model.fields.selection")
def _selection_post_write(orm, ids, vals):
    for rid in ids:
        _install_field(orm, orm.store.get("ir.model.fields.selection", rid)["field_id"])


@hook(PRE_UNLINK, "ir.model.fields.selection")
def _selection_pre_unlink(orm, ids):
    orm._selection_fields = {orm.store.get("ir.model.fields.selection", r)["field_id"] for r in ids}


@hook(POST_UNLINK, "ir.model.fields.selection")
def _selection_post_unlink(orm, ids):
    for fid in getattr(orm, "_selection_fields", ()):
        if orm.store.exists("ir.model.fields", fid):
            _install_field(orm, fid)


@hook(PRE_UNLINK, "ir.model")
def _model_pre_unlink(orm, ids):
    for rid in ids:
        if orm.store.get("ir.model", rid).get("state") != "manual":
            raise UserError("Model '%s' contains module data and cannot be removed."
                            % orm.store.get("ir.model", rid)["name"])


@hook(PRE_CREATE, "ir.model")
def _model_pre_create(orm, vals):
    raise UserError("emulator: custom models (ir.model create) are not emulated")


# -- ir.attachment ------------------------------------------------------------------------------
@hook(PRE_CREATE, "ir.attachment")
def _attachment_pre_create(orm, vals):
    vals = dict(vals)  # Odoo lets an attachment point at a missing record (it checks access only)
    if vals.get("type", "binary") == "url" and vals.get("datas"):
        vals.pop("datas")
    return _attachment_compute(orm, vals)


def _attachment_compute(orm, vals):
    if "datas" in vals:
        data = vals.get("datas")
        raw = b""
        if data:
            try:
                raw = base64.b64decode(data)
            except Exception as exc:  # binascii.Error is a ValueError
                raise AppError("binascii.Error", str(exc))
        vals["file_size"] = len(raw)
        vals["checksum"] = hashlib.sha1(raw).hexdigest() if data else False
        if not vals.get("mimetype"):
            guessed = mimetypes.guess_type(vals.get("name") or "")[0]
            vals["mimetype"] = guessed or ("application/octet-stream" if data else False)
    elif "url" in vals and not vals.get("mimetype"):
        vals["mimetype"] = mimetypes.guess_type(vals.get("url") or "")[0] or False
    return vals


@hook(PRE_WRITE, "ir.attachment")
def _attachment_pre_write(orm, ids, vals):
    vals = dict(vals)
    for key in ("file_size", "checksum"):
        vals.pop(key, None)
    return _attachment_compute(orm, vals)


# -- mail ---------------------------------------------------------------------------------------
def log_creation(orm, model, rid):
    label = orm.mdef(model).log_label
    orm.create_one("mail.message", {
        "model": model, "res_id": rid, "message_type": "notification",
        "subtype_id": xmlid_res_id(orm, "mail", "mt_note"), "body": "<p>%s created</p>" % label,
        "author_id": orm.user_partner(), "date": orm.now})


@hook(PRE_CREATE, "mail.activity")
def _activity_pre_create(orm, vals):
    vals = dict(vals)
    vals.pop("res_model", None)
    model_rec = orm.store.get("ir.model", vals.get("res_model_id")) if vals.get("res_model_id") \
        else None
    if model_rec is not None:
        vals["res_model"] = model_rec["model"]
        _check_document(orm, model_rec["model"], vals.get("res_id"))
    vals.setdefault("user_id", orm.uid)
    if "activity_type_id" not in vals:
        vals["activity_type_id"] = xmlid_res_id(orm, "mail", "mail_activity_data_todo")
    return vals


@hook(PRE_WRITE, "mail.activity")
def _activity_pre_write(orm, ids, vals):
    vals = dict(vals)
    vals.pop("res_model", None)
    if vals.get("res_model_id"):
        model_rec = orm.store.get("ir.model", vals["res_model_id"])
        if model_rec is not None:
            vals["res_model"] = model_rec["model"]
    return vals


def _activity_feedback(orm, ids, feedback=False, attachment_ids=None):
    ids = [ids] if isinstance(ids, int) else list(ids)
    message_id = False
    for rid in ids:
        rec = orm.store.get("mail.activity", rid)
        if rec is None:
            raise missing_error("mail.activity", [rid], orm.uid)
        atype = orm.store.get("mail.activity.type", rec.get("activity_type_id")) or {}
        body = "<p>%s done</p>" % html.escape(atype.get("name") or "Activity")
        if feedback:
            body += "<p>%s</p>" % html.escape(str(feedback))
        message_id = orm.create_one("mail.message", {
            "model": rec["res_model"], "res_id": rec["res_id"], "message_type": "notification",
            "subtype_id": xmlid_res_id(orm, "mail", "mt_activities"), "body": body,
            "author_id": orm.user_partner(), "date": orm.now,
            "mail_activity_type_id": rec.get("activity_type_id") or False,
            "attachment_ids": [[6, 0, list(attachment_ids or [])]]})
        if atype.get("keep_done"):
            orm.write_records("mail.activity", [rid], {"active": False, "date_done": orm.today()})
        else:
            orm.unlink_records("mail.activity", [rid])
    return message_id


METHODS[("mail.activity", "action_feedback")] = _activity_feedback


@hook(PRE_CREATE, "mail.message")
def _message_pre_create(orm, vals):
    vals = dict(vals)
    _check_document(orm, vals.get("model"), vals.get("res_id"))
    vals.setdefault("date", orm.now)
    vals.setdefault("author_id", orm.user_partner())
    if vals.get("model") and vals.get("res_id") and "record_name" not in vals:
        vals["record_name"] = orm.display_name(vals["model"], vals["res_id"])
    return vals


_POST_KEYS = ("body", "subject", "message_type", "subtype_xmlid", "subtype_id", "author_id",
              "attachment_ids", "date", "body_is_html", "partner_ids", "parent_id", "email_from",
              "mail_activity_type_id", "record_name", "reply_to", "create_date", "attachments",
              "email_layout_xmlid", "email_add_signature", "model_description", "message_id")


def message_post(orm, ids, **kwargs):
    ids = [ids] if isinstance(ids, int) else list(ids)
    model = orm.model
    if len(ids) != 1:
        raise value_error("Expected singleton: %s(%s)" % (model, ", ".join(map(str, ids))
                                                          + ("," if len(ids) == 1 else "")))
    rid = ids[0]
    if not orm.store.exists(model, rid):
        raise missing_error(model, ids, orm.uid)
    unknown = [k for k in kwargs if k not in _POST_KEYS]
    if unknown:
        raise value_error("message_post doesn't support model-specific values anymore; please "
                          "use the documented parameters. Received: %s" % ", ".join(sorted(unknown)))
    if kwargs.get("message_type", "notification") not in dict(
            orm.mdef("mail.message").fields["message_type"].selection):
        raise value_error("Wrong value for mail.message.message_type: %r" % kwargs["message_type"])
    body = kwargs.get("body", "")
    if body and not kwargs.get("body_is_html"):
        body = html.escape(str(body)).replace("\n", "<br>")
    subtype_id = kwargs.get("subtype_id") or False
    if kwargs.get("subtype_xmlid"):
        xmlid = kwargs["subtype_xmlid"]
        module, _, name = xmlid.partition(".")
        subtype_id = xmlid_res_id(orm, module, name)
        if not subtype_id:
            raise value_error("External ID not found in the system: %s" % xmlid)
    if not subtype_id:
        subtype_id = xmlid_res_id(orm, "mail", "mt_note")
    attachment_ids = list(kwargs.get("attachment_ids") or [])
    for att in attachment_ids:
        arec = orm.store.get("ir.attachment", att)
        if arec is None:
            raise missing_error("ir.attachment", [att], orm.uid)
        if not arec.get("res_id") or arec.get("res_model") == "mail.compose.message":
            orm.write_records("ir.attachment", [att], {"res_model": model, "res_id": rid})
    vals = {"model": model, "res_id": rid, "body": body or "",
            "message_type": kwargs.get("message_type", "notification"),
            "subtype_id": subtype_id, "attachment_ids": [[6, 0, attachment_ids]],
            "author_id": kwargs.get("author_id") or orm.user_partner()}
    for key in ("subject", "date", "email_from", "parent_id", "mail_activity_type_id",
                "record_name", "reply_to", "message_id"):
        if key in kwargs:
            vals[key] = kwargs[key]
    if kwargs.get("partner_ids"):
        vals["partner_ids"] = [[6, 0, list(kwargs["partner_ids"])]]
    return orm.create_one("mail.message", vals)


THREAD_METHODS["message_post"] = message_post


# -- crm ----------------------------------------------------------------------------------------
@hook(PRE_CREATE, "crm.lead")
def _lead_pre_create(orm, vals):
    vals = dict(vals)
    vals.setdefault("user_id", orm.uid)
    if "team_id" not in vals and vals.get("user_id"):
        user = vals["user_id"]
        teams = [t for t, rec in sorted(orm.store.tables["crm.team"].items())
                 if rec.get("active", True) and
                 (rec.get("user_id") == user or user in (rec.get("member_ids") or []))]
        vals["team_id"] = teams[0] if teams else False
    if "stage_id" not in vals:
        stages = orm.search_ids("crm.stage", [])
        vals["stage_id"] = stages[0] if stages else False
    partner = orm.store.get("res.partner", vals.get("partner_id")) if vals.get("partner_id") \
        else None
    if partner is not None:
        for lead_f, partner_f in (("email_from", "email"), ("phone", "phone")):
            if lead_f not in vals and partner.get(partner_f):
                vals[lead_f] = partner[partner_f]
    return vals


def _lead_sync_partner(orm, ids, vals):
    """crm.lead's inverse of email_from / phone writes them onto the customer (Odoo 17)."""
    for rid in ids:
        rec = orm.store.get("crm.lead", rid)
        pid = rec.get("partner_id")
        if not pid or not orm.store.exists("res.partner", pid):
            continue
        partner = orm.store.get("res.partner", pid)
        update = {}
        for lead_f, partner_f in (("email_from", "email"), ("phone", "phone")):
            if lead_f in vals and rec.get(lead_f) and \
                    (rec.get(lead_f) or "").strip().lower() != (partner.get(partner_f) or "").strip().lower():
                update[partner_f] = rec[lead_f]
        if update:
            orm.write_records("res.partner", [pid], update)


@hook(POST_CREATE, "crm.lead")
def _lead_post_create(orm, rid, vals):
    _lead_sync_partner(orm, [rid], vals)


POST_WRITE["crm.lead"] = _lead_sync_partner


# -- calendar -----------------------------------------------------------------------------------
def _event_vals(orm, vals, current=None):
    vals = dict(vals)
    vals.pop("res_model", None)
    if vals.get("res_model_id"):
        model_rec = orm.store.get("ir.model", vals["res_model_id"])
        if model_rec is not None:
            vals["res_model"] = model_rec["model"]
    return vals


def _hours(start, stop):
    fmt = "%Y-%m-%d %H:%M:%S"
    try:
        delta = datetime.strptime(stop[:19], fmt) - datetime.strptime(start[:19], fmt)
    except ValueError:
        return 0.0
    return round(delta.total_seconds() / 3600.0, 2)


@hook(PRE_CREATE, "calendar.event")
def _event_pre_create(orm, vals):
    orm._event_explicit = set(vals)
    vals = _event_vals(orm, vals)
    vals.setdefault("user_id", orm.uid)
    if "partner_ids" not in vals and orm.user_partner():
        vals["partner_ids"] = [[6, 0, [orm.user_partner()]]]
    if vals.get("allday"):
        for date_f, dt_f in (("start_date", "start"), ("stop_date", "stop")):
            if vals.get(date_f) and not vals.get(dt_f):
                vals[dt_f] = str(vals[date_f])[:10] + " 08:00:00"
    if not vals.get("stop"):
        vals["stop"] = _default_stop(orm.now)
    return vals


def _default_stop(now):
    """Odoo 17 calendar.event.stop is `required, default=_default_stop, compute='_compute_stop',
    readonly=False, store=True`. create() fills every field left out from its default
    (BaseModel._add_missing_default_values) and a value present at create protects a writable
    computed field from its compute, so a stop left out is the default, not start + duration:
    the next half hour from now plus the default duration (1 h). An event that starts later than
    that is refused by the ending-before-starting constraint, as in Odoo."""
    fmt = "%Y-%m-%d %H:%M:%S"
    moment = datetime.strptime(now[:19], fmt)
    start = moment + (datetime.min - moment) % timedelta(minutes=30)
    return (start + timedelta(hours=1)).strftime(fmt)


@hook(PRE_WRITE, "calendar.event")
def _event_pre_write(orm, ids, vals):
    orm._event_explicit = set(vals)
    return _event_vals(orm, vals)


@hook(CONSTRAINTS, "calendar.event")
def _event_constraints(orm, rid, merged, changed):
    start, stop = merged.get("start"), merged.get("stop")
    if start and stop and stop < start:
        raise ValidationError(
            "The ending date and time cannot be earlier than the starting date and time.\n"
            "Meeting “%s” starts at %s and ends at %s" % (merged.get("name"), start, stop))
    if start and stop and ("start" in changed or "stop" in changed) and \
            "duration" not in getattr(orm, "_event_explicit", ()):
        value = _hours(start, stop)
        changed["duration"] = value
        merged["duration"] = value


# -- accounting ---------------------------------------------------------------------------------
def _journal_of_type(orm, jtype):
    for rid, rec in sorted(orm.store.tables["account.journal"].items()):
        if rec.get("type") == jtype and rec.get("active", True):
            return rid
    return False


def _account_of_type(orm, atype):
    for rid, rec in sorted(orm.store.tables["account.account"].items()):
        if rec.get("account_type") == atype:
            return rid
    return False


@hook(PRE_CREATE, "account.move")
def _move_pre_create(orm, vals):
    vals = dict(vals)
    mtype = vals.get("move_type", "entry")
    if "journal_id" not in vals:
        jtype = "sale" if str(mtype).startswith("out_") else \
            ("purchase" if str(mtype).startswith("in_") else "general")
        vals["journal_id"] = _journal_of_type(orm, jtype)
    vals.setdefault("currency_id", orm.company_currency())
    vals.setdefault("company_id", orm.company_id())
    vals.setdefault("date", vals.get("invoice_date") or orm.today())
    # _compute_invoice_default_sale_person: the current user on sale documents unless given.
    if str(mtype).startswith("out_"):
        vals.setdefault("invoice_user_id", orm.uid)
    for key in ("state", "payment_state", "posted_before", "amount_total", "amount_untaxed",
                "amount_residual"):
        if key in vals and key == "state" and vals[key] != "draft":
            raise UserError("emulator: account.move.state is set by action_post / button_draft / "
                            "button_cancel, not by create or write")
        vals.pop(key, None)
    if vals.get("line_ids") and not vals.get("invoice_line_ids"):
        vals["invoice_line_ids"] = vals.pop("line_ids")
    return vals


_POSTED_LOCKED = ("partner_id", "invoice_line_ids", "line_ids", "journal_id", "move_type",
                  "invoice_date", "currency_id", "date")


@hook(PRE_WRITE, "account.move")
def _move_pre_write(orm, ids, vals):
    vals = dict(vals)
    if "state" in vals:
        raise UserError("emulator: account.move.state is set by action_post / button_draft / "
                        "button_cancel, not by create or write")
    for key in ("payment_state", "posted_before", "amount_total", "amount_untaxed",
                "amount_residual"):
        vals.pop(key, None)
    locked = [k for k in vals if k in _POSTED_LOCKED]
    if locked:
        for rid in ids:
            if orm.store.get("account.move", rid).get("state") == "posted":
                raise UserError("You cannot modify the following readonly fields on the posted "
                                "move %s: %s" % (orm.display_name("account.move", rid),
                                                 ", ".join(sorted(locked))))
    return vals


@hook(PRE_CREATE, "account.move.line")
def _line_pre_create(orm, vals):
    vals = dict(vals)
    move = orm.store.get("account.move", vals.get("move_id")) if vals.get("move_id") else None
    if move is not None:
        if move.get("state") == "posted":
            raise UserError("You cannot modify a posted entry of this journal. First you should "
                            "set the journal to allow cancelling entries.\n(fields: line_ids)")
        vals.setdefault("currency_id", move.get("currency_id"))
        if "account_id" not in vals:
            income = "income" if str(move.get("move_type")).startswith("out_") else "expense"
            vals["account_id"] = _account_of_type(orm, income)
    return vals


def _line_subtotal(rec):
    return round((rec.get("quantity") or 0.0) * (rec.get("price_unit") or 0.0) *
                 (1 - (rec.get("discount") or 0.0) / 100.0), 2)


def recompute_move(orm, move_id):
    move = orm.store.get("account.move", move_id)
    if move is None:
        return
    total = 0.0
    lines = orm.store.tables["account.move.line"]
    for lid in sorted(orm.store.index("account.move.line", "move_id").get(move_id, ())):
        line = lines[lid]
        if line.get("display_type") in ("line_section", "line_note"):
            continue
        sub = _line_subtotal(line)
        if line.get("price_subtotal") != sub:
            orm.store.update("account.move.line", lid, {"price_subtotal": sub})
        total += sub
    total = round(total, 2)
    paid = _paid_amounts(orm, move_id).get(move_id, 0.0) if move.get("state") == "posted" else 0.0
    residual = round(max(total - paid, 0.0), 2) if move.get("state") == "posted" else total
    if move.get("move_type") == "entry":
        state = "not_paid"
    elif move.get("state") != "posted":
        state = "not_paid"
    elif total > 0 and residual <= 0.005:
        state = orm.server.full_payment_state
    elif paid > 0:
        state = "partial"
    else:
        state = "not_paid"
    orm.store.update("account.move", move_id, {"amount_untaxed": total, "amount_total": total,
                                               "amount_residual": residual,
                                               "payment_state": state})


def _move_total(orm, move_id):
    lines = orm.store.tables["account.move.line"]
    return round(sum(_line_subtotal(lines[l]) for l in
                     orm.store.index("account.move.line", "move_id").get(move_id, ())
                     if lines[l].get("display_type") not in ("line_section", "line_note")), 2)


def _paid_amounts(orm, move_id):
    """Replays the payments reconciled with `move_id` and with the other invoices they pay
    (by payment id, invoices by id): invoice id -> amount paid."""
    pay_index = orm.store.index("account.payment", "reconciled_invoice_ids")
    payments = orm.store.tables["account.payment"]
    related = set(pay_index.get(move_id, ()))
    for pid in list(related):
        for inv in payments[pid].get("reconciled_invoice_ids") or []:
            related |= pay_index.get(inv, set())
    totals = {}
    moves = orm.store.tables["account.move"]
    for pid in sorted(related):
        pay = payments[pid]
        if pay.get("state") != "posted":
            continue
        left = pay.get("amount") or 0.0
        for inv in sorted(pay.get("reconciled_invoice_ids") or []):
            mrec = moves.get(inv)
            if mrec is None or left <= 0:
                continue
            total = _move_total(orm, inv)
            take = min(left, round(total - totals.get(inv, 0.0), 2))
            totals[inv] = totals.get(inv, 0.0) + max(take, 0.0)
            left -= max(take, 0.0)
    return totals


@hook(POST_CREATE, "account.move")
def _move_post_create(orm, rid, vals):
    recompute_move(orm, rid)


@hook(POST_WRITE, "account.move")
def _move_post_write(orm, ids, vals):
    for rid in ids:
        recompute_move(orm, rid)


@hook(POST_CREATE, "account.move.line")
def _line_post_create(orm, rid, vals):
    line = orm.store.get("account.move.line", rid)
    orm.store.update("account.move.line", rid, {"price_subtotal": _line_subtotal(line)})
    recompute_move(orm, line.get("move_id"))


@hook(POST_WRITE, "account.move.line")
def _line_post_write(orm, ids, vals):
    for rid in ids:
        recompute_move(orm, orm.store.get("account.move.line", rid).get("move_id"))


@hook(PRE_WRITE, "account.move.line")
def _line_pre_write(orm, ids, vals):
    for rid in ids:
        move = orm.store.get("account.move", orm.store.get("account.move.line", rid)["move_id"])
        if move and move.get("state") == "posted":
            raise UserError("You cannot modify a posted entry of this journal. First you should "
                            "set the journal to allow cancelling entries.\n(fields: line_ids)")
    return vals


@hook(PRE_UNLINK, "account.move.line")
def _line_pre_unlink(orm, ids):
    orm._lines_moves = getattr(orm, "_lines_moves", set()) | {
        orm.store.get("account.move.line", r)["move_id"] for r in ids}


@hook(POST_UNLINK, "account.move.line")
def _line_post_unlink(orm, ids):
    for mid in getattr(orm, "_lines_moves", set()):
        recompute_move(orm, mid)


_CHAIN = re.compile(r"^(.*/)(\d+)$")


def _check_end_of_chain(orm, model, ids):
    """Odoo 17 `_unlink_forbid_parts_of_chain`: numbered entries may only be deleted from the end
    of their sequence (the deleted numbers contiguous and including the last one)."""
    if orm.context.get("force_delete"):
        return
    groups = {}
    for rid in ids:
        match = _CHAIN.match(orm.store.get(model, rid).get("name") or "")
        if match:
            groups.setdefault(match.group(1), set()).add(int(match.group(2)))
    for prefix, numbers in groups.items():
        last = _last_number(orm, model, prefix.rstrip("/"))
        if len(numbers) != max(numbers) - min(numbers) + 1 or max(numbers) != last:
            raise UserError("You cannot delete this entry, as it has already consumed a sequence "
                            "number and is not the last one in the chain. You should probably "
                            "revert it instead.")


@hook(PRE_UNLINK, "account.move")
def _move_pre_unlink(orm, ids):
    for rid in ids:
        if orm.store.get("account.move", rid).get("state") == "posted" and \
                not orm.context.get("force_delete"):
            raise UserError("You cannot delete an item linked to a posted entry.")
    _check_end_of_chain(orm, "account.move", ids)
    _move_pre_unlink_reconcile(orm, ids)


_SEQ_PREFIX = {"out_invoice": "INV", "out_refund": "RINV", "in_invoice": "BILL",
               "in_refund": "RBILL", "out_receipt": "RCPT", "in_receipt": "RCPT"}


def _last_number(orm, model, prefix):
    """Highest number used under `prefix` (e.g. 'INV/2021'), cached on the store."""
    cache = orm.store.seq_cache
    key = (model, prefix)
    if key not in cache:
        pattern = re.compile(r"^%s/(\d+)$" % re.escape(prefix))
        best = 0
        for rec in orm.store.tables[model].values():
            match = pattern.match(rec.get("name") or "")
            if match:
                best = max(best, int(match.group(1)))
        cache[key] = best
    return cache[key]


def _assign_number(orm, model, rid, prefix):
    number = _last_number(orm, model, prefix) + 1
    orm.store.update(model, rid, {"name": "%s/%05d" % (prefix, number)})
    orm.store.seq_cache[(model, prefix)] = number


def _move_action_post(orm, ids):
    ids = [ids] if isinstance(ids, int) else list(ids)
    for rid in ids:
        move = orm.store.get("account.move", rid)
        if move is None:
            raise missing_error("account.move", [rid], orm.uid)
        mtype = move.get("move_type")
        is_invoice = mtype != "entry"
        if move.get("state") == "posted":
            raise UserError("The entry %s (id %s) is already posted." % (move.get("name"), rid))
        label = dict(orm.mdef("account.move").fields["move_type"].selection).get(mtype)
        if is_invoice and not move.get("partner_id"):
            who = "Customer" if mtype.startswith("out_") else "Vendor"
            raise UserError("The field '%s' is required, please complete it to validate the %s."
                            % (who, label))
        table = orm.store.tables["account.move.line"]
        lines = [l for l in orm.store.index("account.move.line", "move_id").get(rid, ())
                 if table[l].get("display_type") not in ("line_section", "line_note")]
        if is_invoice and not lines:
            raise UserError("You need to add a line before posting.")
        if is_invoice and (move.get("amount_total") or 0.0) < 0:
            raise UserError("You cannot validate an invoice with a negative total amount. You "
                            "should create a credit note instead. Use the action menu to "
                            "transform it into a credit note or refund.")
        update = {"state": "posted", "posted_before": True}
        invoice_date = move.get("invoice_date")
        if is_invoice and not invoice_date:
            if mtype.startswith("in_"):
                raise UserError("The Bill/Refund date is required to validate this document.")
            invoice_date = orm.today()
            update["invoice_date"] = invoice_date
        if is_invoice:
            update["date"] = invoice_date
            if not move.get("invoice_date_due"):
                update["invoice_date_due"] = invoice_date
        orm.store.update("account.move", rid, update)
        if not move.get("name") or move.get("name") == "/":
            journal = orm.store.get("account.journal", move.get("journal_id")) or {}
            prefix = _SEQ_PREFIX.get(mtype) or journal.get("code") or "MISC"
            year = (update.get("date") or move.get("date") or orm.today())[:4]
            _assign_number(orm, "account.move", rid, "%s/%s" % (prefix, year))
        recompute_move(orm, rid)
    return False


def _move_button_draft(orm, ids):
    ids = [ids] if isinstance(ids, int) else list(ids)
    for rid in ids:
        move = orm.store.get("account.move", rid)
        if move is None:
            raise missing_error("account.move", [rid], orm.uid)
        if move.get("state") not in ("posted", "cancel"):
            raise UserError("Only posted/cancelled journal entries can be reset to draft.")
    _move_pre_unlink_reconcile(orm, ids)
    for rid in ids:
        orm.store.update("account.move", rid, {"state": "draft"})
        recompute_move(orm, rid)
    return None  # Odoo returns None here: the marshaller faults after the commit


def _move_pre_unlink_reconcile(orm, ids):
    idset = set(ids)
    for pid in sorted(orm.referencing("account.payment", "reconciled_invoice_ids", ids)):
        pay = orm.store.get("account.payment", pid)
        orm.store.update("account.payment", pid, {"reconciled_invoice_ids": [
            i for i in pay["reconciled_invoice_ids"] if i not in idset]})


def _move_button_cancel(orm, ids):
    ids = [ids] if isinstance(ids, int) else list(ids)
    for rid in ids:
        move = orm.store.get("account.move", rid)
        if move is None:
            raise missing_error("account.move", [rid], orm.uid)
        if move.get("state") != "draft":
            raise UserError("Only draft journal entries can be cancelled.")
        orm.store.update("account.move", rid, {"state": "cancel"})
    return None


METHODS[("account.move", "action_post")] = _move_action_post
METHODS[("account.move", "button_draft")] = _move_button_draft
METHODS[("account.move", "button_cancel")] = _move_button_cancel


@hook(PRE_CREATE, "account.payment")
def _payment_pre_create(orm, vals):
    vals = dict(vals)
    if vals.get("state", "draft") != "draft":
        raise UserError("emulator: account.payment.state is set by action_post / action_draft")
    vals.pop("state", None)
    vals.pop("reconciled_invoice_ids", None)
    vals.pop("is_reconciled", None)
    vals.setdefault("date", orm.today())
    vals.setdefault("journal_id", _journal_of_type(orm, "bank"))
    vals.setdefault("currency_id", orm.company_currency())
    if vals.get("journal_id"):
        journal = orm.store.get("account.journal", vals["journal_id"])
        if journal is not None and journal.get("type") not in ("bank", "cash"):
            raise ValidationError("The journal of a payment must be a bank or cash journal.")
    return vals


@hook(PRE_WRITE, "account.payment")
def _payment_pre_write(orm, ids, vals):
    if "state" in vals:
        raise UserError("emulator: account.payment.state is set by action_post / action_draft")
    vals = dict(vals)
    vals.pop("reconciled_invoice_ids", None)
    for rid in ids:
        if orm.store.get("account.payment", rid).get("state") == "posted" and \
                set(vals) & {"amount", "partner_id", "journal_id", "date", "payment_type"}:
            raise UserError("You cannot modify a posted entry of this journal. First you should "
                            "set the journal to allow cancelling entries.")
    return vals


@hook(PRE_UNLINK, "account.payment")
def _payment_pre_unlink(orm, ids):
    touched = set()
    for rid in ids:
        pay = orm.store.get("account.payment", rid)
        if pay.get("state") == "posted":
            raise UserError("You cannot delete an item linked to a posted entry.")
        touched |= set(pay.get("reconciled_invoice_ids") or [])
    _check_end_of_chain(orm, "account.payment", ids)
    orm._payment_invoices = touched


@hook(POST_UNLINK, "account.payment")
def _payment_post_unlink(orm, ids):
    for inv in getattr(orm, "_payment_invoices", ()):
        recompute_move(orm, inv)


def _post_payment(orm, rid):
    pay = orm.store.get("account.payment", rid)
    journal = orm.store.get("account.journal", pay.get("journal_id")) or {}
    orm.store.update("account.payment", rid, {"state": "posted"})
    if not pay.get("name") or pay.get("name") == "/":
        prefix = "P%s/%s" % (journal.get("code") or "BNK", (pay.get("date") or orm.today())[:4])
        _assign_number(orm, "account.payment", rid, prefix)


def _payment_action_post(orm, ids):
    ids = [ids] if isinstance(ids, int) else list(ids)
    for rid in ids:
        pay = orm.store.get("account.payment", rid)
        if pay is None:
            raise missing_error("account.payment", [rid], orm.uid)
        if pay.get("state") != "draft":
            raise UserError("Only a draft payment can be posted.")
        _post_payment(orm, rid)
    return None  # Odoo 17's account.payment.action_post returns None


def _payment_action_draft(orm, ids):
    ids = [ids] if isinstance(ids, int) else list(ids)
    for rid in ids:
        pay = orm.store.get("account.payment", rid)
        if pay is None:
            raise missing_error("account.payment", [rid], orm.uid)
        invoices = list(pay.get("reconciled_invoice_ids") or [])
        orm.store.update("account.payment", rid, {"state": "draft", "reconciled_invoice_ids": [],
                                                  "is_reconciled": False})
        for inv in invoices:
            recompute_move(orm, inv)
    return None


def _payment_action_cancel(orm, ids):
    ids = [ids] if isinstance(ids, int) else list(ids)
    for rid in ids:
        if orm.store.get("account.payment", rid).get("state") != "draft":
            raise UserError("Only draft journal entries can be cancelled.")
        orm.store.update("account.payment", rid, {"state": "cancel"})
    return None


METHODS[("account.payment", "action_post")] = _payment_action_post
METHODS[("account.payment", "action_draft")] = _payment_action_draft
METHODS[("account.payment", "action_cancel")] = _payment_action_cancel


@hook(PRE_CREATE, "account.payment.register")
def _register_pre_create(orm, vals):
    vals = dict(vals)
    ctx = orm.context
    if ctx.get("active_model") != "account.move":
        raise UserError("The register payment wizard should only be called on account.move or "
                        "account.move.line records.")
    invoices = ctx.get("active_ids") or ([ctx["active_id"]] if ctx.get("active_id") else [])
    if not invoices:
        raise UserError("The register payment wizard should only be called on account.move or "
                        "account.move.line records.")
    residual = 0.0
    partner = False
    for inv in invoices:
        move = orm.store.get("account.move", inv)
        if move is None:
            raise missing_error("account.move", [inv], orm.uid)
        if move.get("state") != "posted":
            raise UserError("You can only register payment for posted journal entries.")
        residual += move.get("amount_residual") or 0.0
        partner = partner or move.get("partner_id")
    if residual <= 0.005:
        raise UserError("You can't register a payment because there is nothing left to pay on "
                        "the selected journal items.")
    first = orm.store.get("account.move", invoices[0])
    vals.setdefault("amount", round(residual, 2))
    vals.setdefault("payment_date", orm.today())
    vals.setdefault("journal_id", _journal_of_type(orm, "bank"))
    vals.setdefault("communication", first.get("name"))
    vals.setdefault("partner_id", partner)
    vals.setdefault("currency_id", first.get("currency_id"))
    vals.setdefault("payment_type", "inbound" if str(first.get("move_type")).startswith("out_")
                    else "outbound")
    vals["line_ids"] = [[6, 0, list(invoices)]]
    return vals


def _register_create_payments(orm, ids):
    ids = [ids] if isinstance(ids, int) else list(ids)
    payments = []
    for rid in ids:
        wiz = orm.store.get("account.payment.register", rid)
        if wiz is None:
            raise missing_error("account.payment.register", [rid], orm.uid)
        if (wiz.get("amount") or 0.0) <= 0:
            raise UserError("The payment amount cannot be negative.")
        pay_id = orm.create_one("account.payment", {
            "payment_type": wiz.get("payment_type") or "inbound",
            "partner_type": "customer" if wiz.get("payment_type") != "outbound" else "supplier",
            "partner_id": wiz.get("partner_id"), "amount": wiz.get("amount"),
            "date": wiz.get("payment_date"), "journal_id": wiz.get("journal_id"),
            "ref": wiz.get("communication") or False, "currency_id": wiz.get("currency_id")})
        _post_payment(orm, pay_id)
        invoices = list(wiz.get("line_ids") or [])
        orm.store.update("account.payment", pay_id, {"reconciled_invoice_ids": invoices,
                                                     "is_reconciled": True})
        for inv in invoices:
            recompute_move(orm, inv)
        payments.append(pay_id)
    if orm.context.get("dont_redirect_to_payments"):
        return True
    action = {"name": "Payments", "type": "ir.actions.act_window", "res_model": "account.payment",
              "context": {"create": False}}
    if len(payments) == 1:
        action.update(view_mode="form", res_id=payments[0])
    else:
        action.update(view_mode="tree,form", domain=[["id", "in", payments]])
    return action


METHODS[("account.payment.register", "action_create_payments")] = _register_create_payments


def _archive(value):
    def method(orm, ids):
        ids = [ids] if isinstance(ids, int) else list(ids)
        if "active" not in orm.mdef(orm.model).fields:
            raise AppError("AttributeError", "'%s' object has no attribute 'action_%s'"
                           % (orm.model, "archive" if not value else "unarchive"))
        orm.write_records(orm.model, ids, {"active": value})
        return True
    return method


GENERIC_EXTRA = {"action_archive": _archive(False), "action_unarchive": _archive(True)}
