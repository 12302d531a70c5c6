// The RPC layer under the Odoo connector: one call to one of Odoo's external services
// ("common": version/authenticate, "object": execute_kw), values as JSON, faults as Status.
//
// The connector speaks only to OdooRpc, so another encoding (JSON-RPC at /jsonrpc, or Odoo 19's
// /json/2/<model>/<method> with a bearer key) is one more implementation of this interface.
//
// Fault mapping (XML-RPC v2 fault codes, DESTINATION-APIS.md A2):
//   HTTP transport failure, 5xx, 429       -> kUnavailable / kDeadlineExceeded / kResourceExhausted
//   413 (request body too large)           -> kResourceExhausted
//   fault 3 (AccessDenied), 4 (AccessError)-> kPermissionDenied
//   fault 1/2 with a serialization failure -> kAborted (transient: the whole call rolled back)
//   fault 2 "Object x doesn't exist"       -> kNotFound
//   other fault 1 / 2                      -> kInvalidArgument with Odoo's own message (fault 1:
//                                             the traceback's last line, the exception)
//
// Thread contract: implementations are safe to call from several threads at once.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/record.h"
#include "common/status.h"
#include "connectors/http/http_client.h"

namespace bridgework::connectors::odoo {

class OdooRpc {
 public:
  virtual ~OdooRpc() = default;
  // Calls `method` of `service` ("common" or "object") with positional `args` (a JSON array).
  // Null is sent as False (Odoo never accepts nil); integers beyond 32 bits as i8.
  virtual StatusOr<Json> Call(const std::string& service, const std::string& method,
                              const Json& args) = 0;
};

// XML-RPC over HTTP POST to <base_url>/xmlrpc/2/<service>; xmlrpc-c encodes and decodes, the
// HttpClient (libcurl) carries the bytes. `http` must outlive the returned object.
std::unique_ptr<OdooRpc> NewXmlRpc(HttpClient* http, std::string base_url, Duration call_timeout);

// Turns an XML-RPC fault into a Status as described above (exposed for tests).
Status FaultToStatus(int code, const std::string& fault_string);

// XML-RPC encoding helpers (exposed for tests). EncodeCall never fails on JSON input;
// DecodeResponse returns the result, or the fault as a Status, or kInternal on unreadable XML.
std::string EncodeCall(const std::string& method, const Json& args);
StatusOr<Json> DecodeResponse(const std::string& xml);

}  // namespace bridgework::connectors::odoo
