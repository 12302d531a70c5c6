#!/usr/bin/env python3
"""Source REST simulator: serves an export bundle in its vendor's REST shape.

None of the source vendors publishes an API, so Bridgework defines a REST shape per vendor in its
profile (connectors/sources/profiles/<vendor>.json, key "rest"). This server reads a bundle
(the files `bridgework gen-sample` writes) and the profile, and serves every object with:

- bearer-token auth (the token is read from the environment variable named by --token-env);
- cursor pagination with opaque cursors (keyset on the primary key, so a page fetched again
  gives the same records and changes between pages never shift or repeat a record);
- a modified-since filter (ISO-8601 UTC, inclusive);
- shards: `partition=i&partitions=n` serves the records whose CRC-32 of the id is i modulo n;
- a rate limit of R admitted requests per fixed window (429 + Retry-After beyond it);
- injected faults (5xx, 429, slow answers, dropped connections), seeded;
- control endpoints to change data while running, and statistics (see README.md).

Python 3 standard library only.
"""

import argparse
import base64
import binascii
import bisect
import csv
import datetime as dt
import io
import json
import math
import os
import random
import signal
import socket
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

# ---------------------------------------------------------------------------------------------
# Profile and bundle


def rest_shape(profile):
    """The profile's "rest" section with every default filled in."""
    rest = json.loads(json.dumps(profile.get("rest") or {}))
    rest.setdefault("base_path", "/api")
    pg = rest.setdefault("pagination", {})
    pg.setdefault("style", "cursor")
    pg.setdefault("limit_param", "limit")
    pg.setdefault("default_limit", 100)
    pg.setdefault("max_limit", 1000)
    pg.setdefault("items_field", "data")
    pg.setdefault("cursor_param", "cursor")
    pg.setdefault("next_field", "next_cursor")
    pg.setdefault("page_param", "page")
    pg.setdefault("first_page", 1)
    pg.setdefault("total_pages_field", "total_pages")
    pg.setdefault("offset_param", "offset")
    pg.setdefault("total_field", "total")
    if pg["style"] not in ("cursor", "next_url", "page", "offset"):
        raise ValueError("unknown pagination style %r" % pg["style"])
    ms = rest.setdefault("modified_since", {})
    ms.setdefault("param", "modified_since")
    ms.setdefault("format", "iso8601")
    # Shards are the simulator's own addition to every vendor's shape (see README.md).
    sh = rest.setdefault("shards", {})
    sh.setdefault("partition_param", "partition")
    sh.setdefault("partitions_param", "partitions")
    return rest


_TOKENS = [("YYYY", "%Y"), ("MM", "%m"), ("DD", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S")]


def strptime_format(fmt):
    """'MM/DD/YYYY HH:mm:ss' (the profiles' notation) -> '%m/%d/%Y %H:%M:%S'."""
    out = fmt
    for token, code in _TOKENS:
        out = out.replace(token, code)
    return out


def parse_time(value, fmt):
    """Seconds since the epoch (UTC) of a modified-at value in the profile's format, or None."""
    if value is None or value == "":
        return None
    try:
        if fmt in ("epoch", "epoch_s", "unix"):
            return float(value)
        if fmt == "epoch_ms":
            return float(value) / 1000.0
        if fmt in (None, "", "iso8601", "iso"):
            text = str(value).strip().replace("Z", "+00:00")
            t = dt.datetime.fromisoformat(text)
        else:
            t = dt.datetime.strptime(str(value).strip(), strptime_format(fmt))
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.timezone.utc)
        return t.timestamp()
    except (ValueError, TypeError, OverflowError):
        return None


def format_time(seconds, fmt):
    t = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    if fmt in ("epoch", "epoch_s", "unix"):
        return int(seconds)
    if fmt == "epoch_ms":
        return int(seconds * 1000)
    if fmt in (None, "", "iso8601", "iso"):
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return t.strftime(strptime_format(fmt))


def iso(seconds):
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _get_path(record, dotted):
    """A field of a record: a key as it is (CSV columns), else following '.' into objects."""
    if not isinstance(record, dict):
        return None
    if dotted in record:
        return record[dotted]
    cur = record
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _python_encoding(name):
    n = (name or "utf-8").lower().replace("_", "-")
    if n in ("utf-8", "utf8", "utf-8-bom", "utf-8-sig"):
        return "utf-8-sig"  # tolerates a byte-order mark either way
    if n in ("windows-1252", "cp1252"):
        return "cp1252"
    return n


def read_object_file(path, fmt, encoding, delimiter):
    """Records of one bundle file as dicts (CSV cells as text, empty cells as null); a row that
    cannot be read is None."""
    if fmt in ("ndjson", "jsonl"):
        with open(path, encoding=encoding, errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    yield None
        return
    if fmt == "json":
        with open(path, encoding=encoding, errors="replace") as f:
            data = json.load(f)
        if isinstance(data, dict):
            data = next((v for v in data.values() if isinstance(v, list)), [])
        for item in data:
            yield item
        return
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            return
        for row in reader:
            if len(row) != len(header):
                yield None
                continue
            yield {h: (v if v != "" else None) for h, v in zip(header, row)}


MALFORMED_KEY = "\uffff%09d"  # sorts after every id: malformed rows are served last


class Store:
    """The records the simulator serves, per object, changeable while running."""

    def __init__(self, bundle, profile):
        self.lock = threading.Lock()
        self.rest = rest_shape(profile)
        b = profile.get("bundle") or {}
        self.time_format = b.get("datetime_format", "iso8601")
        self.objects = {}  # name -> object entry of the profile
        self.records = {}  # name -> {id: (record, modified seconds)}
        self.malformed = {}  # name -> [(key, raw)]: bundle rows without a readable key
        self.sorted_ids = {}
        for obj in profile.get("objects", []):
            name = obj["name"]
            self.objects[name] = obj
            self.records[name] = {}
            self.malformed[name] = []
            self.sorted_ids[name] = None
            path = os.path.join(bundle, obj.get("file", name + ".csv"))
            if not os.path.exists(path):
                continue
            fmt = (obj.get("format") or b.get("format") or
                   os.path.splitext(path)[1].lstrip(".")).lower()
            encoding = _python_encoding(obj.get("encoding") or b.get("encoding"))
            delimiter = obj.get("delimiter") or b.get("delimiter") or ","
            for index, rec in enumerate(read_object_file(path, fmt, encoding, delimiter)):
                self._load(obj, rec, index)

    def _modified_field(self, obj):
        return obj.get("modified_at") or obj.get("modified_at_field") or ""

    def _modified_format(self, obj):
        """The modified-at field's own format when the profile gives one, else the bundle's."""
        field = self._modified_field(obj)
        for f in obj.get("fields", []):
            if f.get("name") == field and f.get("format"):
                return f["format"]
        return self.time_format

    def _load(self, obj, rec, index):
        name = obj["name"]
        key = _get_path(rec, obj["primary_key"])
        if key is None or isinstance(key, (dict, list)):
            self.malformed[name].append((MALFORMED_KEY % index, rec))
            return
        field = self._modified_field(obj)
        mod = parse_time(_get_path(rec, field), self._modified_format(obj)) if field else None
        self.records[name][str(key)] = (rec, mod if mod is not None else 0.0)

    def endpoint_object(self, path):
        base = self.rest["base_path"].rstrip("/")
        if not path.startswith(base + "/"):
            return None
        tail = path[len(base):]
        for name, obj in self.objects.items():
            if obj.get("endpoint", "/" + name) == tail:
                return name
        return None

    def view(self, name, since, partition, partitions):
        """The (key, item) pairs one query selects, in serving order."""
        with self.lock:
            ids = self.sorted_ids[name]
            if ids is None:
                ids = sorted(self.records[name].keys())
                self.sorted_ids[name] = ids
            recs = self.records[name]
            out = []
            for key in ids:
                if partitions > 1 and zlib.crc32(key.encode()) % partitions != partition:
                    continue
                rec, mod = recs[key]
                if since is not None and mod < since:
                    continue
                out.append((key, rec))
            if since is None and partition == 0:
                out += [(k, raw if raw is not None else "<unreadable bundle row>")
                        for k, raw in self.malformed[name]]
            return out

    def upsert(self, name, rec, now):
        obj = self.objects[name]
        key = _get_path(rec, obj["primary_key"])
        if key is None or isinstance(key, (dict, list)):
            raise ValueError("record has no primary key %s" % obj["primary_key"])
        field = self._modified_field(obj)
        if field and "." not in field:
            rec[field] = format_time(now, self._modified_format(obj))
        with self.lock:
            if str(key) not in self.records[name]:
                self.sorted_ids[name] = None
            self.records[name][str(key)] = (rec, now)
        return str(key)

    def delete(self, name, key):
        with self.lock:
            existed = self.records[name].pop(key, None) is not None
            if existed:
                self.sorted_ids[name] = None
            return existed

    def corrupt(self, name, key):
        """Serves the record from now on as a JSON array (a malformed record)."""
        with self.lock:
            rec, mod = self.records[name][key]
            values = list(rec.values()) if isinstance(rec, dict) else rec
            self.records[name][key] = (values, mod)


# ---------------------------------------------------------------------------------------------
# Faults and rate limit


def parse_faults(spec):
    """'500=0.05,503=0.02,429=0.03,drop=0.02,slow=0.01:2.5' -> {kind: (probability, arg)}."""
    faults = {}
    if not spec:
        return faults
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        kind, _, rest = part.partition("=")
        prob, _, arg = rest.partition(":")
        kind = kind.strip()
        if kind not in ("429", "500", "502", "503", "504", "drop", "slow"):
            raise ValueError("unknown fault %r" % kind)
        p = float(prob)
        if not 0 <= p <= 1:
            raise ValueError("fault probability must be in [0, 1]: %r" % part)
        faults[kind] = (p, float(arg) if arg else (2.0 if kind == "slow" else 1.0))
    return faults


class Limiter:
    """R admitted requests per fixed window; counts per window for /_sim/stats."""

    def __init__(self, limit, window):
        self.limit = limit
        self.window = window
        self.start = time.monotonic()
        self.lock = threading.Lock()
        self.counts = {}

    def admit(self):
        """(True, 0) when admitted, else (False, seconds until the window ends)."""
        now = time.monotonic()
        index = int((now - self.start) // self.window)
        with self.lock:
            n = self.counts.get(index, 0)
            if self.limit > 0 and n >= self.limit:
                return False, self.start + (index + 1) * self.window - now
            self.counts[index] = n + 1
            return True, 0.0

    def windows(self):
        now_index = int((time.monotonic() - self.start) // self.window)
        with self.lock:
            return [{"index": i, "admitted": n, "complete": i < now_index}
                    for i, n in sorted(self.counts.items())]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.data = {"requests": 0, "served": 0, "unauthorized": 0, "bad_requests": 0,
                     "throttled": {"rate_limit": 0, "injected": 0},
                     "faults": {}, "records_served": 0}

    def add(self, key, n=1, sub=None):
        with self.lock:
            if sub is None:
                self.data[key] += n
            else:
                self.data[key][sub] = self.data[key].get(sub, 0) + n

    def snapshot(self):
        with self.lock:
            return json.loads(json.dumps(self.data))


# ---------------------------------------------------------------------------------------------
# HTTP


def encode_cursor(state):
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text):
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        state = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    return state if isinstance(state, dict) else None


class Handler(BaseHTTPRequestHandler):
    server_version = "SourceRestSim/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: tests read /_sim/stats instead
        pass

    # -- helpers
    def _send_json(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, message, headers=None):
        self._send_json(status, {"error": {"status": status, "message": message}}, headers)

    def _authorized(self):
        token = self.server.token
        got = self.headers.get("Authorization", "")
        if token and got == "Bearer " + token:
            return True
        self.server.stats.add("unauthorized")
        self._error(401, "missing or invalid bearer token",
                    {"WWW-Authenticate": 'Bearer realm="source"'})
        return False

    def _body_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw or b"null")

    # -- verbs
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/_sim/stats":
            if not self._authorized():
                return
            stats = self.server.stats.snapshot()
            stats["rate_limit"] = self.server.limiter.limit
            stats["window_seconds"] = self.server.limiter.window
            stats["windows"] = self.server.limiter.windows()
            return self._send_json(200, stats)
        if url.path == "/_sim/health":
            return self._send_json(200, {"ok": True})
        name = self.server.store.endpoint_object(url.path)
        self.server.stats.add("requests")
        if name is None:
            return self._error(404, "no such endpoint")
        if not self._authorized():
            return
        admitted, wait = self.server.limiter.admit()
        if not admitted:
            self.server.stats.add("throttled", sub="rate_limit")
            return self._error(429, "rate limit exceeded",
                               {"Retry-After": str(max(1, math.ceil(wait)))})
        if self._inject_fault():
            return
        self._serve_page(name, parse_qs(url.query, keep_blank_values=True))

    def _inject_fault(self):
        srv = self.server
        for kind, (p, arg) in srv.faults.items():
            with srv.rng_lock:
                hit = srv.rng.random() < p
            if not hit:
                continue
            srv.stats.add("faults", sub=kind)
            if kind == "slow":
                time.sleep(arg)
                continue  # a slow answer is still an answer
            if kind == "drop":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return True
            if kind == "429":
                srv.stats.add("throttled", sub="injected")
                self._error(429, "too many requests", {"Retry-After": str(int(arg))})
                return True
            self._error(int(kind), "injected server error")
            return True
        return False

    def _serve_page(self, name, query):
        rest = self.server.store.rest
        pg = rest["pagination"]
        sh = rest["shards"]

        def one(param):
            values = query.get(param)
            return values[0] if values else None

        def bad(message):
            self.server.stats.add("bad_requests")
            self._error(400, message)

        try:
            limit = int(one(pg["limit_param"]) or pg["default_limit"])
            partition = int(one(sh["partition_param"]) or 0)
            partitions = int(one(sh["partitions_param"]) or 1)
        except ValueError:
            return bad("limit, partition and partitions must be integers")
        if not 1 <= limit <= pg["max_limit"]:
            return bad("%s must be between 1 and %d" % (pg["limit_param"], pg["max_limit"]))
        if partitions < 1 or not 0 <= partition < partitions:
            return bad("partition must be in [0, partitions)")
        ms = rest["modified_since"]
        since_text = one(ms["param"])
        since = None
        if since_text:
            since = parse_time(since_text, ms["format"])
            if since is None:
                return bad("%s must be %s" % (ms["param"], ms["format"]))
        view = self.server.store.view(name, since, partition, partitions)
        body = {}
        if pg["style"] in ("cursor", "next_url"):
            after = None
            cursor_text = one(pg["cursor_param"])
            if cursor_text:
                state = decode_cursor(cursor_text)
                expect = {"o": name, "p": partition, "n": partitions, "s": since_text or ""}
                if state is None or any(state.get(k) != v for k, v in expect.items()):
                    return bad("invalid cursor for this query")
                after = state.get("a")
            start = bisect.bisect_right([k for k, _ in view], after) if after is not None else 0
            chunk = view[start:start + limit]
            more = start + limit < len(view)
            cursor = encode_cursor(
                {"o": name, "p": partition, "n": partitions, "s": since_text or "",
                 "a": chunk[-1][0]}) if more and chunk else None
            if cursor and pg["style"] == "next_url":
                # The whole next request, as a path with its query: the client just follows it.
                q = {k: v[0] for k, v in query.items() if k != pg["cursor_param"]}
                q[pg["cursor_param"]] = cursor
                cursor = urlsplit(self.path).path + "?" + urlencode(q)
            body[pg["next_field"]] = cursor
        elif pg["style"] == "page":
            try:
                page = int(one(pg["page_param"]) or pg["first_page"])
            except ValueError:
                return bad("%s must be an integer" % pg["page_param"])
            if page < pg["first_page"]:
                return bad("%s starts at %d" % (pg["page_param"], pg["first_page"]))
            start = (page - pg["first_page"]) * limit
            chunk = view[start:start + limit]
            body[pg["total_pages_field"]] = (len(view) + limit - 1) // limit
        else:
            try:
                start = int(one(pg["offset_param"]) or 0)
            except ValueError:
                return bad("%s must be an integer" % pg["offset_param"])
            if start < 0:
                return bad("%s must not be negative" % pg["offset_param"])
            chunk = view[start:start + limit]
            body[pg["total_field"]] = len(view)
        body[pg["items_field"]] = [item for _, item in chunk]
        self.server.stats.add("served")
        self.server.stats.add("records_served", len(chunk))
        self._send_json(200, body)

    def do_POST(self):
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        if parts[:2] == ["_sim", "records"] and len(parts) == 3:
            if not self._authorized():
                return
            name = parts[2]
            if name not in self.server.store.objects:
                return self._error(404, "no such object")
            try:
                body = self._body_json()
            except ValueError:
                return self._error(400, "body is not JSON")
            recs = body if isinstance(body, list) else [body]
            ids = []
            now = time.time()
            try:
                for rec in recs:
                    if not isinstance(rec, dict):
                        return self._error(400, "records must be JSON objects")
                    ids.append(self.server.store.upsert(name, rec, now))
            except ValueError as e:
                return self._error(400, str(e))
            return self._send_json(200, {"upserted": ids, "modified_at": iso(now)})
        if parts[:2] == ["_sim", "corrupt"] and len(parts) == 4:
            if not self._authorized():
                return
            try:
                self.server.store.corrupt(parts[2], parts[3])
            except KeyError:
                return self._error(404, "no such record")
            return self._send_json(200, {"corrupted": parts[3]})
        if parts == ["_sim", "faults"]:
            if not self._authorized():
                return
            try:
                self.server.faults = parse_faults((self._body_json() or {}).get("spec", ""))
            except (ValueError, AttributeError) as e:
                return self._error(400, str(e))
            return self._send_json(200, {"ok": True})
        self._error(404, "no such endpoint")

    def do_DELETE(self):
        parts = [unquote(p) for p in urlsplit(self.path).path.strip("/").split("/")]
        if parts[:2] == ["_sim", "records"] and len(parts) == 4:
            if not self._authorized():
                return
            if parts[2] not in self.server.store.objects:
                return self._error(404, "no such object")
            if not self.server.store.delete(parts[2], parts[3]):
                return self._error(404, "no such record")
            return self._send_json(200, {"deleted": parts[3]})
        self._error(404, "no such endpoint")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that timed out on a slow answer closed its end: expected, not worth a trace.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bundle", required=True, help="export bundle folder")
    ap.add_argument("--profile", required=True, help="vendor profile JSON")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0: the OS picks one")
    ap.add_argument("--port-file", help="write the bound port here once listening")
    ap.add_argument("--token-env", default="SOURCE_TOKEN",
                    help="environment variable holding the bearer token")
    ap.add_argument("--rate-limit-per-min", type=int, default=0,
                    help="admitted requests per minute (0: no limit)")
    ap.add_argument("--rate-limit", type=int, default=0,
                    help="admitted requests per --rate-window (overrides --rate-limit-per-min)")
    ap.add_argument("--rate-window", type=float, default=60.0, help="window length, seconds")
    ap.add_argument("--faults", default="", help="e.g. 500=0.05,429=0.03,drop=0.02,slow=0.01:2")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    token = os.environ.get(args.token_env, "")
    if not token:
        print("source_rest_sim: environment variable %s is empty" % args.token_env,
              file=sys.stderr)
        return 2
    with open(args.profile, encoding="utf-8") as f:
        profile = json.load(f)
    limit, window = args.rate_limit_per_min, 60.0
    if args.rate_limit:
        limit, window = args.rate_limit, args.rate_window

    server = Server((args.host, args.port), Handler)
    server.store = Store(args.bundle, profile)
    server.token = token
    server.limiter = Limiter(limit, window)
    server.stats = Stats()
    server.faults = parse_faults(args.faults)
    server.rng = random.Random(args.seed)
    server.rng_lock = threading.Lock()
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    print("source_rest_sim listening on http://%s:%d" % (args.host, port), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
