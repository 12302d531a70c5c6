"""Authentication, fault codes and messages, the marshaller's rules, request size limit."""

import http.client
import xmlrpc.client

from emu_harness import API_KEY, PASSWORD, EmulatorCase


class RpcProtocolTest(EmulatorCase):
    def test_version_and_authenticate(self):
        version = self.common.version()
        self.assertEqual(version["server_version"], "17.0")
        self.assertEqual(version["protocol_version"], 1)
        self.assertEqual(self.common.authenticate("practice", "admin", PASSWORD, {}), 2)
        self.assertEqual(self.common.authenticate("practice", "admin", API_KEY, {}), 2)
        self.assertIs(self.common.authenticate("practice", "admin", "wrong", {}), False)
        self.assertIs(self.common.authenticate("practice", "nobody", PASSWORD, {}), False)
        self.assertEqual(self.common.login("practice", "admin", PASSWORD), 2)

    def test_unknown_database_is_an_application_error(self):
        with self.assertRaises(xmlrpc.client.Fault) as ctx:
            self.common.authenticate("nodb", "admin", PASSWORD, {})
        self.assertEqual(ctx.exception.faultCode, 1)
        self.assertIn('database "nodb" does not exist', ctx.exception.faultString)

    def test_every_call_rechecks_credentials(self):
        proxy = self.proxy()
        self.addCleanup(proxy("close"))
        for password in ("wrong", "", API_KEY + "x"):
            with self.assertRaises(xmlrpc.client.Fault) as ctx:
                proxy.execute_kw("practice", 2, password, "res.partner", "search", [[]])
            self.assertEqual(ctx.exception.faultCode, 3)
            self.assertEqual(ctx.exception.faultString, "Access Denied")
        with self.assertRaises(xmlrpc.client.Fault) as ctx:
            proxy.execute_kw("practice", 5, PASSWORD, "res.partner", "search", [[]])
        self.assertEqual(ctx.exception.faultCode, 3)
        self.assertTrue(proxy.execute_kw("practice", 2, API_KEY, "res.partner", "search", [[]]))

    def test_fault_codes_and_messages(self):
        fault = self.fault("foo.bar", "search", [])
        self.assertEqual((fault.faultCode, fault.faultString), (2, "Object foo.bar doesn't exist"))
        fault = self.fault("res.partner", "_private_thing")
        self.assertEqual(fault.faultCode, 4)
        self.assertIn("Private methods (such as res.partner._private_thing) cannot be called "
                      "remotely.", fault.faultString)
        fault = self.fault("res.partner", "no_such_method", [])
        self.assertEqual(fault.faultCode, 1)
        self.assertTrue(fault.faultString.startswith("Traceback (most recent call last):"))
        self.assertTrue(fault.faultString.rstrip().endswith(
            "AttributeError: The method 'res.partner.no_such_method' does not exist"))
        fault = self.fault("res.partner", "write", [999], {"name": "x"})
        self.assertEqual(fault.faultCode, 2)
        self.assertEqual(fault.faultString, "Record does not exist or has been deleted.\n"
                                            "(Record: res.partner(999,), User: 2)")
        fault = self.fault("res.partner", "search", [], bogus=1)
        self.assertEqual(fault.faultCode, 1)
        self.assertIn("TypeError", fault.faultString)

    def test_method_returning_none_faults_after_commit(self):
        partner = self.call("res.partner", "create", {"name": "Payer"})
        payment = self.call("account.payment", "create", {"partner_id": partner, "amount": 10.0})
        fault = self.fault("account.payment", "action_post", [payment])
        self.assertEqual(fault.faultCode, 1)
        self.assertTrue(fault.faultString.rstrip().endswith(
            "TypeError: cannot marshal None unless allow_none is enabled"))
        state = self.call("account.payment", "read", [payment], fields=["state"])[0]["state"]
        self.assertEqual(state, "posted", "the call committed before the marshaller failed")

    def test_tabs_newlines_and_non_latin_text_survive_the_round_trip(self):
        name = "Zeynep \u015eahin\tline\nnext \u738b\u5c0f\u660e"
        pid = self.call("res.partner", "create", {"name": name})
        self.assertEqual(self.call("res.partner", "read", [pid], fields=["name"])[0]["name"], name)

    def test_missing_records_are_left_out_of_read_and_unlink_is_idempotent(self):
        pid = self.call("res.partner", "create", {"name": "Gone"})
        self.assertTrue(self.call("res.partner", "unlink", [pid]))
        self.assertEqual(self.call("res.partner", "read", [pid], fields=["name"]), [])
        self.assertTrue(self.call("res.partner", "unlink", [pid]))


class RequestSizeTest(EmulatorCase):
    extra_args = ["--max-body-bytes", "4096"]

    def test_body_over_the_limit_gets_413_and_writes_nothing(self):
        before = self.count("ir.attachment")
        body = xmlrpc.client.dumps(("practice", 2, PASSWORD, "ir.attachment", "create",
                                    [{"name": "big.bin", "datas": "QUFB" * 4000}], {}),
                                   "execute_kw")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("POST", "/xmlrpc/2/object", body, {"Content-Type": "text/xml"})
        response = conn.getresponse()
        self.assertEqual(response.status, 413)
        response.read()
        conn.close()
        self.assertEqual(self.count("ir.attachment"), before)
