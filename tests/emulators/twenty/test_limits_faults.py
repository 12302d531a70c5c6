"""Rate limit (429 and the statistics a utilisation test reads) and fault injection."""

import http.client
import unittest
import urllib.error
import uuid

from emulator_harness import EmulatorTestCase

PEOPLE = [{"id": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"f{i}.example")),
           "emails": {"primaryEmail": f"f{i}@example.org"}} for i in range(5)]


class RateLimitTest(EmulatorTestCase):
    # A window far longer than the test: the bucket cannot refill while it runs.
    ARGS = ("--rate-limit", "5", "--rate-window-ms", "600000")

    def test_requests_over_the_limit_get_429_and_are_counted(self):
        statuses = [self.call("GET", "/rest/companies?limit=1")[0] for _ in range(12)]
        self.assertEqual(statuses, [200] * 5 + [429] * 7)
        status, out = self.call("GET", "/rest/people")
        self.assertTwentyError(status, out, 429, "Limit reached (5 tokens per 600000 ms)")
        stats = self.emu.control("GET", "stats")
        self.assertEqual(stats["accepted"], 5)
        self.assertEqual(stats["throttled"], 8)
        self.assertEqual(stats["requests"], 13)
        self.assertEqual(sum(w["accepted"] for w in stats["windows"]), 5)
        self.assertEqual(stats["rateLimit"], {"limit": 5, "windowMs": 600000.0})

    def test_graphql_over_the_limit_answers_200_with_errors(self):
        for _ in range(5):
            self.call("GET", "/rest/people?limit=1")
        status, out = self.call("POST", "/graphql", {"query": "{ __typename }"})
        self.assertEqual(status, 200)
        self.assertEqual(out["errors"][0]["message"], "Too many requests.")

    def test_unauthenticated_requests_take_no_token(self):
        for _ in range(10):
            self.assertEqual(self.call("GET", "/rest/people", key="bad")[0], 401)
        self.assertEqual(self.call("GET", "/rest/people")[0], 200)

    def test_control_endpoints_are_not_limited(self):
        for _ in range(20):
            self.emu.control("GET", "stats")

    def test_bucket_refills(self):
        self.emu.control("POST", "config", {"rate_limit": 2, "rate_window_ms": 100})
        statuses = [self.call("GET", "/rest/people?limit=1")[0] for _ in range(6)]
        self.assertIn(429, statuses)
        # Wait for the condition (a token is back), not for a fixed time.
        for _ in range(1000):
            if self.call("GET", "/rest/people?limit=1")[0] == 200:
                break
        else:
            self.fail("the bucket never refilled")
        self.emu.control("POST", "config", {"rate_limit": 5, "rate_window_ms": 600000})


class FaultTest(EmulatorTestCase):
    ARGS = ("--seed", "7")

    def faults(self, spec):
        self.emu.control("POST", "faults", spec)

    def test_queued_faults_hit_the_next_requests_in_order(self):
        self.faults({"next": ["500", "502", "503", "cache_miss"]})
        seen = [self.call("GET", "/rest/people") for _ in range(5)]
        self.assertEqual([s for s, _ in seen], [500, 502, 503, 500, 200])
        self.assertEqual(seen[3][1]["messages"], ["Metadata cache version not found"])
        self.assertEqual(seen[0][1]["statusCode"], 500)
        stats = self.emu.control("GET", "stats")
        self.assertEqual(stats["faults"], {"500": 1, "502": 1, "503": 1, "cache_miss": 1})

    def test_cache_lost_fails_only_the_first_request(self):
        self.faults({"cache_lost": True})
        status, out = self.call("GET", "/rest/people")
        self.assertTwentyError(status, out, 500, "Metadata cache version not found")
        self.assertEqual(self.call("GET", "/rest/people")[0], 200)

    def test_failed_request_before_commit_stores_nothing(self):
        self.faults({"next": ["503"]})
        self.assertEqual(self.call("POST", "/rest/batch/people", PEOPLE)[0], 503)
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 5)

    def test_timeout_after_commit_answers_400_but_keeps_every_row(self):
        self.faults({"next": ["timeout_after_commit"]})
        status, out = self.call("POST", "/rest/batch/people", PEOPLE)
        self.assertTwentyError(status, out, 400, "Query read timeout")
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 10)
        status, out = self.call("POST", "/rest/batch/people", PEOPLE)  # a blind retry
        self.assertTwentyError(status, out, 400, "A duplicate entry was detected")

    def test_dropped_connection(self):
        self.faults({"next": ["drop"]})
        with self.assertRaises((urllib.error.URLError, http.client.HTTPException,
                                ConnectionError)):
            self.call("POST", "/rest/batch/people", PEOPLE)
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 5)

    def test_connection_dropped_after_commit(self):
        self.faults({"next": ["drop_after_commit"]})
        self.assertEqual(self.call("GET", "/rest/people")[0], 200)  # reads skip it
        with self.assertRaises((urllib.error.URLError, http.client.HTTPException,
                                ConnectionError)):
            self.call("POST", "/rest/batch/people", PEOPLE)
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 10)

    def test_slow_answers_still_answer(self):
        self.faults({"p_slow": 1.0, "slow_ms": 20})
        self.assertEqual(self.call("GET", "/rest/people")[0], 200)
        self.assertEqual(self.emu.control("GET", "stats")["faults"], {"slow": 1})

    def test_probabilities_are_seeded(self):
        def pattern():
            self.faults({"p500": 0.5, "seed": 3})
            return [self.call("GET", "/rest/people?limit=1")[0] for _ in range(30)]

        first, second = pattern(), pattern()
        self.assertEqual(first, second)
        self.assertIn(500, first)
        self.assertIn(200, first)

    def test_fault_spec_is_checked(self):
        status, out = self.call("POST", "/_emulator/faults", {"p501": 1}, key=None)
        self.assertTwentyError(status, out, 400, "unknown fault keys")


class FaultsFromCommandLineTest(EmulatorTestCase):
    ARGS = ("--faults", "next=503+500")

    def setUp(self):
        pass  # keep the command-line plan: reset would clear it

    def test_command_line_plan(self):
        self.assertEqual([self.call("GET", "/rest/people")[0] for _ in range(3)],
                         [503, 500, 200])


if __name__ == "__main__":
    unittest.main()
