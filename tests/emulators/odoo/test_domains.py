"""Search domains, ordering, paging, active_test and name_search."""

from emu_harness import EmulatorCase


class DomainTest(EmulatorCase):
    def setUp(self):
        super().setUp()
        us = self.call("res.country", "search", [["code", "=", "US"]])[0]
        gb = self.call("res.country", "search", [["code", "=", "GB"]])[0]
        self.us, self.gb = us, gb
        self.ids = self.call("res.partner", "create", [
            {"name": "Alice Smith", "email": "alice@clinic.example", "country_id": us, "ref": "10"},
            {"name": "bob jones", "email": "bob@other.example", "country_id": gb, "ref": "20"},
            {"name": "Carol Smith", "country_id": us, "ref": "30", "active": False},
            {"name": "Dan 100%", "email": "dan@clinic.example", "ref": "40"},
        ])
        self.mine = [["id", "in", self.ids]]

    def search(self, domain, **kw):
        return self.call("res.partner", "search", self.mine + domain, **kw)

    def test_operators(self):
        a, b, c, d = self.ids
        self.assertEqual(self.search([["name", "=", "Alice Smith"]]), [a])
        self.assertEqual(sorted(self.search([["email", "!=", False]])), [a, b, d])
        self.assertEqual(sorted(self.search([["email", "=", False]], context={"active_test": False})), [c])
        self.assertEqual(sorted(self.search([["ref", "in", ["10", "40"]]])), [a, d])
        self.assertEqual(sorted(self.search([["ref", "not in", ["10"]]])), [b, d])
        self.assertEqual(self.search([["name", "like", "Smith"]]), [a])
        self.assertEqual(sorted(self.search([["name", "ilike", "SMITH"]],
                                            context={"active_test": False})), [a, c])
        self.assertEqual(self.search([["name", "=ilike", "BOB%"]]), [b])
        self.assertEqual(self.search([["name", "=like", "bob%"]]), [b])
        self.assertEqual(self.search([["name", "=like", "Bob%"]]), [])
        self.assertEqual(self.search([["name", "ilike", "100%"]]), [d])
        self.assertEqual(sorted(self.search([["ref", ">=", "20"]])), [b, d])
        self.assertEqual(self.search([["ref", "<", "20"]]), [a])
        self.assertEqual(self.search([["email", "=ilike", "%@other.example"]]), [b])

    def test_logic_and_relations(self):
        a, b, c, d = self.ids
        self.assertEqual(sorted(self.search(["|", ["ref", "=", "10"], ["ref", "=", "20"]])), [a, b])
        self.assertEqual(sorted(self.search(["!", ["ref", "=", "10"]])), [b, d])
        self.assertEqual(self.search(["&", ["country_id", "=", self.us], ["ref", "=", "10"]]), [a])
        self.assertEqual(self.search([["country_id.code", "=", "GB"]]), [b])
        self.assertEqual(self.search([["country_id", "=", "United Kingdom"]]), [b])
        self.assertEqual(self.search([["country_id", "ilike", "kingdom"]]), [b])

    def test_active_test_order_and_paging(self):
        a, b, c, d = self.ids
        self.assertEqual(self.search([], order="ref desc"), [d, b, a])
        self.assertEqual(self.search([], order="ref asc", context={"active_test": False}),
                         [a, b, c, d])
        self.assertEqual(self.search([], order="ref", offset=1, limit=2), [b, d])
        self.assertEqual(self.search([["active", "=", False]]), [c])
        self.assertEqual(self.call("res.partner", "search_count", self.mine), 3)
        rows = self.call("res.partner", "search_read", self.mine, fields=["ref"], order="id",
                         limit=2)
        self.assertEqual([r["id"] for r in rows], [a, b])
        self.assertEqual(set(rows[0]), {"id", "ref"})

    def test_name_search(self):
        found = self.call("res.partner", "name_search", "smith")
        self.assertEqual([r[0] for r in found], [self.ids[0]])
        self.assertEqual(found[0][1], "Alice Smith")
        found = self.call("res.country.state", "name_search", "Texas",
                          args=[["country_id", "=", self.us]], limit=5)
        self.assertEqual(len(found), 1)

    def test_invalid_domains_fault(self):
        fault = self.fault("res.partner", "search", [["nope", "=", 1]])
        self.assertEqual(fault.faultCode, 1)
        self.assertIn("Invalid field res.partner.nope", fault.faultString)
        fault = self.fault("res.partner", "search", [["name", "child_of", 1]])
        self.assertEqual(fault.faultCode, 1)
        fault = self.fault("res.partner", "search", [], order="nope desc")
        self.assertEqual(fault.faultCode, 1)
