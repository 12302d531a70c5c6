"""Custom fields through ir.model.fields: the x_ rule, types, lifecycle and its data."""

from emu_harness import EmulatorCase


class CustomFieldTest(EmulatorCase):
    def add_field(self, model, name, ttype, **extra):
        vals = {"model_id": self.model_id(model), "name": name, "ttype": ttype,
                "field_description": name.replace("x_", "").replace("_", " ").title(),
                "state": "manual"}
        vals.update(extra)
        return self.call("ir.model.fields", "create", vals)

    def test_field_is_refused_before_creation_and_usable_by_the_next_call(self):
        fault = self.fault("res.partner", "create", {"name": "P", "x_legacy_id": "L-1"})
        self.assertEqual(fault.faultCode, 1)
        self.add_field("res.partner", "x_legacy_id", "char", index=True)
        pid = self.call("res.partner", "create", {"name": "P", "x_legacy_id": "L-1"})
        self.assertEqual(self.call("res.partner", "search", [["x_legacy_id", "=", "L-1"]]), [pid])
        self.assertEqual(self.call("res.partner", "read", [pid], fields=["x_legacy_id"])[0]
                         ["x_legacy_id"], "L-1")
        result = self.call("res.partner", "load", ["name", "x_legacy_id"], [["Q", "L-2"]])
        self.assertTrue(result["ids"], result)
        meta = self.call("res.partner", "fields_get", ["x_legacy_id"],
                         attributes=["type", "string", "manual"])
        self.assertEqual(meta["x_legacy_id"], {"type": "char", "string": "Legacy Id",
                                               "manual": True})
        rows = self.call("ir.model.fields", "search_read",
                         [["model", "=", "res.partner"], ["name", "=", "x_legacy_id"]],
                         fields=["state", "ttype", "model"])
        self.assertEqual(rows[0]["state"], "manual")

    def test_name_must_start_with_x(self):
        fault = self.fault("ir.model.fields", "create", {
            "model_id": self.model_id("res.partner"), "name": "legacy_id", "ttype": "char",
            "field_description": "Legacy", "state": "manual"})
        self.assertEqual(fault.faultCode, 2)
        self.assertIn("Custom fields must have a name that starts with 'x_'!", fault.faultString)
        fault = self.fault("ir.model.fields", "create", {
            "model_id": self.model_id("res.partner"), "name": "x_bad name", "ttype": "char",
            "field_description": "Bad"})
        self.assertEqual(fault.faultCode, 2)
        self.add_field("res.partner", "x_once", "char")
        fault = self.fault("ir.model.fields", "create", {
            "model_id": self.model_id("res.partner"), "name": "x_once", "ttype": "char",
            "field_description": "Twice"})
        self.assertIn("Field names must be unique per model.", fault.faultString)

    def test_selection_fields_accept_only_their_values(self):
        self.add_field("res.partner", "x_gender", "selection", selection_ids=[
            [0, 0, {"value": "f", "name": "Female", "sequence": 1}],
            [0, 0, {"value": "m", "name": "Male", "sequence": 2}]])
        self.add_field("crm.lead", "x_specialty", "selection",
                       selection="[('ortho', 'Orthodontics'), ('endo', 'Endodontics')]")
        self.call("res.partner", "create", {"name": "A", "x_gender": "f"})
        fault = self.fault("res.partner", "create", {"name": "B", "x_gender": "x"})
        self.assertIn("Wrong value for res.partner.x_gender: 'x'", fault.faultString)
        meta = self.call("crm.lead", "fields_get", ["x_specialty"], attributes=["selection"])
        self.assertEqual(meta["x_specialty"]["selection"],
                         [["ortho", "Orthodontics"], ["endo", "Endodontics"]])

    def test_relational_and_typed_fields(self):
        fault = self.fault("ir.model.fields", "create", {
            "model_id": self.model_id("res.partner"), "name": "x_plan", "ttype": "many2one",
            "relation": "x.treatment.plan", "field_description": "Plan"})
        self.assertEqual((fault.faultCode, fault.faultString),
                         (2, "Model x.treatment.plan does not exist!"))
        self.add_field("res.partner", "x_referrer_id", "many2one", relation="res.partner")
        self.add_field("res.partner", "x_birthdate", "date")
        self.add_field("res.partner", "x_balance", "float")
        self.add_field("res.partner", "x_insurers", "many2many", relation="res.partner.category")
        ref = self.call("res.partner", "create", {"name": "Referrer"})
        pid = self.call("res.partner", "create", {"name": "Pat", "x_referrer_id": ref,
                                                  "x_birthdate": "1980-02-29", "x_balance": "12.5"})
        row = self.call("res.partner", "read", [pid], fields=[
            "x_referrer_id", "x_birthdate", "x_balance", "x_insurers"])[0]
        self.assertEqual(row["x_referrer_id"], [ref, "Referrer"])
        self.assertEqual((row["x_birthdate"], row["x_balance"], row["x_insurers"]),
                         ("1980-02-29", 12.5, []))
        fault = self.fault("res.partner", "create", {"name": "X", "x_referrer_id": 999999})
        self.assertEqual(fault.faultCode, 2)
        fault = self.fault("res.partner", "create", {"name": "X", "x_birthdate": "1980-02-30"})
        self.assertEqual(fault.faultCode, 1)
        fault = self.fault("ir.model.fields", "create", {
            "model_id": self.model_id("res.partner"), "name": "x_amount", "ttype": "monetary",
            "field_description": "Amount"})
        self.assertEqual(fault.faultCode, 2)
        self.add_field("account.move", "x_legacy_total", "monetary")

    def test_unlink_drops_the_field_and_its_data(self):
        before = self.snapshot()
        fid = self.add_field("res.partner", "x_note", "text")
        pid = self.call("res.partner", "create", {"name": "P", "x_note": "n"})
        self.call("res.partner", "unlink", [pid])
        self.call("ir.model.fields", "unlink", [fid])
        self.assertEqual(self.snapshot(), before)
        fault = self.fault("res.partner", "search", [["x_note", "=", "n"]])
        self.assertEqual(fault.faultCode, 1)
        fid = self.add_field("res.partner", "x_note", "text")
        pid = self.call("res.partner", "create", {"name": "P", "x_note": "kept?"})
        self.call("ir.model.fields", "unlink", [fid])
        self.assertNotIn("x_note", self.call("res.partner", "read", [pid])[0])

    def test_base_fields_and_types_cannot_be_changed(self):
        base = self.call("ir.model.fields", "search",
                         [["model", "=", "res.partner"], ["name", "=", "email"]])
        fault = self.fault("ir.model.fields", "unlink", base)
        self.assertEqual((fault.faultCode, fault.faultString),
                         (2, "This column contains module data and cannot be removed!"))
        fid = self.add_field("res.partner", "x_code", "char")
        fault = self.fault("ir.model.fields", "write", [fid], {"ttype": "integer"})
        self.assertIn("Changing the type of a field is not yet supported", fault.faultString)

    def test_schema_change_rolls_back_with_its_call(self):
        before = self.snapshot()
        self.fault("ir.model.fields", "create", [
            {"model_id": self.model_id("res.partner"), "name": "x_ok", "ttype": "char",
             "field_description": "Ok"},
            {"model_id": self.model_id("res.partner"), "name": "bad", "ttype": "char",
             "field_description": "Bad"}])
        self.assertEqual(self.snapshot(), before)
        fault = self.fault("res.partner", "create", {"name": "P", "x_ok": "v"})
        self.assertEqual(fault.faultCode, 1)
