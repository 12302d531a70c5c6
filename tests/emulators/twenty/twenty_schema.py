"""Workspace metadata for the Twenty emulator: the standard objects of a ~v1.5 workspace,
custom fields and custom objects created over the metadata REST API, and the rules that
API enforces (names, options, relations).

Objects are plain dicts keyed by their plural API name; fields carry their metadata plus a
few emulator-only keys that start with '_' (never sent to clients). Not thread-safe: the
server holds its store lock around every call.
"""

import re
import uuid

from twenty_values import bad, now_iso

NS = uuid.UUID("5b1f8a3e-8a47-4f0a-9a52-7d4f7c0a2b10")  # emulator namespace for fixed ids

COMPOSITE_TYPES = {"FULL_NAME", "EMAILS", "PHONES", "LINKS", "ADDRESS", "CURRENCY",
                   "RICH_TEXT_V2", "ACTOR"}
CREATABLE_TYPES = {"TEXT", "NUMBER", "NUMERIC", "BOOLEAN", "DATE", "DATE_TIME", "SELECT",
                   "MULTI_SELECT", "LINKS", "EMAILS", "PHONES", "CURRENCY", "FULL_NAME", "ADDRESS",
                   "RATING", "RAW_JSON", "RICH_TEXT_V2", "ARRAY", "UUID", "RELATION"}
KNOWN_TYPES = CREATABLE_TYPES | {"POSITION", "ACTOR", "RICH_TEXT", "TS_VECTOR", "MORPH_RELATION",
                                 "FILES"}
NAME_RE = re.compile(r"^[a-z][a-zA-Z0-9]*$")
OPTION_VALUE_RE = re.compile(r"^[A-Z0-9]+(_[A-Z0-9]+)*$")
# Names the metadata API refuses for fields and objects (Twenty's reserved keywords, abridged).
RESERVED = {"id", "createdAt", "updatedAt", "deletedAt", "position", "createdBy", "updatedBy",
            "searchVector", "type", "object", "objects", "field", "fields", "event", "events",
            "view", "views", "user", "users", "workspace", "workspaces", "select", "where",
            "order", "limit", "and", "or", "not", "true", "false", "null", "relation", "data"}
ATTACHMENT_CATEGORIES = ["ARCHIVE", "AUDIO", "IMAGE", "PRESENTATION", "SPREADSHEET",
                         "TEXT_DOCUMENT", "VIDEO", "OTHER"]
# Child objects whose links to a parent are destroyed with it (Twenty: onDelete CASCADE).
CASCADE_OBJECTS = {"noteTargets", "taskTargets", "attachments"}


def fixed_id(*parts):
    return str(uuid.uuid5(NS, "/".join(parts)))


def _options(values):
    colors = ["green", "turquoise", "sky", "blue", "purple", "pink", "red", "orange", "yellow",
              "gray"]
    return [{"id": fixed_id("option", v), "label": v.replace("_", " ").title(), "value": v,
             "color": colors[i % len(colors)], "position": i} for i, v in enumerate(values)]


def camel(label):
    words = re.findall(r"[A-Za-z0-9]+", label)
    if not words:
        return ""
    return words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])


class Schema:
    def __init__(self):
        self.objects = {}  # namePlural -> object dict
        self._build_standard()

    # --- construction ----------------------------------------------------------------------

    def _new_object(self, singular, plural, label_singular, label_plural, custom=False,
                    read_only=False, description=""):
        obj = {"id": fixed_id("object", singular) if not custom else str(uuid.uuid4()),
               "nameSingular": singular, "namePlural": plural, "labelSingular": label_singular,
               "labelPlural": label_plural, "description": description,
               "icon": "IconBox" if custom else "IconBuildingSkyscraper", "isCustom": custom,
               "isActive": True, "isSystem": False, "isRemote": False,
               "createdAt": now_iso(), "updatedAt": now_iso(),
               "labelIdentifierFieldMetadataId": None, "imageIdentifierFieldMetadataId": None,
               "_fields": [], "_read_only": read_only}
        self.objects[plural] = obj
        base = [("id", "UUID", "Id", {"isNullable": False}),
                ("createdAt", "DATE_TIME", "Creation date", {"isNullable": False}),
                ("updatedAt", "DATE_TIME", "Last update", {"isNullable": False}),
                ("deletedAt", "DATE_TIME", "Deleted at", {}),
                ("position", "POSITION", "Position", {}),
                ("createdBy", "ACTOR", "Created by", {"_read_only": True})]
        for name, ftype, label, extra in base:
            self._add_field(obj, name, ftype, label, system=True, **extra)
        return obj

    def _add_field(self, obj, name, ftype, label, system=False, custom=False, **extra):
        field = {"id": fixed_id("field", obj["nameSingular"], name) if not custom
                 else str(uuid.uuid4()),
                 "type": ftype, "name": name, "label": label, "description": None, "icon": None,
                 "isCustom": custom, "isActive": True, "isSystem": system, "isNullable": True,
                 "isUnique": False, "defaultValue": None, "options": None, "settings": None,
                 "objectMetadataId": obj["id"], "createdAt": now_iso(), "updatedAt": now_iso(),
                 "_unique_key": None, "_read_only": False}
        field.update(extra)
        obj["_fields"].append(field)
        obj["_cache"] = None
        return field

    def _relation(self, obj, name, target_plural, label, inverse_name, inverse_label,
                  custom=False):
        """A MANY_TO_ONE field `name` (join column nameId) on obj and its ONE_TO_MANY inverse."""
        target = self.objects[target_plural]
        on_delete = "CASCADE" if obj["namePlural"] in CASCADE_OBJECTS else "SET_NULL"
        many = self._add_field(obj, name, "RELATION", label, custom=custom,
                               settings={"relationType": "MANY_TO_ONE", "onDelete": on_delete,
                                         "joinColumnName": name + "Id"},
                               _target=target_plural, _join=name + "Id", _kind="MANY_TO_ONE")
        one = self._add_field(target, inverse_name, "RELATION", inverse_label, custom=custom,
                              settings={"relationType": "ONE_TO_MANY"}, _target=obj["namePlural"],
                              _kind="ONE_TO_MANY", _inverse_join=name + "Id")
        many["relation"] = {"type": "MANY_TO_ONE", "targetObjectMetadata": {"id": target["id"]},
                            "targetFieldMetadata": {"id": one["id"]}}
        one["relation"] = {"type": "ONE_TO_MANY", "targetObjectMetadata": {"id": obj["id"]},
                           "targetFieldMetadata": {"id": many["id"]}}
        return many, one

    def _build_standard(self):
        members = self._new_object("workspaceMember", "workspaceMembers", "Workspace Member",
                                   "Workspace Members", read_only=True)
        for name, ftype, label in [("name", "FULL_NAME", "Name"), ("userEmail", "TEXT", "User Email"),
                                   ("userId", "UUID", "User Id"), ("locale", "TEXT", "Language"),
                                   ("timeZone", "TEXT", "Time zone"),
                                   ("colorScheme", "TEXT", "Color Scheme"),
                                   ("avatarUrl", "TEXT", "Avatar Url")]:
            self._add_field(members, name, ftype, label)

        companies = self._new_object("company", "companies", "Company", "Companies")
        self._add_field(companies, "name", "TEXT", "Name")
        self._add_field(companies, "domainName", "LINKS", "Domain Name", isUnique=True,
                        _unique_key="primaryLinkUrl")
        self._add_field(companies, "employees", "NUMBER", "Employees")
        self._add_field(companies, "address", "ADDRESS", "Address")
        self._add_field(companies, "annualRecurringRevenue", "CURRENCY", "ARR")
        self._add_field(companies, "idealCustomerProfile", "BOOLEAN", "ICP", defaultValue=False,
                        isNullable=False)
        self._add_field(companies, "linkedinLink", "LINKS", "Linkedin")
        self._add_field(companies, "xLink", "LINKS", "X")

        people = self._new_object("person", "people", "Person", "People")
        self._add_field(people, "name", "FULL_NAME", "Name")
        self._add_field(people, "emails", "EMAILS", "Emails", isUnique=True,
                        _unique_key="primaryEmail")
        self._add_field(people, "phones", "PHONES", "Phones")
        self._add_field(people, "jobTitle", "TEXT", "Job Title")
        self._add_field(people, "city", "TEXT", "City")
        self._add_field(people, "avatarUrl", "TEXT", "Avatar")
        self._add_field(people, "linkedinLink", "LINKS", "Linkedin")
        self._add_field(people, "xLink", "LINKS", "X")

        opportunities = self._new_object("opportunity", "opportunities", "Opportunity",
                                         "Opportunities")
        self._add_field(opportunities, "name", "TEXT", "Name")
        self._add_field(opportunities, "amount", "CURRENCY", "Amount")
        self._add_field(opportunities, "closeDate", "DATE_TIME", "Close date")
        self._add_field(opportunities, "stage", "SELECT", "Stage", defaultValue="'NEW'",
                        options=_options(["NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"]))

        notes = self._new_object("note", "notes", "Note", "Notes")
        self._add_field(notes, "title", "TEXT", "Title")
        self._add_field(notes, "bodyV2", "RICH_TEXT_V2", "Body")

        tasks = self._new_object("task", "tasks", "Task", "Tasks")
        self._add_field(tasks, "title", "TEXT", "Title")
        self._add_field(tasks, "bodyV2", "RICH_TEXT_V2", "Body")
        self._add_field(tasks, "dueAt", "DATE_TIME", "Due Date")
        self._add_field(tasks, "status", "SELECT", "Status", defaultValue="'TODO'",
                        options=_options(["TODO", "IN_PROGRESS", "DONE"]))

        note_targets = self._new_object("noteTarget", "noteTargets", "Note Target", "Note Targets")
        task_targets = self._new_object("taskTarget", "taskTargets", "Task Target", "Task Targets")
        attachments = self._new_object("attachment", "attachments", "Attachment", "Attachments")
        self._add_field(attachments, "name", "TEXT", "Name")
        self._add_field(attachments, "fullPath", "TEXT", "Full path")
        self._add_field(attachments, "fileCategory", "SELECT", "File category",
                        options=_options(ATTACHMENT_CATEGORIES))

        self._relation(people, "company", "companies", "Company", "people", "People")
        self._relation(companies, "accountOwner", "workspaceMembers", "Account Owner",
                       "accountOwnerForCompanies", "Account Owner For Companies")
        self._relation(opportunities, "pointOfContact", "people", "Point of Contact",
                       "pointOfContactForOpportunities", "Linked Opportunities")
        self._relation(opportunities, "company", "companies", "Company", "opportunities",
                       "Opportunities")
        self._relation(tasks, "assignee", "workspaceMembers", "Assignee", "assignedTasks",
                       "Assigned tasks")
        self._relation(note_targets, "note", "notes", "Note", "noteTargets", "Relations")
        self._relation(task_targets, "task", "tasks", "Task", "taskTargets", "Relations")
        self._relation(attachments, "author", "workspaceMembers", "Author", "authoredAttachments",
                       "Authored attachments")
        for target in ("people", "companies", "opportunities"):
            self._link_target_objects(target)
        self._relation(attachments, "note", "notes", "Note", "attachments", "Attachments")
        self._relation(attachments, "task", "tasks", "Task", "attachments", "Attachments")
        for obj in self.objects.values():
            name_field = self.field(obj, "name") or self.field(obj, "title")
            if name_field:
                obj["labelIdentifierFieldMetadataId"] = name_field["id"]

    def _link_target_objects(self, plural, custom=False):
        """noteTargets, taskTargets and attachments get a link to every target object."""
        obj = self.objects[plural]
        singular = obj["nameSingular"]
        self._relation(self.objects["noteTargets"], singular, plural, obj["labelSingular"],
                       "noteTargets", "Notes", custom=custom)
        self._relation(self.objects["taskTargets"], singular, plural, obj["labelSingular"],
                       "taskTargets", "Tasks", custom=custom)
        self._relation(self.objects["attachments"], singular, plural, obj["labelSingular"],
                       "attachments", "Attachments", custom=custom)

    # --- lookups ---------------------------------------------------------------------------

    def resolve_object(self, segment):
        """The object for a REST path segment, or the server's 'object ... not found' error."""
        obj = self.objects.get(segment)
        if obj and obj["isActive"]:
            return obj
        hint = "eg: companies"
        for candidate in self.objects.values():
            if candidate["nameSingular"] == segment:
                hint = f"Did you mean '{candidate['namePlural']}'?"
        raise bad(f"object '{segment}' not found. {hint}")

    def object_by_id(self, object_id):
        for obj in self.objects.values():
            if obj["id"] == object_id:
                return obj
        return None

    @staticmethod
    def lookups(obj):
        """Per-object maps of active fields, rebuilt after any metadata change (_touch)."""
        cached = obj.get("_cache")
        if cached is None:
            active = [f for f in obj["_fields"] if f["isActive"]]
            cached = obj["_cache"] = {
                "active": active,
                "inactive": [f["name"] for f in obj["_fields"] if not f["isActive"]],
                "by_name": {f["name"]: f for f in active},
                "by_join": {f["_join"]: f for f in active if f.get("_join")},
                "unique": [(f["name"], f.get("_unique_key")) for f in active
                           if f["isUnique"] and f["name"] != "id"]}
        return cached

    @classmethod
    def field(cls, obj, name):
        return cls.lookups(obj)["by_name"].get(name)

    @classmethod
    def join_field(cls, obj, column):
        return cls.lookups(obj)["by_join"].get(column)

    @classmethod
    def active_fields(cls, obj):
        return cls.lookups(obj)["active"]

    @classmethod
    def unique_keys(cls, obj):
        """(field name, sub-field or None) for every unique index of the object."""
        return cls.lookups(obj)["unique"]

    def all_fields(self):
        for obj in self.objects.values():
            for f in obj["_fields"]:
                yield obj, f

    # --- metadata API ----------------------------------------------------------------------

    @staticmethod
    def public_field(f):
        return {k: v for k, v in f.items() if not k.startswith("_")}

    def public_object(self, obj, with_fields=True):
        out = {k: v for k, v in obj.items() if not k.startswith("_")}
        if with_fields:
            out["fields"] = [self.public_field(f) for f in obj["_fields"]]
        return out

    @staticmethod
    def _check_name(name, what="name"):
        if not isinstance(name, str) or not name:
            raise bad(f"{what} is required")
        if len(name) > 63:
            raise bad(f'String "{name}" exceeds 63 characters limit')
        if not NAME_RE.match(name):
            raise bad(f'String "{name}" is not valid: must start with lowercase letter and '
                      "contain only alphanumeric letters")
        if name in RESERVED:
            raise bad(f'The name "{name}" is not available')

    @staticmethod
    def _check_options(options, ftype):
        if not isinstance(options, list) or not options:
            raise bad(f"Options are required for field type {ftype}")
        seen_values, seen_ids, seen_positions = set(), set(), set()
        out = []
        for i, option in enumerate(options):
            if not isinstance(option, dict):
                raise bad("Option must be an object")
            unknown = set(option) - {"id", "label", "value", "color", "position"}
            if unknown:
                raise bad(f"Option has unknown keys: {', '.join(sorted(unknown))}")
            label, value = option.get("label"), option.get("value")
            if not isinstance(label, str) or not label.strip():
                raise bad("Label is required")
            if not isinstance(value, str) or not value:
                raise bad("Value is required")
            if len(value) > 63:
                raise bad(f'Value "{value}" exceeds 63 characters')
            if not OPTION_VALUE_RE.match(value):
                raise bad(f'Value must be in UPPER_CASE and follow snake_case "{value}"')
            if value in seen_values:
                raise bad(f'Duplicated option value "{value}"')
            seen_values.add(value)
            position = option.get("position", i)
            if not isinstance(position, (int, float)) or isinstance(position, bool):
                raise bad(f"Invalid option position {position!r}")
            if position in seen_positions:
                raise bad(f'Duplicated option position "{position}"')
            seen_positions.add(position)
            oid = option.get("id") or str(uuid.uuid4())
            if oid in seen_ids:
                raise bad(f'Duplicated option id "{oid}"')
            seen_ids.add(oid)
            out.append({"id": oid, "label": label, "value": value,
                        "color": option.get("color", "gray"), "position": position})
        return out

    def create_field(self, payload):
        if not isinstance(payload, dict):
            raise bad("Body must be an object")
        allowed = {"objectMetadataId", "type", "name", "label", "description", "icon",
                   "isNullable", "defaultValue", "options", "settings", "isLabelSyncedWithName",
                   "relationCreationPayload", "isUnique", "isActive"}
        unknown = set(payload) - allowed
        if unknown:
            raise bad(f"property {sorted(unknown)[0]} should not exist")
        obj = self.object_by_id(payload.get("objectMetadataId"))
        if obj is None:
            raise bad("Object metadata does not exist")
        ftype = payload.get("type")
        if ftype not in CREATABLE_TYPES:
            raise bad(f"Invalid field type {ftype!r}" if ftype else "type is required")
        name = payload.get("name")
        self._check_name(name)
        label = payload.get("label")
        if not isinstance(label, str) or not label.strip():
            raise bad("label is required")
        if len(label) > 63:
            raise bad(f'String "{label}" exceeds 63 characters limit')
        for f in obj["_fields"]:
            if f["name"] == name or f.get("_join") == name:
                raise bad(f'Name "{name}" is not available, check that it is not duplicating '
                          "another field's name.")
        extra = {}
        if ftype in ("SELECT", "MULTI_SELECT"):
            extra["options"] = self._check_options(payload.get("options"), ftype)
        elif ftype == "RATING":
            extra["options"] = _options([f"RATING_{i}" for i in range(1, 6)])
        elif payload.get("options") is not None:
            raise bad(f"Options are not supported for field type {ftype}")
        default = payload.get("defaultValue")
        if default is not None:
            extra["defaultValue"] = self._check_default(ftype, default, extra.get("options"))
        if ftype == "RELATION":
            return self._create_relation_field(obj, payload, name, label)
        field = self._add_field(obj, name, ftype, label, custom=True,
                                description=payload.get("description"), icon=payload.get("icon"),
                                isNullable=payload.get("isNullable", True) is not False,
                                isUnique=bool(payload.get("isUnique", False)),
                                settings=payload.get("settings"), **extra)
        if field["isUnique"]:
            field["_unique_key"] = {"EMAILS": "primaryEmail", "LINKS": "primaryLinkUrl",
                                    "PHONES": "primaryPhoneNumber"}.get(ftype)
        if payload.get("isActive") is False:
            field["isActive"] = False
        self._touch(obj)
        return field

    @staticmethod
    def _check_default(ftype, default, options):
        if ftype in ("SELECT",):
            if not (isinstance(default, str) and len(default) >= 2 and default[0] == "'"
                    and default[-1] == "'"):
                raise bad(f"Invalid default value {default!r}: select default values are "
                          "quoted, e.g. \"'VALUE'\"")
            if default[1:-1] not in {o["value"] for o in options}:
                raise bad(f'Default value "{default}" must be one of the option values')
        elif ftype == "MULTI_SELECT":
            values = {o["value"] for o in options}
            if not isinstance(default, list) or any(
                    not (isinstance(v, str) and v[:1] == "'" and v[-1:] == "'"
                         and v[1:-1] in values) for v in default):
                raise bad(f"Invalid default value {default!r} for MULTI_SELECT")
        elif ftype == "TEXT":
            if not (isinstance(default, str) and default[:1] == "'" and default[-1:] == "'"):
                raise bad(f"Invalid default value {default!r}: text default values are quoted")
        elif ftype in ("NUMBER", "NUMERIC", "RATING"):
            if isinstance(default, bool) or not isinstance(default, (int, float, str)):
                raise bad(f"Invalid default value {default!r} for {ftype}")
        elif ftype == "BOOLEAN":
            if not isinstance(default, bool):
                raise bad(f"Invalid default value {default!r} for BOOLEAN")
        return default

    def _create_relation_field(self, obj, payload, name, label):
        rel = payload.get("relationCreationPayload")
        if not isinstance(rel, dict):
            raise bad("Relation creation payload is not defined")
        kind = rel.get("type")
        if kind not in ("MANY_TO_ONE", "ONE_TO_MANY"):
            raise bad(f"Invalid relation type {kind!r}")
        target = self.object_by_id(rel.get("targetObjectMetadataId"))
        if target is None:
            raise bad("Target object metadata does not exist")
        target_label = rel.get("targetFieldLabel")
        if not isinstance(target_label, str) or not target_label.strip():
            raise bad("targetFieldLabel is required")
        target_name = camel(target_label)
        self._check_name(target_name, "targetFieldLabel")
        for f in target["_fields"]:
            if f["name"] == target_name or f.get("_join") == target_name:
                raise bad(f'Name "{target_name}" is not available, check that it is not '
                          "duplicating another field's name.")
        if kind == "MANY_TO_ONE":
            if self.field(obj, name + "Id") or self.join_field(obj, name + "Id"):
                raise bad(f'Name "{name}Id" is not available')
            many, _ = self._relation(obj, name, target["namePlural"], label, target_name,
                                     target_label, custom=True)
            result = many
        else:
            if self.join_field(target, target_name + "Id"):
                raise bad(f'Name "{target_name}Id" is not available')
            _, one = self._relation(target, target_name, obj["namePlural"], target_label, name,
                                    label, custom=True)
            result = one
        self._touch(obj)
        self._touch(target)
        return result

    def create_object(self, payload):
        if not isinstance(payload, dict):
            raise bad("Body must be an object")
        allowed = {"nameSingular", "namePlural", "labelSingular", "labelPlural", "icon",
                   "description", "isLabelSyncedWithName", "shortcut"}
        unknown = set(payload) - allowed
        if unknown:
            raise bad(f"property {sorted(unknown)[0]} should not exist")
        singular, plural = payload.get("nameSingular"), payload.get("namePlural")
        self._check_name(singular, "nameSingular")
        self._check_name(plural, "namePlural")
        if singular == plural:
            raise bad("The singular and plural names cannot be the same for an object")
        for key in ("labelSingular", "labelPlural"):
            if not isinstance(payload.get(key), str) or not payload[key].strip():
                raise bad(f"{key} is required")
        if payload["labelSingular"].strip() == payload["labelPlural"].strip():
            raise bad("The singular and plural labels cannot be the same for an object")
        for obj in self.objects.values():
            if {obj["nameSingular"], obj["namePlural"]} & {singular, plural}:
                raise bad("Object already exists")
        obj = self._new_object(singular, plural, payload["labelSingular"], payload["labelPlural"],
                               custom=True, description=payload.get("description") or "")
        if payload.get("icon"):
            obj["icon"] = payload["icon"]
        name_field = self._add_field(obj, "name", "TEXT", "Name", defaultValue="''")
        obj["labelIdentifierFieldMetadataId"] = name_field["id"]
        self._link_target_objects(plural, custom=True)
        return obj

    @staticmethod
    def _touch(obj):
        obj["updatedAt"] = now_iso()
        obj["_cache"] = None

    def update_field(self, field_id, payload):
        for obj, f in self.all_fields():
            if f["id"] == field_id:
                break
        else:
            raise bad("Field does not exist")
        if not isinstance(payload, dict):
            raise bad("Body must be an object")
        if not f["isCustom"] and set(payload) - {"label", "description", "icon", "isActive"}:
            raise bad("Standard field metadata can only update label, description and icon")
        for key, value in payload.items():
            if key == "options":
                if f["type"] not in ("SELECT", "MULTI_SELECT"):
                    raise bad(f"Options are not supported for field type {f['type']}")
                f["options"] = self._check_options(value, f["type"])
            elif key in ("label", "description", "icon", "isActive", "isNullable", "defaultValue"):
                f[key] = value
            else:
                raise bad(f"property {key} should not exist")
        self._touch(obj)
        return f

    def delete_field(self, field_id):
        for obj, f in self.all_fields():
            if f["id"] == field_id:
                if not f["isCustom"]:
                    raise bad("Cannot delete standard field")
                if f["isActive"]:
                    raise bad("Cannot delete, please deactivate the field first")
                obj["_fields"].remove(f)
                self._touch(obj)
                return obj, f
        raise bad("Field does not exist")

