"""Control endpoints (snapshot, reset) and the GraphQL uploadFile mutation."""

import json
import unittest
import uuid

from emulator_harness import EmulatorTestCase


class SnapshotTest(EmulatorTestCase):
    def load(self):
        company = self.ok("POST", "/rest/companies", {"name": "Carrier"},
                          expect=201)["data"]["createCompany"]
        people = self.ok("POST", "/rest/batch/people", [
            {"emails": {"primaryEmail": f"s{i}@example.org"}, "companyId": company["id"]}
            for i in range(3)], expect=201)["data"]["people"]
        note = self.ok("POST", "/rest/notes", {"title": "n", "bodyV2": {"markdown": "x"}},
                       expect=201)["data"]["createNote"]
        target = self.ok("POST", "/rest/noteTargets", {"noteId": note["id"],
                                                       "personId": people[0]["id"]},
                         expect=201)["data"]["createNoteTarget"]
        return company, people, note, target

    def test_snapshot_equal_after_create_then_delete(self):
        before = self.emu.control("GET", "snapshot")
        company, people, note, target = self.load()
        self.assertNotEqual(self.emu.control("GET", "snapshot"), before)
        self.ok("DELETE", f"/rest/noteTargets/{target['id']}")
        self.ok("DELETE", f"/rest/notes/{note['id']}")
        for p in people:
            self.ok("DELETE", f"/rest/people/{p['id']}")
        self.ok("DELETE", f"/rest/companies/{company['id']}")
        self.assertEqual(self.emu.control("GET", "snapshot"), before)

    def test_snapshot_shows_soft_deleted_rows_and_prior_values(self):
        before = self.emu.control("GET", "snapshot")
        person = self.ok("GET", "/rest/people?limit=1")["data"]["people"][0]
        self.ok("PATCH", f"/rest/people/{person['id']}", {"city": "Elsewhere"})
        self.assertNotEqual(self.emu.control("GET", "snapshot"), before)
        self.ok("PATCH", f"/rest/people/{person['id']}", {"city": person["city"]})
        self.assertEqual(self.emu.control("GET", "snapshot"), before)
        self.ok("DELETE", f"/rest/people/{person['id']}?soft_delete=true")
        after = self.emu.control("GET", "snapshot")
        row = next(r for r in after["objects"]["people"] if r["id"] == person["id"])
        self.assertEqual(row["deletedAt"], "<deleted>")
        self.assertNotIn("updatedAt", row)
        with_times = self.emu.control("GET", "snapshot?timestamps=1&objects=people")
        self.assertEqual(list(with_times["objects"]), ["people"])
        self.assertIn("updatedAt", with_times["objects"]["people"][0])

    def test_reset_restores_a_fresh_workspace(self):
        before = self.emu.control("GET", "snapshot")
        self.load()
        self.emu.control("POST", "reset")
        self.assertEqual(self.emu.control("GET", "snapshot"), before)
        self.emu.control("POST", "reset", {"empty": True})
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 0)


def multipart(boundary, operations, filename, content):
    parts = [("operations", None, json.dumps(operations).encode()),
             ("map", None, json.dumps({"0": ["variables.file"]}).encode()),
             ("0", filename, content)]
    body = b""
    for name, fname, data in parts:
        body += f"--{boundary}\r\n".encode()
        disp = f'form-data; name="{name}"' + (f'; filename="{fname}"' if fname else "")
        body += f"Content-Disposition: {disp}\r\n".encode()
        if fname:
            body += b"Content-Type: application/octet-stream\r\n"
        body += b"\r\n" + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


class UploadTest(EmulatorTestCase):
    QUERY = ("mutation UploadFile($file: Upload!, $fileFolder: FileFolder) "
             "{ uploadFile(file: $file, fileFolder: $fileFolder) { path token } }")

    def upload(self, headers):
        boundary = uuid.uuid4().hex
        body = multipart(boundary, {"query": self.QUERY,
                                    "variables": {"file": None, "fileFolder": "Attachment"}},
                         "xray.png", b"\x89PNG fake image bytes")
        headers = dict(headers, **{"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return self.call("POST", "/graphql", raw=body, headers=headers)

    def test_upload_then_attach(self):
        status, out = self.upload({"apollo-require-preflight": "true"})
        self.assertEqual(status, 200, out)
        path = out["data"]["uploadFile"]["path"]
        self.assertTrue(path.startswith("attachment/") and path.endswith(".png"))
        person = self.ok("GET", "/rest/people?limit=1")["data"]["people"][0]
        self.ok("POST", "/rest/attachments", {"name": "xray.png", "fullPath": path,
                                              "personId": person["id"]}, expect=201)
        files = self.emu.control("GET", "snapshot")["files"]
        self.assertEqual(files[path]["size"], len(b"\x89PNG fake image bytes"))

    def test_upload_without_preflight_header_is_blocked(self):
        status, out = self.upload({})
        self.assertEqual(status, 400)
        self.assertIn("CSRF", out["errors"][0]["message"])


if __name__ == "__main__":
    unittest.main()
