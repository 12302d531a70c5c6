// The Twenty destination: Twenty CRM over REST (libcurl + JSON), bearer API key.
//
// - Record ids are chosen by the client: RecordUuid(migration, TargetRecord::Key()), so a
//   retried create addresses the same record and can never make a second one.
// - Values arrive in Twenty's shape; dotted keys ("name.firstName") are nested into composites.
//   Links are records of their own: a TargetRecord of model noteTargets / taskTargets with
//   noteId / taskId and personId / companyId resolved by the mapper gets its deterministic id
//   from its own key, like any record.
// - Upsert looks up which ids exist (live and soft-deleted) and who holds each unique value
//   (person primary email, company domain), then creates the new ones through
//   POST /rest/batch/<objects> and PATCHes the changed ones. A refused batch is bisected so each
//   bad record fails alone with the server's message; a batch whose outcome is unknown (timeout,
//   5xx) is checked against what exists before the rest is sent again.
// - Revert destroys created records (hard or soft per TwentyOptions::delete_mode) and PATCHes
//   updated ones back to their prior values; already-gone is fine. Consecutive created entries
//   of one object go in batches (DELETE /rest/<objects>?filter=id[in]:[...], at most
//   TwentyOptions::delete_batch_size ids); the answer's ids tell which were deleted, a refused
//   batch falls back to one DELETE per record, a lost answer is checked before resending.
//
// Thread contract: safe to call from several threads at once (the workers of a migration share
// one instance or one RateLimiter).
#pragma once

#include <memory>

#include "connectors/destination_connector.h"
#include "connectors/destinations/twenty/twenty_options.h"
#include "connectors/http/http_client.h"

namespace bridgework::connectors {

// `http` null: a libcurl client with the options' TLS settings.
std::unique_ptr<DestinationConnector> NewTwentyDestination(TwentyOptions options,
                                                           std::unique_ptr<HttpClient> http = {});

}  // namespace bridgework::connectors
