"""Tests of the source REST simulator: it must serve the bundle exactly, refuse what it should
and count what it did, or the C++ reader's tests against it prove nothing."""

import http.client
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
SIM = os.path.join(HERE, "source_rest_sim.py")
PROFILE = os.path.join(HERE, "testdata", "profile.json")
BUNDLE = os.path.join(HERE, "testdata", "bundle")
TOKEN = "sim-test-token"


class Sim:
    def __init__(self, *extra, profile=PROFILE):
        self.dir = tempfile.TemporaryDirectory()
        port_file = os.path.join(self.dir.name, "port")
        env = dict(os.environ, SOURCE_TOKEN=TOKEN)
        self.proc = subprocess.Popen(
            [sys.executable, SIM, "--bundle", BUNDLE, "--profile", profile, "--port", "0",
             "--port-file", port_file, "--token-env", "SOURCE_TOKEN", *extra],
            env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("simulator did not start")
            time.sleep(0.01)
        with open(port_file) as f:
            self.port = int(f.read())

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.dir.cleanup()

    def call(self, method, path, body=None, token=TOKEN):
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, data=data, timeout=10) as res:
                return res.status, dict(res.headers), json.loads(res.read())
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), json.loads(e.read() or b"null")

    def walk(self, path, **params):
        """Every item of an endpoint, following cursors."""
        items, cursor = [], None
        while True:
            q = dict(params)
            if cursor:
                q["cursor"] = cursor
            qs = "&".join("%s=%s" % kv for kv in q.items())
            status, _, body = self.call("GET", path + ("?" + qs if qs else ""))
            if status != 200:
                raise AssertionError("status %d: %s" % (status, body))
            items += body["data"]
            cursor = body["next_cursor"]
            if not cursor:
                return items


class ServingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sim = Sim()

    @classmethod
    def tearDownClass(cls):
        cls.sim.close()

    def test_refuses_missing_or_wrong_token(self):
        status, headers, _ = self.sim.call("GET", "/api/v1/patients", token=None)
        self.assertEqual(status, 401)
        self.assertIn("Bearer", headers.get("WWW-Authenticate", ""))
        status, _, _ = self.sim.call("GET", "/api/v1/patients", token="wrong")
        self.assertEqual(status, 401)

    def test_pages_serve_every_record_once_and_malformed_rows_last(self):
        items = self.sim.walk("/api/v1/patients", limit=2)
        ids = [i["id"] for i in items if isinstance(i, dict) and "id" in i]
        self.assertEqual(ids, ["P-001", "P-002", "P-003", "P-004", "P-005"])
        self.assertEqual(len(items), 6)
        self.assertNotIn("id", items[-1])  # the bundle line without a key, served as it is

    def test_csv_object_is_served_with_its_columns(self):
        items = self.sim.walk("/api/v1/appointments", limit=500)
        self.assertEqual([i["ApptID"] for i in items], ["A-1", "A-2", "A-3"])
        self.assertEqual(items[2]["Provider"], "Dr. Lee\nOrtho")

    def test_modified_since_filters_inclusively(self):
        items = self.sim.walk("/api/v1/patients", updated_since="2024-03-05T08:15:00Z")
        self.assertEqual([i["id"] for i in items], ["P-003", "P-004", "P-005"])
        items = self.sim.walk("/api/v1/appointments", updated_since="2024-02-01T12:30:00Z")
        self.assertEqual([i["ApptID"] for i in items], ["A-2", "A-3"])

    def test_partitions_split_records_without_overlap(self):
        seen = []
        for p in range(3):
            seen += [i.get("id") for i in self.sim.walk("/api/v1/patients", partition=p,
                                                       partitions=3, limit=1)]
        self.assertEqual(sorted(x for x in seen if x), ["P-001", "P-002", "P-003", "P-004",
                                                        "P-005"])

    def test_refuses_bad_parameters_and_foreign_cursors(self):
        self.assertEqual(self.sim.call("GET", "/api/v1/patients?limit=0")[0], 400)
        self.assertEqual(self.sim.call("GET", "/api/v1/patients?limit=501")[0], 400)
        self.assertEqual(self.sim.call("GET", "/api/v1/patients?updated_since=yesterday")[0], 400)
        self.assertEqual(self.sim.call("GET", "/api/v1/patients?partition=3&partitions=3")[0], 400)
        self.assertEqual(self.sim.call("GET", "/api/v1/patients?cursor=garbage")[0], 400)
        _, _, body = self.sim.call("GET", "/api/v1/patients?limit=1")
        cursor = body["next_cursor"]
        self.assertEqual(self.sim.call("GET", "/api/v1/appointments?cursor=" + cursor)[0], 400)
        self.assertEqual(self.sim.call("GET", "/api/v1/nothing")[0], 404)


class ChangeTest(unittest.TestCase):
    def setUp(self):
        self.sim = Sim()

    def tearDown(self):
        self.sim.close()

    def test_upsert_and_delete_show_in_delta(self):
        status, _, body = self.sim.call("POST", "/_sim/records/patients",
                                        {"id": "P-002", "name": {"first": "Bjorn", "last": "Ek"},
                                         "updated_at": "2020-01-01T00:00:00Z"})
        self.assertEqual(status, 200)
        since = body["modified_at"]
        status, _, _ = self.sim.call("POST", "/_sim/records/patients",
                                     [{"id": "P-900", "name": {"first": "New"}}])
        self.assertEqual(status, 200)
        items = self.sim.walk("/api/v1/patients", updated_since=since)
        self.assertEqual([i["id"] for i in items], ["P-002", "P-900"])
        self.assertEqual(items[0]["name"]["first"], "Bjorn")
        # modified-at bumped by the server, written in the bundle's own datetime format
        self.assertRegex(items[0]["updated_at"], r"^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d$")

        status, _, _ = self.sim.call("DELETE", "/_sim/records/patients/P-900")
        self.assertEqual(status, 200)
        self.assertEqual(self.sim.call("DELETE", "/_sim/records/patients/P-900")[0], 404)
        ids = [i.get("id") for i in self.sim.walk("/api/v1/patients")]
        self.assertNotIn("P-900", ids)
        self.assertEqual(self.sim.call("POST", "/_sim/records/patients", {"x": 1})[0], 400)
        self.assertEqual(self.sim.call("POST", "/_sim/records/patients", {"id": "P-1"},
                                       token="bad")[0], 401)

    def test_corrupted_record_is_served_as_non_object(self):
        self.assertEqual(self.sim.call("POST", "/_sim/corrupt/patients/P-003")[0], 200)
        items = self.sim.walk("/api/v1/patients")
        self.assertIsInstance(items[2], list)


class OtherPaginationStylesTest(unittest.TestCase):
    """Vendors page differently (connectors/sources/profiles): pages and offsets as well."""

    def _sim_with(self, pagination, modified_since):
        with open(PROFILE) as f:
            profile = json.load(f)
        profile["rest"]["pagination"] = pagination
        profile["rest"]["modified_since"] = modified_since
        self.tmp = tempfile.TemporaryDirectory()
        path = os.path.join(self.tmp.name, "profile.json")
        with open(path, "w") as f:
            json.dump(profile, f)
        return Sim(profile=path)

    def tearDown(self):
        self.tmp.cleanup()

    def test_page_style(self):
        sim = self._sim_with({"style": "page", "page_param": "page", "limit_param": "page_size",
                              "max_limit": 200, "items_field": "items",
                              "total_pages_field": "total_pages", "first_page": 1},
                             {"param": "modified_after", "format": "iso8601"})
        try:
            _, _, first = sim.call("GET", "/api/v1/patients?page=1&page_size=4")
            _, _, second = sim.call("GET", "/api/v1/patients?page=2&page_size=4")
            self.assertEqual(first["total_pages"], 2)
            self.assertEqual([i["id"] for i in first["items"]], ["P-001", "P-002", "P-003",
                                                                 "P-004"])
            self.assertEqual(len(second["items"]), 2)
            self.assertEqual(sim.call("GET", "/api/v1/patients?page=0")[0], 400)
        finally:
            sim.close()

    def test_offset_style_with_epoch_filter(self):
        sim = self._sim_with({"style": "offset", "offset_param": "baslangic", "limit_param": "adet",
                              "max_limit": 250, "items_field": "kayitlar", "total_field": "toplam"},
                             {"param": "guncelleme_sonrasi", "format": "epoch"})
        try:
            since = 1710000000  # 2024-03-09T16:00:00Z
            _, _, body = sim.call("GET", "/api/v1/patients?baslangic=1&adet=5&guncelleme_sonrasi=%d"
                                  % since)
            self.assertEqual(body["toplam"], 2)
            self.assertEqual([i["id"] for i in body["kayitlar"]], ["P-005"])
        finally:
            sim.close()


    def test_next_url_style_with_epoch_ms_filter(self):
        sim = self._sim_with({"style": "next_url", "limit_param": "PageSize", "max_limit": 1000,
                              "items_field": "Items", "next_field": "NextPageUrl"},
                             {"param": "ModifiedSince", "format": "epoch_ms"})
        try:
            path, ids = "/api/v1/patients?PageSize=2&ModifiedSince=1706745600000", []
            while path:
                status, _, body = sim.call("GET", path)
                self.assertEqual(status, 200)
                ids += [i["id"] for i in body["Items"]]
                path = body["NextPageUrl"]
            self.assertEqual(ids, ["P-002", "P-003", "P-004", "P-005"])
        finally:
            sim.close()


class RateLimitTest(unittest.TestCase):
    def test_answers_429_beyond_the_window_and_counts_why(self):
        sim = Sim("--rate-limit", "3", "--rate-window", "30")
        try:
            codes = [sim.call("GET", "/api/v1/patients")[0] for _ in range(3)]
            self.assertEqual(codes, [200, 200, 200])
            status, headers, _ = sim.call("GET", "/api/v1/patients")
            self.assertEqual(status, 429)
            self.assertGreaterEqual(int(headers["Retry-After"]), 1)
            _, _, stats = sim.call("GET", "/_sim/stats")
            self.assertEqual(stats["throttled"], {"rate_limit": 1, "injected": 0})
            self.assertEqual(stats["windows"][0]["admitted"], 3)
            self.assertEqual(stats["rate_limit"], 3)
        finally:
            sim.close()


class FaultTest(unittest.TestCase):
    def test_injected_faults_are_answered_and_counted(self):
        sim = Sim("--faults", "503=1")
        try:
            self.assertEqual(sim.call("GET", "/api/v1/patients")[0], 503)
            sim.call("POST", "/_sim/faults", {"spec": "429=1:2"})
            status, headers, _ = sim.call("GET", "/api/v1/patients")
            self.assertEqual((status, headers["Retry-After"]), (429, "2"))
            sim.call("POST", "/_sim/faults", {"spec": "drop=1"})
            conn = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=10)
            conn.request("GET", "/api/v1/patients", headers={"Authorization": "Bearer " + TOKEN})
            with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
                conn.getresponse()
            conn.close()
            self.assertEqual(sim.call("POST", "/_sim/faults", {"spec": "teapot=1"})[0], 400)
            sim.call("POST", "/_sim/faults", {"spec": ""})
            _, _, stats = sim.call("GET", "/_sim/stats")
            self.assertEqual(stats["faults"], {"503": 1, "429": 1, "drop": 1})
            self.assertEqual(stats["throttled"]["injected"], 1)
        finally:
            sim.close()

    def test_refuses_to_start_without_token(self):
        env = {k: v for k, v in os.environ.items() if k != "NO_SUCH_TOKEN"}
        res = subprocess.run([sys.executable, SIM, "--bundle", BUNDLE, "--profile", PROFILE,
                              "--token-env", "NO_SUCH_TOKEN"], env=env, capture_output=True,
                             timeout=20)
        self.assertEqual(res.returncode, 2)
        self.assertIn(b"NO_SUCH_TOKEN", res.stderr)


if __name__ == "__main__":
    unittest.main()
