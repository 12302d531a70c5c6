"""Bulk delete by filter (DELETE /rest/<objects>?filter=...), the way a client reverts many
records in one call: destroy versus soft delete, which ids come back, the cap of affected
records (MUTATION_MAXIMUM_AFFECTED_RECORDS), and the same referential effects as single
deletes."""

import unittest
import urllib.parse
import uuid

from emulator_harness import EmulatorTestCase


def ids_filter(ids):
    return urllib.parse.quote("id[in]:[" + ",".join(f'"{i}"' for i in ids) + "]")


def new_ids(n):
    return [str(uuid.uuid4()) for _ in range(n)]


class DeleteManyTest(EmulatorTestCase):
    ARGS = ("--empty-workspace",)

    def people(self, ids):
        self.ok("POST", "/rest/batch/people", [{"id": i, "city": "Oslo"} for i in ids],
                expect=201)

    def stored_ids(self, objects="people"):
        return {r["id"] for r in self.emu.control("GET", "snapshot")["objects"][objects]}

    def test_destroy_by_ids_answers_the_destroyed_ids_and_is_permanent(self):
        ids = new_ids(5)
        self.people(ids)
        missing = new_ids(2)
        out = self.ok("DELETE", f"/rest/people?filter={ids_filter(ids[:3] + missing)}")
        self.assertEqual(list(out["data"]), ["deletePeople"])
        self.assertEqual(sorted(r["id"] for r in out["data"]["deletePeople"]), sorted(ids[:3]))
        self.assertEqual(self.stored_ids(), set(ids[3:]))  # gone for good, not in the trash
        again = self.ok("DELETE", f"/rest/people?filter={ids_filter(ids[:3])}")
        self.assertEqual(again["data"]["deletePeople"], [])  # nothing matched: no error

    def test_soft_delete_by_ids_moves_live_rows_to_the_trash(self):
        ids = new_ids(4)
        self.people(ids)
        self.ok("DELETE", f"/rest/people/{ids[0]}?soft_delete=true")
        out = self.ok("DELETE", f"/rest/people?filter={ids_filter(ids)}&soft_delete=true")
        self.assertEqual(sorted(r["id"] for r in out["data"]["deletePeople"]), sorted(ids[1:]))
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 0)
        trash = self.ok("GET", "/rest/people?filter=deletedAt[is]:NOT_NULL")["data"]["people"]
        self.assertEqual(sorted(r["id"] for r in trash), sorted(ids))
        # Destroying by filter takes soft-deleted rows too, as a SQL DELETE does.
        out = self.ok("DELETE", f"/rest/people?filter={ids_filter(ids)}&soft_delete=false")
        self.assertEqual(len(out["data"]["deletePeople"]), 4)
        self.assertEqual(self.stored_ids(), set())

    def test_more_matches_than_the_cap_is_refused_and_nothing_changes(self):
        ids = new_ids(101)
        self.people(ids)
        status, out = self.call("DELETE", f"/rest/people?filter={ids_filter(ids)}")
        self.assertTwentyError(status, out, 400, "Cannot delete person because it impacts too "
                               "many records (more than 100).")
        self.assertEqual(len(self.stored_ids()), 101)
        status, out = self.call("DELETE", f"/rest/people?filter={ids_filter(ids)}"
                                "&soft_delete=true")
        self.assertTwentyError(status, out, 400, "(more than 100)")
        self.assertEqual(self.ok("GET", "/rest/people")["totalCount"], 101)
        out = self.ok("DELETE", f"/rest/people?filter={ids_filter(ids[:100])}")
        self.assertEqual(len(out["data"]["deletePeople"]), 100)  # exactly the cap is fine
        self.assertEqual(self.stored_ids(), {ids[100]})

    def test_the_cap_counts_matched_records_not_ids_sent_and_can_be_lowered(self):
        ids = new_ids(3)
        self.people(ids)
        self.emu.control("POST", "config", {"mutation_max": 3})
        try:
            out = self.ok("DELETE", f"/rest/people?filter={ids_filter(ids + new_ids(4))}")
            self.assertEqual(len(out["data"]["deletePeople"]), 3)
            more = new_ids(4)
            self.people(more)
            status, out = self.call("DELETE", f"/rest/people?filter={ids_filter(more)}")
            self.assertTwentyError(status, out, 400, "(more than 3)")
            self.assertEqual(self.stored_ids(), set(more))
        finally:
            self.emu.control("POST", "config", {"mutation_max": 100})

    def test_a_filter_is_mandatory_and_id_operands_must_be_uuids(self):
        self.people(new_ids(2))
        status, out = self.call("DELETE", "/rest/people")
        self.assertTwentyError(status, out, 400, "Filters are mandatory for bulk destroy "
                               "operations. Please provide at least one filter to prevent "
                               "accidental deletion of all records.")
        status, out = self.call("DELETE", "/rest/people?soft_delete=true&filter=")
        self.assertTwentyError(status, out, 400, "Filters are mandatory for bulk delete")
        status, out = self.call("DELETE", f"/rest/people?filter={ids_filter(['P-17'])}")
        self.assertTwentyError(status, out, 400, 'Value "P-17" is not a valid UUID')
        self.assertEqual(len(self.stored_ids()), 2)

    def test_destroying_notes_by_filter_cascades_to_their_targets(self):
        person = str(uuid.uuid4())
        self.people([person])
        notes = new_ids(3)
        self.ok("POST", "/rest/batch/notes", [{"id": n, "title": "n"} for n in notes], expect=201)
        self.ok("POST", "/rest/batch/noteTargets",
                [{"noteId": n, "personId": person} for n in notes], expect=201)
        out = self.ok("DELETE", f"/rest/notes?filter={ids_filter(notes[:2])}")
        self.assertEqual(len(out["data"]["deleteNotes"]), 2)
        targets = self.emu.control("GET", "snapshot")["objects"]["noteTargets"]
        self.assertEqual([t["noteId"] for t in targets], [notes[2]])  # CASCADE, as single
        self.assertEqual(self.stored_ids(), {person})  # the person stays

    def test_destroying_companies_by_filter_unlinks_their_people(self):
        companies = new_ids(2)
        self.ok("POST", "/rest/batch/companies", [{"id": c, "name": c} for c in companies],
                expect=201)
        person = str(uuid.uuid4())
        self.ok("POST", "/rest/people", {"id": person, "companyId": companies[0]}, expect=201)
        self.ok("DELETE", f"/rest/companies?filter={ids_filter(companies)}")
        self.assertIsNone(self.ok("GET", f"/rest/people/{person}")["data"]["person"]
                          ["companyId"])  # SET NULL, as single

    def test_soft_deleting_a_parent_by_filter_leaves_children_alone(self):
        person = str(uuid.uuid4())
        self.people([person])
        note = str(uuid.uuid4())
        self.ok("POST", "/rest/notes", {"id": note, "title": "n"}, expect=201)
        self.ok("POST", "/rest/noteTargets", {"noteId": note, "personId": person}, expect=201)
        self.ok("DELETE", f"/rest/notes?filter={ids_filter([note])}&soft_delete=true")
        self.assertEqual(self.ok("GET", "/rest/noteTargets")["totalCount"], 1)

    def test_workspace_members_cannot_be_deleted_in_bulk(self):
        member = self.ok("GET", "/rest/workspaceMembers?limit=1")["data"]["workspaceMembers"][0]
        status, out = self.call("DELETE",
                                f"/rest/workspaceMembers?filter={ids_filter([member['id']])}")
        self.assertTwentyError(status, out, 403, "does not have permission")


if __name__ == "__main__":
    unittest.main()
