"""Snapshots for rollback checks, and the business flows the connector drives: invoices with
payments, chatter with original dates, activities, calendar events, attachments, leads."""

import base64
from datetime import datetime, timedelta, timezone

from emu_harness import EmulatorCase


class SnapshotTest(EmulatorCase):
    def test_create_then_unlink_restores_the_snapshot(self):
        before = self.snapshot()
        loaded = self.call("res.partner", "load", ["id", "name", "email"],
                           [["pat_%d" % i, "P%d" % i, "p%d@x.example" % i] for i in range(20)])
        lead = self.call("crm.lead", "create", {"name": "L", "partner_id": loaded["ids"][0]})
        self.call("res.partner", "message_post", [loaded["ids"][1]], body="hello",
                  date="2019-05-01 09:00:00")
        self.assertNotEqual(self.snapshot(), before)
        self.call("crm.lead", "unlink", [lead])
        self.call("res.partner", "unlink", loaded["ids"])
        self.assertEqual(self.snapshot(), before)

    def test_snapshot_shape(self):
        snap = self.snapshot()
        self.assertIn("res.partner", snap)
        self.assertNotIn("account.payment.register", snap)
        self.assertNotIn("create_date", snap["res.partner"][0])
        with_dates = self.snapshot(dates=1, models="res.partner")
        self.assertEqual(list(with_dates), ["res.partner"])
        self.assertIn("create_date", with_dates["res.partner"][0])


class BusinessFlowTest(EmulatorCase):
    def invoice(self, partner, amount=100.0):
        return self.call("account.move", "create", {
            "move_type": "out_invoice", "partner_id": partner, "ref": "LEGACY-7",
            "invoice_date": "2021-04-01",
            "invoice_line_ids": [[0, 0, {"name": "Crown", "quantity": 1, "price_unit": amount}]]})

    def register(self, inv, amount):
        ctx = {"active_model": "account.move", "active_ids": [inv]}
        wizard = self.call("account.payment.register", "create",
                           {"payment_date": "2021-04-02", "amount": amount}, context=ctx)
        return self.call("account.payment.register", "action_create_payments", [wizard],
                         context=ctx)

    def test_invoice_post_and_payments(self):
        pid = self.call("res.partner", "create", {"name": "Payer"})
        inv = self.invoice(pid)
        fault = self.fault("account.payment.register", "create", {},
                           context={"active_model": "account.move", "active_ids": [inv]})
        self.assertIn("You can only register payment for posted journal entries.",
                      fault.faultString)
        self.call("account.move", "action_post", [inv])
        row = self.call("account.move", "read", [inv], fields=[
            "name", "state", "amount_total", "payment_state", "invoice_date_due"])[0]
        self.assertEqual((row["name"], row["state"], row["amount_total"], row["payment_state"]),
                         ("INV/2021/00001", "posted", 100.0, "not_paid"))
        fault = self.fault("account.move", "action_post", [inv])
        self.assertEqual(fault.faultCode, 2)
        action = self.register(inv, 40.0)
        self.assertEqual(action["res_model"], "account.payment")
        self.assertEqual(self.call("account.move", "read", [inv], fields=["payment_state"])[0]
                         ["payment_state"], "partial")
        self.register(inv, 60.0)
        row = self.call("account.move", "read", [inv], fields=["payment_state",
                                                               "amount_residual"])[0]
        self.assertEqual((row["payment_state"], row["amount_residual"]), ("paid", 0.0))
        payments = self.call("account.payment", "search_read", [["partner_id", "=", pid]],
                             fields=["state", "amount", "reconciled_invoice_ids"], order="id")
        self.assertEqual([(p["state"], p["amount"]) for p in payments],
                         [("posted", 40.0), ("posted", 60.0)])
        self.assertEqual(payments[0]["reconciled_invoice_ids"], [inv])
        fault = self.fault("account.move", "write", [inv], {"state": "draft"})
        self.assertEqual(fault.faultCode, 2)

    def test_invoice_posting_rules(self):
        inv = self.call("account.move", "create", {"move_type": "out_invoice"})
        fault = self.fault("account.move", "action_post", [inv])
        self.assertIn("The field 'Customer' is required", fault.faultString)
        pid = self.call("res.partner", "create", {"name": "P"})
        self.call("account.move", "write", [inv], {"partner_id": pid})
        fault = self.fault("account.move", "action_post", [inv])
        self.assertEqual(fault.faultString, "You need to add a line before posting.")

    def test_message_post_keeps_date_subtype_and_html(self):
        pid = self.call("res.partner", "create", {"name": "Pat"})
        att = self.call("ir.attachment", "create", {
            "name": "chart.pdf", "datas": base64.b64encode(b"%PDF-1.4 test").decode()})
        mid = self.call("res.partner", "message_post", [pid], body="<p>Perio <b>chart</b></p>",
                        body_is_html=True, message_type="comment", subtype_xmlid="mail.mt_note",
                        date="2019-05-01 09:00:00", attachment_ids=[att])
        msg = self.call("mail.message", "read", [mid], fields=[
            "body", "date", "subtype_id", "model", "res_id", "attachment_ids", "message_type"])[0]
        self.assertEqual(msg["body"], "<p>Perio <b>chart</b></p>")
        self.assertEqual(msg["date"], "2019-05-01 09:00:00")
        self.assertEqual(msg["subtype_id"][1], "Note")
        self.assertEqual((msg["model"], msg["res_id"], msg["attachment_ids"]),
                         ("res.partner", pid, [att]))
        attachment = self.call("ir.attachment", "read", [att], fields=[
            "res_model", "res_id", "file_size", "mimetype"])[0]
        self.assertEqual((attachment["res_model"], attachment["res_id"], attachment["file_size"],
                          attachment["mimetype"]), ("res.partner", pid, 13, "application/pdf"))
        escaped = self.call("res.partner", "message_post", [pid], body="<b>x</b>")
        self.assertIn("&lt;b&gt;", self.call("mail.message", "read", [escaped],
                                             fields=["body"])[0]["body"])
        fault = self.fault("res.partner", "message_post", [pid], body="x", colour="red")
        self.assertEqual(fault.faultCode, 1)

    def test_bad_base64_is_refused(self):
        fault = self.fault("ir.attachment", "create", {"name": "a.bin", "datas": "abc"})
        self.assertEqual(fault.faultCode, 1)
        self.assertIn("binascii.Error", fault.faultString)

    def test_activity_needs_an_existing_document(self):
        res_model = self.model_id("crm.lead")
        fault = self.fault("mail.activity", "create", {
            "res_model_id": res_model, "res_id": 777777, "date_deadline": "2024-05-01"})
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("Record does not exist or has been deleted.", fault.faultString)
        fault = self.fault("mail.activity", "create", {
            "res_model": "crm.lead", "res_id": 1, "date_deadline": "2024-05-01"})
        self.assertIn("Field: Document Model (res_model_id)", fault.faultString)
        lead = self.call("crm.lead", "create", {"name": "L"})
        call_type = self.call("mail.activity.type", "search", [["name", "=", "Call"]])[0]
        act = self.call("mail.activity", "create", {
            "res_model_id": res_model, "res_id": lead, "date_deadline": "2020-05-01",
            "activity_type_id": call_type, "summary": "Recall", "note": "Call back"})
        row = self.call("mail.activity", "read", [act], fields=["res_model", "state", "note"])[0]
        self.assertEqual((row["res_model"], row["state"], row["note"]),
                         ("crm.lead", "overdue", "<p>Call back</p>"))
        msg = self.call("mail.activity", "action_feedback", [act], feedback="done")
        self.assertTrue(msg)
        self.assertEqual(self.call("mail.activity", "search", [["id", "=", act]]), [])

    def test_calendar_event_rules(self):
        fault = self.fault("calendar.event", "create", {
            "name": "Cleaning", "start": "2024-05-01 10:00:00", "stop": "2024-05-01 09:00:00"})
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("cannot be earlier than the starting date", fault.faultString)
        ev = self.call("calendar.event", "create", {
            "name": "Cleaning", "start": "2024-05-01 10:00:00", "stop": "2024-05-01 11:30:00"})
        self.assertEqual(self.call("calendar.event", "read", [ev], fields=["duration"])[0]
                         ["duration"], 1.5)
        # No stop: Odoo 17 takes stop's default (the next half hour from now + 1 h), not
        # start + duration, so a past event gets that stop and a future one is refused.
        ev = self.call("calendar.event", "create", {"name": "x", "start": "2024-05-01 10:00:00",
                                                    "duration": 0.5})
        row = self.call("calendar.event", "read", [ev], fields=["stop", "duration"])[0]
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        stop = datetime.strptime(row["stop"], "%Y-%m-%d %H:%M:%S")
        self.assertGreater(stop, now)
        self.assertEqual((stop.minute % 30, stop.second, row["duration"]), (0, 0, 0.5))
        future = (now + timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
        fault = self.fault("calendar.event", "create", {"name": "y", "start": future,
                                                       "duration": 1.0})
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("cannot be earlier than the starting date", fault.faultString)

    def test_lead_email_flows_to_its_customer(self):
        pid = self.call("res.partner", "create", {"name": "Ann", "email": "old@example.com"})
        lead = self.call("crm.lead", "create", {"name": "L", "partner_id": pid})
        self.assertEqual(self.call("crm.lead", "read", [lead], fields=["email_from"])[0]
                         ["email_from"], "old@example.com")
        self.call("crm.lead", "write", [lead], {"email_from": "new@example.com"})
        self.assertEqual(self.call("res.partner", "read", [pid], fields=["email"])[0]["email"],
                         "new@example.com")

    def test_utm_names_are_made_unique(self):
        first = self.call("utm.source", "create", {"name": "Referral Card"})
        second = self.call("utm.source", "create", {"name": "Referral Card"})
        names = [r["name"] for r in self.call("utm.source", "read", [first, second],
                                              fields=["name"])]
        self.assertEqual(names, ["Referral Card", "Referral Card [2]"])

    def test_users_are_found_by_email(self):
        rows = self.call("res.users", "search_read",
                         [["email", "=ilike", "OMAR.HADDAD@brightsmile.example"]],
                         fields=["login", "partner_id"])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["partner_id"][1], "Dr. Omar Haddad")
        fault = self.fault("res.users", "create", {"name": "Dup", "login": "admin"})
        self.assertEqual(fault.faultCode, 2)
