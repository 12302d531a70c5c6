"""GET /rest/<objects>: filters, order_by, limit clamp, cursor paging, depth."""

import json
import unittest
import urllib.parse
import uuid

from emulator_harness import EmulatorTestCase

NS = uuid.UUID("3c0a9d2e-7b1f-4d8e-a6c5-111111111111")


def q(**params):
    return "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


class QueryTest(EmulatorTestCase):
    ARGS = ("--empty-workspace", "--default-limit", "10", "--max-limit", "25")

    def setUp(self):
        super().setUp()
        self.company = self.ok("POST", "/rest/companies", {"name": "Clinic"},
                               expect=201)["data"]["createCompany"]
        batch = []
        for i in range(30):
            batch.append({"id": str(uuid.uuid5(NS, str(i))),
                          "name": {"firstName": f"F{i:02d}", "lastName": "Smith" if i % 2 else
                                   "Jones"},
                          "emails": {"primaryEmail": f"p{i:02d}@example.org"},
                          "city": ["Oslo", "Rome", "Lima"][i % 3],
                          "jobTitle": "" if i % 5 else "Dentist",
                          "companyId": self.company["id"] if i < 4 else None})
        self.ok("POST", "/rest/batch/people", batch, expect=201)

    def names(self, query):
        out = self.ok("GET", "/rest/people" + query)
        return [r["name"]["firstName"] for r in out["data"]["people"]], out

    def test_comparators(self):
        cases = {
            'emails.primaryEmail[eq]:"p03@example.org"': 1,
            'city[neq]:"Oslo"': 20,
            'city[in]:["Oslo","Lima"]': 20,
            "companyId[is]:NULL": 26,
            "companyId[is]:NOT_NULL": 4,
            'name.firstName[gte]:"F25"': 5,
            'name.firstName[lt]:"F03"': 3,
            'name.firstName[like]:"F1%"': 10,
            'name.lastName[ilike]:"%SMI%"': 15,
            'emails.primaryEmail[startsWith]:"p2"': 10,
            'jobTitle[eq]:"Dentist"': 6,
        }
        for flt, expected in cases.items():
            with self.subTest(filter=flt):
                _, out = self.names(q(filter=flt, limit=25))
                self.assertEqual(out["totalCount"], expected)

    def test_lookup_by_ids_and_by_unique_email(self):
        ids = [str(uuid.uuid5(NS, str(i))) for i in (1, 2, 29)]
        _, out = self.names(q(filter="id[in]:" + json.dumps(ids), order_by="name.firstName"))
        self.assertEqual([r["id"] for r in out["data"]["people"]], ids)
        _, out = self.names(q(filter='emails.primaryEmail[in]:["p01@example.org","x@y.z"]'))
        self.assertEqual(out["totalCount"], 1)
        _, out = self.names(q(filter='emails.primaryEmail[eq]:"P01@example.org"'))
        self.assertEqual(out["totalCount"], 0)  # stored lower-case; eq is exact

    def test_conjunctions(self):
        _, out = self.names(q(filter='city[eq]:"Oslo",name.lastName[eq]:"Smith"'))
        self.assertEqual(out["totalCount"], 5)
        _, out = self.names(q(filter='or(city[eq]:"Oslo",city[eq]:"Rome")'))
        self.assertEqual(out["totalCount"], 20)
        _, out = self.names(q(filter='and(city[eq]:"Oslo",not(name.lastName[eq]:"Smith"))'))
        self.assertEqual(out["totalCount"], 5)
        _, out = self.names(q(filter='or(and(city[eq]:"Oslo",companyId[is]:NOT_NULL),'
                                     'emails.primaryEmail[eq]:"p29@example.org")'))
        self.assertEqual(out["totalCount"], 3)

    def test_bad_filters_are_400(self):
        for flt, message in [('nope[eq]:"x"', "field 'nope' does not exist in 'person' object"),
                             ('city[near]:"x"', "comparator near"),
                             ('emails[eq]:"x"', "sub-field"),
                             ("city[is]:maybe", "'NULL' or 'NOT_NULL'"),
                             ('and(city[eq]:"x"', "Unbalanced")]:
            with self.subTest(filter=flt):
                status, out = self.call("GET", "/rest/people" + q(filter=flt))
                self.assertTwentyError(status, out, 400, message)

    def test_order_by_and_limit_clamp(self):
        names, out = self.names(q(order_by="name.firstName[DescNullsLast]", limit=3))
        self.assertEqual(names, ["F29", "F28", "F27"])
        names, out = self.names(q(order_by="name.firstName"))
        self.assertEqual(len(names), 10)  # default limit
        names, out = self.names(q(order_by="name.firstName", limit=1000))
        self.assertEqual(len(names), 25)  # clamped
        self.assertTrue(out["pageInfo"]["hasNextPage"])
        status, out = self.call("GET", "/rest/people" + q(order_by="city[Sideways]"))
        self.assertTwentyError(status, out, 400, "direction")

    def test_cursor_paging_visits_every_record_once(self):
        seen, after = [], None
        while True:
            params = {"order_by": "city,name.firstName[DescNullsFirst]", "limit": 7}
            if after:
                params["starting_after"] = after
            names, out = self.names(q(**params))
            self.assertEqual(out["totalCount"], 30)
            seen.extend(names)
            if not out["pageInfo"]["hasNextPage"]:
                break
            after = out["pageInfo"]["endCursor"]
        self.assertEqual(len(seen), 30)
        self.assertEqual(len(set(seen)), 30)
        self.assertEqual(seen[0], "F29")  # Lima first, then names descending
        # ending_before walks back from a page's start cursor.
        first, out1 = self.names(q(order_by="name.firstName", limit=5))
        second, out2 = self.names(q(order_by="name.firstName", limit=5,
                                    starting_after=out1["pageInfo"]["endCursor"]))
        back, out3 = self.names(q(order_by="name.firstName", limit=5,
                                  ending_before=out2["pageInfo"]["startCursor"]))
        self.assertEqual(back, first)
        self.assertEqual(second[0], "F05")
        self.assertFalse(out3["pageInfo"]["hasPreviousPage"])

    def test_depth_one_embeds_relations(self):
        pid = str(uuid.uuid5(NS, "0"))
        flat = self.ok("GET", f"/rest/people/{pid}")["data"]["person"]
        self.assertNotIn("company", flat)
        deep = self.ok("GET", f"/rest/people/{pid}?depth=1")["data"]["person"]
        self.assertEqual(deep["company"]["name"], "Clinic")
        company = self.ok("GET", f"/rest/companies/{self.company['id']}?depth=1")
        self.assertEqual(len(company["data"]["company"]["people"]), 4)
        status, out = self.call("GET", "/rest/people?depth=3")
        self.assertTwentyError(status, out, 400, "depth")

    def test_soft_deleted_rows_hidden_unless_filtered_on_deleted_at(self):
        pid = str(uuid.uuid5(NS, "1"))
        self.ok("DELETE", f"/rest/people/{pid}?soft_delete=true")
        _, out = self.names("")
        self.assertEqual(out["totalCount"], 29)
        _, out = self.names(q(filter="deletedAt[is]:NOT_NULL"))
        self.assertEqual(out["totalCount"], 1)


if __name__ == "__main__":
    unittest.main()
