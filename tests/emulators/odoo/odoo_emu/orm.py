"""The ORM methods every model answers over RPC: create, write, unlink, read, search...

One Orm object serves one call: it knows the caller (uid), the context and the call's clock.
Model-specific behaviour (defaults, constraints, side effects, extra methods) lives in
business.py and is reached through its hook tables, so this file stays generic.
"""

import inspect

from . import business
from .domain import DomainMatcher
from .errors import (AccessError, AppError, UserError, foreign_key_error, missing_error,
                     not_null_error, value_error)
from .schema import MAGIC_FIELDS
from .values import convert, read_value

GENERIC_METHODS = ("create", "write", "unlink", "read", "search", "search_read", "search_count",
                   "fields_get", "name_search", "load", "exists", "check_access_rights",
                   "default_get", "name_create")


class Orm:
    def __init__(self, server, uid, context, now):
        self.server = server
        self.store = server.store
        self.uid = uid
        self.context = context if isinstance(context, dict) else {}
        self.now = now
        self.version = server.version
        self.installed = server.installed
        self.created = {}  # model -> count, for stats

    # -- helpers ------------------------------------------------------------------------------
    def mdef(self, model):
        return self.store.models[model]

    def today(self):
        return self.now[:10]

    def user_partner(self):
        user = self.store.get("res.users", self.uid)
        return user["partner_id"] if user else False

    def company_id(self):
        user = self.store.get("res.users", self.uid)
        return user["company_id"] if user else 1

    def company_currency(self):
        company = self.store.get("res.company", self.company_id())
        return company["currency_id"] if company else False

    def display_name(self, model, rid):
        rec = self.store.get(model, rid)
        if rec is None:
            return False
        special = business.DISPLAY_NAME.get(model)
        if special:
            return special(self, rid, rec)
        mdef = self.mdef(model)
        rec_name = mdef.rec_name
        if rec_name in mdef.fields and rec.get(rec_name):
            return rec[rec_name]
        if rec_name not in mdef.fields and "x_name" in mdef.fields and rec.get("x_name"):
            return rec["x_name"]
        return "%s,%s" % (model, rid)

    def computed_value(self, model, rid, fname):
        field = self.mdef(model).fields[fname]
        if field.type == "one2many":
            return self.o2m_ids(model, rid, field)
        compute = business.COMPUTED.get((model, fname))
        if compute:
            return compute(self, rid, self.store.get(model, rid))
        return False

    def o2m_ids(self, model, rid, field):
        table = self.store.tables[field.relation]
        extra = business.O2M_FILTER.get((model, field.name))
        ids = [cid for cid in self.store.index(field.relation, field.inverse).get(rid, ())
               if extra is None or extra(table[cid])]
        return self.order_ids(field.relation, ids, None)

    def referencing(self, model, field, ids):
        """Ids of `model` whose `field` (many2one or many2many) holds one of `ids`."""
        idx = self.store.index(model, field)
        out = set()
        for rid in ids:
            out |= idx.get(rid, set())
        return out

    def name_match(self, model, op, value):
        """Ids of `model` whose display name matches (used by m2o domain leaves, name_search)."""
        matcher = DomainMatcher(self, model, [("display_name", op, value)]).compile()
        return [rid for rid, rec in self.store.tables[model].items() if matcher(rid, rec)]

    def _check_model_field(self, model, fname):
        if fname not in self.mdef(model).fields:
            raise value_error("Invalid field %r on model %r" % (fname, model))

    # -- create -------------------------------------------------------------------------------
    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        if single:
            vals_list = [vals_list]
        if not isinstance(vals_list, list):
            raise AppError("AttributeError", "'%s' object has no attribute 'items'"
                           % type(vals_list).__name__)
        ids = []
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise AppError("AttributeError", "'%s' object has no attribute 'items'"
                               % type(vals).__name__)
        for vals in vals_list:
            ids.append(self.create_one(self.model, vals))
        post = business.POST_CREATE_BATCH.get(self.model)
        if post:
            post(self, ids)
        return ids[0] if single else ids

    def create_one(self, model, vals, extra_defaults=None):
        mdef = self.mdef(model)
        vals = dict(vals)
        for magic in MAGIC_FIELDS:
            vals.pop(magic, None)
        for fname in vals:
            self._check_model_field(model, fname)
        # defaults: context default_*, then field defaults for every stored field left unset
        for key, value in self._context_defaults().items():
            if key not in vals and key in mdef.fields and key not in MAGIC_FIELDS:
                vals[key] = value
        if extra_defaults:
            for key, value in extra_defaults.items():
                vals.setdefault(key, value)
        pre = business.PRE_CREATE.get(model)
        if pre:
            vals = pre(self, vals)
        scalars, x2many = self._convert_vals(model, vals)
        for fname, value in self._stored_defaults(model).items():
            if fname not in scalars and fname not in x2many:
                scalars[fname] = list(value) if isinstance(value, list) else value
        self._check_required(model, scalars, None)
        self._check_references(model, scalars)
        rid = self.store.next_id(model)
        uid = self.uid
        scalars.update(create_date=self.now, write_date=self.now, create_uid=uid, write_uid=uid)
        check = business.CONSTRAINTS.get(model)
        if check:
            check(self, rid, scalars, scalars)
        self.store.insert(model, rid, scalars)
        self._apply_x2many(model, rid, x2many, creating=True)
        self.created[model] = self.created.get(model, 0) + 1
        post = business.POST_CREATE.get(model)
        if post:
            post(self, rid, vals)
        if mdef.mail_thread and not self.context.get("tracking_disable") \
                and not self.context.get("mail_create_nolog"):
            business.log_creation(self, model, rid)
        return rid

    def _context_defaults(self):
        cached = getattr(self, "_ctx_defaults", None)
        if cached is None:
            cached = {k[8:]: v for k, v in self.context.items()
                      if isinstance(k, str) and k.startswith("default_")}
            self._ctx_defaults = cached
        return cached

    def _stored_defaults(self, model):
        """Converted default of every stored field, cached per schema version of the model."""
        mdef = self.mdef(model)
        cache = self.server.defaults_cache
        entry = cache.get(model)
        if entry is not None and entry[0] is mdef.fields:
            return entry[1]
        out = {}
        for fname, field in mdef.fields.items():
            if fname in MAGIC_FIELDS or field.type == "one2many" or not field.store:
                continue
            default = field.default
            if callable(default):
                continue  # none of the emulated defaults is computed per record
            if default is not None:
                out[fname] = convert(model, fname, field, default)
            elif field.type == "many2many":
                out[fname] = []
            else:
                out[fname] = convert(model, fname, field, False)
        cache[model] = (mdef.fields, out)
        return out

    def _convert_vals(self, model, vals):
        mdef = self.mdef(model)
        scalars, x2many = {}, {}
        for fname, value in vals.items():
            field = mdef.fields[fname]
            if field.type in ("one2many", "many2many"):
                x2many[fname] = value
            elif not field.store:
                continue  # computed, not stored: Odoo ignores the value without inverse
            else:
                scalars[fname] = convert(model, fname, field, value)
        return scalars, x2many

    def _check_required(self, model, values, rec):
        mdef = self.mdef(model)
        for fname, field in mdef.fields.items():
            if not field.required or field.type in ("one2many", "many2many"):
                continue
            if rec is not None and fname not in values:
                continue
            value = values.get(fname, False)
            if value is False or value is None:
                raise not_null_error(mdef.label, model, field.string, fname)

    def _check_references(self, model, values):
        mdef = self.mdef(model)
        for fname, value in values.items():
            field = mdef.fields.get(fname)
            if field is None or field.type != "many2one" or not value:
                continue
            if field.relation not in self.store.tables or \
                    not self.store.exists(field.relation, value):
                raise foreign_key_error(mdef.label, model, "%s_%s_fkey" % (mdef.table, fname))

    def _apply_x2many(self, model, rid, x2many, creating):
        mdef = self.mdef(model)
        for fname, commands in x2many.items():
            field = mdef.fields[fname]
            if commands is False or commands is None:
                commands = [[5, 0, 0]] if field.type == "many2many" else []
            if not isinstance(commands, (list, tuple)):
                raise value_error("Wrong value for %s.%s: %r" % (model, fname, commands))
            if field.type == "many2many":
                self._apply_m2m(model, rid, field, commands)
            else:
                self._apply_o2m(model, rid, field, commands)

    def _command(self, model, field, cmd):
        if isinstance(cmd, int) and not isinstance(cmd, bool):
            return 4, cmd, 0
        if not isinstance(cmd, (list, tuple)) or not cmd:
            raise value_error("Wrong value for %s.%s: %r" % (model, field.name, cmd))
        code = cmd[0]
        arg1 = cmd[1] if len(cmd) > 1 else 0
        arg2 = cmd[2] if len(cmd) > 2 else 0
        if code not in (0, 1, 2, 3, 4, 5, 6):
            raise value_error("Wrong value for %s.%s: %r" % (model, field.name, cmd))
        return code, arg1, arg2

    def _apply_m2m(self, model, rid, field, commands):
        rec = self.store.get(model, rid)
        current = list(rec.get(field.name) or [])
        comodel = field.relation
        mdef = self.mdef(model)

        def check(cid):
            if not isinstance(cid, int) or isinstance(cid, bool) or \
                    not self.store.exists(comodel, cid):
                table = field.relation_table or "%s_%s_rel" % (mdef.table, comodel.replace(".", "_"))
                raise foreign_key_error(mdef.label, model, "%s_%s_fkey" % (
                    table, comodel.replace(".", "_") + "_id"))
        for cmd in commands:
            code, arg1, arg2 = self._command(model, field, cmd)
            if code == 0:
                current.append(self.create_one(comodel, arg2 or {}))
            elif code == 1:
                self.write_records(comodel, [arg1], arg2 or {})
            elif code == 2:
                current = [c for c in current if c != arg1]
                self.unlink_records(comodel, [arg1])
            elif code == 3:
                current = [c for c in current if c != arg1]
            elif code == 4:
                check(arg1)
                if arg1 not in current:
                    current.append(arg1)
            elif code == 5:
                current = []
            elif code == 6:
                ids = list(arg2 or [])
                for cid in ids:
                    check(cid)
                current = list(dict.fromkeys(ids))
        self.store.update(model, rid, {field.name: current})

    def _apply_o2m(self, model, rid, field, commands):
        comodel = field.relation
        inverse = field.inverse
        inv_field = self.mdef(comodel).fields[inverse]
        for cmd in commands:
            code, arg1, arg2 = self._command(model, field, cmd)
            if code == 0:
                vals = dict(arg2 or {})
                vals[inverse] = rid
                self.create_one(comodel, vals)
            elif code == 1:
                self.write_records(comodel, [arg1], arg2 or {})
            elif code == 2:
                self.unlink_records(comodel, [arg1])
            elif code in (3, 5, 6):
                current = self.o2m_ids(model, rid, field)
                if code == 3:
                    drop = [arg1]
                elif code == 5:
                    drop = current
                else:
                    keep = set(arg2 or [])
                    drop = [c for c in current if c not in keep]
                    for cid in keep:
                        self.write_records(comodel, [cid], {inverse: rid})
                if inv_field.ondelete == "cascade":
                    self.unlink_records(comodel, drop)
                elif drop:
                    self.write_records(comodel, drop, {inverse: False})
            elif code == 4:
                self.write_records(comodel, [arg1], {inverse: rid})

    # -- write --------------------------------------------------------------------------------
    def write(self, ids, vals):
        if not isinstance(vals, dict):
            raise AppError("AttributeError", "'%s' object has no attribute 'items'"
                           % type(vals).__name__)
        self.write_records(self.model, ids, vals)
        return True

    def write_records(self, model, ids, vals):
        mdef = self.mdef(model)
        ids = [ids] if isinstance(ids, int) else list(ids)
        if not ids:
            return
        missing = [i for i in ids if not self.store.exists(model, i)]
        if missing:
            raise missing_error(model, missing, self.uid)
        vals = dict(vals)
        for magic in MAGIC_FIELDS:
            vals.pop(magic, None)
        for fname in vals:
            self._check_model_field(model, fname)
        pre = business.PRE_WRITE.get(model)
        if pre:
            vals = pre(self, ids, vals)
        scalars, x2many = self._convert_vals(model, vals)
        self._check_required(model, scalars, rec={})
        self._check_references(model, scalars)
        scalars.update(write_date=self.now, write_uid=self.uid)
        check = business.CONSTRAINTS.get(model)
        for rid in ids:
            if check:
                merged = dict(self.store.get(model, rid))
                merged.update(scalars)
                check(self, rid, merged, scalars)
            self.store.update(model, rid, dict(scalars))
            self._apply_x2many(model, rid, x2many, creating=False)
        post = business.POST_WRITE.get(model)
        if post:
            post(self, ids, vals)

    # -- unlink -------------------------------------------------------------------------------
    def unlink(self, ids):
        self.unlink_records(self.model, ids)
        return True

    def unlink_records(self, model, ids):
        ids = [ids] if isinstance(ids, int) else list(ids)
        ids = [i for i in ids if self.store.exists(model, i)]
        if not ids:
            return
        doomed = {}  # model -> set of ids
        order = []

        def add(m, rids):
            new = [r for r in rids if r not in doomed.setdefault(m, set())]
            if not new:
                return
            check = business.PRE_UNLINK.get(m)
            if check:
                check(self, new)
            doomed[m].update(new)
            order.append((m, new))
            newset = set(new)
            # cascades through many2one fields of other models
            for om, omdef in self.store.models.items():
                for fname, field in omdef.fields.items():
                    if field.type != "many2one" or field.relation != m or \
                            fname in ("create_uid", "write_uid"):
                        continue
                    if field.ondelete == "cascade":
                        refs = sorted(self.referencing(om, fname, newset))
                        if refs:
                            add(om, refs)
            # documents attached by (model, res_id)
            for om, mfield, rfield in business.document_links(self):
                if m == om:
                    continue
                table = self.store.tables[om]
                refs = sorted(r for r in self.referencing(om, rfield, newset)
                              if table[r].get(mfield) == m)
                if refs:
                    add(om, refs)

        add(model, ids)
        # restrict / set null / not null, for references that survive the deletion
        for m, rids in order:
            rset = set(rids)
            for om, omdef in self.store.models.items():
                for fname, field in omdef.fields.items():
                    if field.relation != m:
                        continue
                    if field.type == "many2many":
                        for r in sorted(self.referencing(om, fname, rset)):
                            if r in doomed.get(om, ()):
                                continue
                            current = self.store.get(om, r).get(fname) or []
                            self.store.update(om, r, {fname: [c for c in current
                                                              if c not in rset]})
                        continue
                    if field.type != "many2one" or field.ondelete == "cascade":
                        continue
                    if fname in ("create_uid", "write_uid"):
                        continue
                    refs = sorted(r for r in self.referencing(om, fname, rset)
                                  if r not in doomed.get(om, ()))
                    if not refs:
                        continue
                    if field.ondelete == "restrict":
                        raise foreign_key_error(omdef.label, om, "%s_%s_fkey" % (omdef.table, fname))
                    if field.required:
                        raise not_null_error(omdef.label, om, field.string, fname)
                    for r in refs:
                        self.store.update(om, r, {fname: False})
        for m, rids in reversed(order):
            for r in rids:
                self.store.delete(m, r)
            post = business.POST_UNLINK.get(m)
            if post:
                post(self, rids)

    # -- read ---------------------------------------------------------------------------------
    def read(self, ids, fields=None, load="_classic_read"):
        ids = [ids] if isinstance(ids, int) else list(ids)
        return self.read_records(self.model, ids, fields)

    def read_records(self, model, ids, fields=None):
        mdef = self.mdef(model)
        if fields:
            if not isinstance(fields, (list, tuple)):
                fields = [fields]
            for fname in fields:
                if fname not in mdef.fields:
                    raise value_error("Invalid field %r on model %r" % (fname, model))
            names = [f for f in fields if f != "id"]
        else:
            names = [f for f in mdef.fields if f != "id"]
        result = []
        seen = set()
        for rid in ids:
            if rid in seen:
                continue
            seen.add(rid)
            rec = self.store.get(model, rid)
            if rec is None:
                continue  # Odoo drops records that vanished from a read
            row = {"id": rid}
            for fname in names:
                row[fname] = self.read_field(model, rid, rec, fname)
            result.append(row)
        return result

    def read_field(self, model, rid, rec, fname):
        field = self.mdef(model).fields[fname]
        if fname == "display_name":
            return self.display_name(model, rid)
        if field.store and field.type != "one2many":
            value = rec.get(fname, False)
        else:
            value = self.computed_value(model, rid, fname)
        if field.type == "many2one":
            if not value:
                return False
            name = self.display_name(field.relation, value)
            return [value, name] if name is not False else False
        if field.type in ("one2many", "many2many"):
            return self.order_ids(field.relation, list(value or []), None)
        return read_value(field, value)

    # -- search -------------------------------------------------------------------------------
    def search_ids(self, model, domain, offset=0, limit=None, order=None):
        mdef = self.mdef(model)
        domain = list(domain or [])
        if "active" in mdef.fields and self.context.get("active_test", True) and \
                not any(isinstance(t, (list, tuple)) and t and t[0] == "active" for t in domain):
            domain = [("active", "=", True)] + domain
        matcher = DomainMatcher(self, model, domain).compile()
        ids = [rid for rid, rec in self.store.tables[model].items() if matcher(rid, rec)]
        ids = self.order_ids(model, ids, order)
        if offset:
            ids = ids[int(offset):]
        if limit:
            ids = ids[:int(limit)]
        return ids

    def order_ids(self, model, ids, order):
        mdef = self.mdef(model)
        spec = order or mdef.order
        if not isinstance(spec, str):
            raise value_error("Invalid order %r" % (spec,))
        keys = []
        for part in spec.split(","):
            words = part.strip().split()
            if not words:
                continue
            fname = words[0]
            direction = words[1].lower() if len(words) > 1 else "asc"
            if direction not in ("asc", "desc") or (fname not in mdef.fields and fname != "id"):
                if order is None:
                    continue
                raise value_error("Invalid field %r on model %r" % (fname, model))
            keys.append((fname, direction == "desc"))
        table = self.store.tables[model]
        ids = sorted(ids)
        for fname, desc in reversed(keys):
            field = mdef.fields.get(fname)

            def key(rid, fname=fname, field=field, desc=desc):
                if fname == "id":
                    return (0, rid)
                rec = table.get(rid) or {}
                if fname == "display_name" or (field is not None and not field.store):
                    value = self.read_field(model, rid, rec, fname) if rec else False
                else:
                    value = rec.get(fname, False)
                if isinstance(value, list):
                    value = value[0] if value else False
                if value is False or value is None:
                    return (1, "") if not desc else (-1, "")  # NULLS LAST asc, FIRST desc
                if isinstance(value, bool):
                    value = int(value)
                if isinstance(value, str):
                    return (0, value.lower(), value)
                return (0, value)
            try:
                ids.sort(key=key, reverse=desc)
            except TypeError:
                ids.sort(key=lambda rid: str(key(rid)), reverse=desc)
        return ids

    def search(self, domain, offset=0, limit=None, order=None):
        return self.search_ids(self.model, domain, offset, limit, order)

    def search_count(self, domain, limit=None):
        ids = self.search_ids(self.model, domain)
        return min(len(ids), limit) if limit else len(ids)

    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None,
                    load="_classic_read"):
        ids = self.search_ids(self.model, domain or [], offset, limit, order)
        return self.read_records(self.model, ids, fields)

    def exists(self, ids):
        ids = [ids] if isinstance(ids, int) else list(ids)
        return [i for i in ids if self.store.exists(self.model, i)]

    def check_access_rights(self, operation, raise_exception=True):
        return True

    def default_get(self, fields_list):
        out = {}
        mdef = self.mdef(self.model)
        for fname in fields_list:
            field = mdef.fields.get(fname)
            if "default_" + fname in self.context:
                out[fname] = self.context["default_" + fname]
            elif field is not None and field.default is not None:
                out[fname] = field.default(self) if callable(field.default) else field.default
        return out

    def name_search(self, name="", args=None, operator="ilike", limit=100, domain=None):
        if domain is not None and self.version < 18:
            raise AppError("TypeError", "BaseModel.name_search() got an unexpected keyword "
                           "argument 'domain'")
        if args is not None and self.version >= 18:
            raise AppError("TypeError", "BaseModel.name_search() got an unexpected keyword "
                           "argument 'args'")
        extra = list(args or domain or [])
        if name or operator not in ("like", "ilike"):
            extra = ["&", ("display_name", operator, name)] + extra if extra else \
                [("display_name", operator, name)]
        ids = self.search_ids(self.model, extra, limit=limit)
        return [[rid, self.display_name(self.model, rid)] for rid in ids]

    def name_create(self, name):
        mdef = self.mdef(self.model)
        rid = self.create_one(self.model, {mdef.rec_name: name})
        return [rid, self.display_name(self.model, rid)]

    # -- fields_get ---------------------------------------------------------------------------
    def fields_get(self, allfields=None, attributes=None):
        mdef = self.mdef(self.model)
        out = {}
        for fname, field in mdef.fields.items():
            if allfields and fname not in allfields:
                continue
            desc = {
                "type": field.type, "string": field.string, "required": field.required,
                "readonly": field.readonly, "store": field.store, "searchable": True,
                "sortable": field.store, "groupable": field.store, "help": field.help or False,
                "manual": field.state == "manual", "name": fname, "depends": [],
                "company_dependent": False, "change_default": False, "translate": False,
                "exportable": True,
            }
            if field.type in ("many2one", "one2many", "many2many"):
                desc["relation"] = field.relation
                desc["domain"] = []
                desc["context"] = {}
            if field.type == "many2one":
                desc["ondelete"] = field.ondelete
            if field.type == "one2many":
                desc["relation_field"] = field.inverse
            if field.type == "selection":
                desc["selection"] = [[v, l] for v, l in field.selection or []]
            if field.type == "monetary":
                desc["currency_field"] = field.currency_field or "currency_id"
            if field.size:
                desc["size"] = field.size
            if attributes:
                desc = {k: v for k, v in desc.items() if k in attributes}
            out[fname] = desc
        return out

    def load(self, fields, data):
        from .loader import load
        return load(self, self.model, fields, data)

    # -- dispatch -----------------------------------------------------------------------------
    def call(self, model, method, args, kwargs):
        if model not in self.store.models:
            raise UserError("Object %s doesn't exist" % model)
        if not isinstance(method, str) or method.startswith("_"):
            raise AccessError("Private methods (such as %s.%s) cannot be called remotely."
                              % (model, method))
        self.model = model
        mdef = self.mdef(model)
        special = business.METHODS.get((model, method))
        if special is None and mdef.mail_thread:
            special = business.THREAD_METHODS.get(method)
        if special is None:
            special = business.GENERIC_EXTRA.get(method)
        if special is not None:
            ids, rest = _split_ids(args)
            return _invoke(special, model, method, [self, ids] + rest, kwargs)
        if method not in GENERIC_METHODS:
            raise AppError("AttributeError", "The method '%s.%s' does not exist" % (model, method),
                           "odoo/api.py")
        fn = getattr(self, method)
        if method in ("write", "unlink", "read", "exists"):
            ids, rest = _split_ids(args)
            return _invoke(fn, model, method, [ids] + rest, kwargs)
        return _invoke(fn, model, method, list(args), kwargs)


def _split_ids(args):
    if not args:
        raise AppError("IndexError", "list index out of range", "odoo/api.py")
    ids = args[0]
    if isinstance(ids, bool) or not isinstance(ids, (int, list)):
        raise AppError("TypeError", "unhashable type: '%s'" % type(ids).__name__, "odoo/api.py")
    if isinstance(ids, list) and any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise AppError("TypeError", "unhashable type: 'list'", "odoo/api.py")
    return ids, list(args[1:])


def _invoke(fn, model, method, args, kwargs):
    """Binds the arguments like Python would, reporting a mismatch as Odoo does (fault 1)."""
    if not isinstance(kwargs, dict):
        raise AppError("TypeError", "argument after ** must be a mapping, not %s"
                       % type(kwargs).__name__, "odoo/service/model.py")
    try:
        inspect.signature(fn).bind(*args, **kwargs)
    except TypeError as exc:
        raise AppError("TypeError", "%s.%s() %s" % (model, method, _binding_text(str(exc))),
                       "odoo/api.py")
    return fn(*args, **kwargs)


def _binding_text(text):
    return text
