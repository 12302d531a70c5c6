// Which custom fields this migration created (`schema apply`), so that
// `rollback --drop-custom-fields` drops those and never a field that existed before. The list is
// kept in the state store as a migration value (kCreatedFieldsValue, a JSON array of field specs)
// and grows with every `schema apply` that creates a field; a field found already present is
// never added.
//
// Thread contract: pure functions, thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/destination_connector.h"

namespace bridgework::cli::workflow {

// Migration value: the custom fields `schema apply` created, as CreatedFieldsToJson writes them.
inline constexpr char kCreatedFieldsValue[] = "schema.created_fields";

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
