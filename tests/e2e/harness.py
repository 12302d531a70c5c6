"""End-to-end harness: a generated export bundle, a real redis-server, the destination emulator
(Odoo or Twenty) and the `bridgework` binary, run as a practice would run it (issue 7).

Each test gets its own temp folder, redis-server (unix socket in that folder) and emulator
(free port through --port 0 / --port-file). Nothing here sleeps to synchronise: every wait is
for a condition (a file, a process exit, an HTTP answer) with a generous deadline, because the
machine is shared.

Checks compare the emulator's snapshot (/_emulator/snapshot) with truth.json from gen-sample:
- Odoo: every record carries an external id `bw_<migration>.<SafeExternalName(key)>` with
  key = "<object>/<source id>/<target tag>" (common/ids.h);
- Twenty: every record's id is UUIDv5(kBridgeworkNamespace, "<migration>/<key>").
"""

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import uuid

csv.field_size_limit(2 ** 31 - 1)  # sample-diff.csv holds whole attachments (base64)

SOURCE_DIR = os.environ.get("BW_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BRIDGEWORK = os.environ.get("BRIDGEWORK", "bridgework")
PATIENTS = int(os.environ.get("BW_E2E_PATIENTS", "200"))
SEED = int(os.environ.get("BW_E2E_SEED", "7"))
# Set by tests/e2e/CMakeLists.txt when the build has sanitizers (BW_SANITIZE): everything runs
# several times slower, so the deadlines grow and only the migrate tests run (the CMake comment).
SANITIZED = os.environ.get("BW_SANITIZED", "") not in ("", "0")
SLOWDOWN = 3.0 if SANITIZED else 1.0
VERB_TIMEOUT = float(os.environ.get("BW_E2E_VERB_TIMEOUT", str(300 * SLOWDOWN)))
# A coordinator that has not ended by then is stuck: the test fails with its /status and log
# rather than waiting for the CTest timeout.
RUN_TIMEOUT = float(os.environ.get("BW_E2E_RUN_TIMEOUT", str(180 * SLOWDOWN)))
START_TIMEOUT = 60.0 * SLOWDOWN

BRIDGEWORK_NAMESPACE = uuid.UUID("5b1e6a52-4f0c-5d4e-9a51-62726964676b")  # common/ids.h
ODOO_PASSWORD = "e2e-admin-password"
TWENTY_API_KEY = "e2e-twenty-api-key"
ODOO_FALLBACK_OWNER = "admin@yourcompany.example"  # the emulator's seeded admin
TWENTY_FALLBACK_OWNER = "tim@apple.dev"  # the emulator's seeded workspace member


# -- identities (mirrors common/ids.cc) ------------------------------------------------------

def safe_external_name(key):
    prefix = ""
    for c in key:
        if len(prefix) >= 40:
            break
        if "a" <= c <= "z" or "0" <= c <= "9":
            prefix += c
        elif "A" <= c <= "Z":
            prefix += c.lower()
        elif not prefix or prefix[-1] != "_":
            prefix += "_"
    sep = "" if (not prefix or prefix[-1] == "_") else "_"
    return prefix + sep + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def odoo_module(migration):
    module = "bw_"
    for c in migration.lower():
        if c.isalnum() and c.isascii():
            module += c
        elif module[-1] != "_":
            module += "_"
    return module


def record_uuid(migration, key):
    return str(uuid.uuid5(BRIDGEWORK_NAMESPACE, migration + "/" + key))


# -- the map, read just enough (no YAML in the standard library) ------------------------------

def parse_map(path):
    """{object: [{tag, model, conditional, references: [{to, from, object}]}]} for top-level
    targets of each mapped object (nested targets such as one2many lines are not listed)."""
    objects = {}
    current = None
    target = None
    target_indent = None
    in_refs = False
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            indent = len(line) - len(line.lstrip())
            m = re.match(r"^  - object:\s*(\S+)", line)
            if m:
                current = objects.setdefault(m.group(1), [])
                target, target_indent, in_refs = None, None, False
                continue
            if current is None:
                continue
            m = re.match(r"^(\s*)- tag:\s*(\S+)", line)
            if m and (target_indent is None or len(m.group(1)) == target_indent):
                target_indent = len(m.group(1))
                target = {"tag": m.group(2), "model": None, "conditional": False,
                          "references": []}
                current.append(target)
                in_refs = False
                continue
            if target is None:
                continue
            if target_indent is not None and indent <= target_indent:
                target, in_refs = None, False
                continue
            if indent == target_indent + 2:
                in_refs = False
                m = re.match(r"^\s*model:\s*(\S+)", line)
                if m:
                    target["model"] = m.group(1)
                elif re.match(r"^\s*when:", line):
                    target["conditional"] = True
                elif re.match(r"^\s*references:", line):
                    in_refs = True
                continue
            if in_refs and indent == target_indent + 4:
                m = re.match(r"^\s*- \{(.*)\}\s*$", line)
                if m:
                    ref = {}
                    for part in m.group(1).split(","):
                        if ":" in part:
                            k, v = part.split(":", 1)
                            ref[k.strip()] = v.strip()
                    if "to" in ref and "object" in ref:
                        target["references"].append(ref)
    return {o: [t for t in ts if t["model"]] for o, ts in objects.items()}


# -- small process helpers --------------------------------------------------------------------

def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _replace_file(path, data):
    """Writes a new file in place of `path` (never through a hard link shared with the bundle
    other tests copy)."""
    tmp = path + ".edit"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def generate_bundle(source, folder, patients=PATIENTS, seed=SEED):
    out = os.path.join(folder, "bundle")
    proc = subprocess.run([BRIDGEWORK, "gen-sample", "--source", source, "--patients",
                           str(patients), "--seed", str(seed), "--out", out],
                          capture_output=True, text=True, errors="replace",
                          timeout=VERB_TIMEOUT)
    if proc.returncode != 0:
        raise AssertionError("gen-sample exited %s\n%s" % (proc.returncode, proc.stderr[-3000:]))
    return out


def wait_for(predicate, timeout, what, proc=None, log=None):
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise AssertionError("%s: process exited with %s before it was ready\n%s" %
                                 (what, proc.returncode, read_text(log)))
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s\n%s" % (what, read_text(log)))
        time.sleep(delay)  # polling interval of a condition wait, not a synchronisation sleep
        delay = min(delay * 2, 0.2)


def read_text(path):
    if not path or not os.path.exists(path):
        return ""
    with open(path, errors="replace") as handle:
        return handle.read()[-4000:]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read() or b"null")


# -- servers ----------------------------------------------------------------------------------

class Redis:
    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.log = os.path.join(folder, "redis.log")
        os.makedirs(folder, exist_ok=True)
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--dir", folder, "--logfile", self.log],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._ready, START_TIMEOUT, "redis-server", self.proc, self.log)
        self.url = "redis://127.0.0.1:%d/0" % self.port

    def _ready(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        stop_process(self.proc)


def stop_process(proc, sig=signal.SIGTERM, timeout=60):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(30)


class Emulator:
    """The Odoo or Twenty emulator on a free port."""

    def __init__(self, kind, folder, modules=None):
        """`modules`: Odoo apps to install (the emulator's --modules, e.g. "crm,mail,contacts");
        None: the emulator's default (crm, calendar, account, ...)."""
        self.kind = kind
        os.makedirs(folder, exist_ok=True)
        port_file = os.path.join(folder, "port")
        self.log = os.path.join(folder, "emulator.log")
        env = dict(os.environ)
        if kind == "odoo":
            env["BW_E2E_ODOO_PASSWORD"] = ODOO_PASSWORD
            cmd = [sys.executable, os.path.join(SOURCE_DIR, "tests/emulators/odoo/odoo_emulator.py"),
                   "--port", "0", "--port-file", port_file, "--db", "practice", "--user", "admin",
                   "--password-env", "BW_E2E_ODOO_PASSWORD"]
            if modules:
                cmd += ["--modules", modules]
        else:
            env["BW_E2E_TWENTY_KEY"] = TWENTY_API_KEY
            cmd = [sys.executable,
                   os.path.join(SOURCE_DIR, "tests/emulators/twenty/twenty_emulator.py"),
                   "--port", "0", "--port-file", port_file, "--api-key-env", "BW_E2E_TWENTY_KEY"]
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)

        def port():
            if not os.path.exists(port_file):
                return None
            text = open(port_file).read().strip()
            return int(text) if text else None

        self.port = wait_for(port, START_TIMEOUT, kind + " emulator", self.proc, self.log)
        self.url = "http://127.0.0.1:%d" % self.port

    def snapshot(self):
        snap = http("GET", self.url + "/_emulator/snapshot", timeout=300)
        if self.kind == "twenty":
            # Uploaded file blobs (workspace storage) are not records: Twenty's API deletes the
            # attachment rows that point at them, not the blobs, so a rollback cannot remove
            # them. Every record, custom field and object is still compared.
            snap.pop("files", None)
        return snap

    def set_faults(self, plan):
        return http("POST", self.url + "/_emulator/faults", plan)

    def slow_calls(self, ms=40):
        """Every call a little slow, so a run is surely still going when a worker is killed."""
        if self.kind == "odoo":
            return self.set_faults({"p_slow": 1.0, "slow_ms": ms})
        return self.set_faults({"p_slow": 1.0, "slow_ms": ms})

    def five_percent_faults(self, seed=11):
        if self.kind == "odoo":
            # 5 % of calls answer a gateway error; `random` phase: some after the call committed.
            return self.set_faults({"p_5xx": 0.05, "codes": [502, 503, 504], "phase": "random",
                                    "seed": seed})
        return self.set_faults({"p500": 0.02, "p502": 0.01, "p503": 0.01,
                                "p_timeout_after_commit": 0.01, "seed": seed})

    def stop(self):
        stop_process(self.proc)


# -- one migration in a temp folder -----------------------------------------------------------

class Result:
    def __init__(self, args, proc):
        self.args = args
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def describe(self):
        return "`%s` exited %s\nstdout: %s\nstderr: %s" % (
            " ".join(self.args), self.code, self.stdout[-3000:], self.stderr[-3000:])


class Migration:
    def __init__(self, test, source, destination, pair, migration, modules=None):
        self.test = test
        self.modules = modules  # Emulator(modules=...): the destination's installed apps
        self.source = source
        self.destination = destination
        self.pair = pair
        self.migration = migration
        self.tmp = tempfile.mkdtemp(prefix="bw-e2e-")
        self.procs = []
        self.redis = None
        self.emulator = None
        self.bundle = os.path.join(self.tmp, "bundle")
        self.config = os.path.join(self.tmp, "migration.yaml")
        self.map_path = os.path.join(self.tmp, "map.yaml")
        self.run_dir = os.path.join(self.tmp, "runs")
        test.addCleanup(self.close)

    # setup
    def start(self, generated):
        """`generated`: the pair's bundle from gen-sample, made once per test class. Each test
        gets its own copy (hard links: nothing writes into a bundle but edit_source_patients,
        which replaces the file it edits)."""
        shutil.copytree(generated, self.bundle, copy_function=_link_or_copy)
        with open(os.path.join(self.bundle, "truth.json"), encoding="utf-8") as handle:
            self.truth = json.load(handle)
        shutil.copy(os.path.join(SOURCE_DIR, "maps", self.pair + ".yaml"), self.map_path)
        self.map = parse_map(self.map_path)
        self.redis = Redis(os.path.join(self.tmp, "redis"))
        self.emulator = Emulator(self.destination, os.path.join(self.tmp, "emulator"),
                                 modules=self.modules)
        self.write_config()
        return self

    def write_config(self):
        if self.destination == "odoo":
            dest = ("destination:\n  kind: odoo\n  url: %s\n  database: practice\n  user: admin\n"
                    "  password_env: BW_E2E_ODOO_PASSWORD\n" % self.emulator.url)
            owner = ODOO_FALLBACK_OWNER
        else:
            dest = ("destination:\n  kind: twenty\n  url: %s\n  api_key_env: BW_E2E_TWENTY_KEY\n"
                    % self.emulator.url)
            owner = TWENTY_FALLBACK_OWNER
        text = ("migration: %s\nsource:\n  kind: %s\n  bundle: ./bundle\n%smap: ./map.yaml\n"
                "run_dir: ./runs\nredis: %s\nworkers: 2\nfallback_owner: %s\n"
                # Small batches: several tasks per object, so two workers share the work and a
                # killed worker's lease (30 s) comes back within the test's time.
                "batch_size: 50\nlease_seconds: 30\n" %
                (self.migration, self.source, dest, self.redis.url, owner))
        with open(self.config, "w") as handle:
            handle.write(text)

    def env(self):
        return dict(os.environ, BW_E2E_ODOO_PASSWORD=ODOO_PASSWORD,
                    BW_E2E_TWENTY_KEY=TWENTY_API_KEY)

    def close(self):
        for p in self.procs:
            stop_process(p, signal.SIGKILL if p.poll() is None else signal.SIGTERM)
        if self.emulator:
            self.emulator.stop()
        if self.redis:
            self.redis.stop()
        if os.environ.get("BW_E2E_KEEP"):
            print("kept", self.tmp, file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # verbs
    def run(self, args, timeout=VERB_TIMEOUT):
        full = [BRIDGEWORK] + args
        try:
            proc = subprocess.run(full, cwd=self.tmp, env=self.env(), capture_output=True,
                                  text=True, errors="replace", timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise AssertionError("`%s` did not finish within %ss\nstderr: %s" %
                                 (" ".join(full), timeout, (e.stderr or b"")[-3000:]))
        return Result(full, proc)

    def verb(self, *args, expect=0):
        r = self.run(list(args) + ["--config", self.config])
        if expect is not None:
            self.test.assertEqual(r.code, expect, r.describe())
        return r

    def prepare(self):
        """map confirm, schema apply, owners: what a practice does before its first write."""
        self.verb("map", "confirm", "--by", "e2e")
        self.verb("schema", "apply")
        self.verb("owners")

    def verb_json(self, verb, run="latest", result=None):
        path = os.path.join(self.run_dir, run, verb + ".json")
        self.test.assertTrue(os.path.exists(path), "no %s\n%s" % (
            path, result.describe() if result is not None else ""))
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    def failures(self, run="latest"):
        path = os.path.join(self.run_dir, run, "failures.csv")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def sample_diff_rows(self, run="latest"):
        path = os.path.join(self.run_dir, run, "sample-diff.csv")
        self.test.assertTrue(os.path.exists(path), "no %s" % path)
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def explained_records(self):
        """{(object, source id)} that truth.json says must fail: planted bad rows, invalid
        values, records whose attachment is over the destination's size limit, dangling
        references."""
        truth = self.truth
        out = set()
        for b in truth.get("bad_rows", []):
            out |= set(_bad_row_names(b))
        for obj, fields in (truth.get("invalid_values") or {}).items():
            for info in (fields or {}).values():
                out |= {(obj, str(i)) for i in (info or {}).get("ids", [])}
        out |= {(d["object"], str(d["id"]))
                for d in truth.get("dangling_references", {}).get("items", [])}
        limit = truth.get("generator", {}).get("max_attachment_bytes")
        big = [f["path"] for f in truth.get("attachments", {}).get("files", [])
               if limit and f.get("bytes", 0) > limit]
        if big:
            for obj in self.map:
                for sid, row in (self.read_source(obj) or {}).items():
                    if any(p in v for v in row.values() for p in big):
                        out.add((obj, sid))
        return out

    def unexplained_failures(self, failures):
        """The failures truth.json does not explain. A child unlinked because its parent is
        not migrated is explained when that parent is (or is no valid source record), and so
        on down the tree; a record's later target failing after its first one is explained
        with the record."""
        explained = self.explained_records()
        valid = {obj: {str(i) for i in (info.get("ids") or [])}
                 for obj, info in self.truth["objects"].items()}
        changed = True
        while changed:
            changed = False
            for f in failures:
                key = (f["object"], f["id"])
                if key in explained:
                    continue
                m = re.match(r"^parent (\S+) (.+) is not migrated$", f["reason"])
                if m and ((m.group(1), m.group(2)) in explained or
                          m.group(2) not in valid.get(m.group(1), set())):
                    explained.add(key)
                    changed = True
        return [f for f in failures if (f["object"], f["id"]) not in explained]

    # distributed mode
    def start_coordinator(self):
        port = free_port()
        metrics = free_port()
        log = os.path.join(self.tmp, "coordinator.log")
        with open(log, "w") as out:
            proc = subprocess.Popen(
                [BRIDGEWORK, "coordinator", "--config", self.config, "--bind",
                 "tcp://127.0.0.1:%d" % port, "--metrics-port", str(metrics),
                 "--metrics-host", "127.0.0.1"],
                cwd=self.tmp, env=self.env(), stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        self.coordinator = proc
        self.coordinator_log = log
        self.metrics_url = "http://127.0.0.1:%d" % metrics

        def healthy():
            try:
                urllib.request.urlopen(self.metrics_url + "/healthz", timeout=5).read()
                return True
            except OSError:
                return False

        wait_for(healthy, START_TIMEOUT * 2, "coordinator /healthz", proc, log)
        return "tcp://127.0.0.1:%d" % port

    def start_worker(self, endpoint, n):
        log = os.path.join(self.tmp, "worker-%d.log" % n)
        with open(log, "w") as out:
            proc = subprocess.Popen(
                [BRIDGEWORK, "worker", "--connect", endpoint, "--id", "e2e-worker-%d" % n],
                cwd=self.tmp, env=self.env(), stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def status(self):
        try:
            return http("GET", self.metrics_url + "/status", timeout=10)
        except (OSError, ValueError):
            return None

    def stuck(self, what):
        """An AssertionError that shows where a run that should have ended is: the
        coordinator's /status, the tails of its and the workers' logs."""
        doc = self.status()
        text = "%s\n/status: %s\ncoordinator.log (tail):\n%s" % (
            what, json.dumps(doc)[-4000:] if doc is not None else "(no answer)",
            read_text(self.coordinator_log)[-3000:])
        for n in range(4):
            log = os.path.join(self.tmp, "worker-%d.log" % n)
            if os.path.exists(log):
                text += "\nworker-%d.log (tail):\n%s" % (n, read_text(log)[-1500:])
        return AssertionError(text)

    def migrate_distributed(self, workers=2, kill_one_midway=False):
        started = time.monotonic()
        endpoint = self.start_coordinator()
        procs = [self.start_worker(endpoint, i) for i in range(workers)]
        if kill_one_midway:
            self.emulator.slow_calls()
            # Wait until the run has loaded something (its /status), then
            # kill -9 one worker: its leased tasks must be handed to the other.
            def loaded_some():
                if self.coordinator.poll() is not None:
                    return True
                doc = self.status()  # the coordinator's /status (same document as `status --json`)
                return doc is not None and _total(doc, "loaded") > 0
            try:
                wait_for(loaded_some, RUN_TIMEOUT, "the first loaded records", self.coordinator,
                         self.coordinator_log)
            except AssertionError as e:
                raise self.stuck(str(e)[:300])
            self.killed_while_running = self.coordinator.poll() is None
            procs[0].send_signal(signal.SIGKILL)
            procs[0].wait(60)
            self.emulator.set_faults({})
            procs.append(self.start_worker(endpoint, workers))  # a replacement, as k8s would
        try:
            code = self.coordinator.wait(max(1.0, RUN_TIMEOUT - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            raise self.stuck("the coordinator did not end within %ss" % RUN_TIMEOUT)
        for p in procs:
            stop_process(p)
        return code, read_text(self.coordinator_log)

    # checks
    def expected_keys(self):
        """{(object, tag): (model, conditional, [source ids expected])} from truth.json."""
        dangling = {}
        for item in self.truth.get("dangling_references", {}).get("items", []):
            dangling.setdefault(item["object"], set()).add(str(item["id"]))
        out = {}
        for obj, targets in self.map.items():
            info = self.truth["objects"].get(obj)
            if info is None or info.get("ids") is None:
                continue
            ids = [str(i) for i in info["ids"] if str(i) not in dangling.get(obj, set())]
            for t in targets:
                out[(obj, t["tag"])] = (t["model"], t["conditional"], ids)
        return out

    def destination_ids(self, snapshot):
        """{key: (model, destination id)} of what this migration wrote."""
        found = {}
        if self.destination == "odoo":
            module = odoo_module(self.migration)
            for row in snapshot.get("ir.model.data", []):
                if row.get("module") == module:
                    found[row["name"]] = (row["model"], row["res_id"])
        else:
            for model, rows in self.tables(snapshot).items():
                for row in rows if isinstance(rows, list) else []:
                    if "id" in row:
                        found[row["id"]] = (model, row["id"])
        return found

    def tables(self, snapshot):
        """{model: [rows]}: Odoo's snapshot is that already; Twenty's keeps rows in `objects`."""
        if self.destination == "twenty":
            return snapshot.get("objects", {})
        return snapshot

    def name_of(self, key):
        if self.destination == "odoo":
            return safe_external_name(key)
        return record_uuid(self.migration, key)

    def assert_exact(self, before, after, failures, extra_keys=()):
        """The emulator holds exactly what truth.json says (plus `extra_keys`, records added
        to the source since), and nothing doubled."""
        t = self.test
        found = self.destination_ids(after)
        failed = {(f.get("object"), f.get("id")) for f in failures}
        expected_names = {}
        for key in extra_keys:
            t.assertIn(self.name_of(key), found, "%s missing from the destination" % key)
            expected_names[self.name_of(key)] = found[self.name_of(key)][0]
        missing = []
        for (obj, tag), (model, conditional, ids) in self.expected_keys().items():
            for sid in ids:
                name = self.name_of("%s/%s/%s" % (obj, sid, tag))
                expected_names[name] = model
                if name in found:
                    t.assertEqual(found[name][0], model, "%s/%s/%s landed in the wrong model" %
                                  (obj, sid, tag))
                elif not conditional and (obj, sid) not in failed:
                    missing.append("%s/%s/%s" % (obj, sid, tag))
        t.assertEqual(missing[:20], [], "%d expected records missing from the destination" %
                      len(missing))
        # Nothing else of ours, nothing doubled: each model grew by exactly its external ids.
        ours = {}
        existed = set(self.destination_ids(before))
        for name, (model, rid) in found.items():
            if self.destination == "odoo" and name not in existed:
                ours.setdefault(model, set()).add(rid)

        def count(snap, model):
            rows = snap.get(model, [])
            if model == "mail.message":  # Odoo logs "<Label> created" notes on mail threads
                rows = [r for r in rows if r.get("message_type") != "notification"]
            return len(rows)

        for model, rids in ours.items():
            grown = count(after, model) - count(before, model)
            t.assertEqual(grown, len(rids), "%s: %d new records but %d external ids (doubled?)" %
                          (model, grown, len(rids)))
        if self.destination == "twenty":
            before_rows = self.tables(before)
            for model, rows in self.tables(after).items():
                if not isinstance(rows, list):
                    continue
                new = {r.get("id") for r in rows} - {r.get("id") for r in
                                                     before_rows.get(model, [])}
                stray = [i for i in new if i not in expected_names]
                t.assertEqual(stray[:10], [], "%s: %d records not from a truth id" %
                              (model, len(stray)))

    def assert_relations(self, snapshot):
        """Each child's reference to a parent points at that parent's destination record."""
        found = self.destination_ids(snapshot)
        by_model_id = {}
        for model, rows in self.tables(snapshot).items():
            if isinstance(rows, list):
                for r in rows:
                    by_model_id[(model, r.get("id"))] = r
        checked = 0
        for obj, targets in self.map.items():
            rows = self.read_source(obj)
            if rows is None:
                continue
            for t in targets:
                for ref in t["references"]:
                    parent_targets = self.map.get(ref["object"], [])
                    if not parent_targets:
                        continue
                    ptag = ref.get("target") or parent_targets[0]["tag"]
                    for sid, row in rows.items():
                        child = found.get(self.name_of("%s/%s/%s" % (obj, sid, t["tag"])))
                        value = row.get(ref.get("from", ""))
                        if child is None or not value:
                            continue
                        parent = found.get(self.name_of("%s/%s/%s" % (ref["object"], value, ptag)))
                        if parent is None:
                            continue
                        rec = by_model_id.get((child[0], child[1]), {})
                        got = rec.get(ref["to"])
                        if isinstance(got, list):
                            got = got[0] if got else None
                        self.test.assertEqual(
                            got, parent[1], "%s/%s %s.%s should point at %s/%s" %
                            (obj, sid, child[0], ref["to"], ref["object"], value))
                        checked += 1
        return checked

    # -- the source bundle, read and edited as the profile describes it ---------------------------

    def profile(self):
        path = os.path.join(SOURCE_DIR, "connectors/sources/profiles", self.source + ".json")
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    def profile_object(self, obj):
        objects = self.profile()["objects"]
        if isinstance(objects, dict):
            objects = [dict(v, name=k) for k, v in objects.items()]
        for o in objects:
            if o.get("name") == obj:
                return o
        return None

    def source_path(self, obj):
        info = self.truth["objects"].get(obj)
        return os.path.join(self.bundle, info["file"]) if info else None

    def _encoding(self):
        enc = self.profile().get("bundle", {}).get("encoding", "utf-8").lower()
        return {"utf-8-bom": "utf-8-sig", "windows-1252": "cp1252", "latin-1": "latin-1",
                "iso-8859-1": "latin-1"}.get(enc, "utf-8")

    def _csv_dialect(self, path):
        if path.endswith(".tsv"):
            return "\t"
        return self.profile().get("bundle", {}).get("delimiter", ",")

    def _read_records(self, path):
        """(kind, items) of a bundle file: kind "csv" with items [header, rows...] (lists), or
        kind "lines" with items [(line text, record dict or None, trailing comma)] for NDJSON
        and the one-record-per-line JSON arrays the generator writes. Undecodable bytes are
        kept (surrogateescape), so a file written back differs only where it was edited."""
        raw = open(path, "rb").read()
        enc = self._encoding()
        text = raw.decode(enc, errors="surrogateescape")
        if path.endswith(".csv") or path.endswith(".tsv") or path.endswith(".txt"):
            return "csv", list(csv.reader(io.StringIO(text, newline=""),
                                          delimiter=self._csv_dialect(path)))
        items = []
        for line in text.split("\n"):
            body = line.rstrip("\r").strip()
            comma = body.endswith(",")
            if comma:
                body = body[:-1]
            record = None
            if body.startswith("{"):
                try:
                    record = json.loads(body)
                except ValueError:
                    record = None
            items.append((line, record if isinstance(record, dict) else None, comma))
        return "lines", items

    def _write_records(self, path, kind, items):
        enc = self._encoding()
        if kind == "csv":
            raw = open(path, "rb").read()
            ending = "\r\n" if b"\r\n" in raw[:4096] else "\n"
            buf = io.StringIO()
            csv.writer(buf, delimiter=self._csv_dialect(path),
                       lineterminator=ending).writerows(items)
            data = buf.getvalue().encode(enc, errors="surrogateescape")
        else:
            lines = []
            for line, record, comma in items:
                if record is not None:
                    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
                    line += "," if comma else ""
                lines.append(line)
            data = "\n".join(lines).encode(enc, errors="surrogateescape")
        _replace_file(path, data)

    def read_source(self, obj):
        """{source id: {field: text}} of the valid rows of a bundle file; nested JSON flattened
        with '.' as the bundle reader does (None when the file cannot be read here)."""
        info = self.truth["objects"].get(obj)
        prof = self.profile_object(obj)
        if not info or not info.get("ids") or not prof:
            return None
        path = self.source_path(obj)
        if not path or not os.path.exists(path):
            return None
        key = prof.get("primary_key")
        valid = {str(i) for i in info["ids"]}
        kind, items = self._read_records(path)
        rows = []
        if kind == "csv":
            if not items:
                return None
            header = items[0]
            rows = [dict(zip(header, r)) for r in items[1:] if len(r) == len(header)]
        else:
            rows = [_flatten(record) for _, record, _ in items if record is not None]
        out = {}
        for r in rows:
            v = r.get(key)
            if v is not None and str(v) in valid:
                out[str(v)] = {k: _text(x) for k, x in r.items() if k is not None}
        return out

    def edit_source_patients(self):
        """Modifies one valid patient (its surname), adds one (a copy under a new id and with
        another email), deletes one, each with its modified-at set to now, in the bundle's own
        format (profile: delimiter, encoding, nesting, timestamp shape). Returns {modified,
        added, deleted} ids."""
        prof = self.profile_object("patients")
        path = self.source_path("patients")
        key, stamp = prof["primary_key"], prof.get("modified_at")
        stamp_format = next((f.get("format") for f in prof.get("fields", [])
                             if f.get("name") == stamp), None)
        surname = next((f["name"] for f in prof.get("fields", [])
                        if str(f.get("gen", "")).startswith("last_name")), None)
        self.test.assertIsNotNone(surname, "the patients profile names no surname field")
        ids = [str(i) for i in self.truth["objects"]["patients"]["ids"]]
        odd = {str(i) for d in self.truth.get("duplicates", []) for i in d.get("ids", [])}
        odd |= {str(b.get("id")) for b in self.truth.get("bad_rows", [])}
        for fields in (self.truth.get("invalid_values") or {}).values():
            for info in (fields or {}).values():
                odd |= {str(i) for i in (info or {}).get("ids", [])}
        plain = [i for i in ids if i not in odd]
        modified, deleted, template = plain[-1], plain[-3], plain[-2]
        digits = re.match(r"^(.*?)(\d+)$", ids[-1])
        self.test.assertTrue(digits, "patient ids do not end in digits")
        added = digits.group(1) + str(int(digits.group(2)) + 1000).zfill(len(digits.group(2)))

        def now_for(old):
            if stamp_format == "epoch_ms" or (isinstance(old, int) and old > 10 ** 11):
                return int(time.time() * 1000)
            if stamp_format == "epoch" or isinstance(old, int):
                return int(time.time())
            shape = stamp_format or self.profile().get("bundle", {}).get("datetime_format")
            return _now_in(shape, old)

        kind, items = self._read_records(path)
        edited = set()
        if kind == "csv":
            header = [h.lstrip("\ufeff") for h in items[0]]
            ki, si, ni = header.index(key), header.index(stamp), header.index(surname)
            out, copy = [items[0]], None
            for r in items[1:]:
                ok = len(r) == len(header)
                if ok and r[ki] == deleted:
                    edited.add("deleted")
                    continue
                if ok and r[ki] == template:
                    copy = list(r)
                if ok and r[ki] == modified:
                    r = list(r)
                    r[ni] += "x"
                    r[si] = now_for(r[si])
                    edited.add("modified")
                out.append(r)
            self.test.assertIsNotNone(copy, "template patient not found")
            copy[ki], copy[si] = added, now_for(copy[si])
            copy = [_other_email(c) for c in copy]
            out.append(copy)
            items = out
        else:
            out, copy = [], None
            for line, record, comma in items:
                rid = None if record is None else str(record.get(key))
                if rid == deleted:
                    edited.add("deleted")
                    if not comma:  # it closed the array: the record before it now does
                        for j in range(len(out) - 1, -1, -1):
                            if out[j][1] is not None:
                                out[j] = (out[j][0], out[j][1], False)
                                break
                    continue
                if rid == modified:
                    _set_path(record, surname, _get_path(record, surname) + "x")
                    _set_path(record, stamp, now_for(_get_path(record, stamp)))
                    edited.add("modified")
                out.append((line, record, comma))
                if rid == template:
                    copy = _other_email(json.loads(json.dumps(record)))
                    copy[key] = int(added) if isinstance(record.get(key), int) else added
                    _set_path(copy, stamp, now_for(_get_path(copy, stamp)))
                    out[-1] = (line, record, True if path.endswith(".json") else comma)
                    out.append(("", copy, comma))
            self.test.assertIsNotNone(copy, "template patient not found")
            items = out
        self.test.assertEqual(edited, {"deleted", "modified"}, "patients to edit not found")
        self._write_records(path, kind, items)
        return {"modified": modified, "added": added, "deleted": deleted}


def _bad_row_names(bad):
    """How failures.csv may name a planted bad row: (object, id), or (object, "file:line")."""
    names = [(bad["object"], str(bad["id"]))] if bad.get("id") else []
    if bad.get("file") and bad.get("line"):
        names.append((bad["object"], "%s:%s" % (os.path.basename(bad["file"]), bad["line"])))
    return names


def _text(x):
    return "" if x is None else x if isinstance(x, str) else (
        json.dumps(x) if isinstance(x, (dict, list)) else str(x).lower()
        if isinstance(x, bool) else str(x))


def _flatten(record, prefix="", out=None):
    """Nested JSON as the bundle reader flattens it: "adres.il", "Address.Lines.0"."""
    out = {} if out is None else out
    items = record.items() if isinstance(record, dict) else enumerate(record)
    for k, v in items:
        name = prefix + str(k)
        if isinstance(v, (dict, list)) and v:
            _flatten(v, name + ".", out)
        else:
            out[name] = v
    return out


def _get_path(record, path):
    for part in path.split("."):
        record = record.get(part) if isinstance(record, dict) else None
    return record


def _set_path(record, path, value):
    parts = path.split(".")
    for part in parts[:-1]:
        record = record.setdefault(part, {})
    record[parts[-1]] = value


def _other_email(value):
    """The same value with every e-mail address made another one (an added patient is a new
    person, and CRMs keep e-mails unique)."""
    if isinstance(value, dict):
        return {k: _other_email(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_other_email(v) for v in value]
    if isinstance(value, str) and re.match(r"^[^@\s]+@[^@\s]+$", value):
        return "delta." + value
    return value


def _now_in(shape, example):
    """Now (UTC) in a profile's datetime format ("MM/DD/YYYY HH:mm:ss", "iso8601"), else in the
    shape of an existing value."""
    now = time.gmtime()
    if shape and shape.lower() in ("iso8601", "iso-8601"):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", now)
    if shape and "YYYY" in shape:
        fmt = shape
        for token, code in (("YYYY", "%Y"), ("MM", "%m"), ("DD", "%d"), ("HH", "%H"),
                            ("mm", "%M"), ("ss", "%S")):
            fmt = fmt.replace(token, code)
        return time.strftime(fmt, now)
    return _now_like(example) or example


def _now_like(example):
    """Now (UTC) written in the shape of an existing timestamp of the export."""
    now = time.gmtime()
    candidates = [
        time.strftime("%m/%d/%Y %H:%M:%S", now), time.strftime("%m/%d/%Y %H:%M", now),
        time.strftime("%Y-%m-%dT%H:%M:%SZ", now), time.strftime("%Y-%m-%dT%H:%M:%S", now),
        time.strftime("%Y-%m-%d %H:%M:%S", now), time.strftime("%d.%m.%Y %H:%M:%S", now),
        time.strftime("%d.%m.%Y %H:%M", now), time.strftime("%d/%m/%Y %H:%M:%S", now),
        time.strftime("%Y-%m-%dT%H:%M:%S.000Z", now), time.strftime("%Y-%m-%dT%H:%M:%S+00:00", now),
    ]
    shape = re.sub(r"\d", "9", example)
    for c in candidates:
        if re.sub(r"\d", "9", c) == shape:
            return c
    return None


def _total(doc, counter):
    total = 0
    objects = doc.get("objects", {}) if isinstance(doc, dict) else {}
    for c in objects.values() if isinstance(objects, dict) else []:
        if isinstance(c, dict):
            total += int(c.get(counter, 0) or 0)
    return total


class OutcomeChecks:
    """What every verb that moves records must show (a mixin for unittest.TestCase): each record
    read accounted for, each failure once with a reason and explained by truth.json."""

    def check_outcome(self, m, result, failures, code, log, verb="migrate", exported=()):
        # Every record read is accounted for.
        for obj, c in result.get("objects", {}).items():
            # `updated` and `flagged` are part of `loaded` (workers/task_runner.cc).
            self.assertEqual(c["read"], c["loaded"] + c["skipped"] + c["failed"] + c["unlinked"],
                             "%s: read %s not reconciled: %s" % (obj, c["read"], c))
        self.check_failures(m, failures, all_planted=(verb == "migrate"), exported=exported)
        # Failed records make the verb exit 1 (DESIGN.md section 7: the outcome is in
        # <verb>.json and failures.csv); a run with none exits 0; nothing else is acceptable.
        self.assertEqual(code, 1 if failures else 0,
                         "%s exit %s with %d failures\n%s" % (verb, code, len(failures), log))
        self.assertEqual(result.get("failed_tasks", 0), 0, "failed tasks\n" + log)

    def check_failures(self, m, failures, all_planted=True, exported=()):
        """Each failure once, with a reason, and explained by truth.json; with `all_planted`
        (a full run) every planted bad record is among them. `exported`: objects a fallback
        sends to the report's CSV export instead of the destination (their references are not
        resolved, so a dangling one is no failure)."""
        seen = set()
        for f in failures:
            key = (f["object"], f["id"], f["field"], f["kind"])
            self.assertNotIn(key, seen, "failure reported twice: %s" % (key,))
            seen.add(key)
            self.assertTrue(f["reason"], "failure without a reason: %s" % f)
        unexplained = m.unexplained_failures(failures)
        if unexplained:
            groups = {}
            for f in unexplained:
                reason = re.sub(r"\b[A-Z]*\d{3,}\b", "#", f["reason"])
                groups.setdefault((f["object"], f["field"], reason), []).append(f["id"])
            lines = ["%d x %s.%s: %s (e.g. %s)" % (len(v), o, fld, r, ", ".join(v[:3]))
                     for (o, fld, r), v in sorted(groups.items(), key=lambda i: -len(i[1]))]
            self.fail("%d failures that truth.json does not explain (planted bad rows, invalid "
                      "values, over-size files, dangling references and their children):\n%s" %
                      (len(unexplained), "\n".join(lines[:20])))
        if not all_planted:
            return
        reported = {(f["object"], f["id"]) for f in failures}
        for bad in m.truth.get("bad_rows", []):
            if m.map.get(bad["object"]):
                # A row too broken to read its id is named by file and line.
                self.assertTrue(set(_bad_row_names(bad)) & reported,
                                "planted bad row %s not in failures.csv" % bad)
        for item in m.truth.get("dangling_references", {}).get("items", []):
            if item["object"] in exported:
                continue
            linked = any(r["object"] == item.get("target") for t in m.map.get(item["object"], [])
                         for r in t["references"])
            if linked:
                self.assertIn((item["object"], str(item["id"])), reported,
                              "dangling reference %s not reported" % item)


class GeneratedBundle:
    """Mixin: one generated bundle of SOURCE per test class (gen-sample is deterministic; each
    test copies it), PATIENTS patients unless BW_E2E_PATIENTS says otherwise."""
    SOURCE = None
    PATIENTS = None  # None: BW_E2E_PATIENTS (200)

    @classmethod
    def setUpClass(cls):
        cls._generated_in = tempfile.mkdtemp(prefix="bw-e2e-bundle-")
        try:
            patients = cls.PATIENTS if cls.PATIENTS and "BW_E2E_PATIENTS" not in os.environ \
                else PATIENTS
            cls._generated = generate_bundle(cls.SOURCE, cls._generated_in, patients=patients)
        except BaseException:
            shutil.rmtree(cls._generated_in, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls._generated_in, ignore_errors=True)


class PairCase(GeneratedBundle, OutcomeChecks):
    """One seed pair's workflow, mixed into a unittest.TestCase that sets SOURCE,
    DESTINATION and PAIR (a mixin, so discovery does not run it on its own)."""
    DESTINATION = None
    PAIR = None

    def skip_when_sanitized(self):
        if SANITIZED:
            self.skipTest("sanitizer build: only the migrate tests run (tests/e2e/CMakeLists.txt)")

    def new_migration(self, name):
        m = Migration(self, self.SOURCE, self.DESTINATION, self.PAIR,
                      "e2e-%s-%s" % (self.PAIR, name))
        return m.start(self._generated)

    def migrate_and_check(self, name, kill_worker=False, faults=False):
        m = self.new_migration(name)
        m.prepare()
        # The snapshot before the first record write. `schema apply` (custom fields, named
        # records) stays after a rollback by design (docs/workflow.md): rollback reverts runs.
        after_schema = m.emulator.snapshot()
        if faults:
            m.emulator.five_percent_faults()
        code, log = m.migrate_distributed(workers=2, kill_one_midway=kill_worker)
        if faults:
            m.emulator.set_faults({})
        result = m.verb_json("migrate")
        failures = m.failures()
        after = m.emulator.snapshot()
        self.check_outcome(m, result, failures, code, log)
        m.assert_exact(after_schema, after, failures)
        m.assert_relations(after)
        return m, after_schema, after

    # -- the workflow steps ---------------------------------------------------------------------

    def test_migrate_then_rollback(self):
        m, before, after = self.migrate_and_check("main")
        m.verb("report")
        reports = [d for d in os.listdir(m.run_dir)
                   if os.path.exists(os.path.join(m.run_dir, d, "report.json"))]
        self.assertTrue(reports, "report wrote no report.json under %s" % m.run_dir)
        m.verb("rollback")
        self.assertEqual(m.emulator.snapshot(), before,
                         "rollback did not restore the destination to its pre-write snapshot")
        m.verb("rollback")  # safe to run again
        self.assertEqual(m.emulator.snapshot(), before)

    def test_migrate_worker_killed(self):
        m, before, after = self.migrate_and_check("kill", kill_worker=True)
        self.assertTrue(m.killed_while_running, "the run ended before a worker could be killed")
        m.verb("rollback")
        self.assertEqual(m.emulator.snapshot(), before)

    def test_migrate_with_destination_faults(self):
        self.skip_when_sanitized()
        m, before, after = self.migrate_and_check("faults", faults=True)
        m.verb("rollback")
        self.assertEqual(m.emulator.snapshot(), before)

    def test_sample_diff(self):
        self.skip_when_sanitized()
        m = self.new_migration("sample")
        m.prepare()
        before = m.emulator.snapshot()
        r = m.verb("sample", "--size", "20", expect=None)
        result = m.verb_json("sample", result=r)
        failures = m.failures()
        self.check_outcome(m, result, failures, r.code, r.describe(), verb="sample")
        unexpected = result.get("unexpected_differences")
        self.assertIsNotNone(unexpected, "sample.json has no unexpected_differences: %s" %
                             sorted(result))
        diff_rows = m.sample_diff_rows()
        self.assertTrue(diff_rows, "sample-diff.csv is empty")
        bad = [d for d in diff_rows if d.get("verdict") in ("differs", "missing")]
        self.assertEqual(unexpected if isinstance(unexpected, int) else len(unexpected),
                         len(bad), "unexpected_differences does not count the diff's rows")
        self.assertEqual(bad[:10], [], "sample diff has %d unexpected differences" % len(bad))
        # The slice is the patients with their children: a record of every child object.
        sampled = {o for o, c in result.get("objects", {}).items() if c.get("read")}
        for obj, targets in m.map.items():
            children = any(r["object"] == "patients" for t in targets for r in t["references"])
            if children and m.truth["objects"].get(obj, {}).get("ids"):
                self.assertIn(obj, sampled, "the sample holds no %s" % obj)
        m.verb("rollback")
        self.assertEqual(m.emulator.snapshot(), before, "rollback of the sample run")

    def test_delta_twice(self):
        self.skip_when_sanitized()
        m, before, first = self.migrate_and_check("delta")
        migrate_failures = m.failures()
        edits = m.edit_source_patients()
        deltas = []
        for n in range(2):
            r = m.verb("delta", expect=None)
            result = m.verb_json("delta", result=r)
            failures = m.failures()
            # A delta re-reads only what changed: the planted bad rows are not among it.
            self.check_outcome(m, result, failures, r.code, r.describe(), verb="delta")
            deltas.append((result, m.emulator.snapshot()))
        (result1, after1), (result2, after2) = deltas
        found = m.destination_ids(after2)
        tag = m.map["patients"][0]["tag"]
        # The added patient is there once; the modified one changed in place.
        added_key = "patients/%s/%s" % (edits["added"], tag)
        self.assertIn(m.name_of(added_key), found,
                      "the patient added in the source was not created by delta")
        changed = m.name_of("patients/%s/%s" % (edits["modified"], tag))
        self.assertIn(changed, found)
        model, rid = found[changed]
        old = [r for r in m.tables(first).get(model, []) if r.get("id") == rid]
        new = [r for r in m.tables(after2).get(model, []) if r.get("id") == rid]
        self.assertEqual(len(new), 1)
        self.assertNotEqual(old, new, "the patient modified in the source was not updated")
        # The second delta wrote nothing, and nothing is doubled.
        self.assertEqual(after1, after2, "a second delta with no source change wrote again")
        self.assertEqual(_total(result2, "loaded"), 0,
                         "the second delta loaded records: %s" % result2.get("objects"))
        added_keys = ["patients/%s/%s" % (edits["added"], t["tag"]) for t in m.map["patients"]]
        m.assert_exact(before, after2, migrate_failures, extra_keys=added_keys)
        m.assert_relations(after2)
        self.assertIn(edits["deleted"], json.dumps(result1.get("deleted_in_source", {})),
                      "the patient deleted in the source is not reported by delta")
        # Rollback of every run (the deltas' updates restored, their creations deleted).
        m.verb("rollback")
        self.assertEqual(m.emulator.snapshot(), before,
                         "rollback after the deltas did not restore the pre-write snapshot")
