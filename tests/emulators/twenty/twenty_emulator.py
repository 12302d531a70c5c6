#!/usr/bin/env python3
"""A Twenty CRM (about v1.5) server for tests: the REST API (/rest/<objects>,
/rest/batch/<objects>, /rest/metadata/...), a minimal /graphql uploadFile, the API-key
rate limit (429), fault injection, and control endpoints under /_emulator/.

Start (see README.md):
  python3 tests/emulators/twenty/twenty_emulator.py --port 0 --port-file F \
      --api-key-env TWENTY_API_KEY [--rate-limit N --rate-window-ms W] [--batch-max N] \
      [--faults SPEC] [--seed N] [--empty-workspace]

Threading: ThreadingHTTPServer, one thread per connection; all workspace state sits behind
Store.lock, the limiter, fault plan and statistics behind their own locks. Nothing about a
request's data is logged (filters carry patient e-mails).
"""

import argparse
import email.parser
import email.policy
import json
import os
import random
import re
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from twenty_query import parse_depth  # noqa: E402
from twenty_store import Store  # noqa: E402
from twenty_values import ApiError, bad, is_valid_uuid  # noqa: E402

WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
FAULT_KINDS = ("drop", "502", "503", "500", "cache_miss", "timeout_after_commit",
               "drop_after_commit", "slow")
AFTER_COMMIT = {"timeout_after_commit", "drop_after_commit"}  # only writes get these


class RateLimiter:
    """Twenty's API-key throttle: one token bucket per workspace holding `limit` tokens,
    refilled continuously at limit / window_ms; a request that finds no token gets 429."""

    def __init__(self, limit, window_ms):
        self.lock = threading.Lock()
        self.configure(limit, window_ms)

    def configure(self, limit, window_ms):
        with self.lock:
            self.limit = int(limit)
            self.window_ms = float(window_ms)
            self.tokens = float(self.limit)
            self.last = time.monotonic()

    def take(self):
        with self.lock:
            if self.limit <= 0:
                return True
            now = time.monotonic()
            self.tokens = min(self.limit, self.tokens +
                              (now - self.last) * 1000.0 * self.limit / self.window_ms)
            self.last = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return True
            return False

    def message(self):
        return f"Limit reached ({self.limit} tokens per {int(self.window_ms)} ms)"


class FaultPlan:
    """Which injected fault, if any, a request gets: a queue of named faults for the next
    eligible requests (deterministic), then independent draws per kind from a seeded RNG."""

    def __init__(self, seed):
        self.lock = threading.Lock()
        self.seed = seed
        self.set({})

    def set(self, spec):
        if not isinstance(spec, dict):
            raise bad("faults must be a JSON object")
        allowed = {"p500", "p502", "p503", "p_cache_miss", "p_slow", "p_drop",
                   "p_timeout_after_commit", "p_drop_after_commit", "slow_ms", "next",
                   "cache_lost", "paths", "methods", "seed"}
        unknown = set(spec) - allowed
        if unknown:
            raise bad(f"unknown fault keys: {', '.join(sorted(unknown))}")
        for name in spec.get("next", []):
            if name not in FAULT_KINDS:
                raise bad(f"unknown fault {name!r}; known: {', '.join(FAULT_KINDS)}")
        with self.lock:
            self.spec = dict(spec)
            self.queue = list(spec.get("next", []))
            if spec.get("cache_lost"):
                self.queue.insert(0, "cache_miss")
            self.rng = random.Random(spec.get("seed", self.seed))

    def get(self):
        with self.lock:
            out = dict(self.spec)
            out["pending"] = list(self.queue)
            return out

    def draw(self, method, path):
        """The fault names for this request (possibly several, e.g. slow + 500)."""
        with self.lock:
            paths = self.spec.get("paths") or ["/rest", "/graphql"]
            methods = self.spec.get("methods")
            if not any(path.startswith(p) for p in paths):
                return set()
            if methods and method not in methods:
                return set()
            if self.queue:
                head = self.queue[0]
                if head in AFTER_COMMIT and method not in WRITE_METHODS:
                    return set()
                return {self.queue.pop(0)}
            chosen = set()
            for kind in FAULT_KINDS:
                p = float(self.spec.get("p" + ("_" if not kind[0].isdigit() else "") + kind,
                                        0) or 0)
                if kind in AFTER_COMMIT and method not in WRITE_METHODS:
                    continue
                if p > 0 and self.rng.random() < p:
                    chosen.add(kind)
            return chosen

    def slow_ms(self):
        with self.lock:
            return float(self.spec.get("slow_ms", 500))


class Stats:
    """Counts for tests: requests, 429s, faults, records written, and accepted requests per
    rate window (window i covers [start + i*W, start + (i+1)*W) ms)."""

    def __init__(self, window_ms):
        self.lock = threading.Lock()
        self.reset(window_ms)

    def reset(self, window_ms=None):
        with self.lock:
            if window_ms is not None:
                self.window_ms = float(window_ms)
            self.start = time.monotonic()
            self.counts = {"requests": 0, "unauthorized": 0, "throttled": 0, "accepted": 0}
            self.faults = {}
            self.status = {}
            self.routes = {}
            self.records = {"created": 0, "updated": 0, "destroyed": 0, "softDeleted": 0,
                            "restored": 0}
            self.windows = {}
            self.first_accepted = None
            self.last_accepted = None

    def add(self, key, n=1, table="counts"):
        with self.lock:
            d = getattr(self, table)
            d[key] = d.get(key, 0) + n

    def window_event(self, accepted):
        with self.lock:
            now_ms = (time.monotonic() - self.start) * 1000.0
            w = self.windows.setdefault(int(now_ms // self.window_ms), [0, 0])
            w[0 if accepted else 1] += 1
            if accepted:
                if self.first_accepted is None:
                    self.first_accepted = now_ms
                self.last_accepted = now_ms

    def report(self, limiter):
        with self.lock:
            out = dict(self.counts)
            out.update({"faults": dict(self.faults), "status": dict(self.status),
                        "routes": dict(self.routes), "records": dict(self.records),
                        "rateLimit": {"limit": limiter.limit, "windowMs": limiter.window_ms},
                        "windowMs": self.window_ms,
                        "firstAcceptedMs": self.first_accepted,
                        "lastAcceptedMs": self.last_accepted,
                        "windows": [{"index": i, "startMs": i * self.window_ms,
                                     "accepted": a, "throttled": t}
                                    for i, (a, t) in sorted(self.windows.items())]})
            return out


class Emulator:
    def __init__(self, args):
        self.api_key = os.environ.get(args.api_key_env)
        if not self.api_key:
            raise SystemExit(f"twenty_emulator: environment variable {args.api_key_env} "
                             "holds no API key")
        self.args = args
        self.batch_max = args.batch_max
        self.mutation_max = args.mutation_max
        self.body_limit = args.body_limit
        self.store = Store(empty=args.empty_workspace, seed=args.seed,
                           default_limit=args.default_limit, max_limit=args.max_limit)
        self.limiter = RateLimiter(args.rate_limit, args.rate_window_ms)
        self.faults = FaultPlan(args.seed)
        if args.faults:
            self.faults.set(parse_fault_spec(args.faults))
        self.stats = Stats(args.rate_window_ms)


def parse_fault_spec(text):
    text = text.strip()
    if text.startswith("{"):
        return json.loads(text)
    spec = {}
    for item in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = item.partition("=")
        if key == "next":
            spec["next"] = [v for v in value.split("+") if v]
        elif key == "cache_lost":
            spec[key] = value.lower() in ("1", "true", "yes", "")
        else:
            spec[key] = float(value)
    return spec


def capitalize(name):
    return name[:1].upper() + name[1:]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TwentyEmulator/1.5"
    emulator = None  # set by main

    def log_message(self, fmt, *args):  # request lines may carry patient data: log nothing
        pass

    # --- plumbing --------------------------------------------------------------------------

    def _send(self, status, body, headers=None):
        payload = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
            self.close_connection = True
        self.emulator.stats.add(str(status), table="status")

    def _error(self, err):
        self._send(err.status, err.body())

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _read_chunked(self):
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return body
            body += self.rfile.read(size)
            self.rfile.readline()
            if len(body) > self.emulator.body_limit:
                self.close_connection = True
                raise ApiError(413, "request entity too large")

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.emulator.body_limit:
            # Drain what the client sends so that it reads the 413 instead of a reset.
            self.close_connection = True
            remaining = min(length, 256 * 1024 * 1024)
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)
            raise ApiError(413, "request entity too large")
        return self.rfile.read(length) if length else b""

    def _json(self, raw):
        # Like Express's body parser: a body that is not declared JSON is not read, and the
        # handler sees an empty object.
        if raw and "json" not in self.headers.get("Content-Type", "").lower():
            return {}
        if not raw:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad(f"Invalid JSON body: {type(exc).__name__}")

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method):
        em = self.emulator
        url = urllib.parse.urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        params = {k: v[0] for k, v in urllib.parse.parse_qs(url.query,
                                                            keep_blank_values=True).items()}
        try:
            raw = self._read_body()
        except ApiError as err:
            return self._error(err)
        if path.startswith("/_emulator"):
            try:
                status, body = self._control(method, path, params, raw)
            except ApiError as err:
                return self._error(err)
            return self._send(status, body)

        em.stats.add("requests")
        auth = self.headers.get("Authorization", "")
        if auth != f"Bearer {em.api_key}":
            em.stats.add("unauthorized")
            message = "Token invalid." if auth.startswith("Bearer ") else \
                "Missing authentication token"
            return self._send(401, {"statusCode": 401, "error": "Unauthorized",
                                    "messages": [message]})
        if not em.limiter.take():
            em.stats.add("throttled")
            em.stats.window_event(False)
            if path == "/graphql":  # GraphQL answers 200 with the error inside (part C)
                return self._send(200, {"errors": [{"message": "Too many requests.",
                                                    "extensions": {"code": "TOO_MANY_REQUESTS"}}]})
            return self._send(429, {"statusCode": 429, "error": "TooManyRequests",
                                    "messages": [em.limiter.message()]})
        em.stats.add("accepted")
        em.stats.window_event(True)

        faults = em.faults.draw(method, path)
        for kind in faults:
            em.stats.add(kind, table="faults")
        if "slow" in faults:
            time.sleep(em.faults.slow_ms() / 1000.0)
        if "drop" in faults:
            return self._drop()
        for code in ("502", "503", "500"):
            if code in faults:
                name = {"500": "InternalServerError", "502": "BadGateway",
                        "503": "ServiceUnavailable"}[code]
                return self._send(int(code), {"statusCode": int(code), "error": name,
                                              "messages": [f"Injected fault {code}"]})
        if "cache_miss" in faults:
            return self._send(500, {"statusCode": 500, "error": "InternalServerError",
                                    "messages": ["Metadata cache version not found"]})
        try:
            status, body = self._route(method, path, params, raw)
        except ApiError as err:
            return self._error(err)
        except Exception as exc:  # a bug in the emulator: answer 500 and say where
            return self._send(500, {"statusCode": 500, "error": "InternalServerError",
                                    "messages": [f"emulator error: {type(exc).__name__}: {exc}"]})
        if "drop_after_commit" in faults and status < 300:
            return self._drop()
        if "timeout_after_commit" in faults and status < 300:
            return self._send(400, {"statusCode": 400, "error": "BadRequestException",
                                    "messages": ["Query read timeout"]})
        self._send(status, body)

    # --- routes ----------------------------------------------------------------------------

    def _route(self, method, path, params, raw):
        em = self.emulator
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if parts == ["graphql"] and method == "POST":
            return self._graphql(raw)
        if parts[0] != "rest" or len(parts) < 2:
            raise ApiError(404, f"Cannot {method} {path}", "NotFoundException")
        route_key = f"{method} /{'/'.join(parts[:2] if parts[1] != 'batch' else parts[:3])}"
        em.stats.add(route_key, table="routes")
        with em.store.lock:
            if parts[1] == "metadata":
                return self._metadata(method, parts[2:], raw)
            if parts[1] == "batch":
                if len(parts) != 3 or method != "POST":
                    raise ApiError(404, f"Cannot {method} {path}", "NotFoundException")
                return self._batch(parts[2], params, raw)
            obj = em.store.schema.resolve_object(parts[1])
            rest = parts[2:]
            if not rest:
                if method == "GET":
                    return 200, em.store.find_many(obj, params)
                if method == "POST":
                    return self._create_one(obj, params, raw)
                if method == "DELETE":
                    soft = params.get("soft_delete", "false").lower() == "true"
                    out = em.store.delete_many(obj, params.get("filter"), soft, em.mutation_max)
                    em.stats.add("softDeleted" if soft else "destroyed", len(out),
                                 table="records")
                    # Both the destroy-many and the delete-many handler answer delete<Plural>.
                    return 200, {"data": {f"delete{capitalize(obj['namePlural'])}": out}}
                if method == "PATCH":
                    data = self._json(raw)
                    if not isinstance(data, dict):
                        raise bad("Body must be an object")
                    rows = em.store.update_many(obj, params.get("filter"), data,
                                                em.mutation_max)
                    em.stats.add("updated", len(rows), table="records")
                    return 200, {"data": {f"update{capitalize(obj['namePlural'])}":
                                          [em.store.render(obj, r, 0) for r in rows]}}
            elif len(rest) == 1:
                rid = self._record_id(rest[0])
                depth = params.get("depth")
                if method == "GET":
                    rec = em.store.find_one(obj, rid, parse_depth(depth))
                    return 200, {"data": {obj["nameSingular"]: rec}}
                if method in ("PATCH", "PUT"):
                    data = self._json(raw)
                    if not isinstance(data, dict):
                        raise bad("Body must be an object")
                    row = em.store.update_one(obj, rid, data)
                    em.stats.add("updated", table="records")
                    return 200, {"data": {f"update{capitalize(obj['nameSingular'])}":
                                          em.store.render(obj, row, parse_depth(depth))}}
                if method == "DELETE":
                    soft = params.get("soft_delete", "false").lower() == "true"
                    if soft:
                        out = em.store.soft_delete_one(obj, rid)
                        em.stats.add("softDeleted", table="records")
                    else:
                        out = em.store.destroy_one(obj, rid)
                        em.stats.add("destroyed", table="records")
                    return 200, {"data": {f"delete{capitalize(obj['nameSingular'])}": out}}
            elif len(rest) == 2 and rest[1] == "restore" and method == "PATCH":
                row = em.store.restore_one(obj, self._record_id(rest[0]))
                em.stats.add("restored", table="records")
                return 200, {"data": {f"restore{capitalize(obj['nameSingular'])}":
                                      em.store.render(obj, row, 0)}}
        raise ApiError(404, f"Cannot {method} {path}", "NotFoundException")

    @staticmethod
    def _record_id(text):
        if not is_valid_uuid(text):
            raise bad(f"Invalid UUID format: {text[:64]}")
        return text.lower()

    def _create_one(self, obj, params, raw):
        em = self.emulator
        data = self._json(raw)
        if not isinstance(data, dict):
            raise bad("Body must be an object")
        upsert = params.get("upsert", "false").lower() == "true"
        before = len(em.store.rows[obj["namePlural"]])
        rows = em.store.create_many(obj, [data], upsert=upsert)
        self._count_writes(obj, before, 1)
        rec = em.store.render(obj, rows[0], parse_depth(params.get("depth")))
        return 201, {"data": {f"create{capitalize(obj['nameSingular'])}": rec}}

    def _batch(self, segment, params, raw):
        em = self.emulator
        obj = em.store.schema.resolve_object(segment)
        data = self._json(raw)
        if not isinstance(data, list):
            raise bad("Body must be an array")
        if not data:
            raise bad("Input must not be empty")
        upsert = params.get("upsert", "false").lower() == "true"
        depth = parse_depth(params.get("depth"))
        before = len(em.store.rows[obj["namePlural"]])
        rows = em.store.create_many(obj, data, upsert=upsert, batch_max=em.batch_max)
        self._count_writes(obj, before, len(rows))
        return 201, {"data": {obj["namePlural"]: [em.store.render(obj, r, depth)
                                                  for r in rows]}}

    def _count_writes(self, obj, before, n):
        created = len(self.emulator.store.rows[obj["namePlural"]]) - before
        self.emulator.stats.add("created", created, table="records")
        self.emulator.stats.add("updated", n - created, table="records")

    def _metadata(self, method, rest, raw):
        store = self.emulator.store
        schema = store.schema
        if not rest or rest[0] not in ("objects", "fields"):
            raise bad(f"Invalid metadata path: {'/'.join(rest)}. Valid roots are objects, "
                      "fields")
        kind = rest[0]
        if len(rest) == 1 and method == "GET":
            if kind == "objects":
                items = [schema.public_object(o) for o in schema.objects.values()]
            else:
                items = [schema.public_field(f) for _, f in schema.all_fields()]
            return 200, {"data": {kind: items},
                         "pageInfo": {"hasNextPage": False, "startCursor": None,
                                      "endCursor": None},
                         "totalCount": len(items)}
        if len(rest) == 1 and method == "POST":
            payload = self._json(raw)
            if kind == "objects":
                obj = schema.create_object(payload)
                store.on_schema_change()
                return 201, {"data": {"createOneObject": schema.public_object(obj)}}
            field = schema.create_field(payload)
            store.on_schema_change()
            return 201, {"data": {"createOneField": schema.public_field(field)}}
        if len(rest) == 2:
            item_id = rest[1]
            if kind == "objects":
                obj = schema.object_by_id(item_id)
                if obj is None or method != "GET":
                    raise bad("Object does not exist" if obj is None else
                              f"{method} on metadata objects/<id> is not emulated")
                return 200, {"data": {"object": schema.public_object(obj)}}
            if method == "GET":
                for _, f in schema.all_fields():
                    if f["id"] == item_id:
                        return 200, {"data": {"field": schema.public_field(f)}}
                raise bad("Field does not exist")
            if method == "PATCH":
                f = schema.update_field(item_id, self._json(raw))
                store.on_schema_change()
                return 200, {"data": {"updateOneField": schema.public_field(f)}}
            if method == "DELETE":
                _, f = schema.delete_field(item_id)
                store.on_schema_change()
                return 200, {"data": {"deleteOneField": {"id": f["id"]}}}
        raise ApiError(404, f"Cannot {method} /rest/metadata/{'/'.join(rest)}",
                       "NotFoundException")

    def _graphql(self, raw):
        """Only the uploadFile multipart mutation (graphql-multipart-request)."""
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            return 400, {"errors": [{"message": "The Twenty emulator serves only the uploadFile "
                                     "multipart mutation on /graphql",
                                     "extensions": {"code": "BAD_USER_INPUT"}}]}
        if not (self.headers.get("apollo-require-preflight")
                or self.headers.get("x-apollo-operation-name")):
            return 400, {"errors": [{"message": "This operation has been blocked as a potential "
                                     "Cross-Site Request Forgery (CSRF). Please either specify a "
                                     "'content-type' header (with a type that is not one of "
                                     "application/x-www-form-urlencoded, multipart/form-data, "
                                     "text/plain) or provide a non-empty value for one of the "
                                     "following headers: x-apollo-operation-name, "
                                     "apollo-require-preflight",
                                     "extensions": {"code": "BAD_REQUEST"}}]}
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
        parts = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            parts[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
        try:
            operations = json.loads(parts["operations"][1])
            mapping = json.loads(parts["map"][1])
        except (KeyError, ValueError):
            return 400, {"errors": [{"message": "Invalid multipart request: operations and map "
                                     "parts are required"}]}
        query = operations.get("query", "")
        if "uploadFile" not in query:
            return 400, {"errors": [{"message": "Only the uploadFile mutation is emulated"}]}
        file_key = next(iter(mapping), None)
        if file_key not in parts or not parts[file_key][0]:
            return 400, {"errors": [{"message": "File part missing"}]}
        folder = (operations.get("variables") or {}).get("fileFolder")
        if not folder:
            m = re.search(r"fileFolder\s*:\s*([A-Za-z]+)", query)
            folder = m.group(1) if m else "Attachment"
        filename, content = parts[file_key]
        with self.emulator.store.lock:
            path = self.emulator.store.put_file(folder, filename, content)
        return 200, {"data": {"uploadFile": {"path": path, "token": "emulator-file-token"}}}

    # --- control ---------------------------------------------------------------------------

    def _control(self, method, path, params, raw):
        em = self.emulator
        what = path[len("/_emulator"):].strip("/")
        if what == "health":
            return 200, {"ok": True}
        if what == "snapshot" and method == "GET":
            objects = set(filter(None, params.get("objects", "").split(","))) or None
            exclude = tuple(filter(None, params.get("exclude", "").split(",")))
            with em.store.lock:
                snap = em.store.snapshot(timestamps=params.get("timestamps") in ("1", "true"),
                                         objects=objects, exclude=exclude)
            return 200, json.loads(json.dumps(snap, sort_keys=True))
        if what == "reset" and method == "POST":
            body = self._json(raw) or {}
            with em.store.lock:
                em.store.reset(empty=bool(body.get("empty", em.args.empty_workspace)))
            em.limiter.configure(em.limiter.limit, em.limiter.window_ms)
            if body.get("stats", True):
                em.stats.reset()
            if body.get("faults", True):
                em.faults.set({})
            return 200, {"ok": True}
        if what == "faults":
            if method == "POST":
                em.faults.set(self._json(raw) or {})
            return 200, em.faults.get()
        if what == "stats" and method == "GET":
            return 200, em.stats.report(em.limiter)
        if what == "stats/reset" and method == "POST":
            em.stats.reset()
            return 200, {"ok": True}
        if what == "config" and method == "POST":
            body = self._json(raw) or {}
            unknown = set(body) - {"rate_limit", "rate_window_ms", "batch_max", "max_limit",
                                   "default_limit", "mutation_max"}
            if unknown:
                raise bad(f"unknown config keys: {', '.join(sorted(unknown))}")
            if "rate_limit" in body or "rate_window_ms" in body:
                em.limiter.configure(body.get("rate_limit", em.limiter.limit),
                                     body.get("rate_window_ms", em.limiter.window_ms))
                em.stats.reset(em.limiter.window_ms)
            em.batch_max = int(body.get("batch_max", em.batch_max))
            em.mutation_max = int(body.get("mutation_max", em.mutation_max))
            em.store.max_limit = int(body.get("max_limit", em.store.max_limit))
            em.store.default_limit = int(body.get("default_limit", em.store.default_limit))
            return 200, {"rate_limit": em.limiter.limit, "rate_window_ms": em.limiter.window_ms,
                         "batch_max": em.batch_max, "mutation_max": em.mutation_max, "max_limit": em.store.max_limit,
                         "default_limit": em.store.default_limit}
        raise ApiError(404, f"Cannot {method} {path}", "NotFoundException")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hangs up mid-request is normal under fault tests; anything else is
        # an emulator bug and is worth its traceback.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--port-file", help="write the bound port here once listening")
    p.add_argument("--api-key-env", default="TWENTY_API_KEY",
                   help="environment variable holding the accepted API key")
    p.add_argument("--rate-limit", type=int, default=0,
                   help="API-key requests per window (token bucket); 0 = unlimited")
    p.add_argument("--rate-window-ms", type=float, default=60000.0)
    p.add_argument("--batch-max", type=int, default=200,
                   help="records per POST /rest/batch call (Twenty's QUERY_MAX_RECORDS)")
    p.add_argument("--mutation-max", type=int, default=100,
                   help="records one update-many / delete-many may touch "
                        "(MUTATION_MAXIMUM_AFFECTED_RECORDS)")
    p.add_argument("--body-limit", type=int, default=10 * 1024 * 1024,
                   help="largest request body in bytes (Twenty: 10 MB)")
    p.add_argument("--default-limit", type=int, default=60, help="findMany page size default")
    p.add_argument("--max-limit", type=int, default=200, help="findMany page size cap")
    p.add_argument("--faults", help="JSON object or k=v,... (see README)")
    p.add_argument("--seed", type=int, default=0)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--fresh-workspace", action="store_true",
                       help="seed 5 people and 5 companies like a new workspace (default)")
    group.add_argument("--empty-workspace", action="store_true",
                       help="start with no people and no companies")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    Handler.emulator = Emulator(args)
    server = Server((args.host, args.port), Handler)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    print(f"twenty emulator listening on http://{args.host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
