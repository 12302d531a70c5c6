// Deterministic identities. Every write carries a key derived from (migration, object, source id,
// target), so a retry after any crash addresses the same destination record.
#pragma once

#include <string>
#include <string_view>

namespace bridgework {

// RFC 4122 version-5 UUID (SHA-1, name-based) of `name` in namespace `ns` (a UUID string).
std::string UuidV5(std::string_view ns, std::string_view name);

// The namespace of every Bridgework UUID: UuidV5(kBridgeworkNamespace, "<migration>/<key>").
inline constexpr std::string_view kBridgeworkNamespace = "5b1e6a52-4f0c-5d4e-9a51-62726964676b";

// Twenty record id for a target key of a migration.
std::string RecordUuid(std::string_view migration, std::string_view target_key);

// A name safe for Odoo's ir.model.data (letters, digits, '_'): readable prefix from the key,
// then a hash, so distinct keys never collide. E.g. "patients_p_17_partner_3f2a9c1d0b7e4a55".
std::string SafeExternalName(std::string_view target_key);

// Lower-case hex SHA-256 of `data` (map hashes, fingerprints).
std::string Sha256Hex(std::string_view data);

// A random run id: "20261125T112233Z-4f9c".
std::string NewRunId();

}  // namespace bridgework
