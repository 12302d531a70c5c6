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

SOURCE_DIR = os.environ.get("BW_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BRIDGEWORK = os.environ.get("BRIDGEWORK", "bridgework")
PATIENTS = int(os.environ.get("BW_E2E_PATIENTS", "200"))
SEED = int(os.environ.get("BW_E2E_SEED", "7"))
VERB_TIMEOUT = float(os.environ.get("BW_E2E_VERB_TIMEOUT", "600"))
START_TIMEOUT = 60.0

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


def verb_placeholder(verb):
    """True while `bridgework <verb> --help` still shows the "(not built yet)" placeholder."""
    words = verb.split()
    out = subprocess.run([BRIDGEWORK] + words + ["--help"], capture_output=True, text=True,
                         timeout=60)
    top = subprocess.run([BRIDGEWORK, "--help"], capture_output=True, text=True, timeout=60)
    for line in top.stdout.splitlines():
        if line.strip().startswith(words[0] + " ") and "(not built yet)" in line:
            return True
    return "(not built yet)" in out.stdout.splitlines()[0] if out.stdout else False


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

    def __init__(self, kind, folder):
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
        return http("GET", self.url + "/_emulator/snapshot", timeout=300)

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
    def __init__(self, test, source, destination, pair, migration):
        self.test = test
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
    def start(self, patients=PATIENTS, seed=SEED):
        r = self.run(["gen-sample", "--source", self.source, "--patients", str(patients),
                      "--seed", str(seed), "--out", self.bundle])
        self.test.assertEqual(r.code, 0, r.describe())
        with open(os.path.join(self.bundle, "truth.json"), encoding="utf-8") as handle:
            self.truth = json.load(handle)
        shutil.copy(os.path.join(SOURCE_DIR, "maps", self.pair + ".yaml"), self.map_path)
        self.map = parse_map(self.map_path)
        self.redis = Redis(os.path.join(self.tmp, "redis"))
        self.emulator = Emulator(self.destination, os.path.join(self.tmp, "emulator"))
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
        if args[0] in ("sample", "delta") and verb_placeholder(args[0]):
            self.test.skipTest("%s not built yet" % args[0])
        r = self.run(list(args) + ["--config", self.config])
        if expect is not None:
            self.test.assertEqual(r.code, expect, r.describe())
        return r

    def prepare(self):
        """map confirm, schema apply, owners: what a practice does before its first write."""
        self.verb("map", "confirm", "--by", "e2e")
        self.verb("schema", "apply")
        self.verb("owners")

    def verb_json(self, verb, run="latest"):
        path = os.path.join(self.run_dir, run, verb + ".json")
        self.test.assertTrue(os.path.exists(path), "no %s" % path)
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    def failures(self, run="latest"):
        path = os.path.join(self.run_dir, run, "failures.csv")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

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

    def migrate_distributed(self, workers=2, kill_one_midway=False):
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
            wait_for(loaded_some, VERB_TIMEOUT, "the first loaded records", self.coordinator,
                     self.coordinator_log)
            self.killed_while_running = self.coordinator.poll() is None
            procs[0].send_signal(signal.SIGKILL)
            procs[0].wait(60)
            self.emulator.set_faults({})
            procs.append(self.start_worker(endpoint, workers))  # a replacement, as k8s would
        try:
            code = self.coordinator.wait(VERB_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError("coordinator did not end\n" + read_text(self.coordinator_log))
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

    def assert_exact(self, before, after, failures):
        """The emulator holds exactly what truth.json says, and nothing doubled."""
        t = self.test
        found = self.destination_ids(after)
        failed = {(f.get("object"), f.get("id")) for f in failures}
        expected_names = {}
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

    def edit_source_patients(self):
        """Modifies one valid patient, adds one (a copy under a new id), deletes one, each with
        its modified-at set to now. Returns {modified, added, deleted} ids, or None."""
        prof = self.profile_object("patients")
        path = self.source_path("patients")
        key, stamp = prof.get("primary_key"), prof.get("modified_at")
        ids = [str(i) for i in self.truth["objects"]["patients"]["ids"]]
        dup = {str(i) for d in self.truth.get("duplicates", []) for i in d.get("ids", [])}
        plain = [i for i in ids if i not in dup]
        modified, deleted, template = plain[-1], plain[-2], plain[-3]
        digits = re.match(r"^(.*?)(\d+)$", ids[-1])
        if not digits:
            return None
        n = int(digits.group(2)) + 1000
        added = digits.group(1) + str(n).zfill(len(digits.group(2)))
        raw = open(path, "rb").read()
        enc = "utf-8"
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            enc = "cp1252"
        if path.endswith(".csv"):
            text = raw.decode(enc, errors="surrogateescape")
            rows = list(csv.reader(io.StringIO(text)))
            header = rows[0]
            ki, si = header.index(key), header.index(stamp) if stamp in header else None
            out = [header]
            copy = None
            for r in rows[1:]:
                if len(r) == len(header) and r[ki] == deleted:
                    continue
                if len(r) == len(header) and r[ki] == template:
                    copy = list(r)
                if len(r) == len(header) and r[ki] == modified:
                    r = list(r)
                    for col in range(len(r)):
                        if col not in (ki, si) and re.match(r"^[A-Za-z]{3,}$", r[col] or ""):
                            r[col] = r[col] + "x"  # a name-like value, changed in place
                            break
                    if si is not None:
                        r[si] = _now_like(r[si]) or r[si]
                out.append(r)
            if copy is None:
                return None
            copy[ki] = added
            if si is not None:
                copy[si] = _now_like(copy[si]) or copy[si]
            out.append(copy)
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(out)
            open(path, "wb").write(buf.getvalue().encode(enc, errors="surrogateescape"))
        elif path.endswith(".ndjson") or path.endswith(".jsonl"):
            lines = raw.decode(enc, errors="surrogateescape").splitlines()
            out, copy = [], None
            for line in lines:
                try:
                    r = json.loads(line)
                except ValueError:
                    out.append(line)
                    continue
                if not isinstance(r, dict):
                    out.append(line)
                    continue
                rid = str(r.get(key))
                if rid == deleted:
                    continue
                if rid == template:
                    copy = dict(r)
                if rid == modified:
                    for k2, v in r.items():
                        if k2 not in (key, stamp) and isinstance(v, str) and re.match(
                                r"^[A-Za-z]{3,}$", v):
                            r[k2] = v + "x"
                            break
                    if stamp in r and isinstance(r[stamp], str):
                        r[stamp] = _now_like(r[stamp]) or r[stamp]
                    line = json.dumps(r, ensure_ascii=False)
                out.append(line)
            if copy is None:
                return None
            copy[key] = int(added) if isinstance(copy.get(key), int) else added
            if stamp in copy and isinstance(copy[stamp], str):
                copy[stamp] = _now_like(copy[stamp]) or copy[stamp]
            out.append(json.dumps(copy, ensure_ascii=False))
            open(path, "wb").write(("\n".join(out) + "\n").encode(enc, errors="surrogateescape"))
        else:
            return None
        return {"modified": modified, "added": added, "deleted": deleted}

    def profile_object(self, obj):
        path = os.path.join(SOURCE_DIR, "connectors/sources/profiles", self.source + ".json")
        with open(path, encoding="utf-8") as handle:
            profile = json.load(handle)
        objects = profile["objects"]
        if isinstance(objects, dict):
            objects = [dict(v, name=k) for k, v in objects.items()]
        for o in objects:
            if o.get("name") == obj:
                return o
        return None

    def source_path(self, obj):
        info = self.truth["objects"].get(obj)
        return os.path.join(self.bundle, info["file"]) if info else None

    def read_source(self, obj):
        """{source id: row} of a CSV / NDJSON / JSON-array file of the bundle, valid rows only
        (None when the file cannot be read with the standard library)."""
        info = self.truth["objects"].get(obj)
        prof = self.profile_object(obj)
        if not info or not info.get("ids") or not prof:
            return None
        path = self.source_path(obj)
        if not os.path.exists(path):
            return None
        key = prof.get("primary_key")
        valid = {str(i) for i in info["ids"]}
        raw = open(path, "rb").read()
        text = None
        for enc in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            text = raw.decode("utf-8", errors="replace")
        rows = []
        try:
            if path.endswith(".csv") or path.endswith(".txt"):
                rows = list(csv.DictReader(io.StringIO(text)))
            elif path.endswith(".ndjson") or path.endswith(".jsonl"):
                for line in text.splitlines():
                    try:
                        rows.append(json.loads(line))
                    except ValueError:
                        pass
            elif path.endswith(".json"):
                rows = [r for r in json.loads(text) if isinstance(r, dict)]
        except (csv.Error, ValueError):
            return None
        out = {}
        for r in rows:
            if not isinstance(r, dict):
                continue
            v = r.get(key)
            if v is not None and str(v) in valid:
                out[str(v)] = {k: ("" if x is None else x if isinstance(x, str) else
                                   json.dumps(x) if isinstance(x, (dict, list)) else str(x))
                               for k, x in r.items() if k is not None}
        return out


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


class PairCase:
    """One seed pair's workflow, mixed into a unittest.TestCase that sets SOURCE,
    DESTINATION and PAIR (a mixin, so discovery does not run it on its own)."""
    SOURCE = None
    DESTINATION = None
    PAIR = None

    def new_migration(self, name):
        m = Migration(self, self.SOURCE, self.DESTINATION, self.PAIR,
                      "e2e-%s-%s" % (self.PAIR, name))
        return m.start()

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

    def check_outcome(self, m, result, failures, code, log):
        # Every record read is accounted for.
        for obj, c in result.get("objects", {}).items():
            # `updated` and `flagged` are part of `loaded` (workers/task_runner.cc).
            self.assertEqual(c["read"], c["loaded"] + c["skipped"] + c["failed"] + c["unlinked"],
                             "%s: read %s not reconciled: %s" % (obj, c["read"], c))
        # Planted bad records are reported with reasons, each once.
        seen = set()
        for f in failures:
            key = (f["object"], f["id"], f["field"], f["kind"])
            self.assertNotIn(key, seen, "failure reported twice: %s" % (key,))
            seen.add(key)
            self.assertTrue(f["reason"], "failure without a reason: %s" % f)
        reported = {(f["object"], f["id"]) for f in failures}
        for bad in m.truth.get("bad_rows", []):
            if m.map.get(bad["object"]) and bad.get("id"):
                self.assertIn((bad["object"], str(bad["id"])), reported,
                              "planted bad row %s not in failures.csv" % bad)
        for item in m.truth.get("dangling_references", {}).get("items", []):
            linked = any(r["object"] == item.get("target") for t in m.map.get(item["object"], [])
                         for r in t["references"])
            if linked:
                self.assertIn((item["object"], str(item["id"])), reported,
                              "dangling reference %s not reported" % item)
        # Failures are those planted, so the run may exit 1 (records failed) but never crash.
        self.assertIn(code, (0, 1), "coordinator exit %s\n%s" % (code, log))
        self.assertEqual(result.get("failed_tasks", 0), 0, "failed tasks\n" + log)

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
        m, before, after = self.migrate_and_check("faults", faults=True)
        m.verb("rollback")
        self.assertEqual(m.emulator.snapshot(), before)

    def test_sample_diff(self):
        if verb_placeholder("sample"):
            self.skipTest("sample not built yet")
        m = self.new_migration("sample")
        m.prepare()
        m.verb("sample", "--size", "20")
        result = m.verb_json("sample")
        diff = result.get("diff", result)
        unexpected = diff.get("unexpected", diff.get("unexpected_differences"))
        self.assertIsNotNone(unexpected, "sample.json has no unexpected-difference count: %s" %
                             sorted(result))
        self.assertEqual(unexpected if isinstance(unexpected, int) else len(unexpected), 0,
                         "sample diff has unexpected differences: %s" % unexpected)

    def test_delta_twice(self):
        if verb_placeholder("delta"):
            self.skipTest("delta not built yet")
        m, before, first = self.migrate_and_check("delta")
        edits = m.edit_source_patients()
        if edits is None:
            self.fail("cannot edit this bundle's patients file with the standard library")
        m.verb("delta", expect=None)
        after1 = m.emulator.snapshot()
        m.verb("delta", expect=None)
        after2 = m.emulator.snapshot()
        found = m.destination_ids(after2)
        tag = m.map["patients"][0]["tag"]
        # The added patient is there once; the modified one changed in place.
        added = m.name_of("patients/%s/%s" % (edits["added"], tag))
        self.assertIn(added, found, "the patient added in the source was not created by delta")
        changed = m.name_of("patients/%s/%s" % (edits["modified"], tag))
        self.assertIn(changed, found)
        model, rid = found[changed]
        old = [r for r in m.tables(first).get(model, []) if r.get("id") == rid]
        new = [r for r in m.tables(after2).get(model, []) if r.get("id") == rid]
        self.assertEqual(len(new), 1)
        self.assertNotEqual(old, new, "the patient modified in the source was not updated")
        # The second delta changed nothing, and nothing is doubled.
        self.assertEqual(after1, after2, "a second delta with no source change wrote again")
        m.assert_exact(before, after2, m.failures("latest"))
        result = m.verb_json("delta")
        self.assertIn(edits["deleted"], json.dumps(result) + open(
            os.path.join(m.run_dir, "latest", "delta.json")).read(),
            "the patient deleted in the source is not reported")
