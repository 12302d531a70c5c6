"""Starts an Odoo emulator on a free port for a test class and talks XML-RPC to it.

Each class gets its own emulator process (extra command-line flags per class); setUp resets the
database through /_emulator/reset so tests do not depend on each other.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import xmlrpc.client

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "s3cret-admin"
API_KEY = "0123456789abcdef0123456789abcdef01234567"


class EmulatorCase(unittest.TestCase):
    extra_args = []

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        port_file = os.path.join(cls.tmp.name, "port")
        env = dict(os.environ, ODOO_PASSWORD=PASSWORD, ODOO_API_KEY=API_KEY)
        cls.log = open(os.path.join(cls.tmp.name, "log"), "w")
        cls.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "odoo_emulator.py"), "--port", "0",
             "--port-file", port_file, "--db", "practice", "--user", "admin",
             "--password-env", "ODOO_PASSWORD"] + list(cls.extra_args),
            env=env, stdout=cls.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not os.path.exists(port_file):
            if cls.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("emulator did not start: " + open(cls.log.name).read())
            time.sleep(0.02)
        with open(port_file) as handle:
            cls.port = int(handle.read())
        cls.base = "http://127.0.0.1:%d" % cls.port
        cls.common = xmlrpc.client.ServerProxy(cls.base + "/xmlrpc/2/common")
        cls.uid = cls.common.authenticate("practice", "admin", PASSWORD, {})

    @classmethod
    def tearDownClass(cls):
        cls.common("close")()
        cls.proc.terminate()
        cls.proc.wait(10)
        cls.log.close()
        cls.tmp.cleanup()

    def setUp(self):
        self.control("POST", "/_emulator/reset")

    # -- helpers ------------------------------------------------------------------------------
    def proxy(self):
        return xmlrpc.client.ServerProxy(self.base + "/xmlrpc/2/object")

    def call(self, model, method, *args, **kwargs):
        with self.proxy() as proxy:
            return proxy.execute_kw("practice", self.uid, PASSWORD, model, method, list(args),
                                    kwargs)

    def fault(self, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault) as ctx:
            self.call(model, method, *args, **kwargs)
        return ctx.exception

    def control(self, verb, path, payload=None):
        data = json.dumps(payload).encode() if payload is not None else b""
        req = urllib.request.Request(self.base + path, data=data if verb == "POST" else None,
                                     method=verb, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def snapshot(self, **params):
        query = "&".join("%s=%s" % kv for kv in params.items())
        return self.control("GET", "/_emulator/snapshot" + ("?" + query if query else ""))

    def count(self, model, domain=None, **ctx):
        kwargs = {"context": ctx} if ctx else {}
        return self.call(model, "search_count", domain or [], **kwargs)

    def model_id(self, model):
        return self.call("ir.model", "search", [["model", "=", model]])[0]
