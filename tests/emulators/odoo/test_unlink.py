"""unlink follows Odoo's ondelete rules and business guards; attached documents go with it."""

import base64

from emu_harness import EmulatorCase


class UnlinkTest(EmulatorCase):
    def test_set_null_on_lead_partner(self):
        pid = self.call("res.partner", "create", {"name": "Ann"})
        lead = self.call("crm.lead", "create", {"name": "L", "partner_id": pid})
        self.assertTrue(self.call("res.partner", "unlink", [pid]))
        self.assertIs(self.call("crm.lead", "read", [lead], fields=["partner_id"])[0]["partner_id"],
                      False)

    def test_restrict_on_invoice_partner(self):
        pid = self.call("res.partner", "create", {"name": "Ann"})
        self.call("account.move", "create", {"move_type": "out_invoice", "partner_id": pid})
        fault = self.fault("res.partner", "unlink", [pid])
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("another model requires the record being deleted", fault.faultString)
        self.assertIn("Constraint: account_move_partner_id_fkey", fault.faultString)
        self.assertEqual(self.call("res.partner", "search", [["id", "=", pid]]), [pid])

    def test_posted_invoice_cannot_be_deleted_until_reset_to_draft(self):
        pid = self.call("res.partner", "create", {"name": "Ann"})
        inv = self.call("account.move", "create", {
            "move_type": "out_invoice", "partner_id": pid,
            "invoice_line_ids": [[0, 0, {"name": "Exam", "price_unit": 50.0}]]})
        self.assertIs(self.call("account.move", "action_post", [inv]), False)
        fault = self.fault("account.move", "unlink", [inv])
        self.assertEqual((fault.faultCode, fault.faultString),
                         (2, "You cannot delete an item linked to a posted entry."))
        fault = self.fault("account.move", "button_draft", [inv])  # returns None after commit
        self.assertIn("cannot marshal None", fault.faultString)
        self.assertTrue(self.call("account.move", "unlink", [inv]))
        self.assertEqual(self.count("account.move.line", [["move_id", "=", inv]]), 0)

    def test_numbered_entries_are_deleted_from_the_end_of_their_sequence(self):
        pid = self.call("res.partner", "create", {"name": "Ann"})
        invoices = []
        for amount in (10.0, 20.0, 30.0):
            inv = self.call("account.move", "create", {
                "move_type": "out_invoice", "partner_id": pid, "invoice_date": "2022-02-02",
                "invoice_line_ids": [[0, 0, {"name": "Exam", "price_unit": amount}]]})
            self.call("account.move", "action_post", [inv])
            self.fault("account.move", "button_draft", [inv])  # None: fault after commit
            invoices.append(inv)
        fault = self.fault("account.move", "unlink", [invoices[0]])
        self.assertIn("is not the last one in the chain", fault.faultString)
        fault = self.fault("account.move", "unlink", [invoices[0], invoices[2]])
        self.assertEqual(fault.faultCode, 2)
        self.assertTrue(self.call("account.move", "unlink", [invoices[2]]))
        self.assertTrue(self.call("account.move", "unlink", invoices[:2]))

    def test_user_partner_cannot_be_deleted(self):
        user = self.call("res.users", "search", [["login", "=", "sarah.chen@brightsmile.example"]])
        partner = self.call("res.users", "read", user, fields=["partner_id"])[0]["partner_id"][0]
        fault = self.fault("res.partner", "unlink", [partner])
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("You cannot delete contacts linked to an active user.", fault.faultString)

    def test_documents_attached_to_a_record_are_deleted_with_it(self):
        pid = self.call("res.partner", "create", {"name": "Ann"})
        self.call("ir.attachment", "create", {
            "name": "xray.png", "res_model": "res.partner", "res_id": pid,
            "datas": base64.b64encode(b"\x89PNG...").decode()})
        self.call("res.partner", "message_post", [pid], body="<p>Note</p>", body_is_html=True)
        self.call("mail.activity", "create", {
            "res_model_id": self.model_id("res.partner"), "res_id": pid,
            "date_deadline": "2024-01-10", "summary": "Recall"})
        self.call("res.partner", "load", ["id", ".id", "name"], [["pat_9", str(pid), "Ann"]])
        self.call("res.partner", "unlink", [pid])
        for model, domain in (("ir.attachment", [["res_model", "=", "res.partner"],
                                                 ["res_id", "=", pid]]),
                              ("mail.message", [["model", "=", "res.partner"], ["res_id", "=", pid]]),
                              ("mail.activity", [["res_model", "=", "res.partner"],
                                                 ["res_id", "=", pid]]),
                              ("ir.model.data", [["model", "=", "res.partner"], ["res_id", "=", pid]])):
            self.assertEqual(self.count(model, domain, active_test=False), 0, model)

    def test_children_cascade(self):
        pid = self.call("res.partner", "create", {"name": "Ann"})
        inv = self.call("account.move", "create", {
            "move_type": "out_invoice", "partner_id": pid,
            "invoice_line_ids": [[0, 0, {"name": "Exam", "price_unit": 50.0}]]})
        stage = self.call("crm.stage", "create", {"name": "Queue"})
        self.call("crm.lead", "create", {"name": "L", "stage_id": stage})
        fault = self.fault("crm.stage", "unlink", [stage])
        self.assertEqual(fault.faultCode, 2)
        self.call("account.move", "unlink", [inv])
        self.assertEqual(self.count("account.move.line", [["move_id", "=", inv]]), 0)
