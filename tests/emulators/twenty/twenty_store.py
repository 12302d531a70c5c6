"""Records of the Twenty emulator's one workspace, and the rules a real Twenty applies when
they are written: field checks, unique indexes that soft-deleted rows still occupy,
foreign keys, client-chosen ids, upsert matching on id and every unique index (soft-deleted
rows included, and restored), all-or-nothing batches, hard versus soft delete.

Not thread-safe: the server takes `Store.lock` around every call.
"""

import copy
import hashlib
import json
import random
import threading
import uuid

from twenty_query import (decode_cursor, encode_cursor, matches, mentions_deleted_at,
                          parse_depth, parse_filter, parse_limit, parse_order_by, sort_rows,
                          compare_keys)
from twenty_schema import Schema, fixed_id
from twenty_values import (COMPOSITE_DEFAULTS, ApiError, bad, check_address, check_array,
                           check_boolean, check_currency, check_date, check_date_time,
                           check_emails, check_full_name, check_links, check_multi_select,
                           check_number, check_numeric, check_phones, check_raw_json,
                           check_rich_text_v2, check_select, check_text, check_uuid, inspect,
                           is_number, is_valid_uuid, now_iso)

DUPLICATE = "A duplicate entry was detected"
NOT_FOUND = "Record not found"
NO_PERMISSION = "Entity performing the request does not have permission"
API_ACTOR = {"source": "API", "workspaceMemberId": None, "name": "Bridgework emulator key",
             "context": {}}
TARGET_OBJECTS = {"noteTargets": "noteId", "taskTargets": "taskId"}

SEED_MEMBERS = [("Tim", "Apple", "tim@apple.dev"), ("Jony", "Ive", "jony.ive@apple.dev"),
                ("Phil", "Schiller", "phil.schiller@apple.dev")]
SEED_COMPANIES = [("Airbnb", "https://airbnb.com", 5000, "San Francisco"),
                  ("Qonto", "https://qonto.com", 800, "Paris"),
                  ("Stripe", "https://stripe.com", 8000, "San Francisco"),
                  ("Figma", "https://figma.com", 1200, "San Francisco"),
                  ("Notion", "https://notion.com", 400, "San Francisco")]
SEED_PEOPLE = [("Brian", "Chesky", "chesky@airbnb.com", 0),
               ("Alexandre", "Prot", "prot@qonto.com", 1),
               ("Patrick", "Collison", "collison@stripe.com", 2),
               ("Dylan", "Field", "field@figma.com", 3),
               ("Ivan", "Zhao", "zhao@notion.com", 4)]


def _check_id_operands(tree):
    """Twenty checks every id operand of a bulk mutation's filter is a UUID."""
    if tree is None:
        return
    if tree[0] == "leaf":
        if tree[1] == ("id", None) and tree[2] in ("eq", "in"):
            for value in tree[3] if isinstance(tree[3], list) else [tree[3]]:
                if not is_valid_uuid(value):
                    raise bad(f'Value "{value}" is not a valid UUID')
        return
    for child in [tree[1]] if tree[0] == "not" else tree[1]:
        _check_id_operands(child)


def _options(field):
    return [o["value"] for o in (field.get("options") or [])]


# One checker per writable field type: (value, key, field, seed) -> stored value.
VALUE_CHECKS = {
    "TEXT": lambda v, k, f, s: check_text(v, k),
    "NUMBER": lambda v, k, f, s: check_number(v, k),
    "NUMERIC": lambda v, k, f, s: check_numeric(v, k),
    "BOOLEAN": lambda v, k, f, s: check_boolean(v, k),
    "DATE_TIME": lambda v, k, f, s: check_date_time(v, k),
    "DATE": lambda v, k, f, s: check_date(v, k),
    "UUID": lambda v, k, f, s: check_uuid(v, k),
    "SELECT": lambda v, k, f, s: check_select(v, k, _options(f)),
    "RATING": lambda v, k, f, s: check_select(v, k, _options(f)),
    "MULTI_SELECT": lambda v, k, f, s: check_multi_select(v, k, _options(f)),
    "ARRAY": lambda v, k, f, s: check_array(v, k),
    "RAW_JSON": lambda v, k, f, s: check_raw_json(v, k),
    "EMAILS": lambda v, k, f, s: check_emails(v, k),
    "LINKS": lambda v, k, f, s: check_links(v, k),
    "PHONES": lambda v, k, f, s: check_phones(v, k),
    "FULL_NAME": lambda v, k, f, s: check_full_name(v, k),
    "ADDRESS": lambda v, k, f, s: check_address(v, k),
    "CURRENCY": lambda v, k, f, s: check_currency(v, k),
    "RICH_TEXT_V2": lambda v, k, f, s: check_rich_text_v2(v, k, s),
}
# Composite types: null writes every sub-field back to its default.
NULL_IS_DEFAULT = set(COMPOSITE_DEFAULTS)


class Store:
    def __init__(self, empty=False, seed=0, default_limit=60, max_limit=200):
        self.lock = threading.RLock()
        self.default_limit = default_limit
        self.max_limit = max_limit
        self._rng_seed = seed
        self.reset(empty)

    # --- lifecycle -------------------------------------------------------------------------

    def reset(self, empty=False):
        self.rng = random.Random(self._rng_seed)
        self.schema = Schema()
        self.rows = {plural: {} for plural in self.schema.objects}
        self.indexes = {}
        self.min_position = {plural: 0.0 for plural in self.schema.objects}
        self.max_position = {plural: 0.0 for plural in self.schema.objects}
        self.files = {}
        self.version = 0  # bumped by every write; keys the find_many cache
        self.templates = {}  # namePlural -> default row
        self.query_cache = {}
        self._seed_members()
        if not empty:
            self._seed_crm()

    def new_id(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _insert_seed(self, plural, rid, data):
        obj = self.schema.objects[plural]
        row = self._defaults(obj)
        for key, value in data.items():
            if isinstance(value, dict) and isinstance(row.get(key), dict):
                row[key].update(value)
            else:
                row[key] = value
        row["id"] = rid
        row["position"] = self._next_position(plural, None)
        self._put(obj, row)

    def _seed_members(self):
        for first, last, email in SEED_MEMBERS:
            self._insert_seed("workspaceMembers", fixed_id("member", email),
                              {"name": {"firstName": first, "lastName": last},
                               "userEmail": email, "userId": fixed_id("user", email),
                               "locale": "en", "timeZone": "system", "colorScheme": "System"})

    def _seed_crm(self):
        for name, url, employees, city in SEED_COMPANIES:
            self._insert_seed("companies", fixed_id("company", name),
                              {"name": name, "domainName": {"primaryLinkUrl": url},
                               "employees": employees, "address": {"addressCity": city}})
        for first, last, email, company in SEED_PEOPLE:
            self._insert_seed("people", fixed_id("person", email),
                              {"name": {"firstName": first, "lastName": last},
                               "emails": {"primaryEmail": email},
                               "companyId": fixed_id("company", SEED_COMPANIES[company][0])})

    # --- rows and indexes ------------------------------------------------------------------

    def _defaults(self, obj):
        """A new row: every active field at its default. Composite values are fresh dicts
        (writes replace them whole, so a shallow copy of the template suffices)."""
        cached = self.templates.get(obj["namePlural"])
        if cached is None:
            template = self._build_defaults(obj)
            cached = self.templates[obj["namePlural"]] = (
                template, [k for k, v in template.items() if isinstance(v, dict)])
        template, dict_keys = cached
        row = dict(template)
        for key in dict_keys:
            row[key] = dict(template[key])
        row["createdAt"] = row["updatedAt"] = now_iso()
        return row

    def _build_defaults(self, obj):
        row = {"id": None, "createdAt": None, "updatedAt": None, "deletedAt": None,
               "position": None, "createdBy": dict(API_ACTOR)}
        for f in self.schema.active_fields(obj):
            name, ftype = f["name"], f["type"]
            if name in row:
                continue
            if ftype == "RELATION":
                if f.get("_join"):
                    row[f["_join"]] = None
                continue
            if ftype in COMPOSITE_DEFAULTS:
                row[name] = dict(COMPOSITE_DEFAULTS[ftype])
                continue
            default = f.get("defaultValue")
            if isinstance(default, str) and default[:1] == "'" and default[-1:] == "'":
                default = default[1:-1]
            elif isinstance(default, list):
                default = [v[1:-1] if isinstance(v, str) else v for v in default]
            if ftype == "TEXT" and not f["isCustom"] and default is None:
                default = ""
            row[name] = default
        return row

    def _index(self, plural, key):
        """value -> id for one unique index, built on first use, kept current on writes."""
        idx = self.indexes.get((plural, key))
        if idx is None:
            idx = {}
            for row in self.rows[plural].values():
                value = self._unique_value(row, key)
                if value is not None:
                    idx[value] = row["id"]
            self.indexes[(plural, key)] = idx
        return idx

    @staticmethod
    def _unique_value(row, key):
        name, sub = key
        value = row.get(name)
        if sub is not None:
            value = value.get(sub) if isinstance(value, dict) else None
        if value is None or value == "":
            return None  # empty values never collide
        return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value

    def _put(self, obj, row):
        self.version += 1
        plural = obj["namePlural"]
        old = self.rows[plural].get(row["id"])
        if old is not None:
            self._unindex(obj, old)
        self.rows[plural][row["id"]] = row
        for key in self.schema.unique_keys(obj):
            value = self._unique_value(row, key)
            if value is not None:
                self._index(plural, key)[value] = row["id"]

    def _unindex(self, obj, row):
        plural = obj["namePlural"]
        for key in self.schema.unique_keys(obj):
            value = self._unique_value(row, key)
            idx = self._index(plural, key)
            if value is not None and idx.get(value) == row["id"]:
                del idx[value]

    def _remove(self, obj, rid):
        self.version += 1
        row = self.rows[obj["namePlural"]].pop(rid)
        self._unindex(obj, row)
        return row

    def _next_position(self, plural, wanted):
        if is_number(wanted):
            self.min_position[plural] = min(self.min_position[plural], wanted)
            self.max_position[plural] = max(self.max_position[plural], wanted)
            return wanted
        if wanted == "last":
            self.max_position[plural] += 1
            return self.max_position[plural]
        self.min_position[plural] -= 1
        return self.min_position[plural]

    # --- input checks ----------------------------------------------------------------------

    def _check_writable(self, obj):
        if obj.get("_read_only"):
            raise ApiError(403, NO_PERMISSION)

    def _coerce_input(self, obj, data, seed):
        """Check every key of one record input; return {field or join column: value}."""
        if not isinstance(data, dict):
            raise bad(f"Invalid record input {inspect(data)}: expected an object")
        out = {}
        lookups = self.schema.lookups(obj)
        by_name, by_join = lookups["by_name"], lookups["by_join"]
        for key, value in data.items():
            field = by_name.get(key)
            join = None if field else by_join.get(key)
            if field is None and join is None:
                raise bad(f"Object {obj['nameSingular']} doesn't have any \"{key}\" field.")
            if join is not None:
                out[key] = check_uuid(value, key)
                continue
            ftype = field["type"]
            if key == "id":
                out[key] = check_uuid(value, key)
                continue
            if key == "createdBy" or ftype in ("ACTOR", "TS_VECTOR"):
                continue  # filled by the server from the API key
            if (value is None and not field["isNullable"] and field.get("defaultValue") is None):
                raise bad(f"Field {key} is not nullable and has no default value.")
            if ftype == "RELATION":
                if field.get("_kind") == "ONE_TO_MANY":
                    raise bad(f"One-to-many relation {key} field does not support write "
                              "operations.")
                if value is None:
                    out[field["_join"]] = None
                    continue
                raise bad(f'Relation "{key}" requires connect or disconnect operation')
            out[key] = self._check_value(field, key, value, seed)
        return out

    @staticmethod
    def _check_value(field, key, value, seed):
        ftype = field["type"]
        if ftype == "POSITION":
            if value in ("first", "last") or is_number(value):
                return value
            raise bad(f'Invalid position value {inspect(value)} for field "{key}"')
        check = VALUE_CHECKS.get(ftype)
        if check is None:
            raise bad(f"Field {key} of type {ftype} cannot be written")
        if value is None and ftype in NULL_IS_DEFAULT:
            return None
        return check(value, key, field, seed)

    def _apply(self, obj, row, values):
        """Write checked values onto a row; composites merge sub-field by sub-field."""
        by_name = self.schema.lookups(obj)["by_name"]
        for key, value in values.items():
            if key in ("id", "position"):
                continue
            field = by_name.get(key)
            if field is not None and field["type"] in COMPOSITE_DEFAULTS:
                base = dict(COMPOSITE_DEFAULTS[field["type"]])
                current = row.get(key) if isinstance(row.get(key), dict) else base
                if value is None:
                    row[key] = base
                else:
                    merged = dict(current)
                    merged.update(value)
                    row[key] = merged
            else:
                row[key] = value

    def _check_constraints(self, obj, row):
        """NOT NULL columns hold a value; foreign keys point to existing rows (soft-deleted
        rows count, as in Postgres)."""
        for f in self.schema.active_fields(obj):
            if (not f["isNullable"] and f["type"] not in NULL_IS_DEFAULT
                    and f["type"] not in ("RELATION", "ACTOR") and row.get(f["name"]) is None):
                raise bad(f'null value in column "{f["name"]}" of relation '
                          f'"{obj["nameSingular"]}" violates not-null constraint')
            join = f.get("_join")
            if join and row.get(join) is not None:
                if row[join] not in self.rows[f["_target"]]:
                    raise bad(f'insert or update on table "{obj["nameSingular"]}" violates '
                              f'foreign key constraint on "{join}": no '
                              f'{self.schema.objects[f["_target"]]["nameSingular"]} has id '
                              f'{row[join]}')
        plural = obj["namePlural"]
        if plural in TARGET_OBJECTS:
            # Emulator strictness: a target row links its parent to exactly one record.
            parent = TARGET_OBJECTS[plural]
            links = [f["_join"] for f in self.schema.active_fields(obj)
                     if f.get("_join") and f["_join"] != parent and row.get(f["_join"])]
            if row.get(parent) is None or len(links) != 1:
                raise bad(f"A {obj['nameSingular']} needs {parent} and exactly one target id "
                          f"(found {len(links)})")

    def _check_unique(self, obj, row):
        plural = obj["namePlural"]
        for key in self.schema.unique_keys(obj):
            value = self._unique_value(row, key)
            if value is None:
                continue
            holder = self._index(plural, key).get(value)
            if holder is not None and holder != row["id"]:
                raise bad(DUPLICATE)

    # --- writes ----------------------------------------------------------------------------

    def create_many(self, obj, records, upsert=False, batch_max=None):
        """All-or-nothing create (or upsert) of a list of record inputs, in input order."""
        self._check_writable(obj)
        if batch_max is not None and len(records) > batch_max:
            raise bad(f"Maximum number of records to upsert is {batch_max}.")
        plural = obj["namePlural"]
        checked = []
        for i, data in enumerate(records):
            rid = data.get("id") if isinstance(data, dict) else None
            checked.append(self._coerce_input(obj, data, seed=f"{plural}:{rid or i}"))
        undo = []  # (id, previous row or None)
        created = set()
        result_ids = []
        try:
            for values in checked:
                match = self._upsert_match(obj, values, created) if upsert else None
                if match is not None:
                    row = dict(self.rows[plural][match])
                    undo.append((match, self.rows[plural][match]))
                    self._apply(obj, row, values)
                    row["deletedAt"] = None
                    row["updatedAt"] = now_iso()
                    if "position" in values:
                        row["position"] = self._next_position(plural, values["position"])
                else:
                    rid = values.get("id") or self.new_id()
                    if rid in self.rows[plural]:
                        raise bad(DUPLICATE)
                    row = self._defaults(obj)
                    self._apply(obj, row, values)
                    row["id"] = rid
                    row["position"] = self._next_position(plural, values.get("position"))
                    undo.append((rid, None))
                    created.add(rid)
                self._check_constraints(obj, row)
                self._check_unique(obj, row)
                self._put(obj, row)
                result_ids.append(row["id"])
        except Exception:  # ApiError, or an emulator bug: either way nothing stays
            for rid, previous in reversed(undo):
                if rid in self.rows[plural]:
                    self._remove(obj, rid)
                if previous is not None:
                    self._put(obj, previous)
            raise
        return [self.rows[plural][rid] for rid in result_ids]

    def _upsert_match(self, obj, values, created):
        """The existing row (soft-deleted included, rows of this batch excluded) whose id or
        any unique value equals the input's; more than one candidate is an error."""
        plural = obj["namePlural"]
        candidates = []
        rid = values.get("id")
        if rid and rid in self.rows[plural] and rid not in created:
            candidates.append(rid)
        described = []
        for key in self.schema.unique_keys(obj):
            if key[0] not in values:
                continue
            value = self._unique_value(values, key)
            if value is None:
                continue
            described.append(f"{key[0]} ({key[0]}.{key[1]}: {value})" if key[1]
                             else f"{key[0]} ({key[0]}: {value})")
            holder = self._index(plural, key).get(value)
            if holder is not None and holder not in created:
                candidates.append(holder)
        if len(set(candidates)) > 1:
            if rid:
                described.insert(0, f"id (id: {rid})")
            raise bad("Multiple records found with the same unique field values for "
                      f"{'; '.join(described)}. Cannot determine which record to update.")
        return candidates[0] if candidates else None

    def update_one(self, obj, rid, data):
        self._check_writable(obj)
        plural = obj["namePlural"]
        row = self.rows[plural].get(rid)
        if row is None or row["deletedAt"] is not None:
            raise bad(NOT_FOUND)
        values = self._coerce_input(obj, data, seed=f"{plural}:{rid}")
        if "id" in values and values["id"] != rid:
            raise bad("Cannot update the id of a record")
        new_row = dict(row)
        self._apply(obj, new_row, values)
        if "position" in values:
            new_row["position"] = self._next_position(plural, values["position"])
        new_row["updatedAt"] = now_iso()
        self._check_constraints(obj, new_row)
        self._check_unique(obj, new_row)
        self._put(obj, new_row)
        return new_row

    def destroy_one(self, obj, rid):
        self._check_writable(obj)
        if rid not in self.rows[obj["namePlural"]]:
            raise bad(NOT_FOUND)
        self._destroy(obj, rid)
        return {"id": rid}

    def _destroy(self, obj, rid):
        self._remove(obj, rid)
        for other, f in self.schema.all_fields():
            if f.get("_target") == obj["namePlural"] and f.get("_join") and f["isActive"]:
                for child in list(self.rows[other["namePlural"]].values()):
                    if child.get(f["_join"]) == rid:
                        if (f.get("settings") or {}).get("onDelete") == "CASCADE":
                            self._destroy(other, child["id"])
                        else:
                            child[f["_join"]] = None

    def soft_delete_one(self, obj, rid):
        self._check_writable(obj)
        row = self.rows[obj["namePlural"]].get(rid)
        if row is None or row["deletedAt"] is not None:
            raise bad(NOT_FOUND)
        row["deletedAt"] = now_iso()
        self.version += 1
        return {"id": rid}

    def restore_one(self, obj, rid):
        self._check_writable(obj)
        row = self.rows[obj["namePlural"]].get(rid)
        if row is None or row["deletedAt"] is None:
            raise bad(NOT_FOUND)
        row["deletedAt"] = None
        row["updatedAt"] = now_iso()
        self.version += 1
        return row

    def _matching(self, obj, filter_text, with_deleted, cap, verb, operation):
        """The rows a bulk mutation touches. Refuses like Twenty: no filter (the REST
        handler's text), an id operand that is not a UUID, and more matches than `cap`
        (MUTATION_MAXIMUM_AFFECTED_RECORDS; the pg_graphql `atMost` text Twenty maps to a 400,
        nothing changed). v1.x builds were not seen to cap a REST bulk delete; the emulator
        keeps the documented cap so that a client that honours it works on every build."""
        if not filter_text or not filter_text.strip():
            raise bad(f"Filters are mandatory for bulk {operation} operations. Please provide "
                      "at least one filter to prevent accidental deletion of all records.")
        tree = parse_filter(filter_text, self.schema, obj)
        _check_id_operands(tree)
        with_deleted = with_deleted or mentions_deleted_at(tree)
        rows = [r for r in self._candidates(obj, tree)
                if (with_deleted or r["deletedAt"] is None) and matches(tree, r)]
        if cap is not None and len(rows) > cap:
            raise bad(f"Cannot {verb} {obj['nameSingular']} because it impacts too many "
                      f"records (more than {cap}).")
        return sorted(rows, key=lambda r: r["id"])

    def delete_many(self, obj, filter_text, soft, cap):
        """DELETE /rest/<objects>?filter=...: destroy (or soft-delete) every match, all or
        nothing; the ids actually deleted come back. Destroy matches soft-deleted rows too (a
        SQL DELETE has no deletedAt condition); soft delete only live ones. Referential
        effects are those of single deletes (CASCADE / SET NULL)."""
        self._check_writable(obj)
        rows = self._matching(obj, filter_text, with_deleted=not soft, cap=cap, verb="delete",
                              operation="delete" if soft else "destroy")
        done = []
        for row in rows:
            if soft:
                self.soft_delete_one(obj, row["id"])
                done.append(row["id"])
            elif row["id"] in self.rows[obj["namePlural"]]:  # a cascade may have taken it
                self._destroy(obj, row["id"])
                done.append(row["id"])
        return [{"id": rid} for rid in done]

    def update_many(self, obj, filter_text, data, cap):
        """PATCH /rest/<objects>?filter=...: the same partial update on every match, all or
        nothing."""
        self._check_writable(obj)
        rows = self._matching(obj, filter_text, with_deleted=False, cap=cap, verb="update",
                              operation="update")
        plural = obj["namePlural"]
        if isinstance(data, dict) and "id" in data:
            raise bad("Cannot update the id of several records")
        done = []
        try:
            for row in rows:
                done.append(row)
                self.update_one(obj, row["id"], data)
        except Exception:
            for row in done:
                self._put(obj, row)
            raise
        return [self.rows[plural][r["id"]] for r in rows]

    # --- reads -----------------------------------------------------------------------------

    def render(self, obj, row, depth):
        # Shallow copies suffice: writes replace composite values and rows, never edit them.
        out = dict(row)
        for name in self.schema.lookups(obj)["inactive"]:
            out.pop(name, None)
        if depth >= 1:
            for f in self.schema.active_fields(obj):
                if f["type"] != "RELATION":
                    continue
                target = self.schema.objects[f["_target"]]
                if f.get("_kind") == "MANY_TO_ONE":
                    linked = self.rows[f["_target"]].get(row.get(f["_join"]))
                    out[f["name"]] = (dict(linked) if linked and
                                      linked["deletedAt"] is None else None)
                else:
                    join = f["_inverse_join"]
                    out[f["name"]] = [dict(c) for c in self.rows[target["namePlural"]]
                                      .values() if c.get(join) == row["id"]
                                      and c["deletedAt"] is None]
        return out

    def find_one(self, obj, rid, depth):
        row = self.rows[obj["namePlural"]].get(rid)
        if row is None or row["deletedAt"] is not None:
            raise bad(NOT_FOUND)
        return self.render(obj, row, depth)

    def find_many(self, obj, params):
        depth = parse_depth(params.get("depth"))
        limit = parse_limit(params.get("limit"), self.default_limit, self.max_limit)
        tree = parse_filter(params.get("filter"), self.schema, obj)
        order = parse_order_by(params.get("order_by"), self.schema, obj)
        with_deleted = mentions_deleted_at(tree)
        # Paging through a large object re-sorts nothing while no write happens in between.
        cache_key = (obj["namePlural"], params.get("filter"), params.get("order_by"))
        cached = self.query_cache.get(cache_key)
        if cached is not None and cached[0] == self.version:
            keyed = cached[1]
        else:
            rows = [r for r in self._candidates(obj, tree)
                    if (with_deleted or r["deletedAt"] is None) and matches(tree, r)]
            keyed = sort_rows(rows, order)
            if len(self.query_cache) > 64:
                self.query_cache.clear()
            self.query_cache[cache_key] = (self.version, keyed)
        total = len(keyed)
        after, before = params.get("starting_after"), params.get("ending_before")
        if after and before:
            raise bad("Cannot provide both before and after")
        has_prev = has_next = False
        if before:
            end = self._bisect(keyed, decode_cursor(before, order), order, strict_after=False)
            page = keyed[max(0, end - limit):end] if limit else []
            has_prev = end > len(page)
        else:
            start = (self._bisect(keyed, decode_cursor(after, order), order, strict_after=True)
                     if after else 0)
            page = keyed[start:start + limit]
            has_next = len(keyed) > start + len(page)
        records = [self.render(obj, r, depth) for _, r in page]
        return {"data": {obj["namePlural"]: records},
                "pageInfo": {"hasNextPage": has_next, "hasPreviousPage": has_prev,
                             "startCursor": encode_cursor(page[0][0]) if page else None,
                             "endCursor": encode_cursor(page[-1][0]) if page else None},
                "totalCount": total}

    def on_schema_change(self):
        """After a metadata write: new objects get a table, rows get new fields' defaults."""
        self.indexes = {}
        self.templates = {}
        self.version += 1
        for plural, obj in self.schema.objects.items():
            self.rows.setdefault(plural, {})
            self.min_position.setdefault(plural, 0.0)
            self.max_position.setdefault(plural, 0.0)
            defaults = None
            for row in self.rows[plural].values():
                if defaults is None:
                    defaults = self._defaults(obj)
                for key, value in defaults.items():
                    if key not in row:
                        row[key] = copy.deepcopy(value)

    def _candidates(self, obj, tree):
        """Rows that may match: an id or unique-value eq/in filter reads the index
        instead of scanning the whole object (lookups by id or e-mail stay cheap)."""
        table = self.rows[obj["namePlural"]]
        if tree is not None and tree[0] == "leaf" and tree[2] in ("eq", "in"):
            path, values = tree[1], tree[3] if tree[2] == "in" else [tree[3]]
            if path == ("id", None):
                return [table[v.lower()] for v in values
                        if isinstance(v, str) and v.lower() in table]
            if path in self.schema.unique_keys(obj):
                idx = self._index(obj["namePlural"], path)
                ids = {idx.get(v.lower() if path[1] == "primaryEmail" and isinstance(v, str)
                               else v) for v in values}
                return [table[i] for i in ids if i is not None]
        return table.values()

    @staticmethod
    def _bisect(keyed, cursor, order, strict_after):
        """First index whose key is after the cursor (strict_after) or not before it."""
        lo, hi = 0, len(keyed)
        while lo < hi:
            mid = (lo + hi) // 2
            c = compare_keys(keyed[mid][0], cursor, order)
            if c < 0 or (strict_after and c == 0):
                lo = mid + 1
            else:
                hi = mid
        return lo

    # --- files (GraphQL uploadFile) --------------------------------------------------------

    def put_file(self, folder, filename, content):
        ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
        path = f"{folder.lower()}/{self.new_id()}.{ext}"
        self.files[path] = {"name": filename, "size": len(content),
                            "sha256": hashlib.sha256(content).hexdigest()}
        return path

    # --- snapshot --------------------------------------------------------------------------

    def snapshot(self, timestamps=False, objects=None, exclude=()):
        """Every row of every object (soft-deleted included) as canonical JSON-ready data."""
        out = {"objects": {}, "customFields": [], "customObjects": [], "files": {}}
        for plural, rows in sorted(self.rows.items()):
            if objects and plural not in objects:
                continue
            listed = []
            for rid in sorted(rows):
                row = copy.deepcopy(rows[rid])
                if not timestamps:
                    row.pop("createdAt", None)
                    row.pop("updatedAt", None)
                    row["deletedAt"] = None if row.get("deletedAt") is None else "<deleted>"
                for key in exclude:
                    row.pop(key, None)
                listed.append(row)
            out["objects"][plural] = listed
        for obj in self.schema.objects.values():
            if obj["isCustom"]:
                out["customObjects"].append({"nameSingular": obj["nameSingular"],
                                             "namePlural": obj["namePlural"]})
            for f in obj["_fields"]:
                if f["isCustom"]:
                    out["customFields"].append({
                        "object": obj["nameSingular"], "name": f["name"], "type": f["type"],
                        "isActive": f["isActive"],
                        "options": sorted(o["value"] for o in f["options"] or [])})
        out["customFields"].sort(key=lambda f: (f["object"], f["name"]))
        out["customObjects"].sort(key=lambda o: o["nameSingular"])
        out["files"] = dict(sorted(self.files.items()))
        return out
