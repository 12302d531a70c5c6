"""Records of the Twenty emulator's one workspace, and the rules a real Twenty applies when
they are written: field checks, unique indexes that soft-deleted rows still occupy,
foreign keys, client-chosen ids, upsert matching on id and every unique index (soft-deleted
rows included, and restored), all-or-nothing batches, hard versus soft delete.

Not thread-safe: the server takes `Store.lock` around every call.
"""

import copy
import hashlib
import json
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


class Store:
    def __init__(self, empty=False, seed=0, default_limit=60, max_limit=200):
        self.lock = threading.RLock()
        self.default_limit = default_limit
        self.max_limit = max_limit
        self._rng_seed = seed
        self.reset(empty)

    # --- lifecycle -------------------------------------------------------------------------

    def reset(self, empty=False):
        import random
        self.rng = random.Random(self._rng_seed)
        self.schema = Schema()
        self.rows = {plural: {} for plural in self.schema.objects}
        self.indexes = {}
        self.min_position = {plural: 0.0 for plural in self.schema.objects}
        self.max_position = {plural: 0.0 for plural in self.schema.objects}
        self.files = {}
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
        now = now_iso()
        row = {"id": None, "createdAt": now, "updatedAt": now, "deletedAt": None,
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
                row[name] = copy.deepcopy(COMPOSITE_DEFAULTS[ftype])
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
        for key, value in data.items():
            field = self.schema.field(obj, key)
            join = None if field else self.schema.join_field(obj, key)
            if field is None and join is None:
                raise bad(f"Object {obj['nameSingular']} doesn't have any \"{key}\" field.")
            if join is not None:
                out[key] = check_uuid(value, key)
                continue
            ftype = field["type"]
            if key == "id":
                if value is not None and not is_valid_uuid(value):
                    raise bad(f"Invalid UUID format: {value}" if isinstance(value, str)
                              else f'Invalid UUID value {inspect(value)} for field "id"')
                out[key] = value.lower() if value else value
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
        options = [o["value"] for o in (field.get("options") or [])]
        checks = {
            "TEXT": lambda: check_text(value, key),
            "NUMBER": lambda: check_number(value, key),
            "NUMERIC": lambda: check_numeric(value, key),
            "BOOLEAN": lambda: check_boolean(value, key),
            "DATE_TIME": lambda: check_date_time(value, key),
            "DATE": lambda: check_date(value, key),
            "UUID": lambda: check_uuid(value, key),
            "SELECT": lambda: check_select(value, key, options),
            "RATING": lambda: check_select(value, key, options),
            "MULTI_SELECT": lambda: check_multi_select(value, key, options),
            "ARRAY": lambda: check_array(value, key),
            "RAW_JSON": lambda: check_raw_json(value, key),
            "EMAILS": lambda: None if value is None else check_emails(value, key),
            "LINKS": lambda: None if value is None else check_links(value, key),
            "PHONES": lambda: None if value is None else check_phones(value, key),
            "FULL_NAME": lambda: None if value is None else check_full_name(value, key),
            "ADDRESS": lambda: None if value is None else check_address(value, key),
            "CURRENCY": lambda: None if value is None else check_currency(value, key),
            "RICH_TEXT_V2": lambda: None if value is None else check_rich_text_v2(value, key,
                                                                                  seed),
            "RICH_TEXT": lambda: (_ for _ in ()).throw(
                bad("Rich text is not supported, please use RICH_TEXT_V2 instead")),
        }
        if ftype == "POSITION":
            if value in ("first", "last") or is_number(value):
                return value
            raise bad(f'Invalid position value {inspect(value)} for field "{key}"')
        if ftype not in checks:
            raise bad(f"Field {key} of type {ftype} cannot be written")
        return checks[ftype]()

    def _apply(self, obj, row, values):
        """Write checked values onto a row; composites merge sub-field by sub-field."""
        for key, value in values.items():
            if key in ("id", "position"):
                continue
            field = self.schema.field(obj, key)
            if field is not None and field["type"] in COMPOSITE_DEFAULTS:
                base = copy.deepcopy(COMPOSITE_DEFAULTS[field["type"]])
                current = row.get(key) if isinstance(row.get(key), dict) else base
                if value is None:
                    row[key] = base
                else:
                    merged = dict(current)
                    merged.update(value)
                    row[key] = merged
            else:
                row[key] = value

    def _check_links(self, obj, row):
        """Foreign keys point to existing rows (soft-deleted rows count, as in Postgres)."""
        for f in self.schema.active_fields(obj):
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
            values = self._coerce_input(obj, data, seed=f"{plural}:{i}:{json.dumps(data, sort_keys=True, default=str)}")
            checked.append(values)
        undo = []  # (id, previous row or None)
        created = set()
        result_ids = []
        try:
            for values in checked:
                match = self._upsert_match(obj, values, created) if upsert else None
                if match is not None:
                    row = copy.deepcopy(self.rows[plural][match])
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
                self._check_links(obj, row)
                self._check_unique(obj, row)
                self._put(obj, row)
                result_ids.append(row["id"])
        except ApiError:
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
        probe = self._defaults(obj)
        self._apply(obj, probe, values)
        for key in self.schema.unique_keys(obj):
            if key[0] not in values:
                continue
            value = self._unique_value(probe, key)
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
        values = self._coerce_input(obj, data, seed=f"{plural}:{rid}:{json.dumps(data, sort_keys=True, default=str)}")
        if "id" in values and values["id"] != rid:
            raise bad("Cannot update the id of a record")
        new_row = copy.deepcopy(row)
        self._apply(obj, new_row, values)
        if "position" in values:
            new_row["position"] = self._next_position(plural, values["position"])
        new_row["updatedAt"] = now_iso()
        self._check_links(obj, new_row)
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
        return {"id": rid}

    def restore_one(self, obj, rid):
        self._check_writable(obj)
        row = self.rows[obj["namePlural"]].get(rid)
        if row is None or row["deletedAt"] is None:
            raise bad(NOT_FOUND)
        row["deletedAt"] = None
        row["updatedAt"] = now_iso()
        return row

    # --- reads -----------------------------------------------------------------------------

    def render(self, obj, row, depth):
        out = copy.deepcopy(row)
        if depth >= 1:
            for f in self.schema.active_fields(obj):
                if f["type"] != "RELATION":
                    continue
                target = self.schema.objects[f["_target"]]
                if f.get("_kind") == "MANY_TO_ONE":
                    linked = self.rows[f["_target"]].get(row.get(f["_join"]))
                    out[f["name"]] = (copy.deepcopy(linked) if linked and
                                      linked["deletedAt"] is None else None)
                else:
                    join = f["_inverse_join"]
                    out[f["name"]] = [copy.deepcopy(c) for c in self.rows[target["namePlural"]]
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
        rows = [r for r in self.rows[obj["namePlural"]].values()
                if (with_deleted or r["deletedAt"] is None) and matches(tree, r)]
        keyed = sort_rows(rows, order)
        total = len(keyed)
        after, before = params.get("starting_after"), params.get("ending_before")
        if after and before:
            raise bad("You cannot provide both starting_after and ending_before")
        has_prev = has_next = False
        if before:
            cursor = decode_cursor(before, order)
            window = [kr for kr in keyed if compare_keys(kr[0], cursor, order) < 0]
            page = window[-limit:] if limit else []
            has_prev = len(window) > len(page)
        else:
            if after:
                cursor = decode_cursor(after, order)
                window = [kr for kr in keyed if compare_keys(kr[0], cursor, order) > 0]
            else:
                window = keyed
            page = window[:limit]
            has_next = len(window) > len(page)
        records = [self.render(obj, r, depth) for _, r in page]
        return {"data": {obj["namePlural"]: records},
                "pageInfo": {"hasNextPage": has_next, "hasPreviousPage": has_prev,
                             "startCursor": encode_cursor(page[0][0]) if page else None,
                             "endCursor": encode_cursor(page[-1][0]) if page else None},
                "totalCount": total}

    def on_schema_change(self):
        """After a metadata write: new objects get a table, rows get new fields' defaults."""
        self.indexes = {}
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
