"""Starts the Twenty emulator on a free port for a test class and talks to it with urllib.

Each class gets its own process, temp folder and port, so suites can run in parallel.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
API_KEY = "test-key-for-the-twenty-emulator"


class Emulator:
    def __init__(self, *extra_args):
        self.tmp = tempfile.TemporaryDirectory(prefix="twenty-emu-")
        port_file = os.path.join(self.tmp.name, "port")
        env = dict(os.environ, TWENTY_TEST_KEY=API_KEY)
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "twenty_emulator.py"), "--port", "0",
             "--port-file", port_file, "--api-key-env", "TWENTY_TEST_KEY", *extra_args],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while not os.path.exists(port_file):  # the emulator writes it once it listens
            if self.proc.poll() is not None:
                raise RuntimeError("emulator exited: " + self.proc.stderr.read().decode())
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("emulator did not start")
            time.sleep(0.02)
        with open(port_file) as f:
            self.base = f"http://127.0.0.1:{int(f.read())}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc.stderr.close()
        self.tmp.cleanup()

    def call(self, method, path, body=None, key=API_KEY, headers=None, raw=None, timeout=30):
        """(status, parsed JSON body) of one request."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None and raw is None:
            req.add_header("Content-Type", "application/json")
        if key is not None:
            req.add_header("Authorization", f"Bearer {key}")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def control(self, method, what, body=None):
        status, out = self.call(method, "/_emulator/" + what, body, key=None)
        assert status == 200, (status, out)
        return out


class EmulatorTestCase(unittest.TestCase):
    """One emulator per class, reset to a fresh workspace before every test."""

    ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(*cls.ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def setUp(self):
        self.emu.control("POST", "reset")

    def call(self, *args, **kwargs):
        return self.emu.call(*args, **kwargs)

    def ok(self, method, path, body=None, expect=(200, 201)):
        status, out = self.call(method, path, body)
        self.assertIn(status, expect if isinstance(expect, tuple) else (expect,), out)
        return out

    def assertTwentyError(self, status, out, expected_status, message_part):
        """Twenty's REST error shape: {statusCode, error, messages: [..]}."""
        self.assertEqual(status, expected_status, out)
        self.assertEqual(out["statusCode"], expected_status)
        self.assertIsInstance(out["error"], str)
        self.assertEqual(len(out["messages"]), 1, out)
        self.assertIn(message_part, out["messages"][0])
