"""The simulator understands every shipped vendor profile's REST shape."""

import glob
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)

import source_rest_sim  # noqa: E402


class VendorProfileTest(unittest.TestCase):
    def test_every_profile_loads_and_every_endpoint_resolves(self):
        paths = sorted(glob.glob(os.path.join(ROOT, "connectors", "sources", "profiles", "*.json")))
        self.assertGreaterEqual(len(paths), 4)
        styles = set()
        with tempfile.TemporaryDirectory() as empty_bundle:
            for path in paths:
                with open(path, encoding="utf-8") as f:
                    profile = json.load(f)
                store = source_rest_sim.Store(empty_bundle, profile)
                styles.add(store.rest["pagination"]["style"])
                base = store.rest["base_path"].rstrip("/")
                for obj in profile["objects"]:
                    self.assertEqual(store.endpoint_object(base + obj["endpoint"]), obj["name"],
                                     "%s %s" % (os.path.basename(path), obj["name"]))
        self.assertEqual(styles, {"cursor", "page", "offset", "next_url"})

    def test_vendor_time_notations_round_trip(self):
        for fmt in ("MM/DD/YYYY HH:mm:ss", "DD/MM/YYYY HH:mm", "DD.MM.YYYY HH:mm:ss", "iso8601",
                    "epoch", "epoch_ms"):
            t = 1709287200  # 2024-03-01T10:00:00Z
            text = source_rest_sim.format_time(t, fmt)
            self.assertEqual(source_rest_sim.parse_time(str(text), fmt), t, fmt)
        self.assertIsNone(source_rest_sim.parse_time("02/30/2024 10:00:00", "MM/DD/YYYY HH:mm:ss"))


if __name__ == "__main__":
    unittest.main()
