"""REST findMany query parameters for the Twenty emulator: `filter`, `order_by`, `limit`,
`starting_after` / `ending_before` cursors and `depth`.

Grammar follows Twenty's REST parsers (parse-filter / parse-base-filter / parse-order-by):
`field[op]:value`, nested `emails.primaryEmail[eq]:"a@b.c"`, comma = AND, and(...), or(...),
not(...). Pure functions over a row dict; no shared state.
"""

import base64
import functools
import json
import re

from twenty_values import bad, parse_date_time
from twenty_values import COMPOSITE_DEFAULTS

COMPARATORS = {"eq", "neq", "in", "containsAny", "is", "gt", "gte", "lt", "lte", "startsWith",
               "endsWith", "like", "ilike"}
DIRECTIONS = {"AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast"}
LEAF_RE = re.compile(r"^([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)\[([A-Za-z]+)\]:(.*)$", re.S)


def _split_top(text):
    """Split on commas that are outside parentheses, brackets and quotes."""
    parts, depth, quote, start, i = [], 0, None, 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                raise bad(f"'filter' invalid. Unbalanced parentheses in {text!r}")
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    if depth != 0 or quote:
        raise bad(f"'filter' invalid. Unbalanced parentheses or quotes in {text!r}")
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _conjunction(text):
    m = re.match(r"^(and|or|not)\((.*)\)$", text, re.S)
    if not m:
        return None
    # The closing parenthesis must match the opening one, e.g. not "and(a),or(b)".
    depth = 0
    body = text[len(m.group(1)):]
    for i, ch in enumerate(body):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i != len(body) - 1:
            return None
    return m.group(1), m.group(2)


def _parse_value(raw, comparator):
    raw = raw.strip()
    if comparator == "is":
        if raw not in ("NULL", "NOT_NULL"):
            raise bad(f"'filter' invalid for 'is' operator. Received '{raw}' but should be "
                      "'NULL' or 'NOT_NULL'")
        return raw
    if comparator in ("in", "containsAny"):
        if not (raw.startswith("[") and raw.endswith("]")):
            raise bad(f"'filter' invalid for '{comparator}' operator. Received '{raw}' but "
                      "should be an array like [\"a\",\"b\"]")
        try:
            values = json.loads(raw)
        except ValueError:
            values = [_scalar(v) for v in _split_top(raw[1:-1])]
        return values
    return _scalar(raw)


def _scalar(raw):
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        try:
            return json.loads(raw) if raw[0] == '"' else raw[1:-1]
        except ValueError:
            return raw[1:-1]
    if raw == "true":
        return True
    if raw == "false":
        return False
    if re.match(r"^-?\d+(\.\d+)?$", raw):
        return float(raw) if "." in raw else int(raw)
    return raw


def parse_filter(text, schema, obj):
    """A filter tree: ("and"|"or", [children]), ("not", child) or ("leaf", path, op, value)."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    conj = _conjunction(text)
    if conj is None:
        parts = _split_top(text)
        if len(parts) == 1:
            return _parse_leaf(parts[0], schema, obj)
        return ("and", [parse_filter(p, schema, obj) for p in parts])
    kind, body = conj
    children = [parse_filter(p, schema, obj) for p in _split_top(body)]
    if kind == "not":
        return ("not", children[0] if len(children) == 1 else ("and", children))
    return (kind, children)


def _parse_leaf(text, schema, obj):
    m = LEAF_RE.match(text)
    if not m:
        raise bad(f"'filter' invalid for '{text}', missing closing bracket or colon. "
                  "Expected format: field[comparator]:value")
    path, op, raw = m.groups()
    if op not in COMPARATORS:
        raise bad(f"'filter' invalid for '{text}', comparator {op} not in "
                  f"{','.join(sorted(COMPARATORS))}")
    head, _, sub = path.partition(".")
    field = schema.field(obj, head) or schema.join_field(obj, head)
    if field is None or (field["type"] == "RELATION" and field.get("_join") != head):
        raise bad(f"field '{head}' does not exist in '{obj['nameSingular']}' object")
    if field["type"] in COMPOSITE_DEFAULTS or field["type"] == "ACTOR":
        if not sub:
            raise bad(f"'filter' invalid for '{text}': composite field '{head}' needs a "
                      "sub-field, e.g. " + f"{head}.{next(iter(COMPOSITE_DEFAULTS.get(field['type'], {'source': 0})))}")
        known = COMPOSITE_DEFAULTS.get(field["type"]) or {"source": 0, "name": 0,
                                                         "workspaceMemberId": 0}
        if sub not in known:
            raise bad(f"field '{head}.{sub}' does not exist in '{obj['nameSingular']}' object")
    elif sub:
        raise bad(f"field '{path}' does not exist in '{obj['nameSingular']}' object")
    value = _parse_value(raw, op)
    return ("leaf", (head, sub or None), op, value, field["type"])


def mentions_deleted_at(tree):
    if tree is None:
        return False
    if tree[0] == "leaf":
        return tree[1][0] == "deletedAt"
    if tree[0] == "not":
        return mentions_deleted_at(tree[1])
    return any(mentions_deleted_at(c) for c in tree[1])


def get_path(row, path):
    head, sub = path
    value = row.get(head)
    if sub is not None:
        value = value.get(sub) if isinstance(value, dict) else None
    return value


def _coerce(stored, wanted, ftype):
    if ftype == "DATE_TIME" and isinstance(wanted, str):
        return parse_date_time(wanted) or wanted
    if isinstance(stored, str) and isinstance(wanted, (int, float)) and not isinstance(wanted,
                                                                                        bool):
        return str(wanted)
    return wanted


def _like(pattern, flags):
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile("^" + regex + "$", flags | re.S)


def matches(tree, row):
    if tree is None:
        return True
    kind = tree[0]
    if kind == "and":
        return all(matches(c, row) for c in tree[1])
    if kind == "or":
        return any(matches(c, row) for c in tree[1])
    if kind == "not":
        return not matches(tree[1], row)
    _, path, op, value, ftype = tree
    stored = get_path(row, path)
    if op == "is":
        return (stored is None) == (value == "NULL")
    if stored is None:
        return False
    if op in ("in", "containsAny"):
        wanted = [_coerce(stored, v, ftype) for v in value]
        if isinstance(stored, list):
            return any(s in wanted for s in stored)
        return stored in wanted
    value = _coerce(stored, value, ftype)
    try:
        if op == "eq":
            return stored == value
        if op == "neq":
            return stored != value
        if op == "gt":
            return stored > value
        if op == "gte":
            return stored >= value
        if op == "lt":
            return stored < value
        if op == "lte":
            return stored <= value
    except TypeError:
        return False
    stored_s, value_s = str(stored), str(value)
    if op == "startsWith":
        return stored_s.startswith(value_s)
    if op == "endsWith":
        return stored_s.endswith(value_s)
    if op == "like":
        return bool(_like(value_s, 0).match(stored_s))
    if op == "ilike":
        return bool(_like(value_s, re.I).match(stored_s))
    return False


def parse_order_by(text, schema, obj):
    """[(path, direction)], with ('id', AscNullsFirst) as the tiebreaker."""
    order = []
    if text:
        for item in _split_top(text):
            m = re.match(r"^([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)(?:\[([A-Za-z]+)\])?$", item)
            if not m:
                raise bad(f"'order_by' invalid: {item!r}")
            path, direction = m.group(1), m.group(2) or "AscNullsFirst"
            if direction not in DIRECTIONS:
                raise bad(f"'order_by' direction '{direction}' invalid. Allowed values are "
                          f"'{', '.join(sorted(DIRECTIONS))}'")
            head, _, sub = path.partition(".")
            field = schema.field(obj, head) or schema.join_field(obj, head)
            if field is None:
                raise bad(f"field '{head}' does not exist in '{obj['nameSingular']}' object")
            order.append(((head, sub or None), direction))
    # Twenty appends id as the tiebreaker (a caller's own id ordering wins); with no
    # order_by the order is id alone.
    if not any(path == ("id", None) for path, _ in order):
        order.append((("id", None), "AscNullsFirst"))
    return order


def sort_key_values(row, order):
    return [get_path(row, path) for path, _ in order]


def compare_keys(a, b, order):
    for (x, y, (_, direction)) in zip(a, b, order):
        if x == y:
            continue
        nulls_first = direction.endswith("NullsFirst")
        if x is None:
            return -1 if nulls_first else 1
        if y is None:
            return 1 if nulls_first else -1
        try:
            less = x < y
        except TypeError:
            less = str(x) < str(y)
        result = -1 if less else 1
        return result if direction.startswith("Asc") else -result
    return 0


def sort_rows(rows, order):
    """[(sort key values, row)] in order; one stable pass per key, last key first."""
    keyed = [(sort_key_values(r, order), r) for r in rows]
    for i in reversed(range(len(order))):
        direction = order[i][1]
        desc = direction.startswith("Desc")
        # Under reverse=True the larger rank comes first, so flip the rank for nulls-first.
        null_rank = 0 if direction.endswith("NullsFirst") != desc else 2

        def key(item, i=i, null_rank=null_rank):
            value = item[0][i]
            return (null_rank,) if value is None else (1, value)

        try:
            keyed.sort(key=key, reverse=desc)
        except TypeError:  # mixed value types in one column: fall back to comparisons
            keyed.sort(key=functools.cmp_to_key(lambda a, b: compare_keys(a[0], b[0], order)))
            break
    return keyed


def encode_cursor(keys):
    return base64.b64encode(json.dumps(keys, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor, order):
    try:
        keys = json.loads(base64.b64decode(cursor.encode(), validate=True).decode())
        if not isinstance(keys, list) or len(keys) != len(order):
            raise ValueError
        return keys
    except (ValueError, UnicodeDecodeError):
        raise bad(f"Invalid cursor: {cursor}")


def parse_limit(raw, default, maximum):
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad(f"limit '{raw}' is invalid. Should be an integer")
    if value < 0:
        raise bad(f"limit '{raw}' is invalid. Should be a positive integer")
    return min(value, maximum)


def parse_depth(raw):
    if raw is None or raw == "":
        return 0
    if raw not in ("0", "1"):
        raise bad(f"'depth={raw}' parameter invalid. Allowed values are 0, 1")
    return int(raw)
