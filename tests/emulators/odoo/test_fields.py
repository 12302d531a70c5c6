"""Field rules on create/write/read: unknown, required, many2one integrity, selection, dates,
magic fields, read formats, x2many commands, and all-or-nothing calls."""

from emu_harness import EmulatorCase


class FieldRulesTest(EmulatorCase):
    def test_unknown_field_is_a_value_error(self):
        fault = self.fault("res.partner", "create", {"name": "A", "birthdate": "2000-01-01"})
        self.assertEqual(fault.faultCode, 1)
        self.assertTrue(fault.faultString.rstrip().endswith(
            "ValueError: Invalid field 'birthdate' on model 'res.partner'"))
        pid = self.call("res.partner", "create", {"name": "A"})
        fault = self.fault("res.partner", "write", [pid], {"x_legacy_id": "1"})
        self.assertIn("Invalid field 'x_legacy_id' on model 'res.partner'", fault.faultString)
        fault = self.fault("res.partner", "read", [pid], fields=["nope"])
        self.assertIn("Invalid field 'nope' on model 'res.partner'", fault.faultString)

    def test_missing_required_field_is_a_not_null_validation_error(self):
        fault = self.fault("crm.lead", "create", {"type": "lead"})
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("The operation cannot be completed:", fault.faultString)
        self.assertIn("- Create/update: a mandatory field is not set.", fault.faultString)
        self.assertIn("Model: Lead/Opportunity (crm.lead)\nField: Opportunity (name)",
                      fault.faultString)
        lead = self.call("crm.lead", "create", {"name": "Implant consult"})
        fault = self.fault("crm.lead", "write", [lead], {"name": False})
        self.assertEqual(fault.faultCode, 2)
        fault = self.fault("res.partner", "create", {"email": "no-name@example.com"})
        self.assertEqual(fault.faultString,
                         "The operation cannot be completed: Contacts require a name")
        parent = self.call("res.partner", "create", {"name": "Family", "is_company": True})
        child = self.call("res.partner", "create", {"type": "invoice", "parent_id": parent})
        self.assertEqual(self.call("res.partner", "read", [child], fields=["display_name"])[0]
                         ["display_name"], "Family, Invoice Address")

    def test_many2one_to_a_missing_record_is_refused(self):
        fault = self.fault("crm.lead", "create", {"name": "L", "partner_id": 987654})
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("Constraint: crm_lead_partner_id_fkey", fault.faultString)
        fault = self.fault("res.partner", "create", {"name": "P", "category_id": [[6, 0, [4242]]]})
        self.assertEqual(fault.faultCode, 2)
        fault = self.fault("crm.lead", "create", {"name": "L", "partner_id": "Someone"})
        self.assertEqual(fault.faultCode, 1)
        self.assertIn("Wrong value for crm.lead.partner_id: 'Someone'", fault.faultString)

    def test_selection_values_follow_the_version(self):
        fault = self.fault("res.partner", "create", {"name": "P", "type": "private"})
        self.assertEqual(fault.faultCode, 1)
        self.assertTrue(fault.faultString.rstrip().endswith(
            "ValueError: Wrong value for res.partner.type: 'private'"))
        fault = self.fault("crm.lead", "create", {"name": "L", "priority": "5"})
        self.assertIn("Wrong value for crm.lead.priority: '5'", fault.faultString)
        fields = self.call("res.partner", "fields_get", ["type"], attributes=["selection", "type"])
        self.assertEqual([v for v, _ in fields["type"]["selection"]],
                         ["contact", "invoice", "delivery", "other"])

    def test_date_and_datetime_formats(self):
        fault = self.fault("crm.lead", "create", {"name": "L", "date_deadline": "12/31/2024"})
        self.assertEqual(fault.faultCode, 1)
        self.assertIn("does not match format '%Y-%m-%d'", fault.faultString)
        pid = self.call("res.partner", "create", {"name": "Att"})
        now = "2024-03-05 09:30:00"
        msg = self.call("mail.message", "create", {"model": "res.partner", "res_id": pid,
                                                   "body": "x", "date": now})
        self.assertEqual(self.call("mail.message", "read", [msg], fields=["date"])[0]["date"], now)
        fault = self.fault("mail.message", "create", {"model": "res.partner", "res_id": pid,
                                                      "date": "2024-03-05T09:30:00"})
        self.assertEqual(fault.faultCode, 1)

    def test_magic_fields_are_dropped_and_set_by_the_server(self):
        pid = self.call("res.partner", "create", {
            "name": "Old", "create_date": "2001-01-01 00:00:00", "id": 99999,
            "write_uid": 6, "display_name": "ignored"})
        self.assertNotEqual(pid, 99999)
        row = self.call("res.partner", "read", [pid], fields=["create_date", "write_uid",
                                                             "create_uid"])[0]
        self.assertNotEqual(row["create_date"], "2001-01-01 00:00:00")
        self.assertEqual(row["write_uid"][0], 2)
        self.assertEqual(row["create_uid"][0], 2)

    def test_read_formats(self):
        tag = self.call("res.partner.category", "create", {"name": "Insurance"})
        us = self.call("res.country", "search", [["code", "=", "US"]])[0]
        pid = self.call("res.partner", "create", {
            "name": "Ann Lee", "country_id": us, "category_id": [[6, 0, [tag]]],
            "comment": "Allergic to latex & penicillin"})
        row = self.call("res.partner", "read", [pid], fields=[
            "email", "country_id", "category_id", "comment", "color", "is_company", "child_ids",
            "state_id"])[0]
        self.assertIs(row["email"], False)
        self.assertIs(row["state_id"], False)
        self.assertEqual(row["country_id"], [us, "United States"])
        self.assertEqual(row["category_id"], [tag])
        self.assertEqual(row["child_ids"], [])
        self.assertEqual(row["color"], 0)
        self.assertIs(row["is_company"], False)
        self.assertEqual(row["comment"], "<p>Allergic to latex &amp; penicillin</p>")

    def test_x2many_commands(self):
        t1 = self.call("crm.tag", "create", {"name": "Ortho"})
        t2 = self.call("crm.tag", "create", {"name": "Implant"})
        lead = self.call("crm.lead", "create", {"name": "L", "tag_ids": [[6, 0, [t1, t2]]]})
        self.call("crm.lead", "write", [lead], {"tag_ids": [[3, t1, 0], [0, 0, {"name": "New"}]]})
        tags = self.call("crm.lead", "read", [lead], fields=["tag_ids"])[0]["tag_ids"]
        self.assertEqual(len(tags), 2)
        self.assertIn(t2, tags)
        self.call("crm.lead", "write", [lead], {"tag_ids": [[5, 0, 0]]})
        self.assertEqual(self.call("crm.lead", "read", [lead], fields=["tag_ids"])[0]["tag_ids"], [])


class TransactionTest(EmulatorCase):
    def test_create_list_is_all_or_nothing(self):
        before = self.snapshot()
        fault = self.fault("res.partner", "create", [
            {"name": "Ok 1"}, {"name": "Ok 2"}, {"name": "Bad", "country_id": 999999},
            {"name": "Ok 3"}])
        self.assertEqual(fault.faultCode, 2)
        self.assertEqual(self.snapshot(), before)
        ids = self.call("res.partner", "create", [{"name": "A"}, {"name": "B"}])
        self.assertEqual(len(ids), 2)
        self.assertIsInstance(self.call("res.partner", "create", {"name": "C"}), int)

    def test_a_failing_nested_create_rolls_back_the_parent(self):
        partner = self.call("res.partner", "create", {"name": "Buyer"})
        before = self.snapshot()
        fault = self.fault("account.move", "create", {
            "move_type": "out_invoice", "partner_id": partner,
            "invoice_line_ids": [[0, 0, {"name": "Cleaning", "price_unit": 90.0}],
                                 [0, 0, {"name": "Bad", "quantity": "many"}]]})
        self.assertEqual(fault.faultCode, 1)
        self.assertEqual(self.snapshot(), before)

    def test_a_write_failing_on_its_second_record_leaves_the_first_unchanged(self):
        a = self.call("crm.tag", "create", {"name": "A"})
        b = self.call("crm.tag", "create", {"name": "B"})
        before = self.snapshot()
        fault = self.fault("crm.tag", "write", [a, b], {"name": "Same"})
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("Tag name already exists!", fault.faultString)
        self.assertEqual(self.snapshot(), before)
