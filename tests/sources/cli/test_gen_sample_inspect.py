"""The gen-sample and inspect verbs end to end, through the bridgework binary."""
import hashlib
import json
import os
import stat
import subprocess
import tempfile
import unittest

BRIDGEWORK = os.environ.get("BRIDGEWORK", "bridgework")


def run(*args):
    return subprocess.run([BRIDGEWORK, *args], capture_output=True, text=True, timeout=300)


def digest(folder):
    h = hashlib.sha256()
    for root, _, files in sorted(os.walk(folder)):
        for name in sorted(files):
            path = os.path.join(root, name)
            h.update(os.path.relpath(path, folder).encode())
            with open(path, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


class GenSampleInspectTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def gen(self, kind, out, seed=5, patients=200):
        r = run("gen-sample", "--source", kind, "--patients", str(patients), "--seed", str(seed),
                "--out", out, "--large-file-bytes", "20000", "--max-attachment-bytes", "50000",
                "--attachment-files", "30")
        self.assertEqual(r.returncode, 0, r.stderr)
        return out

    def test_same_seed_same_bytes(self):
        a = self.gen("core-practice", os.path.join(self.dir, "a"))
        b = self.gen("core-practice", os.path.join(self.dir, "b"))
        self.assertEqual(digest(a), digest(b))

    def test_unknown_source_is_a_usage_error(self):
        r = run("gen-sample", "--source", "nope", "--patients", "100", "--out", self.dir)
        self.assertEqual(r.returncode, 2)
        self.assertIn("nope", r.stderr)

    def test_inspect_writes_the_scope_document(self):
        bundle = self.gen("clinic-place", os.path.join(self.dir, "bundle"))
        with open(os.path.join(bundle, "truth.json")) as f:
            truth = json.load(f)
        config = os.path.join(self.dir, "migration.yaml")
        with open(config, "w") as f:
            f.write("migration: cli-test\n"
                    "source: {kind: clinic-place, bundle: ./bundle}\n"
                    "destination: {kind: 'null', max_attachment_bytes: 50000}\n"
                    "run_dir: ./runs\n")
        r = run("inspect", "--config", config, "--run-id", "scope1")
        self.assertEqual(r.returncode, 0, r.stderr)
        run_dir = os.path.join(self.dir, "runs", "scope1")
        for name in ("inspect.json", "inspect.html"):
            mode = stat.S_IMODE(os.stat(os.path.join(run_dir, name)).st_mode)
            self.assertEqual(mode, 0o600, name)
        with open(os.path.join(run_dir, "inspect.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["verb"], "inspect")
        for name, t in truth["objects"].items():
            self.assertEqual(doc["objects"][name]["read"], t["valid"], name)
        self.assertEqual(doc["scope"]["row_errors"]["count"], len(truth["bad_rows"]))
        self.assertEqual(doc["scope"]["attachments"]["over_limit_count"],
                         truth["attachments"]["over_limit_count"])
        # No patient value in the page or the logs.
        with open(os.path.join(run_dir, "inspect.html"), encoding="utf-8") as f:
            html = f.read()
        for check in truth["checks"]:
            if "value" in check:
                self.assertNotIn(check["value"], html)
                self.assertNotIn(check["value"], r.stderr + r.stdout)

    def test_inspect_csv_kind_shows_inferred_keys(self):
        export = os.path.join(self.dir, "export")
        os.makedirs(export)
        with open(os.path.join(export, "patients.csv"), "w") as f:
            f.write("id,name,email\n1,Ana,ana@example.com\n2,Bo,bad-email\n")
        with open(os.path.join(export, "visits.csv"), "w") as f:
            f.write("visit_id;patient_id;when\nV1;1;2024-01-01\nV2;3;2024-01-02\n")
        config = os.path.join(self.dir, "csv.yaml")
        with open(config, "w") as f:
            f.write("migration: csv-test\nsource: {kind: csv, bundle: ./export}\n"
                    "destination: {kind: 'null'}\nrun_dir: ./runs\n")
        r = run("inspect", "--config", config, "--run-id", "csv1")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.dir, "runs", "csv1", "inspect.json")) as f:
            doc = json.load(f)
        inference = doc["scope"]["csv_inference"]
        self.assertEqual(inference["visits"]["primary_key"]["field"], "visit_id")
        self.assertEqual(inference["visits"]["references"][0]["object"], "patients")
        visits = doc["scope"]["objects"]["visits"]
        self.assertEqual(visits["dangling_references"]["patient_id"]["count"], 1)
        self.assertEqual(doc["scope"]["objects"]["patients"]["invalid_values"]["email"]["count"], 1)

    def test_bad_csv_config_key_names_its_path(self):
        config = os.path.join(self.dir, "bad.yaml")
        os.makedirs(os.path.join(self.dir, "export"))
        with open(config, "w") as f:
            f.write("migration: x\nsource: {kind: csv, bundle: ./export, csv: {delimeter: ';'}}\n"
                    "destination: {kind: 'null'}\n")
        r = run("inspect", "--config", config)
        self.assertEqual(r.returncode, 2)
        self.assertIn("source.csv.delimeter", r.stderr)


if __name__ == "__main__":
    unittest.main()
