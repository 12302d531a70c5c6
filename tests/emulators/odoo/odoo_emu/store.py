"""The database: one dict of records per model, plus an undo journal for the running call.

Thread contract: not thread-safe. The server holds one global lock for a whole call; begin()
starts the call's journal, commit() forgets it, rollback() puts back every record and schema
change the call made (ids are not given back, as with PostgreSQL sequences). Records are plain
dicts of stored values: scalars, False for unset, lists of ids for many2many.
"""

_ABSENT = object()


def _keys(value):
    """Index keys of a stored value: the ids of a many2many list, else the value if set."""
    if isinstance(value, list):
        return value
    if value is False or value is None or value == 0 or value == "":
        return ()
    return (value,)


def _copy_record(rec):
    return {k: (list(v) if isinstance(v, list) else v) for k, v in rec.items()}


class Store:
    def __init__(self, models):
        self.models = dict(models)       # name -> ModelDef
        self.tables = {name: {} for name in self.models}
        self.seq = {name: 0 for name in self.models}
        self.xmlids = {}                 # (module, name) -> ir.model.data id
        self.indexes = {}                # model -> field -> value -> set of ids (lazy)
        self.seq_cache = {}              # (model, prefix) -> last number used (lazy)
        self._saved = None               # (model, id) -> record copy or _ABSENT
        self._saved_fields = None        # model -> previous fields dict
        self._saved_models = None

    # -- transactions -------------------------------------------------------------------------
    def begin(self):
        self._saved = {}
        self._saved_fields = {}
        self._saved_models = dict(self.models)

    def commit(self):
        self._saved = None
        self._saved_fields = None
        self._saved_models = None

    def rollback(self):
        if self._saved is None:
            return
        for model, fields in self._saved_fields.items():
            if model in self.models:
                self.models[model].fields = fields
        for name in list(self.models):
            if name not in self._saved_models:
                del self.models[name]
                self.tables.pop(name, None)
        for name, mdef in self._saved_models.items():
            self.models[name] = mdef
            self.tables.setdefault(name, {})
        touched_imd = False
        for (model, rid), old in self._saved.items():
            table = self.tables.setdefault(model, {})
            if old is _ABSENT:
                table.pop(rid, None)
            else:
                table[rid] = old
            touched_imd = touched_imd or model == "ir.model.data"
        # ids are not given back: like PostgreSQL sequences, a rolled-back call burns its ids
        if touched_imd:
            self.rebuild_xmlid_index()
        self.indexes = {}  # rebuilt lazily
        self.seq_cache = {}
        self.commit()

    def _touch(self, model, rid):
        if self._saved is None:
            return
        key = (model, rid)
        if key not in self._saved:
            rec = self.tables[model].get(rid)
            self._saved[key] = _ABSENT if rec is None else _copy_record(rec)

    def save_schema(self, model):
        """Call before replacing a model's fields dict."""
        if self._saved_fields is not None and model not in self._saved_fields:
            self._saved_fields[model] = dict(self.models[model].fields)

    # -- records ------------------------------------------------------------------------------
    def next_id(self, model):
        self.seq[model] += 1
        return self.seq[model]

    def index(self, model, field):
        """value -> set of ids having it (many2many: each id of the list); built on first use,
        then kept up to date by insert/update/delete."""
        per_model = self.indexes.setdefault(model, {})
        idx = per_model.get(field)
        if idx is None:
            idx = {}
            for rid, rec in self.tables[model].items():
                for key in _keys(rec.get(field)):
                    idx.setdefault(key, set()).add(rid)
            per_model[field] = idx
        return idx

    def _unindex(self, model, rid, rec, fields=None):
        for field, idx in self.indexes.get(model, {}).items():
            if fields is not None and field not in fields:
                continue
            for key in _keys(rec.get(field)):
                ids = idx.get(key)
                if ids is not None:
                    ids.discard(rid)

    def _reindex(self, model, rid, rec, fields=None):
        for field, idx in self.indexes.get(model, {}).items():
            if fields is not None and field not in fields:
                continue
            for key in _keys(rec.get(field)):
                idx.setdefault(key, set()).add(rid)

    def _forget_sequences(self, model):
        for key in [k for k in self.seq_cache if k[0] == model]:
            del self.seq_cache[key]

    def insert(self, model, rid, values):
        if self.seq_cache and values.get("name") not in (None, False, "/"):
            self._forget_sequences(model)
        self._touch(model, rid)
        self.tables[model][rid] = values
        self._reindex(model, rid, values)
        if model == "ir.model.data":
            self.xmlids[(values.get("module") or "", values.get("name"))] = rid

    def update(self, model, rid, values):
        self._touch(model, rid)
        rec = self.tables[model][rid]
        if model == "ir.model.data":
            self.xmlids.pop((rec.get("module") or "", rec.get("name")), None)
        self._unindex(model, rid, rec, values)
        if "name" in values and self.seq_cache:
            self._forget_sequences(model)
        rec.update(values)
        self._reindex(model, rid, rec, values)
        if model == "ir.model.data":
            self.xmlids[(rec.get("module") or "", rec.get("name"))] = rid

    def delete(self, model, rid):
        self._touch(model, rid)
        rec = self.tables[model].pop(rid, None)
        if rec is not None:
            self._unindex(model, rid, rec)
            if self.seq_cache:
                self._forget_sequences(model)
        if rec is not None and model == "ir.model.data":
            key = (rec.get("module") or "", rec.get("name"))
            if self.xmlids.get(key) == rid:
                del self.xmlids[key]

    def drop_column(self, model, fname):
        self.indexes.get(model, {}).pop(fname, None)
        for rid, rec in self.tables[model].items():
            if fname in rec:
                self._touch(model, rid)
                del rec[fname]

    def get(self, model, rid):
        return self.tables[model].get(rid)

    def exists(self, model, rid):
        return rid in self.tables.get(model, ())

    def rebuild_xmlid_index(self):
        self.xmlids = {}
        for rid, rec in self.tables.get("ir.model.data", {}).items():
            self.xmlids[(rec.get("module") or "", rec.get("name"))] = rid
