"""POST /rest/batch/<objects>: order, caps, all-or-nothing, duplicates, client ids, upsert
(id and unique fields, soft-deleted rows restored), the soft-delete uniqueness trap."""

import http.client
import json
import unittest
import uuid

from emulator_harness import API_KEY, EmulatorTestCase

NS = uuid.UUID("0b7c6f1e-2d4a-4e59-9c1a-5a8f3e2d1c00")


def pid(n):
    return str(uuid.uuid5(NS, f"person-{n}"))


def people(n, start=0):
    return [{"id": pid(i), "name": {"firstName": f"P{i}", "lastName": "Test"},
             "emails": {"primaryEmail": f"p{i}@example.org"}} for i in range(start, start + n)]


class BatchTest(EmulatorTestCase):
    ARGS = ("--batch-max", "50", "--empty-workspace", "--body-limit", "200000")

    def count(self, plural="people"):
        return self.ok("GET", f"/rest/{plural}?limit=0")["totalCount"]

    def test_batch_returns_records_in_input_order_with_client_ids(self):
        out = self.ok("POST", "/rest/batch/people", people(10), expect=201)
        self.assertEqual([r["id"] for r in out["data"]["people"]], [pid(i) for i in range(10)])
        self.assertEqual(self.count(), 10)

    def test_body_must_be_a_non_empty_array(self):
        status, out = self.call("POST", "/rest/batch/people", {"name": {}})
        self.assertTwentyError(status, out, 400, "Body must be an array")
        status, out = self.call("POST", "/rest/batch/people", [])
        self.assertTwentyError(status, out, 400, "Input must not be empty")

    def test_cap_on_records_per_call(self):
        status, out = self.call("POST", "/rest/batch/people", people(51))
        self.assertTwentyError(status, out, 400, "Maximum number of records to upsert is 50.")
        self.assertEqual(self.count(), 0)
        self.ok("POST", "/rest/batch/people", people(50), expect=201)
        self.assertEqual(self.count(), 50)

    def test_body_limit(self):
        big = [{"jobTitle": "x" * 250000}]
        status, out = self.call("POST", "/rest/batch/people", big)
        self.assertTwentyError(status, out, 413, "request entity too large")
        self.assertEqual(self.count(), 0)

    def test_one_bad_record_stores_nothing_of_the_batch(self):
        batch = people(5)
        batch[3]["emails"] = {"primaryEmail": "not an email"}
        status, out = self.call("POST", "/rest/batch/people", batch)
        self.assertTwentyError(status, out, 400, "email field")
        batch = people(5)
        batch[4]["companyId"] = str(uuid.uuid4())
        status, out = self.call("POST", "/rest/batch/people", batch)
        self.assertTwentyError(status, out, 400, "foreign key")
        self.assertEqual(self.count(), 0)

    def test_duplicate_email_inside_one_batch_fails_the_batch(self):
        batch = people(3)
        batch[2]["emails"] = {"primaryEmail": "P0@EXAMPLE.org"}  # canonicalised -> duplicate
        status, out = self.call("POST", "/rest/batch/people", batch)
        self.assertTwentyError(status, out, 400, "A duplicate entry was detected")
        self.assertEqual(self.count(), 0)

    def test_same_batch_twice_creates_nothing_new(self):
        self.ok("POST", "/rest/batch/people", people(20), expect=201)
        status, out = self.call("POST", "/rest/batch/people", people(20))
        self.assertTwentyError(status, out, 400, "A duplicate entry was detected")
        self.ok("POST", "/rest/batch/people?upsert=true", people(20), expect=201)
        self.assertEqual(self.count(), 20)

    def test_retried_half_done_batch_with_upsert_creates_nothing_twice(self):
        self.ok("POST", "/rest/batch/people", people(10), expect=201)  # first half landed
        out = self.ok("POST", "/rest/batch/people?upsert=true", people(20), expect=201)
        self.assertEqual([r["id"] for r in out["data"]["people"]], [pid(i) for i in range(20)])
        self.assertEqual(self.count(), 20)
        stats = self.emu.control("GET", "stats")
        self.assertEqual(stats["records"]["created"], 20)
        self.assertEqual(stats["records"]["updated"], 10)

    def test_upsert_updates_only_the_fields_sent(self):
        self.ok("POST", "/rest/batch/people",
                [dict(people(1)[0], city="Oslo", jobTitle="Dentist")], expect=201)
        out = self.ok("POST", "/rest/batch/people?upsert=true",
                      [{"id": pid(0), "city": "Bergen"}], expect=201)
        rec = out["data"]["people"][0]
        self.assertEqual((rec["city"], rec["jobTitle"]), ("Bergen", "Dentist"))

    def test_upsert_matches_on_unique_email_and_keeps_the_existing_id(self):
        self.ok("POST", "/rest/batch/people", people(1), expect=201)
        other_id = str(uuid.uuid4())
        out = self.ok("POST", "/rest/batch/people?upsert=true",
                      [{"id": other_id, "emails": {"primaryEmail": "P0@example.org"},
                        "city": "Rome"}], expect=201)
        self.assertEqual(out["data"]["people"][0]["id"], pid(0))
        self.assertEqual(self.count(), 1)

    def test_upsert_restores_a_soft_deleted_match(self):
        self.ok("POST", "/rest/batch/people", people(2), expect=201)
        self.ok("DELETE", f"/rest/people/{pid(1)}?soft_delete=true")
        self.assertEqual(self.count(), 1)
        out = self.ok("POST", "/rest/batch/people?upsert=true",
                      [{"emails": {"primaryEmail": "p1@example.org"}, "city": "Back"}],
                      expect=201)
        rec = out["data"]["people"][0]
        self.assertEqual(rec["id"], pid(1))
        self.assertIsNone(rec["deletedAt"])
        self.assertEqual(self.count(), 2)

    def test_upsert_refuses_an_input_matching_two_records(self):
        self.ok("POST", "/rest/batch/people", people(2), expect=201)
        status, out = self.call("POST", "/rest/batch/people?upsert=true",
                                [{"id": pid(0), "emails": {"primaryEmail": "p1@example.org"}}])
        self.assertTwentyError(status, out, 400, "Multiple records found with the same unique "
                                                 "field values")

    def test_soft_deleted_rows_keep_their_unique_values_and_ids(self):
        self.ok("POST", "/rest/batch/people", people(1), expect=201)
        self.ok("DELETE", f"/rest/people/{pid(0)}?soft_delete=true")
        status, out = self.call("POST", "/rest/people",
                                {"emails": {"primaryEmail": "p0@example.org"}})
        self.assertTwentyError(status, out, 400, "A duplicate entry was detected")
        status, out = self.call("POST", "/rest/people", {"id": pid(0)})
        self.assertTwentyError(status, out, 400, "A duplicate entry was detected")
        self.ok("DELETE", f"/rest/people/{pid(0)}")  # destroy frees both
        self.ok("POST", "/rest/people", {"id": pid(0),
                                         "emails": {"primaryEmail": "p0@example.org"}},
                expect=201)

    def test_company_domain_is_unique(self):
        self.ok("POST", "/rest/batch/companies",
                [{"name": "A", "domainName": {"primaryLinkUrl": "https://a.example"}}],
                expect=201)
        status, out = self.call("POST", "/rest/batch/companies",
                                [{"name": "B", "domainName": {"primaryLinkUrl": "HTTPS://A.example/"}}])
        self.assertTwentyError(status, out, 400, "A duplicate entry was detected")
        self.ok("POST", "/rest/batch/companies", [{"name": "C"}, {"name": "D"}], expect=201)

    def test_upsert_on_create_one(self):
        self.ok("POST", "/rest/people", people(1)[0], expect=201)
        out = self.ok("POST", "/rest/people?upsert=true",
                      dict(people(1)[0], city="Lima"), expect=201)
        self.assertEqual(out["data"]["createPerson"]["city"], "Lima")
        self.assertEqual(self.count(), 1)

    def test_body_not_declared_json_is_not_read(self):
        status, out = self.call("POST", "/rest/batch/people", raw=json.dumps(people(1)).encode(),
                                headers={"Content-Type": "text/plain"})
        self.assertTwentyError(status, out, 400, "Body must be an array")

    def test_chunked_request_body(self):
        host = self.emu.base.split("//")[1]
        conn = http.client.HTTPConnection(host, timeout=30)
        body = json.dumps(people(3)).encode()
        conn.request("POST", "/rest/batch/people", body=iter([body[:10], body[10:]]),
                     headers={"Authorization": f"Bearer {API_KEY}",
                              "Content-Type": "application/json"}, encode_chunked=True)
        resp = conn.getresponse()
        self.assertEqual(resp.status, 201, resp.read())
        conn.close()
        self.assertEqual(self.count(), 3)

    def test_invalid_json_is_400(self):
        status, out = self.call("POST", "/rest/batch/people", raw=b"[{",
                                headers={"Content-Type": "application/json"})
        self.assertTwentyError(status, out, 400, "Invalid JSON")
        self.assertEqual(json.dumps(out["messages"]).count("["), 1)


if __name__ == "__main__":
    unittest.main()
