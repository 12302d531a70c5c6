"""The installed-modules switch: missing apps' models do not exist; clients can detect them."""

from emu_harness import EmulatorCase


class ContactsOnlyTest(EmulatorCase):
    extra_args = ["--modules", "contacts"]

    def test_models_of_missing_modules_do_not_exist(self):
        for model in ("calendar.event", "crm.lead", "account.move", "account.payment"):
            fault = self.fault(model, "search", [])
            self.assertEqual((fault.faultCode, fault.faultString),
                             (2, "Object %s doesn't exist" % model))
        self.assertTrue(self.call("mail.message", "search", []) is not None)

    def test_ir_module_module_reports_states(self):
        rows = self.call("ir.module.module", "search_read",
                         [["name", "in", ["crm", "calendar", "account", "contacts", "mail"]]],
                         fields=["name", "state"])
        states = {r["name"]: r["state"] for r in rows}
        self.assertEqual(states, {"crm": "uninstalled", "calendar": "uninstalled",
                                  "account": "uninstalled", "contacts": "installed",
                                  "mail": "installed"})
        models = self.call("ir.model", "search", [["model", "=", "calendar.event"]])
        self.assertEqual(models, [])


class CrmBringsCalendarTest(EmulatorCase):
    extra_args = ["--modules", "crm"]

    def test_dependencies_are_installed(self):
        installed = self.call("ir.module.module", "search_read", [["state", "=", "installed"]],
                              fields=["name"])
        names = {r["name"] for r in installed}
        self.assertTrue({"crm", "calendar", "mail", "utm", "sales_team"} <= names)
        self.assertNotIn("account", names)
        fault = self.fault("account.move", "search", [])
        self.assertEqual(fault.faultCode, 2)
        self.assertEqual(self.call("calendar.event", "search", []), [])


class Version16Test(EmulatorCase):
    extra_args = ["--version", "16.0", "--modules", "contacts"]

    def test_private_addresses_exist_in_16(self):
        self.assertEqual(self.common.version()["server_serie"], "16.0")
        pid = self.call("res.partner", "create", {"name": "Home", "type": "private"})
        self.assertTrue(pid)
