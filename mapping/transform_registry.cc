#include "mapping/transform_registry.h"

#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

// The one place every built-in transform is registered (docs/map-format.md lists them).
void RegisterBuiltinTransforms(TransformRegistry* r) {
  // text
  r->Register({"trim", Trim, false, false, "trim and collapse spaces; empty becomes null"});
  r->Register({"lower", Lower, false, false, "lower case (Unicode-aware)"});
  r->Register({"upper", Upper, false, false, "upper case (Unicode-aware)"});
  r->Register({"title", TitleCase, false, false, "Title Case"});
  r->Register({"null_if", NullIf, false, false, "N/A, none, -, unknown... become null"});
  r->Register({"join", Join, true, false, "join several sources with args.sep"});
  r->Register({"coalesce", Coalesce, true, false, "first non-empty of several sources"});
  r->Register({"concat", Concat, true, false, "'Label: value' lines from several sources"});
  r->Register({"truncate", Truncate, false, false, "cut to args.max characters"});
  r->Register({"prefix", Prefix, false, false, "prepend args.text"});
  r->Register({"text_to_html", TextToHtml, false, false, "plain text to escaped HTML"});
  r->Register({"text_to_markdown", TextToMarkdown, false, false, "plain text to markdown"});
  r->Register({"html_to_text", HtmlToText, false, false, "HTML to plain text"});
  r->Register({"text", ToText, false, false, "any scalar to text"});
  // people
  r->Register({"name_join", NameJoin, true, false, "name parts to one display name"});
  r->Register({"name_split", NameSplit, false, false, "one part (args.part) of a full name"});
  r->Register({"name_normalize", NameNormalize, false, false, "'Last, First' to 'First Last'"});
  // address
  r->Register({"address", AddressPart, false, false, "one part (args.part) of an address"});
  r->Register({"country_code", CountryCode, false, false, "country name to ISO alpha-2"});
  r->Register({"state_code", StateCode, false, false, "state/province name to its code"});
  // contact
  r->Register({"phone_e164", PhoneE164, false, false,
               "phone to E.164 (args.region; args.format: national drops +code)"});
  r->Register({"email", Email, false, false, "validate and lower-case an email"});
  // dates
  r->Register({"date", Date, false, false, "date to YYYY-MM-DD (args.formats)"});
  r->Register({"datetime", DateTime, false, false, "datetime to UTC (args.formats, tz, style)"});
  // numbers and flags
  r->Register({"bool", Bool, false, true, "Y/N, 1/0, yes/no, true/false, evet/hayır, ja/nein"});
  r->Register({"int", Integer, false, false, "whole number"});
  r->Register({"float", Float, false, false, "decimal number (either decimal mark)"});
  r->Register({"money", Money, false, false, "amount in args.in units to args.out units"});
  r->Register({"gender", Gender, false, false, "gender code to male/female/other"});
  // structure
  r->Register({"lines", Lines, true, false, "one2many lines from chunks of sources (args.keys)"});
  r->Register({"base64", Base64, false, false, "text to base64 (attachment contents)"});
  r->Register({"file", File, false, false, "attachment path, read and encoded by the writer"});
  // dental
  r->Register({"treatment_lines", TreatmentLines, false, false,
               "treatment-plan lines (code, tooth, cost) to structured text"});
  r->Register({"tooth", ToothNumber, false, false, "tooth notation to universal number"});
}

}  // namespace

const TransformRegistry& TransformRegistry::Builtin() {
  static const TransformRegistry* registry = [] {
    auto* r = new TransformRegistry();
    RegisterBuiltinTransforms(r);
    return r;
  }();
  return *registry;
}

const TransformInfo* TransformRegistry::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

std::vector<std::string> TransformRegistry::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, info] : by_name_) out.push_back(name);
  return out;
}

void TransformRegistry::Register(TransformInfo info) {
  std::string name = info.name;
  by_name_[name] = std::move(info);
}

StatusOr<Json> TransformRegistry::Apply(const TransformInfo& info, const Json& value,
                                        const Json& args) {
  if (value.is_array() && !info.takes_list) {
    Json out = Json::array();
    for (const Json& v : value) {
      BW_ASSIGN_OR_RETURN(Json one, Apply(info, v, args));
      out.push_back(std::move(one));
    }
    return out;
  }
  if (value.is_null() && !info.sees_null && !info.takes_list) return Json();
  return info.fn(value, args);
}

}  // namespace bridgework::mapping
