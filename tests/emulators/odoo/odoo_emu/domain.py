"""Search domains: Polish-notation '&', '|', '!' over (field, operator, value) leaves.

Semantics follow Odoo's SQL translation: '!=' and 'not in' also match unset values, '<' and
friends never match unset values, like/ilike wrap the value in '%', =like/=ilike take the
pattern as given, a string compared with a many2one matches the comodel's display name.
"""

import re

from .errors import value_error

OPERATORS = ("=", "!=", "<>", "<", "<=", ">", ">=", "in", "not in", "like", "ilike", "not like",
             "not ilike", "=like", "=ilike")


def _is_leaf(term):
    return isinstance(term, (list, tuple)) and len(term) == 3 and not isinstance(term, str)


def _leaf_repr(leaf):
    return repr(tuple(leaf))


def normalize(domain):
    """Adds the implicit '&' between consecutive terms, as odoo.osv.expression does."""
    if not isinstance(domain, (list, tuple)):
        raise value_error("Invalid domain: %r" % (domain,))
    result = []
    expected = 1
    for term in domain:
        if expected == 0:
            result[0:0] = ["&"]
            expected = 1
        if isinstance(term, str) and term in ("&", "|", "!"):
            result.append(term)
            expected += 0 if term == "!" else 1
            continue
        if not _is_leaf(term):
            raise value_error("Invalid leaf %r" % (term,))
        result.append(term)
        expected -= 1
    if expected != 0 and domain:
        raise value_error("Invalid domain %r" % (list(domain),))
    return result


def _like_regex(pattern, case_insensitive, wrap):
    out = []
    for ch in pattern:
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    body = "".join(out)
    if wrap:
        body = ".*" + body + ".*"
    return re.compile("^" + body + "$", re.S | (re.I if case_insensitive else 0))


class DomainMatcher:
    """Builds a predicate record-id -> bool for one model and one domain."""

    def __init__(self, orm, model, domain):
        self.orm = orm
        self.model = model
        self.terms = normalize(domain)

    def compile(self):
        if not self.terms:
            return lambda rid, rec: True
        pos = [0]

        def parse():
            term = self.terms[pos[0]]
            pos[0] += 1
            if term == "!":
                inner = parse()
                return lambda rid, rec: not inner(rid, rec)
            if term in ("&", "|"):
                left = parse()
                right = parse()
                if term == "&":
                    return lambda rid, rec: left(rid, rec) and right(rid, rec)
                return lambda rid, rec: left(rid, rec) or right(rid, rec)
            return self._leaf(term)

        predicate = parse()
        return predicate

    def _leaf(self, leaf):
        left, op, value = leaf
        if left in (0, 1) and op == "=" and value == 1:
            result = left == 1
            return lambda rid, rec: result
        if not isinstance(left, str):
            raise value_error("Invalid leaf %s" % _leaf_repr(leaf))
        op = op.lower() if isinstance(op, str) else op
        if op not in OPERATORS:
            raise value_error("Invalid leaf %s" % _leaf_repr(leaf))
        if op == "<>":
            op = "!="
        path = left.split(".")
        getter = self._getter(self.model, path, leaf)
        test = self._tester(self.model, path, op, value, leaf)
        return lambda rid, rec: test(getter(rid, rec))

    def _getter(self, model, path, leaf):
        orm = self.orm
        fname = path[0]
        mdef = orm.store.models[model]
        if fname not in mdef.fields:
            raise value_error("Invalid field %s.%s in leaf %s" % (model, fname, _leaf_repr(leaf)))
        field = mdef.fields[fname]
        if len(path) == 1:
            if fname == "id":
                return lambda rid, rec: rid
            if fname == "display_name":
                return lambda rid, rec: orm.display_name(model, rid)
            if not field.store:
                return lambda rid, rec: orm.computed_value(model, rid, fname)
            return lambda rid, rec: rec.get(fname, False)
        if field.type not in ("many2one", "one2many", "many2many"):
            raise value_error("Invalid field %s.%s in leaf %s" % (model, ".".join(path), _leaf_repr(leaf)))
        sub = self._getter(field.relation, path[1:], leaf)
        table = orm.store.tables[field.relation]
        first = self._getter(model, path[:1], leaf)

        def get(rid, rec):
            value = first(rid, rec)
            ids = value if isinstance(value, list) else ([value] if value else [])
            results = []
            for cid in ids:
                crec = table.get(cid)
                if crec is not None:
                    results.append(sub(cid, crec))
            return _Many(results)
        return get

    def _tester(self, model, path, op, value, leaf):
        mdef = self.orm.store.models[model]
        field = mdef.fields[path[0]]
        if len(path) > 1:
            sub = self._tester(field.relation, path[1:], op, value, leaf)
            negative = op in ("!=", "not in", "not like", "not ilike")

            def test_many(values):
                items = values.items if isinstance(values, _Many) else [values]
                if negative:
                    return all(sub(v) for v in items) if items else sub(False)
                return any(sub(v) for v in items)
            return test_many
        ftype = field.type
        if ftype in ("many2one", "one2many", "many2many") and path[0] != "id":
            return self._relational_tester(field, op, value, leaf)
        return _scalar_tester(ftype, op, value, leaf)

    def _relational_tester(self, field, op, value, leaf):
        orm = self.orm
        comodel = field.relation
        many = field.type != "many2one"

        def ids_of(v):
            if many:
                return set(v or [])
            return {v} if v else set()

        def resolve(val):
            """Ids the value designates: names are matched against the comodel."""
            if isinstance(val, str):
                name_op = {"=": "=", "!=": "=", "in": "=", "not in": "="}.get(op, op)
                name_op = name_op.replace("not ", "")
                return set(orm.name_match(comodel, name_op, val)), True
            if isinstance(val, (list, tuple)):
                out = set()
                for item in val:
                    if isinstance(item, str):
                        out |= set(orm.name_match(comodel, "=", item))
                    elif item:
                        out.add(item)
                return out, False
            return ({val} if val else set()), False

        if op in ("like", "ilike", "=like", "=ilike", "not like", "not ilike"):
            positive = op.replace("not ", "")
            target = set(orm.name_match(comodel, positive, value)) if value not in (False, None) else set()
            if op.startswith("not"):
                return lambda v: not (ids_of(v) & target)
            return lambda v: bool(ids_of(v) & target)
        if op in ("=", "!="):
            if value is False or value is None:
                test = lambda v: not ids_of(v)
            else:
                target, _ = resolve(value)
                test = lambda v: bool(ids_of(v) & target)
            return test if op == "=" else (lambda v: not test(v))
        if op in ("in", "not in"):
            if not isinstance(value, (list, tuple)):
                value = [value]
            with_false = any(x is False or x is None for x in value)
            target, _ = resolve([x for x in value if x not in (False, None)])

            def test(v):
                ids = ids_of(v)
                return bool(ids & target) or (with_false and not ids)
            return test if op == "in" else (lambda v: not test(v))
        # comparisons on the id
        scalar = _scalar_tester("integer", op, value, leaf)
        return lambda v: any(scalar(i) for i in ids_of(v))


class _Many:
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items


def _scalar_tester(ftype, op, value, leaf):
    def null(v):
        return v is False or v is None or (ftype in ("char", "text", "html") and v == "" and False)

    if op in ("=", "!="):
        if value is False or value is None:
            if ftype == "boolean":
                test = lambda v: not v
            else:
                test = lambda v: null(v)
        elif ftype == "boolean":
            test = lambda v: bool(v) == bool(value)
        else:
            test = lambda v: (not null(v)) and v == value
        return test if op == "=" else (lambda v: not test(v))
    if op in ("in", "not in"):
        if not isinstance(value, (list, tuple)):
            value = [value]
        values = [x for x in value if x is not False and x is not None]
        with_false = len(values) != len(value)
        try:
            vset = set(values)
        except TypeError:
            raise value_error("Invalid leaf %s" % _leaf_repr(leaf))
        if ftype == "boolean":
            test = lambda v: bool(v) in vset or (with_false and not v)
        else:
            test = lambda v: (v in vset) if not null(v) else with_false
        return test if op == "in" else (lambda v: not test(v))
    if op in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        if value is False or value is None:
            positive = lambda v: null(v) is False
        else:
            regex = _like_regex(str(value), op.endswith("ilike"), wrap=not op.startswith("="))
            positive = lambda v: (not null(v)) and bool(regex.match(str(v)))
        if op.startswith("not"):
            return lambda v: null(v) or not positive(v)
        return positive
    compare = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
               ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}[op]

    def test(v):
        if null(v) or value is False or value is None:
            return False
        try:
            return compare(v, value)
        except TypeError:
            return compare(str(v), str(value))
    return test
