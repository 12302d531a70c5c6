"""`load`: upsert by external id, all-or-nothing per call, messages per row, the prefix rule."""

from emu_harness import EmulatorCase

FIELDS = ["id", "name", "email", "country_id/id", "category_id/id"]


class LoadTest(EmulatorCase):
    def rows(self, n, prefix="pat"):
        return [["%s_%d" % (prefix, i), "Patient %d" % i, "p%d@example.com" % i, "base.us", ""]
                for i in range(n)]

    def test_load_twice_updates_instead_of_duplicating(self):
        before = self.count("res.partner")
        first = self.call("res.partner", "load", FIELDS, self.rows(5))
        self.assertEqual(first["messages"], [])
        self.assertEqual(len(first["ids"]), 5)
        self.assertEqual(first["nextrow"], 0)
        rows = self.rows(5)
        rows[2][1] = "Renamed"
        second = self.call("res.partner", "load", FIELDS, rows)
        self.assertEqual(second["ids"], first["ids"])
        self.assertEqual(self.count("res.partner"), before + 5)
        self.assertEqual(self.call("res.partner", "read", [first["ids"][2]], fields=["name"])[0]
                         ["name"], "Renamed")
        xmlids = self.call("ir.model.data", "search_read",
                           [["module", "=", "__import__"], ["model", "=", "res.partner"]],
                           fields=["name", "res_id"], order="res_id")
        self.assertEqual([(x["name"], x["res_id"]) for x in xmlids],
                         [("pat_%d" % i, first["ids"][i]) for i in range(5)])

    def test_one_bad_row_stores_nothing_and_names_the_row(self):
        before = self.snapshot()
        rows = self.rows(6)
        rows[3][3] = "base.no_such_country"
        result = self.call("res.partner", "load", FIELDS, rows)
        self.assertIs(result["ids"], False)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["record"], 3)
        self.assertEqual(errors[0]["rows"], {"from": 3, "to": 3})
        self.assertEqual(errors[0]["field"], "country_id")
        self.assertIn("No matching record found for external id 'base.no_such_country' in "
                      "field 'Country'", errors[0]["message"])
        self.assertEqual(self.snapshot(), before)

    def test_missing_required_value_is_reported_not_raised(self):
        before = self.snapshot()
        result = self.call("crm.lead", "load", ["id", "name", "type"],
                           [["l1", "Lead 1", "lead"], ["l2", "", "lead"], ["l3", "Lead 3", "bad"]])
        self.assertIs(result["ids"], False)
        by_record = {m["record"]: m for m in result["messages"] if m["type"] == "error"}
        self.assertEqual(by_record[1]["message"],
                         "Missing required value for the field 'Opportunity' (name)")
        self.assertIn("Value 'bad' not found in selection field 'Type'",
                      by_record[2]["message"])
        self.assertEqual(self.snapshot(), before)

    def test_relations_by_external_id_database_id_and_name(self):
        tag = self.call("res.partner.category", "load", ["id", "name"],
                        [["cat_ins", "Insurance"], ["cat_ref", "Referral"]])["ids"]
        us = self.call("res.country", "search", [["code", "=", "US"]])[0]
        result = self.call("res.partner", "load",
                           ["id", "name", "country_id/.id", "category_id/id", "state_id"],
                           [["pat_1", "Ann", str(us), "cat_ins,cat_ref", "Texas"]])
        self.assertEqual(result["messages"], [])
        row = self.call("res.partner", "read", result["ids"], fields=[
            "country_id", "category_id", "state_id"])[0]
        self.assertEqual(row["country_id"][0], us)
        self.assertEqual(sorted(row["category_id"]), sorted(tag))
        self.assertEqual(row["state_id"][1], "Texas")
        parent = self.call("res.partner", "load", ["id", "name", "parent_id/id"],
                           [["pat_2", "Kid", "pat_1"]])
        self.assertEqual(parent["messages"], [])

    def test_rows_are_strings_and_booleans_are_words(self):
        result = self.call("res.partner", "load", ["id", "name", "is_company", "active"],
                           [["c1", "Clinic", "1", "true"], ["c2", "Person", "0", "yes"]])
        self.assertEqual(result["messages"], [])
        rows = self.call("res.partner", "read", result["ids"], fields=["is_company"])
        self.assertEqual([r["is_company"] for r in rows], [True, False])

    def test_unknown_column_is_a_fault(self):
        fault = self.fault("res.partner", "load", ["id", "x_missing"], [["a", "b"]])
        self.assertEqual(fault.faultCode, 1)
        self.assertTrue(fault.faultString.rstrip().endswith("KeyError: 'x_missing'"))

    def test_module_prefix_rule_under_import_file(self):
        before = self.snapshot()
        for prefix in ("crm", "sale"):  # installed, and known but not installed
            result = self.call("res.partner", "load", ["id", "name"],
                               [["%s.patient_1" % prefix, "Ann"]],
                               context={"import_file": True})
            self.assertIs(result["ids"], False)
            self.assertIn("has the module prefix %s" % prefix, result["messages"][0]["message"])
        self.assertEqual(self.snapshot(), before)
        result = self.call("res.partner", "load", ["id", "name"], [["dentalmig.patient_1", "Ann"]],
                           context={"import_file": True})
        self.assertEqual(result["messages"], [])
        result = self.call("res.partner", "load", ["id", "name"], [["patient_2", "Bob"]],
                           context={"module": "dentalmig"})
        imd = self.call("ir.model.data", "search_read", [["res_id", "in", result["ids"]],
                                                        ["model", "=", "res.partner"]],
                        fields=["module", "name"])
        self.assertEqual((imd[0]["module"], imd[0]["name"]), ("dentalmig", "patient_2"))

    def test_xmlid_of_another_model_is_an_error(self):
        self.call("res.partner.category", "load", ["id", "name"], [["shared_1", "Tag"]])
        result = self.call("res.partner", "load", ["id", "name"], [["shared_1", "Ann"]])
        self.assertIs(result["ids"], False)
        self.assertIn("found record of different model res.partner.category",
                      result["messages"][0]["message"])

    def test_import_limit_gives_nextrow(self):
        result = self.call("res.partner", "load", FIELDS, self.rows(5),
                           context={"_import_limit": 2})
        self.assertEqual(len(result["ids"]), 2)
        self.assertEqual(result["nextrow"], 2)

    def test_one2many_sub_rows_join_their_record(self):
        partner = self.call("res.partner", "create", {"name": "Payer"})
        result = self.call("account.move", "load",
                           ["id", "move_type", "partner_id/.id", "invoice_line_ids/name",
                            "invoice_line_ids/price_unit"],
                           [["inv_1", "out_invoice", str(partner), "Exam", "80"],
                            ["", "", "", "X-ray", "45.5"],
                            ["inv_2", "out_invoice", str(partner), "Filling", "150"]])
        self.assertEqual(result["messages"], [])
        totals = self.call("account.move", "read", result["ids"], fields=["amount_total"])
        self.assertEqual([t["amount_total"] for t in totals], [125.5, 150.0])


class LoadWarningTest(EmulatorCase):
    def test_ambiguous_names_warn_but_load(self):
        self.call("res.partner.category", "create", [{"name": "Dup"}, {"name": "Dup"}])
        result = self.call("res.partner", "load", ["name", "category_id"], [["Ann", "Dup"]])
        self.assertTrue(result["ids"])
        self.assertEqual([m["type"] for m in result["messages"]], ["warning"])
        self.assertIn("Found multiple matches for value 'Dup' in field 'Tags' (2 matches)",
                      result["messages"][0]["message"])
