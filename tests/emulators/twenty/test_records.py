"""Single-record REST behaviour: auth, object names, field checks, composite shapes,
client ids, foreign keys, update, hard and soft delete, notes, targets, members."""

import unittest
import uuid

from emulator_harness import EmulatorTestCase

PID = "6f1d2c3b-1a2b-4c3d-8e4f-000000000001"


class AuthAndNamesTest(EmulatorTestCase):
    def test_missing_or_wrong_key_is_401_in_twenty_shape(self):
        status, out = self.call("GET", "/rest/people", key=None)
        self.assertTwentyError(status, out, 401, "")
        status, out = self.call("GET", "/rest/people", key="wrong")
        self.assertTwentyError(status, out, 401, "")
        self.assertEqual(out["error"], "Unauthorized")

    def test_singular_object_name_hints_the_plural(self):
        status, out = self.call("GET", "/rest/person")
        self.assertTwentyError(status, out, 400,
                               "object 'person' not found. Did you mean 'people'?")
        status, out = self.call("POST", "/rest/batch/company", [{"name": "x"}])
        self.assertTwentyError(status, out, 400, "Did you mean 'companies'?")
        status, out = self.call("GET", "/rest/patients")
        self.assertTwentyError(status, out, 400, "object 'patients' not found. eg: companies")

    def test_fresh_workspace_holds_five_people_and_five_companies(self):
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 5)
        self.assertEqual(self.ok("GET", "/rest/companies")["totalCount"], 5)


class EmptyWorkspaceTest(EmulatorTestCase):
    ARGS = ("--empty-workspace",)

    def test_empty_workspace_has_no_people_but_members(self):
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 0)
        self.assertEqual(self.ok("GET", "/rest/companies")["totalCount"], 0)
        self.assertGreaterEqual(self.ok("GET", "/rest/workspaceMembers")["totalCount"], 3)


class RecordTest(EmulatorTestCase):
    def test_create_with_client_id_then_read_it_back_with_full_shapes(self):
        out = self.ok("POST", "/rest/people", {
            "id": PID, "name": {"firstName": "Ana"}, "emails": {"primaryEmail": "Ana@Clinic.COM",
                                                               "additionalEmails": ["B@x.org"]},
            "phones": {"primaryPhoneNumber": "5550100", "primaryPhoneCountryCode": "US",
                       "primaryPhoneCallingCode": "+1"},
            "jobTitle": "Patient", "linkedinLink": {"primaryLinkUrl": "https://l.in/ana"}},
            expect=201)
        rec = out["data"]["createPerson"]
        self.assertEqual(rec["id"], PID)
        got = self.ok("GET", f"/rest/people/{PID}")["data"]["person"]
        self.assertEqual(got["name"], {"firstName": "Ana", "lastName": ""})
        self.assertEqual(got["emails"], {"primaryEmail": "ana@clinic.com",
                                         "additionalEmails": ["b@x.org"]})
        self.assertEqual(got["phones"]["primaryPhoneCallingCode"], "+1")
        self.assertIsNone(got["phones"]["additionalPhones"])
        self.assertEqual(got["createdBy"]["source"], "API")
        for base in ("createdAt", "updatedAt", "deletedAt", "position"):
            self.assertIn(base, got)

    def test_company_composites(self):
        rec = self.ok("POST", "/rest/companies", {
            "name": "Lab", "domainName": {"primaryLinkUrl": "https://lab.example"},
            "employees": 12, "idealCustomerProfile": True,
            "address": {"addressStreet1": "1 Main St", "addressCity": "Springfield",
                        "addressPostcode": "12345", "addressCountry": "United States",
                        "addressLat": 1.5},
            "annualRecurringRevenue": {"amountMicros": 1500000000, "currencyCode": "USD"}},
            expect=201)["data"]["createCompany"]
        self.assertEqual(rec["address"]["addressStreet2"], "")
        self.assertIsNone(rec["address"]["addressLng"])
        self.assertEqual(rec["annualRecurringRevenue"]["amountMicros"], 1500000000)

    def test_invalid_client_id_is_refused(self):
        status, out = self.call("POST", "/rest/people", {"id": "not-a-uuid"})
        self.assertTwentyError(status, out, 400, "Invalid UUID")

    def test_existing_id_is_a_duplicate(self):
        self.ok("POST", "/rest/people", {"id": PID}, expect=201)
        status, out = self.call("POST", "/rest/people", {"id": PID})
        self.assertTwentyError(status, out, 400, "A duplicate entry was detected")

    def test_unknown_id_is_400_not_404(self):
        status, out = self.call("GET", f"/rest/people/{uuid.uuid4()}")
        self.assertTwentyError(status, out, 400, "Record not found")

    def test_unknown_field_and_unknown_subfield(self):
        status, out = self.call("POST", "/rest/people", {"firstName": "A"})
        self.assertTwentyError(status, out, 400, "Object person doesn't have any \"firstName\"")
        status, out = self.call("POST", "/rest/people", {"name": {"first": "A"}})
        self.assertTwentyError(status, out, 400, "Invalid subfield first for full name field")
        status, out = self.call("POST", "/rest/people", {"emails": {"primaryEmail": "nope"}})
        self.assertTwentyError(status, out, 400, "for email field \"emails.primaryEmail\"")

    def test_type_checks(self):
        cases = [("companies", {"employees": "12"}, "Invalid number value"),
                 ("companies", {"idealCustomerProfile": "yes"}, "Invalid boolean value"),
                 ("tasks", {"dueAt": "12/01/2024"}, "for date-time field \"dueAt\""),
                 ("tasks", {"status": "OPEN"}, "Invalid value 'OPEN' for field \"status\""),
                 ("opportunities", {"stage": "WON"}, "for field \"stage\""),
                 ("people", {"jobTitle": 5}, "Invalid string value 5 for text field"),
                 ("people", {"phones": {"primaryPhoneCountryCode": "+1"}}, "country code")]
        for plural, body, message in cases:
            with self.subTest(body=body):
                status, out = self.call("POST", f"/rest/{plural}", body)
                self.assertTwentyError(status, out, 400, message)

    def test_date_time_is_normalised_to_utc(self):
        rec = self.ok("POST", "/rest/tasks", {"title": "x", "dueAt": "2024-03-01T10:00:00+02:00"},
                      expect=201)["data"]["createTask"]
        self.assertEqual(rec["dueAt"], "2024-03-01T08:00:00.000Z")
        self.assertEqual(rec["status"], "TODO")

    def test_foreign_keys_must_point_to_existing_rows(self):
        status, out = self.call("POST", "/rest/people", {"companyId": str(uuid.uuid4())})
        self.assertTwentyError(status, out, 400, "foreign key")
        status, out = self.call("POST", "/rest/people", {"company": {"name": "x"}})
        self.assertTwentyError(status, out, 400, "requires connect or disconnect")
        company = self.ok("GET", "/rest/companies?limit=1")["data"]["companies"][0]
        rec = self.ok("POST", "/rest/people", {"companyId": company["id"]},
                      expect=201)["data"]["createPerson"]
        self.assertEqual(rec["companyId"], company["id"])

    def test_patch_merges_composite_subfields(self):
        self.ok("POST", "/rest/people", {"id": PID, "name": {"firstName": "A", "lastName": "B"},
                                         "city": "Oslo"}, expect=201)
        rec = self.ok("PATCH", f"/rest/people/{PID}",
                      {"name": {"lastName": "C"}})["data"]["updatePerson"]
        self.assertEqual(rec["name"], {"firstName": "A", "lastName": "C"})
        self.assertEqual(rec["city"], "Oslo")
        status, out = self.call("PATCH", f"/rest/people/{uuid.uuid4()}", {"city": "x"})
        self.assertTwentyError(status, out, 400, "Record not found")

    def test_patch_cannot_take_a_unique_value_held_by_another_row(self):
        self.ok("POST", "/rest/people", {"id": PID}, expect=201)
        status, out = self.call("PATCH", f"/rest/people/{PID}",
                                {"emails": {"primaryEmail": "CHESKY@airbnb.com"}})
        self.assertTwentyError(status, out, 400, "A duplicate entry was detected")
        status, out = self.call("PATCH", f"/rest/people/{PID}", {"nickname": "x"})
        self.assertTwentyError(status, out, 400, "doesn't have any \"nickname\" field")

    def test_delete_is_permanent_unless_soft_delete(self):
        self.ok("POST", "/rest/people", {"id": PID}, expect=201)
        self.ok("DELETE", f"/rest/people/{PID}?soft_delete=true")
        status, _ = self.call("GET", f"/rest/people/{PID}")
        self.assertEqual(status, 400)
        deleted = self.ok("GET", "/rest/people?filter=deletedAt[is]:NOT_NULL")
        self.assertEqual([r["id"] for r in deleted["data"]["people"]], [PID])
        restored = self.ok("PATCH", f"/rest/people/{PID}/restore")["data"]["restorePerson"]
        self.assertIsNone(restored["deletedAt"])
        self.ok("DELETE", f"/rest/people/{PID}")
        status, out = self.call("DELETE", f"/rest/people/{PID}")
        self.assertTwentyError(status, out, 400, "Record not found")
        snapshot = self.emu.control("GET", "snapshot")
        self.assertNotIn(PID, [r["id"] for r in snapshot["objects"]["people"]])

    def test_update_many_and_delete_many_by_filter(self):
        batch = [{"city": "Oslo", "jobTitle": f"t{i}"} for i in range(4)]
        self.ok("POST", "/rest/batch/people", batch, expect=201)
        out = self.ok("PATCH", '/rest/people?filter=city[eq]:"Oslo"', {"city": "Bergen"})
        self.assertEqual(len(out["data"]["updatePeople"]), 4)
        status, out = self.call("DELETE", "/rest/people")
        self.assertTwentyError(status, out, 400, "Filters are mandatory")
        out = self.ok("DELETE", '/rest/people?filter=city[eq]:"Bergen"&soft_delete=true')
        self.assertEqual(len(out["data"]["deletePeople"]), 4)
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 5)
        out = self.ok("DELETE", '/rest/people?filter=city[eq]:"Bergen"')
        self.assertEqual(len(out["data"]["deletePeople"]), 4)  # soft-deleted ones included
        self.assertEqual(len(self.emu.control("GET", "snapshot")["objects"]["people"]), 5)
        self.emu.control("POST", "config", {"mutation_max": 2})
        try:
            status, out = self.call("DELETE", "/rest/people?filter=city[eq]:\"\"")
            self.assertTwentyError(status, out, 400, "Cannot delete person because it impacts "
                                   "too many records (more than 2).")
            self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 5)
        finally:
            self.emu.control("POST", "config", {"mutation_max": 100})

    def test_destroying_a_company_unlinks_people(self):
        company = self.ok("POST", "/rest/companies", {"name": "Gone"},
                          expect=201)["data"]["createCompany"]
        self.ok("POST", "/rest/people", {"id": PID, "companyId": company["id"]}, expect=201)
        self.ok("DELETE", f"/rest/companies/{company['id']}")
        self.assertIsNone(self.ok("GET", f"/rest/people/{PID}")["data"]["person"]["companyId"])

    def test_workspace_members_are_read_only_and_found_by_email(self):
        status, out = self.call("POST", "/rest/workspaceMembers", {"userEmail": "new@x.org"})
        self.assertTwentyError(status, out, 403,
                               "Entity performing the request does not have permission")
        found = self.ok("GET", '/rest/workspaceMembers?filter=userEmail[eq]:"tim@apple.dev"')
        self.assertEqual(found["totalCount"], 1)
        member = found["data"]["workspaceMembers"][0]
        status, _ = self.call("PATCH", f"/rest/workspaceMembers/{member['id']}", {"locale": "fr"})
        self.assertEqual(status, 403)
        company = self.ok("POST", "/rest/companies", {"name": "Owned",
                                                      "accountOwnerId": member["id"]},
                          expect=201)["data"]["createCompany"]
        self.assertEqual(company["accountOwnerId"], member["id"])


class NotesAndTargetsTest(EmulatorTestCase):
    def test_note_markdown_gets_a_blocknote_document(self):
        note = self.ok("POST", "/rest/notes", {"title": "Visit",
                                               "bodyV2": {"markdown": "# Visit\n\nAll good."}},
                       expect=201)["data"]["createNote"]
        self.assertEqual(note["bodyV2"]["markdown"], "# Visit\n\nAll good.")
        self.assertIn('"type":"heading"', note["bodyV2"]["blocknote"])
        self.assertIn("All good.", note["bodyV2"]["blocknote"])

    def test_plain_body_field_does_not_exist(self):
        status, out = self.call("POST", "/rest/notes", {"title": "x", "body": "text"})
        self.assertTwentyError(status, out, 400, "Object note doesn't have any \"body\" field.")
        status, out = self.call("POST", "/rest/notes", {"bodyV2": {"html": "<p>x</p>"}})
        self.assertTwentyError(status, out, 400, "Invalid subfield html")

    def test_note_target_links_a_note_to_exactly_one_record(self):
        note = self.ok("POST", "/rest/notes", {"title": "n"}, expect=201)["data"]["createNote"]
        person = self.ok("GET", "/rest/people?limit=1")["data"]["people"][0]
        company = self.ok("GET", "/rest/companies?limit=1")["data"]["companies"][0]
        target = self.ok("POST", "/rest/noteTargets", {"noteId": note["id"],
                                                       "personId": person["id"]},
                         expect=201)["data"]["createNoteTarget"]
        self.assertEqual(target["personId"], person["id"])
        status, out = self.call("POST", "/rest/noteTargets", {"noteId": note["id"],
                                                              "personId": person["id"],
                                                              "companyId": company["id"]})
        self.assertTwentyError(status, out, 400, "exactly one target")
        status, out = self.call("POST", "/rest/noteTargets", {"noteId": str(uuid.uuid4()),
                                                              "personId": person["id"]})
        self.assertTwentyError(status, out, 400, "foreign key")
        with_targets = self.ok("GET", f"/rest/notes/{note['id']}?depth=1")["data"]["note"]
        self.assertEqual([t["id"] for t in with_targets["noteTargets"]], [target["id"]])
        # Destroying the note destroys its targets (onDelete CASCADE).
        self.ok("DELETE", f"/rest/notes/{note['id']}")
        self.assertEqual(self.ok("GET", "/rest/noteTargets")["totalCount"], 0)

    def test_task_target_and_assignee(self):
        member = self.ok("GET", "/rest/workspaceMembers?limit=1")["data"]["workspaceMembers"][0]
        task = self.ok("POST", "/rest/tasks", {"title": "Recall", "assigneeId": member["id"],
                                               "status": "IN_PROGRESS",
                                               "bodyV2": {"markdown": "Call back"}},
                       expect=201)["data"]["createTask"]
        person = self.ok("GET", "/rest/people?limit=1")["data"]["people"][0]
        self.ok("POST", "/rest/taskTargets", {"taskId": task["id"], "personId": person["id"]},
                expect=201)
        status, out = self.call("POST", "/rest/taskTargets", {"personId": person["id"]})
        self.assertTwentyError(status, out, 400, "taskId")

    def test_attachment_links_to_a_person(self):
        person = self.ok("GET", "/rest/people?limit=1")["data"]["people"][0]
        att = self.ok("POST", "/rest/attachments", {
            "name": "xray.png", "fullPath": "attachment/x.png", "fileCategory": "IMAGE",
            "personId": person["id"]}, expect=201)["data"]["createAttachment"]
        self.assertEqual(att["personId"], person["id"])
        status, out = self.call("POST", "/rest/attachments", {"name": "x", "fileCategory": "PDF"})
        self.assertTwentyError(status, out, 400, "fileCategory")


if __name__ == "__main__":
    unittest.main()
