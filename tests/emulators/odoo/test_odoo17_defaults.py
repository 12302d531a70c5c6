"""Odoo 17 fields and create-time defaults the emulator once lacked (issue 4, fidelity): the
res.partner.title model and res.partner.title, account.move.invoice_user_id, and res.company
created without a partner or currency (Odoo makes the partner and takes the user's company's
currency). Each refusal Odoo keeps is pinned too."""

from emu_harness import EmulatorCase


class PartnerTitleTest(EmulatorCase):
    def test_titles_are_seeded_with_their_external_ids(self):
        rows = self.call("res.partner.title", "search_read", [],
                         fields=["name", "shortcut"], order="name")
        self.assertEqual([(r["name"], r["shortcut"]) for r in rows],
                         [("Doctor", "Dr."), ("Madam", "Mrs."), ("Miss", "Miss"),
                          ("Mister", "Mr."), ("Professor", "Prof.")])
        imd = self.call("ir.model.data", "search_read",
                        [["module", "=", "base"], ["name", "=", "res_partner_title_doctor"]],
                        fields=["model", "res_id"])
        self.assertEqual(imd[0]["model"], "res.partner.title")
        self.assertEqual(imd[0]["res_id"], [r["id"] for r in rows if r["name"] == "Doctor"][0])

    def test_partner_title_is_a_many2one(self):
        doctor = self.call("res.partner.title", "search", [["shortcut", "=", "Dr."]])[0]
        pid = self.call("res.partner", "create", {"name": "Ada Byron", "title": doctor})
        got = self.call("res.partner", "read", [pid], fields=["title"])[0]["title"]
        self.assertEqual(got, [doctor, "Doctor"])
        info = self.call("res.partner", "fields_get", ["title"], attributes=["type", "relation"])
        self.assertEqual(info["title"], {"type": "many2one", "relation": "res.partner.title"})
        # by external id through load, as the connector writes many2ones
        result = self.call("res.partner", "load", ["name", "title/id"],
                           [["Grace Hopper", "base.res_partner_title_prof"]])
        self.assertEqual(result["messages"], [])
        got = self.call("res.partner", "read", result["ids"], fields=["title"])[0]["title"]
        self.assertEqual(got[1], "Professor")

    def test_missing_title_is_refused(self):
        fault = self.fault("res.partner", "create", {"name": "X", "title": 987654})
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("Constraint: res_partner_title_fkey", fault.faultString)
        fault = self.fault("res.partner.title", "create", {"shortcut": "Sir"})
        self.assertIn("Field: Title (name)", fault.faultString)


class PartnerTitleGoneIn18Test(EmulatorCase):
    extra_args = ["--version", "18.0", "--modules", "contacts"]

    def test_no_title_in_18(self):
        fault = self.fault("res.partner.title", "search", [])
        self.assertEqual((fault.faultCode, fault.faultString),
                         (2, "Object res.partner.title doesn't exist"))
        fault = self.fault("res.partner", "create", {"name": "X", "title": 1})
        self.assertIn("Invalid field 'title' on model 'res.partner'", fault.faultString)


class InvoiceSalespersonTest(EmulatorCase):
    def setUp(self):
        super().setUp()
        self.partner = self.call("res.partner", "create", {"name": "Patient"})

    def invoice(self, **extra):
        vals = {"move_type": "out_invoice", "partner_id": self.partner,
                "invoice_line_ids": [[0, 0, {"name": "Cleaning", "price_unit": 80.0}]]}
        vals.update(extra)
        return self.call("account.move", "create", vals)

    def test_salesperson_defaults_to_the_user_on_sale_documents(self):
        move = self.invoice()
        got = self.call("account.move", "read", [move], fields=["invoice_user_id"])[0]
        self.assertEqual(got["invoice_user_id"][0], self.uid)
        bill = self.call("account.move", "create", {"move_type": "in_invoice",
                                                    "partner_id": self.partner})
        got = self.call("account.move", "read", [bill], fields=["invoice_user_id"])[0]
        self.assertFalse(got["invoice_user_id"])

    def test_salesperson_is_any_user_and_must_exist(self):
        users = self.call("res.users", "search_read", [["login", "=", "sarah.chen@brightsmile.example"]],
                          fields=["name"])
        move = self.invoice(invoice_user_id=users[0]["id"])
        got = self.call("account.move", "read", [move], fields=["invoice_user_id"])[0]
        self.assertEqual(got["invoice_user_id"], [users[0]["id"], users[0]["name"]])
        fault = self.fault("account.move", "create", {
            "move_type": "out_invoice", "partner_id": self.partner, "invoice_user_id": 987654})
        self.assertIn("Constraint: account_move_invoice_user_id_fkey", fault.faultString)


class CompanyDefaultsTest(EmulatorCase):
    def test_company_without_partner_gets_one_and_the_users_currency(self):
        gb = self.call("res.country", "search", [["code", "=", "GB"]])[0]
        cid = self.call("res.company", "create", {"name": "Harley St Clinic",
                                                  "phone": "+442071234567", "country_id": gb})
        company = self.call("res.company", "read", [cid],
                            fields=["partner_id", "currency_id", "country_id"])[0]
        partner = self.call("res.partner", "read", [company["partner_id"][0]],
                            fields=["name", "is_company", "phone", "country_id"])[0]
        self.assertEqual((partner["name"], partner["is_company"], partner["phone"],
                          partner["country_id"][0]),
                         ("Harley St Clinic", True, "+442071234567", gb))
        main = self.call("res.company", "read", [1], fields=["currency_id"])[0]
        self.assertEqual(company["currency_id"], main["currency_id"])
        self.assertEqual(company["country_id"][0], gb)

    def test_given_partner_and_currency_are_kept(self):
        pid = self.call("res.partner", "create", {"name": "Clinic HQ", "is_company": True})
        gbp = self.call("res.currency", "search", [["name", "=", "GBP"]])[0]
        partners = self.count("res.partner")
        cid = self.call("res.company", "create", {"name": "Clinic", "partner_id": pid,
                                                  "currency_id": gbp})
        self.assertEqual(self.count("res.partner"), partners)
        company = self.call("res.company", "read", [cid], fields=["partner_id", "currency_id"])[0]
        self.assertEqual((company["partner_id"][0], company["currency_id"][0]), (pid, gbp))

    def test_name_stays_required(self):
        fault = self.fault("res.company", "create", {"phone": "1"})
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("Field: Company Name (name)", fault.faultString)
