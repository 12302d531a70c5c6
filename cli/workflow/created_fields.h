// Which custom fields this migration created (`schema apply`), so that
// `rollback --drop-custom-fields` drops those and never a field that existed before. The list is
// kept in the state store as a migration value (kCreatedFieldsValue, a JSON array of field specs)
// and grows with every `schema apply` that creates a field; a field found already present is
// never added.
//
// An apply can stop after the destination created a field and before the list records it
// (killed, the state store unreachable, a failed or lost answer). So the fields an apply is about
// to create are written first, as pending (kPendingFieldsValue); what it then knows it created
// moves to the list. A later apply finds the pending fields that are present now: they were
// missing when that earlier apply planned them, so it made them, and they join the list.
//
// Thread contract: thread-compatible; the store calls are the store's.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/destination_connector.h"
#include "state/state_store.h"

namespace bridgework::cli::workflow {

// Migration value: the custom fields `schema apply` created, as CreatedFieldsToJson writes them.
inline constexpr char kCreatedFieldsValue[] = "schema.created_fields";
// Migration value: fields an apply was creating whose outcome it did not learn (same form).
inline constexpr char kPendingFieldsValue[] = "schema.pending_fields";

// Before an apply asks the destination: the fields an earlier apply left pending that are
// `present` now (model, name; the plan's existing fields) join the created list, and
// `to_create` becomes the pending list. Returns the fields that joined.
StatusOr<std::vector<connectors::CustomFieldSpec>> BeginFieldCreation(
    state::StateStore* store, const std::string& migration,
    const std::vector<connectors::CustomFieldSpec>& to_create,
    const std::set<std::pair<std::string, std::string>>& present);
// After it: `created` joins the created list, and the fields of `to_create` not among them stay
// pending (a failure may still have created one).
Status FinishFieldCreation(state::StateStore* store, const std::string& migration,
                           const std::vector<connectors::CustomFieldSpec>& to_create,
                           const std::vector<connectors::CustomFieldSpec>& created);

// Of `planned`, the fields `results` (ApplySchema's answer) report "created", matched by their
// "field <model>.<name>" description.
std::vector<connectors::CustomFieldSpec> CreatedFields(
    const std::vector<connectors::CustomFieldSpec>& planned,
    const std::vector<connectors::SchemaItemResult>& results);

// `have` followed by the fields of `add` it does not hold yet (same model and name).
std::vector<connectors::CustomFieldSpec> MergeCreatedFields(
    std::vector<connectors::CustomFieldSpec> have,
    const std::vector<connectors::CustomFieldSpec>& add);

Json CreatedFieldsToJson(const std::vector<connectors::CustomFieldSpec>& fields);
// ["<model>.<name>", ...]: how schema-apply.json and rollback.json name the fields.
Json FieldNames(const std::vector<connectors::CustomFieldSpec>& fields);
// The stored value back; an empty text is an empty list; anything else malformed is an error.
StatusOr<std::vector<connectors::CustomFieldSpec>> CreatedFieldsFromJson(const std::string& text);

// rollback.json's "custom_fields" section from DropCustomFields' results:
// {requested, dropped: [..], already_gone: [..], failed: [{field, error}]}.
Json DropResultsToJson(const std::vector<connectors::SchemaItemResult>& results);

}  // namespace bridgework::cli::workflow
