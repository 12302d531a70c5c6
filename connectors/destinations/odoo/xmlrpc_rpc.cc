// XML-RPC implementation of OdooRpc: xmlrpc-c for the XML, HttpClient for the transport.
// Every xmlrpc-c exception (girerr::error) is caught here and becomes a Status.
#include <xmlrpc-c/base.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <xmlrpc-c/base.hpp>
#include <xmlrpc-c/girerr.hpp>
#include <xmlrpc-c/xml.hpp>

#include "connectors/destinations/odoo/odoo_rpc.h"

namespace bridgework::connectors::odoo {
namespace {

xmlrpc_c::value ToXml(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return xmlrpc_c::value_boolean(false);
    case Json::value_t::boolean:
      return xmlrpc_c::value_boolean(j.get<bool>());
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: {
      int64_t v = j.get<int64_t>();
      if (v >= INT_MIN && v <= INT_MAX) return xmlrpc_c::value_int(static_cast<int>(v));
      return xmlrpc_c::value_i8(v);
    }
    case Json::value_t::number_float:
      return xmlrpc_c::value_double(j.get<double>());
    case Json::value_t::string:
      return xmlrpc_c::value_string(j.get<std::string>());
    case Json::value_t::array: {
      std::vector<xmlrpc_c::value> items;
      items.reserve(j.size());
      for (const auto& item : j) items.push_back(ToXml(item));
      return xmlrpc_c::value_array(items);
    }
    case Json::value_t::object: {
      std::map<std::string, xmlrpc_c::value> members;
      for (const auto& [k, v] : j.items()) members.emplace(k, ToXml(v));
      return xmlrpc_c::value_struct(members);
    }
    default:
      return xmlrpc_c::value_boolean(false);
  }
}

std::string Base64(const unsigned char* data, size_t n) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = data[i] << 16;
    if (i + 1 < n) v |= data[i + 1] << 8;
    if (i + 2 < n) v |= data[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back(i + 2 < n ? kAlphabet[v & 63] : '=');
  }
  return out;
}

Json FromXml(const xmlrpc_c::value& v) {
  switch (v.type()) {
    case xmlrpc_c::value::TYPE_INT:
      return static_cast<int64_t>(xmlrpc_c::value_int(v).cvalue());
    case xmlrpc_c::value::TYPE_I8:
      return static_cast<int64_t>(xmlrpc_c::value_i8(v).cvalue());
    case xmlrpc_c::value::TYPE_BOOLEAN:
      return xmlrpc_c::value_boolean(v).cvalue();
    case xmlrpc_c::value::TYPE_DOUBLE:
      return xmlrpc_c::value_double(v).cvalue();
    case xmlrpc_c::value::TYPE_STRING:
      return xmlrpc_c::value_string(v).cvalue();
    case xmlrpc_c::value::TYPE_DATETIME: {
      time_t t = xmlrpc_c::value_datetime(v).cvalue();
      struct tm tm_utc;
      gmtime_r(&t, &tm_utc);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm_utc);
      return std::string(buf);
    }
    case xmlrpc_c::value::TYPE_BYTESTRING: {
      auto bytes = xmlrpc_c::value_bytestring(v).cvalue();
      return Base64(bytes.data(), bytes.size());
    }
    case xmlrpc_c::value::TYPE_ARRAY: {
      Json out = Json::array();
      for (const auto& item : xmlrpc_c::value_array(v).cvalue()) out.push_back(FromXml(item));
      return out;
    }
    case xmlrpc_c::value::TYPE_STRUCT: {
      Json out = Json::object();
      for (const auto& [k, item] : xmlrpc_c::value_struct(v).cvalue()) out[k] = FromXml(item);
      return out;
    }
    default:
      return nullptr;
  }
}

// Largest XML-RPC answer read: Odoo's own request ceiling (werkzeug, 128 MiB) twice over.
constexpr size_t kMaxResponseBytes = size_t{256} << 20;

bool ContainsNoCase(std::string haystack, std::string needle) {
  std::transform(haystack.begin(), haystack.end(), haystack.begin(), ::tolower);
  std::transform(needle.begin(), needle.end(), needle.begin(), ::tolower);
  return haystack.find(needle) != std::string::npos;
}

// The last non-empty line of a Python traceback: the exception and its message.
std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of(" \n\r\t");
  if (end == std::string::npos) return text;
  size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

class XmlRpc : public OdooRpc {
 public:
  XmlRpc(HttpClient* http, std::string base_url, Duration timeout)
      : http_(http), base_url_(std::move(base_url)), timeout_(timeout) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  }

  StatusOr<Json> Call(const std::string& service, const std::string& method,
                      const Json& args) override {
    HttpRequest request;
    request.method = "POST";
    request.url = base_url_ + "/xmlrpc/2/" + service;
    request.headers = {{"Content-Type", "text/xml; charset=utf-8"}};
    request.body = EncodeCall(method, args);
    request.timeout = timeout_;
    BW_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
    std::string where = service + "." + method;
    if (response.status == 413) {
      return ResourceExhausted("odoo " + where + ": request body too large (HTTP 413)");
    }
    if (response.status == 429) {
      return ResourceExhausted("odoo " + where + ": rate limited (HTTP 429)");
    }
    if (response.status == 504 || response.status == 408) {
      return DeadlineExceeded("odoo " + where + ": gateway timeout (HTTP " +
                              std::to_string(response.status) + ")");
    }
    if (response.status >= 500) {
      return Unavailable("odoo " + where + ": HTTP " + std::to_string(response.status));
    }
    if (response.status != 200) {
      return Internal("odoo " + where + ": unexpected HTTP " + std::to_string(response.status));
    }
    return DecodeResponse(response.body);
  }

 private:
  HttpClient* http_;
  std::string base_url_;
  Duration timeout_;
};

}  // namespace

Status FaultToStatus(int code, const std::string& fault_string) {
  if (code == 3) return PermissionDenied("odoo: Access Denied");
  if (code == 4) return PermissionDenied("odoo: " + fault_string);
  // PostgreSQL conflicts: Odoo retries them 5 times itself, then gives up; the call rolled back.
  for (const char* s : {"could not serialize access", "deadlock detected", "lock not available",
                        "concurrent update", "SerializationFailure"}) {
    if (ContainsNoCase(fault_string, s)) return Aborted("odoo: " + LastLine(fault_string));
  }
  // A worker past limit_time_real (threaded mode answers instead of dying): overload.
  if (ContainsNoCase(fault_string, "time limit") && ContainsNoCase(fault_string, "reached")) {
    return ResourceExhausted("odoo: " + LastLine(fault_string));
  }
  std::string message = code == 1 ? LastLine(fault_string) : fault_string;
  if (ContainsNoCase(fault_string, "doesn't exist") && ContainsNoCase(fault_string, "object ")) {
    return NotFound(message);
  }
  return InvalidArgument(message);
}

std::string EncodeCall(const std::string& method, const Json& args) {
  xmlrpc_c::paramList params;
  if (args.is_array()) {
    for (const auto& a : args) params.add(ToXml(a));
  }
  std::string xml;
  xmlrpc_c::xml::generateCall(method, params, &xml);
  return xml;
}

StatusOr<Json> DecodeResponse(const std::string& xml) {
  // xmlrpc-c refuses answers over 512 KiB by default; a read of a page of records with their
  // text or attachments is larger. The limit is process-wide: set once, before any parse.
  static std::once_flag raised;
  std::call_once(raised, [] { xmlrpc_limit_set(XMLRPC_XML_SIZE_LIMIT_ID, kMaxResponseBytes); });
  try {
    xmlrpc_c::rpcOutcome outcome;
    xmlrpc_c::xml::parseResponse(xml, &outcome);
    if (!outcome.succeeded()) {
      xmlrpc_c::fault fault = outcome.getFault();
      return FaultToStatus(static_cast<int>(fault.getCode()), fault.getDescription());
    }
    return FromXml(outcome.getResult());
  } catch (const girerr::error& e) {
    return Internal(std::string("odoo: unreadable XML-RPC response: ") + e.what());
  } catch (const std::exception& e) {
    return Internal(std::string("odoo: unreadable XML-RPC response: ") + e.what());
  }
}

std::unique_ptr<OdooRpc> NewXmlRpc(HttpClient* http, std::string base_url, Duration call_timeout) {
  return std::make_unique<XmlRpc>(http, std::move(base_url), call_timeout);
}

}  // namespace bridgework::connectors::odoo
