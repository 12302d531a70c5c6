#!/usr/bin/env python3
"""Odoo 17 XML-RPC emulator for Bridgework's tests (Python standard library only).

Start:
  ODOO_PASSWORD=secret python3 tests/emulators/odoo/odoo_emulator.py --port 0 --port-file F \
      --db practice --user admin --password-env ODOO_PASSWORD

Serves /xmlrpc/2/common and /xmlrpc/2/object like a real Odoo (fault codes, one transaction
per call, strict field rules), plus test-only control endpoints under /_emulator/. See
README.md for what is emulated and what is not.
"""

import argparse
import json
import os
import re
import socket
import sys
import threading
import time
import traceback
import xmlrpc.client
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from odoo_emu import seed as seed_mod  # noqa: E402
from odoo_emu.errors import (AccessDenied, AppError, OdooError, traceback_text)  # noqa: E402
from odoo_emu.faults import FaultPlan, parse_spec  # noqa: E402
from odoo_emu.orm import Orm  # noqa: E402
from odoo_emu.schema import build_models, resolve_modules  # noqa: E402
from odoo_emu.store import Store  # noqa: E402

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PROXY_PAGES = {502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}
_SNAPSHOT_DATES = ("create_date", "write_date")


class Emulator:
    """The emulated Odoo server: database, credentials, fault plan, statistics.

    Thread contract: every public method takes `lock`; one RPC call runs entirely under it.
    """

    def __init__(self, args, password, api_key):
        self.db = args.db
        self.admin_login = args.user
        self.password = password
        self.api_key = api_key
        self.version_string = args.version
        self.version = int(args.version.split(".")[0])
        self.requested_modules = [m for m in args.modules.split(",") if m]
        self.full_payment_state = args.full_payment_state
        self.max_body_bytes = args.max_body_bytes
        self.snapshot_dates = args.snapshot_dates
        self.lock = threading.RLock()
        self.start_faults = parse_spec(args.faults)
        if args.seed is not None:
            self.start_faults["seed"] = args.seed
        self.faults = FaultPlan(self.start_faults)
        self.reset()

    def reset(self):
        with self.lock:
            self.installed = resolve_modules(self.requested_modules)
            self.store = Store(build_models(self.installed, self.version))
            self.defaults_cache = {}
            seed_mod.seed(self)
            self.store.commit()
            self.stats = {"requests": 0, "calls": {}, "records_created": {}, "faults": {},
                          "rollbacks": 0}

    # -- RPC ------------------------------------------------------------------------------------
    def version_info(self):
        major, minor = (self.version_string.split(".") + ["0"])[:2]
        return {"server_version": self.version_string,
                "server_version_info": [int(major), int(minor), 0, "final", 0, ""],
                "server_serie": self.version_string, "protocol_version": 1}

    def _check_db(self, db):
        if db != self.db:
            raise AppError("psycopg2.OperationalError",
                           'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" '
                           'failed: FATAL:  database "%s" does not exist\n' % db,
                           "odoo/sql_db.py")

    def _user_for(self, login, password):
        for uid, rec in self.store.tables["res.users"].items():
            if rec.get("login") == login and rec.get("active", True):
                if uid == 2 and password and password in (self.password, self.api_key):
                    return uid
        return False

    def common(self, method, params):
        if method == "version":
            return self.version_info()
        if method == "about":
            return "See http://openerp.com"
        if method in ("authenticate", "login"):
            if len(params) < 3:
                raise AppError("TypeError", "exp_%s() missing required positional arguments"
                               % method, "odoo/service/common.py")
            db, login, password = params[0], params[1], params[2]
            with self.lock:
                self._check_db(db)
                return self._user_for(login, password)
        raise AppError("KeyError", repr("exp_" + str(method)), "odoo/service/common.py")

    def check_credentials(self, db, uid, password):
        self._check_db(db)
        try:
            uid = int(uid)
        except (TypeError, ValueError):
            raise AppError("ValueError", "invalid literal for int() with base 10: %r" % (uid,),
                           "odoo/service/model.py")
        user = self.store.get("res.users", uid)
        if user is None or not user.get("active", True) or uid != 2 or \
                not password or password not in (self.password, self.api_key):
            raise AccessDenied()
        return uid

    def object_call(self, method, params):
        """Runs execute_kw / execute in one transaction; returns (result, model, method)."""
        if method == "execute_kw":
            if len(params) < 6:
                raise AppError("TypeError", "execute_kw() missing 1 required positional argument: "
                               "'args'", "odoo/service/model.py")
            db, uid, password, model, name, args = params[:6]
            kwargs = params[6] if len(params) > 6 else {}
        elif method == "execute":
            if len(params) < 5:
                raise AppError("TypeError", "execute() missing 1 required positional argument",
                               "odoo/service/model.py")
            db, uid, password, model, name = params[:5]
            args, kwargs = list(params[5:]), {}
        else:
            raise NameError("method not available")
        if not isinstance(args, list):
            raise AppError("TypeError", "%s.%s() argument after * must be an iterable, not %s"
                           % (model, name, type(args).__name__), "odoo/service/model.py")
        if kwargs is None or not isinstance(kwargs, dict):
            raise AppError("TypeError", "argument after ** must be a mapping, not %s"
                           % type(kwargs).__name__, "odoo/service/model.py")
        kwargs = dict(kwargs)
        context = kwargs.pop("context", {}) or {}
        with self.lock:
            uid = self.check_credentials(db, uid, password)
            now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
            orm = Orm(self, uid, context, now)
            orm.rollback_requested = False
            self.store.begin()
            try:
                result = orm.call(model, name, args, kwargs)
            except BaseException:
                self.store.rollback()
                self.stats["rollbacks"] += 1
                raise
            if orm.rollback_requested:
                self.store.rollback()
                self.stats["rollbacks"] += 1
            else:
                self.store.commit()
                for m, n in orm.created.items():
                    self.stats["records_created"][m] = self.stats["records_created"].get(m, 0) + n
            key = "%s.%s" % (model, name)
            self.stats["calls"][key] = self.stats["calls"].get(key, 0) + 1
            return result

    # -- control ----------------------------------------------------------------------------
    def snapshot(self, include_dates, models=None):
        with self.lock:
            out = {}
            for name in sorted(self.store.models):
                mdef = self.store.models[name]
                if mdef.transient or (models and name not in models):
                    continue
                rows = []
                for rid in sorted(self.store.tables[name]):
                    rec = dict(self.store.tables[name][rid])
                    if not include_dates:
                        for key in _SNAPSHOT_DATES:
                            rec.pop(key, None)
                    rec["id"] = rid
                    rows.append(rec)
                out[name] = rows
            return out

    def bump_fault(self, key):
        with self.lock:
            self.stats["faults"][key] = self.stats["faults"].get(key, 0) + 1


def record_count(method, params):
    """How many records a call touches, for the worker-limit fault."""
    try:
        args = params[5] if len(params) > 5 else []
        name = params[4]
        if name == "create" and args and isinstance(args[0], list):
            return len(args[0])
        if name == "load" and len(args) > 1 and isinstance(args[1], list):
            return len(args[1])
        if name in ("write", "unlink", "read") and args and isinstance(args[0], list):
            return len(args[0])
    except (IndexError, TypeError):
        pass
    return 1


def clean(value):
    """Strips XML-invalid control characters and turns tuples into lists (Odoo's marshaller)."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def fault_xml(code, text):
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, clean(text)), methodresponse=True,
                               allow_none=False)


def make_handler(emu):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "Werkzeug/2.0.2 Python/3.11"

        def log_message(self, fmt, *args):  # quiet: tests run many requests
            pass

        def setup(self):
            super().setup()
            # headers and body go out in two writes: without this, Nagle + delayed ACK add
            # ~40 ms to every small call
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.served = 0

        # -- plumbing -------------------------------------------------------------------------
        def _send(self, status, body, ctype="text/xml; charset=utf-8", close=False):
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.served += 1
            every = emu.faults.config.get("close_every") or 0
            if close or (every and self.served >= every):
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(data)

        def _drop(self):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def _read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > emu.max_body_bytes:
                left = length
                while left > 0:
                    chunk = self.rfile.read(min(left, 1 << 20))
                    if not chunk:
                        break
                    left -= len(chunk)
                self._send(413, "<!doctype html>\n<html lang=en>\n<title>413 Request Entity Too "
                           "Large</title>\n<h1>Request Entity Too Large</h1>\n<p>The data value "
                           "transmitted exceeds the capacity limit.</p>\n", "text/html; "
                           "charset=utf-8", close=True)
                return None
            return self.rfile.read(length) if length else b""

        def _proxy_error(self, code):
            title = "%d %s" % (code, _PROXY_PAGES.get(code, "Error"))
            self._send(code, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>"
                       "%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                       % (title, title), "text/html", close=True)

        def _json(self, status, obj):
            self._send(status, json.dumps(obj, sort_keys=True, separators=(",", ":")),
                       "application/json")

        # -- routes -----------------------------------------------------------------------------
        def do_GET(self):
            path, _, query = self.path.partition("?")
            params = dict(p.partition("=")[::2] for p in query.split("&") if p)
            if path == "/_emulator/snapshot":
                dates = params.get("dates", "1" if emu.snapshot_dates else "0") == "1"
                models = [m for m in params.get("models", "").split(",") if m] or None
                self._json(200, emu.snapshot(dates, models))
            elif path == "/_emulator/stats":
                with emu.lock:
                    self._json(200, emu.stats)
            elif path in ("/xmlrpc/2/common", "/xmlrpc/2/object"):
                self._send(405, "Method Not Allowed", "text/plain")
            else:
                self._send(404, "<!doctype html><title>404 Not Found</title><h1>Not Found</h1>",
                           "text/html; charset=utf-8")

        def do_POST(self):
            body = self._read_body()
            if body is None:
                return
            with emu.lock:
                emu.stats["requests"] += 1
            path = self.path.partition("?")[0]
            if path == "/_emulator/reset":  # the state the emulator started with
                with emu.lock:
                    emu.faults.reset()
                    emu.faults.configure(dict(emu.start_faults))
                emu.reset()
                self._json(200, {"ok": True})
            elif path == "/_emulator/faults":
                try:
                    config = json.loads(body or b"{}")
                    if not isinstance(config, dict):
                        raise ValueError("a JSON object is expected")
                    with emu.lock:  # replaces the whole plan; {} switches every fault off
                        config.pop("reset", None)
                        emu.faults.reset()
                        emu.faults.configure(config)
                        self._json(200, emu.faults.config)
                except (ValueError, TypeError) as exc:
                    self._json(400, {"error": str(exc)})
            elif path == "/xmlrpc/2/common":
                self._rpc(body, object_service=False)
            elif path == "/xmlrpc/2/object":
                self._rpc(body, object_service=True)
            else:
                self._send(404, "<!doctype html><title>404 Not Found</title><h1>Not Found</h1>",
                           "text/html; charset=utf-8")

        def _rpc(self, body, object_service):
            try:
                params, method = xmlrpc.client.loads(body)
            except Exception as exc:  # malformed XML: Odoo answers fault 1 with the traceback
                self._send(200, fault_xml(1, traceback_text(type(exc).__name__, str(exc),
                                                            "odoo/addons/base/controllers/rpc.py")))
                return
            if not object_service:
                self._respond(lambda: emu.common(method, params))
                return
            name = params[4] if len(params) > 4 and isinstance(params[4], str) else ""
            with emu.lock:
                plan = emu.faults.decide(name, len(body), record_count(method, params))
            if plan["limit"]:
                self._worker_limit()
                return
            if plan["slow_s"]:
                emu.bump_fault("slow")
                time.sleep(plan["slow_s"])
            if plan["kind"] and plan["phase"] == "before":
                self._inject(plan)
                return
            response = self._outcome(lambda: emu.object_call(method, params))
            if plan["kind"]:
                self._inject(plan)  # after commit: written, but the client sees an error
                return
            self._send(200, response)

        def _worker_limit(self):
            cfg = emu.faults.config
            emu.bump_fault("worker_limit")
            if cfg["limit_delay_ms"]:
                time.sleep(cfg["limit_delay_ms"] / 1000.0)
            mode = cfg["limit_mode"]
            if mode == "drop":
                self._drop()
            elif mode == "fault":
                self._send(200, fault_xml(1, traceback_text(
                    "Exception", "virtual real time limit (121/120s) reached.",
                    "odoo/service/server.py")))
            else:
                self._proxy_error(502)

        def _inject(self, plan):
            emu.bump_fault("%s_%s" % (plan["kind"], plan["phase"]))
            if plan["kind"] == "5xx":
                self._proxy_error(plan["code"])
            else:
                time.sleep(emu.faults.config["timeout_s"])
                self._drop()

        def _outcome(self, fn):
            try:
                result = fn()
            except OdooError as exc:
                return fault_xml(exc.fault_code, exc.fault_string())
            except Exception as exc:  # an emulator bug still answers like Odoo: fault 1
                return fault_xml(1, "".join(traceback.format_exception(exc)))
            try:
                return xmlrpc.client.dumps((clean(result),), methodresponse=True,
                                           allow_none=False)
            except (TypeError, OverflowError) as exc:
                return fault_xml(1, traceback_text(type(exc).__name__, str(exc),
                                                   "odoo/addons/base/controllers/rpc.py"))

        def _respond(self, fn):
            self._send(200, self._outcome(fn))

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many load workers connect at once; the default 5 drops some


def main(argv=None):
    parser = argparse.ArgumentParser(description="Odoo 17 XML-RPC emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the bound port here (for --port 0)")
    parser.add_argument("--db", default="practice")
    parser.add_argument("--user", default="admin", help="the admin login")
    parser.add_argument("--password-env", default="ODOO_PASSWORD",
                        help="environment variable holding the admin password")
    parser.add_argument("--api-key-env", default="ODOO_API_KEY",
                        help="environment variable holding an API key (optional)")
    parser.add_argument("--modules", default="crm,mail,calendar,account,contacts")
    parser.add_argument("--version", default="17.0", choices=("16.0", "17.0", "18.0"))
    parser.add_argument("--faults", default="", help="fault spec, see odoo_emu/faults.py")
    parser.add_argument("--seed", type=int, default=None, help="seed for fault injection")
    parser.add_argument("--max-body-bytes", type=int, default=128 * 1024 * 1024)
    parser.add_argument("--full-payment-state", default="paid", choices=("paid", "in_payment"))
    parser.add_argument("--snapshot-dates", action="store_true",
                        help="include create_date/write_date in snapshots by default")
    args = parser.parse_args(argv)
    password = os.environ.get(args.password_env)
    if not password:
        parser.error("environment variable %s (the admin password) is not set" % args.password_env)
    emu = Emulator(args, password, os.environ.get(args.api_key_env) or None)
    server = _Server((args.host, args.port), make_handler(emu))
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as handle:
            handle.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("odoo emulator %s listening on %s:%d db=%s modules=%s" % (
        args.version, args.host, port, args.db, ",".join(sorted(emu.installed))), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
