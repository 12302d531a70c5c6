"""End-to-end: sensei-cloud -> an Odoo without Accounting (issue 4: "a missing module is detected
before any write: the map's fallback applies and the report says so").

The emulator runs with `--modules crm,mail,contacts`. Its module graph follows Odoo 17's
manifests, where `crm` depends on `calendar`: an Odoo with CRM always has Calendar, so Accounting
is the app that is missing here. The test runs what a practice runs (map confirm, schema plan,
schema apply, owners, migrate, report, rollback) and checks what the operator checks:
- schema plan / apply list account.move and account.payment as unavailable, with the fallback;
- with that fallback taken out of the map, migrate is refused before any write;
- migrate.json and report.json name the fallback that applied (ledger -> CSV export), and no
  other (upcoming appointments still land as calendar.event on their patient's lead);
- the report's export-ledger_entries.csv holds every ledger entry; nothing reached account.*;
- every failure is one truth.json explains; rollback restores the pre-write snapshot;
- `rollback --drop-custom-fields` then drops the custom fields schema apply created, and keeps
  one the database had before (issue 4: "created custom fields dropped when asked").
"""
import csv
import os
import unittest
import xmlrpc.client
from datetime import datetime, timedelta

from harness import (ODOO_PASSWORD, SANITIZED, GeneratedBundle, Migration, OutcomeChecks)

SOURCE = "sensei-cloud"
PAIR = "sensei-cloud-to-odoo"
MODULES = "crm,mail,contacts"
PATIENTS = 40  # small: the fallback does not need volume, and CI time is shared


class SenseiCloudToOdooWithoutAccountingTest(GeneratedBundle, OutcomeChecks, unittest.TestCase):
    SOURCE = SOURCE
    PATIENTS = PATIENTS

    def odoo(self, m, model, method, args, kwargs=None):
        rpc = xmlrpc.client.ServerProxy(m.emulator.url + "/xmlrpc/2/object", allow_none=True)
        return rpc.execute_kw("practice", 2, ODOO_PASSWORD, model, method, args, kwargs or {})

    def installed_modules(self, m):
        rows = self.odoo(m, "ir.module.module", "search_read", [[["state", "=", "installed"]]],
                         {"fields": ["name"]})
        return {r["name"] for r in rows}

    def make_some_appointments_upcoming(self, m):
        """The generator dates appointments around a fixed day (bundles are deterministic), now
        in the past. Every third valid appointment moves to the coming weeks, written in the
        export's own format, so that the run has upcoming ones. Returns their ids."""
        path = m.source_path("appointments")
        kind, items = m._read_records(path)
        header = items[0]
        col, key = header.index("start_time"), header.index("appointment_id")
        explained = m.explained_records()
        fmt = "%m/%d/%Y %H:%M:%S"
        start = datetime.utcnow().replace(minute=0, second=0, microsecond=0)
        moved, n = set(), 0
        for row in items[1:]:
            if len(row) != len(header) or ("appointments", row[key]) in explained:
                continue
            try:
                datetime.strptime(row[col], fmt)
            except ValueError:
                continue
            n += 1
            if n % 3 == 0:
                row[col] = (start + timedelta(days=n)).strftime(fmt)
                moved.add(row[key])
        m._write_records(path, kind, items)
        return moved

    def custom_fields(self, snapshot):
        return sorted("%s.%s" % (f["model"], f["name"]) for f in snapshot["ir.model.fields"]
                      if f.get("state") == "manual")

    def test_missing_accounting_falls_back_before_any_write(self):
        if SANITIZED:
            self.skipTest("sanitizer build: the fallback workflow runs in the normal build only "
                          "(tests/e2e/CMakeLists.txt)")
        m = Migration(self, SOURCE, "odoo", PAIR, "e2e-no-accounting", modules=MODULES)
        m.start(self._generated)
        installed = self.installed_modules(m)
        self.assertNotIn("account", installed)
        self.assertIn("calendar", installed, "Odoo 17's crm depends on calendar")

        # A field of the map the practice's database already has: schema apply finds it, and
        # rollback --drop-custom-fields must leave it.
        lead_model = self.odoo(m, "ir.model", "search", [[["model", "=", "crm.lead"]]])[0]
        self.odoo(m, "ir.model.fields", "create", [{
            "name": "x_preferred_name", "model_id": lead_model, "ttype": "char",
            "field_description": "Preferred name", "state": "manual"}])
        before_schema = m.emulator.snapshot()
        upcoming = self.make_some_appointments_upcoming(m)
        self.assertTrue(upcoming)

        m.verb("map", "confirm", "--by", "e2e")
        # schema plan: the models of the missing app are listed with what happens instead.
        m.verb("schema", "plan")
        plan = m.verb_json("schema-plan")["plan"]
        unavailable = {(i["model"], i["name"]): i["detail"] for i in plan["items"]
                       if i["kind"] == "model" and i["status"] == "unavailable"}
        self.assertEqual(set(unavailable), {("account.move", "ledger_entries"),
                                            ("account.payment", "ledger_entries")}, plan["items"])
        for detail in unavailable.values():
            self.assertIn("module account is not installed", detail)
            self.assertIn("exported as CSV", detail)
        m.verb("schema", "apply")
        applied = m.verb_json("schema-apply")
        self.assertTrue(applied["ok"], applied)
        # The account.move custom fields are not attempted (their model does not exist).
        self.assertFalse([i for i in applied["items"] if "account." in i["what"]], applied)
        created = applied["created_fields"]
        self.assertTrue(applied["created_fields_recorded"])
        self.assertNotIn("crm.lead.x_preferred_name", created)
        self.assertIn("crm.lead.x_date_of_birth", created)
        m.verb("owners")
        before = m.emulator.snapshot()

        # Without the map's fallback for Accounting the run is refused before any write.
        with open(m.map_path, encoding="utf-8") as handle:
            original = handle.read()
        fallback = ("    fallbacks:\n      - module: account\n        action: export_csv\n"
                    "        reason: Accounting is not installed; the ledger is exported as CSV "
                    "for reconciliation later\n")
        self.assertIn(fallback, original)
        with open(m.map_path, "w", encoding="utf-8") as handle:
            handle.write(original.replace(fallback, ""))
        m.verb("map", "confirm", "--by", "e2e")
        r = m.verb("migrate", expect=None)
        self.assertNotEqual(r.code, 0, r.describe())
        self.assertIn("needs module 'account', which is not installed", r.stderr)
        self.assertEqual(m.emulator.snapshot(), before, "a refused run wrote")
        with open(m.map_path, "w", encoding="utf-8") as handle:
            handle.write(original)
        m.verb("map", "confirm", "--by", "e2e")

        r = m.verb("migrate", expect=None)
        result = m.verb_json("migrate", result=r)
        failures = m.failures()
        self.check_outcome(m, result, failures, r.code, r.describe(),
                           exported={"ledger_entries"})
        after = m.emulator.snapshot()

        # migrate.json says which fallback applied, and only that one.
        fallbacks = result.get("fallbacks")
        self.assertIsInstance(fallbacks, list, "migrate.json has no fallbacks list")
        self.assertEqual(len(fallbacks), 1, fallbacks)
        self.assertTrue(fallbacks[0].startswith("ledger_entries: module account missing -> "
                                                "export_csv"), fallbacks)
        ledger = result["objects"]["ledger_entries"]
        self.assertEqual(ledger["loaded"], 0, ledger)
        self.assertGreater(ledger["skipped"], 0, ledger)

        # Nothing was written to Accounting: its models do not exist, no external id names one.
        self.assertFalse([k for k in after if k.startswith("account.")], sorted(after))
        ours = m.destination_ids(after)
        self.assertFalse([n for n, (model, _) in ours.items() if model.startswith("account.")])

        # Everything else landed exactly once and linked (the ledger's targets left out).
        ledger_targets = m.map.pop("ledger_entries")
        m.assert_exact(before, after, failures)
        self.assertGreater(m.assert_relations(after), 0)
        m.map["ledger_entries"] = ledger_targets

        # Calendar is there (crm brings it): upcoming appointments are calendar events on their
        # patient's lead, past ones activities on it; each appointment became exactly one.
        appointments = m.read_source("appointments")
        failed = {f["id"] for f in failures if f["object"] == "appointments"}
        events = activities = 0
        rows = {(model, r["id"]): r for model in ("calendar.event", "mail.activity")
                for r in after.get(model, [])}
        for sid, row in appointments.items():
            if sid in failed:
                continue
            lead = ours.get(m.name_of("patients/%s/lead" % row["patient_id"]))
            if lead is None:
                continue
            event = ours.get(m.name_of("appointments/%s/event" % sid))
            activity = ours.get(m.name_of("appointments/%s/activity" % sid))
            self.assertTrue((event is None) != (activity is None),
                            "appointment %s: event %s, activity %s" % (sid, event, activity))
            self.assertEqual(event is not None, sid in upcoming, "appointment %s" % sid)
            if event is not None:
                events += 1
                rec = rows[event]
                self.assertEqual(rec["opportunity_id"], lead[1], "appointment %s" % sid)
            else:
                activities += 1
                rec = rows[activity]
                self.assertEqual((rec["res_model"], rec["res_id"]), ("crm.lead", lead[1]),
                                 "appointment %s" % sid)
        self.assertGreater(events, 0)
        self.assertGreater(activities, 0)

        # The report names the fallback and exports every ledger entry.
        m.verb("report")
        report = m.verb_json("report")
        self.assertEqual(report.get("fallbacks"), fallbacks)
        export = [f for f in report["files"] if f.endswith("export-ledger_entries.csv")]
        self.assertEqual(len(export), 1, report["files"])
        with open(export[0], encoding="utf-8", newline="") as handle:
            exported = {row["entry_id"] for row in csv.DictReader(handle)}
        expected = set(m.read_source("ledger_entries"))
        self.assertTrue(expected)
        self.assertEqual(expected - exported, set(), "ledger entries missing from the export")
        self.assertEqual(os.stat(export[0]).st_mode & 0o077, 0, "export readable by others")

        # Rollback leaves the destination as it was before the first write; again: no change.
        m.verb("rollback")
        self.assertEqual(m.emulator.snapshot(), before)
        m.verb("rollback")
        self.assertEqual(m.emulator.snapshot(), before)

        # Asked to, rollback drops the fields schema apply created, and only those.
        m.verb("rollback", "--drop-custom-fields")
        dropped = m.verb_json("rollback")["custom_fields"]
        self.assertEqual(sorted(dropped["dropped"]), sorted(created), dropped)
        self.assertEqual((dropped["already_gone"], dropped["failed"]), ([], []), dropped)
        after_drop = m.emulator.snapshot()
        self.assertEqual(self.custom_fields(after_drop), self.custom_fields(before_schema))
        self.assertIn("crm.lead.x_preferred_name", self.custom_fields(after_drop))
        for model in ("ir.model.fields", "ir.model.fields.selection", "res.partner",
                      "crm.lead", "ir.model.data"):
            self.assertEqual(after_drop.get(model), before_schema.get(model), model)
        # Again: nothing left to drop, nothing changes.
        m.verb("rollback", "--drop-custom-fields")
        again = m.verb_json("rollback")["custom_fields"]
        self.assertEqual((again["dropped"], sorted(again["already_gone"])), ([], sorted(created)))
        self.assertEqual(m.emulator.snapshot(), after_drop)
        # --run with --drop-custom-fields is refused: other runs may still use the fields.
        r = m.verb("rollback", "--run", "x", "--drop-custom-fields", expect=None)
        self.assertNotEqual(r.code, 0)
        self.assertIn("--drop-custom-fields", r.stderr)


if __name__ == "__main__":
    unittest.main()
