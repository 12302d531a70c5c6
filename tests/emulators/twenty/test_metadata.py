"""/rest/metadata: listing, custom fields (names, SELECT options, defaults, relations),
custom objects; new fields and objects usable by the very next call."""

import unittest

from emulator_harness import EmulatorTestCase


class MetadataTest(EmulatorTestCase):
    def object_id(self, plural):
        objects = self.ok("GET", "/rest/metadata/objects")["data"]["objects"]
        return next(o["id"] for o in objects if o["namePlural"] == plural)

    def create_field(self, body):
        return self.call("POST", "/rest/metadata/fields", body)

    def test_listing_shows_standard_objects_and_fields(self):
        objects = self.ok("GET", "/rest/metadata/objects")["data"]["objects"]
        names = {o["namePlural"] for o in objects}
        for plural in ("people", "companies", "opportunities", "notes", "noteTargets", "tasks",
                       "taskTargets", "attachments", "workspaceMembers"):
            self.assertIn(plural, names)
        person = next(o for o in objects if o["namePlural"] == "people")
        types = {f["name"]: f["type"] for f in person["fields"]}
        self.assertEqual(types["emails"], "EMAILS")
        self.assertEqual(types["company"], "RELATION")
        fields = self.ok("GET", "/rest/metadata/fields")["data"]["fields"]
        self.assertTrue(any(f["name"] == "stage" and f["options"] for f in fields))
        one = self.ok("GET", f"/rest/metadata/objects/{person['id']}")["data"]["object"]
        self.assertEqual(one["nameSingular"], "person")

    def test_custom_text_field_is_usable_right_away(self):
        status, out = self.create_field({"objectMetadataId": self.object_id("people"),
                                         "type": "TEXT", "name": "legacyPatientId",
                                         "label": "Legacy patient id"})
        self.assertEqual(status, 201, out)
        self.assertTrue(out["data"]["createOneField"]["isCustom"])
        rec = self.ok("POST", "/rest/people", {"legacyPatientId": "SC-1"},
                      expect=201)["data"]["createPerson"]
        self.assertEqual(rec["legacyPatientId"], "SC-1")
        found = self.ok("GET", '/rest/people?filter=legacyPatientId[eq]:"SC-1"')
        self.assertEqual(found["totalCount"], 1)
        # Rows that existed before the field read its default.
        seeded = self.ok("GET", "/rest/people?filter=legacyPatientId[is]:NULL")
        self.assertEqual(seeded["totalCount"], 5)

    def test_not_nullable_custom_field_needs_a_value(self):
        status, out = self.create_field({"objectMetadataId": self.object_id("notes"),
                                         "type": "TEXT", "name": "sourceId",
                                         "label": "Source id", "isNullable": False})
        self.assertEqual(status, 201, out)
        status, out = self.call("POST", "/rest/notes", {"title": "no source"})
        self.assertTwentyError(status, out, 400, "violates not-null constraint")
        status, out = self.call("POST", "/rest/notes", {"sourceId": None})
        self.assertTwentyError(status, out, 400, "is not nullable")
        self.ok("POST", "/rest/notes", {"sourceId": "N1"}, expect=201)

    def test_field_names_are_checked(self):
        oid = self.object_id("people")
        for name, message in [("Legacy", "must start with lowercase letter"),
                              ("legacy_id", "must start with lowercase letter"),
                              ("a" * 64, "exceeds 63 characters"),
                              ("createdAt", "is not available"),
                              ("emails", "is not available")]:
            with self.subTest(name=name):
                status, out = self.create_field({"objectMetadataId": oid, "type": "TEXT",
                                                 "name": name, "label": "X"})
                self.assertTwentyError(status, out, 400, message)
        status, out = self.create_field({"objectMetadataId": oid, "type": "TEXT",
                                         "name": "dup", "label": "Dup"})
        self.assertEqual(status, 201)
        status, out = self.create_field({"objectMetadataId": oid, "type": "TEXT",
                                         "name": "dup", "label": "Dup again"})
        self.assertTwentyError(status, out, 400, 'Name "dup" is not available')
        status, out = self.create_field({"objectMetadataId": oid, "type": "VARCHAR",
                                         "name": "v", "label": "V"})
        self.assertTwentyError(status, out, 400, "Invalid field type")

    def test_select_options_are_validated_and_enforced_on_records(self):
        oid = self.object_id("companies")

        def select(options, **extra):
            body = {"objectMetadataId": oid, "type": "SELECT", "name": "companyType",
                    "label": "Company type", "options": options}
            body.update(extra)
            return self.create_field(body)

        status, out = select([{"label": "Lab", "value": "dental lab", "position": 0}])
        self.assertTwentyError(status, out, 400,
                               "Value must be in UPPER_CASE and follow snake_case")
        status, out = select([{"label": "A", "value": "LAB", "position": 0},
                              {"label": "B", "value": "LAB", "position": 1}])
        self.assertTwentyError(status, out, 400, "Duplicated option value")
        status, out = select([{"label": "A", "value": "LAB", "position": 0}],
                             defaultValue="LAB")
        self.assertTwentyError(status, out, 400, "quoted")
        status, out = select([{"label": "Lab", "value": "LAB", "position": 0},
                              {"label": "Carrier", "value": "INSURANCE_CARRIER", "position": 1}],
                             defaultValue="'LAB'")
        self.assertEqual(status, 201, out)
        rec = self.ok("POST", "/rest/companies", {"name": "X"}, expect=201)["data"]
        self.assertEqual(rec["createCompany"]["companyType"], "LAB")
        status, out = self.call("POST", "/rest/companies", {"companyType": "REFERRER"})
        self.assertTwentyError(status, out, 400, "Invalid value 'REFERRER' for field")

    def test_other_custom_field_types(self):
        oid = self.object_id("people")
        for ftype, name, value in [("NUMBER", "visitCount", 3), ("BOOLEAN", "consent", True),
                                   ("DATE_TIME", "legacyCreatedAt", "2019-05-01T09:30:00.000Z"),
                                   ("DATE", "birthDate", "1980-02-29"),
                                   ("LINKS", "portal", {"primaryLinkUrl": "https://p.example"}),
                                   ("MULTI_SELECT", "tags", ["VIP"])]:
            body = {"objectMetadataId": oid, "type": ftype, "name": name, "label": name}
            if ftype == "MULTI_SELECT":
                body["options"] = [{"label": "VIP", "value": "VIP", "position": 0}]
            status, out = self.create_field(body)
            self.assertEqual(status, 201, out)
            rec = self.ok("POST", "/rest/people", {name: value}, expect=201)["data"]
            stored = rec["createPerson"][name]
            if ftype == "LINKS":
                stored = {"primaryLinkUrl": stored["primaryLinkUrl"]}
            self.assertEqual(stored, value)
        status, out = self.call("POST", "/rest/people", {"birthDate": "29/02/1980"})
        self.assertTwentyError(status, out, 400, "birthDate")

    def test_custom_object_gets_an_endpoint_and_note_targets(self):
        status, out = self.call("POST", "/rest/metadata/objects", {
            "nameSingular": "insuranceCase", "namePlural": "insuranceCases",
            "labelSingular": "Insurance case", "labelPlural": "Insurance cases"})
        self.assertEqual(status, 201, out)
        case = self.ok("POST", "/rest/insuranceCases", {"name": "Case 1"},
                       expect=201)["data"]["createInsuranceCase"]
        self.assertIn("createdBy", case)
        status, out = self.call("GET", "/rest/insuranceCase")
        self.assertTwentyError(status, out, 400, "Did you mean 'insuranceCases'?")
        note = self.ok("POST", "/rest/notes", {"title": "n"}, expect=201)["data"]["createNote"]
        target = self.ok("POST", "/rest/noteTargets", {"noteId": note["id"],
                                                       "insuranceCaseId": case["id"]},
                         expect=201)["data"]["createNoteTarget"]
        self.assertEqual(target["insuranceCaseId"], case["id"])
        status, out = self.call("POST", "/rest/metadata/objects", {
            "nameSingular": "insuranceCase", "namePlural": "insuranceCases",
            "labelSingular": "Insurance case", "labelPlural": "Insurance cases"})
        self.assertTwentyError(status, out, 400, "Object already exists")

    def test_relation_field_creates_both_sides(self):
        status, out = self.call("POST", "/rest/metadata/objects", {
            "nameSingular": "referral", "namePlural": "referrals",
            "labelSingular": "Referral", "labelPlural": "Referrals"})
        self.assertEqual(status, 201, out)
        status, out = self.create_field({
            "objectMetadataId": self.object_id("referrals"), "type": "RELATION",
            "name": "referrer", "label": "Referrer",
            "relationCreationPayload": {"type": "MANY_TO_ONE",
                                        "targetObjectMetadataId": self.object_id("companies"),
                                        "targetFieldLabel": "Referrals",
                                        "targetFieldIcon": "IconLink"}})
        self.assertEqual(status, 201, out)
        company = self.ok("GET", "/rest/companies?limit=1")["data"]["companies"][0]
        ref = self.ok("POST", "/rest/referrals", {"name": "r", "referrerId": company["id"]},
                      expect=201)["data"]["createReferral"]
        deep = self.ok("GET", f"/rest/companies/{company['id']}?depth=1")["data"]["company"]
        self.assertEqual([r["id"] for r in deep["referrals"]], [ref["id"]])

    def test_custom_field_delete_needs_deactivation(self):
        status, out = self.create_field({"objectMetadataId": self.object_id("people"),
                                         "type": "TEXT", "name": "tmp", "label": "Tmp"})
        fid = out["data"]["createOneField"]["id"]
        status, out = self.call("DELETE", f"/rest/metadata/fields/{fid}")
        self.assertTwentyError(status, out, 400, "deactivate")
        self.ok("PATCH", f"/rest/metadata/fields/{fid}", {"isActive": False})
        status, out = self.call("POST", "/rest/people", {"tmp": "x"})
        self.assertTwentyError(status, out, 400, "doesn't have any \"tmp\" field")
        self.ok("DELETE", f"/rest/metadata/fields/{fid}")


if __name__ == "__main__":
    unittest.main()
