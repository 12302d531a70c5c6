// The built-in transforms as plain functions (the registry names them; tests call them directly),
// and the structured parsers behind them, which the diff and the proposer reuse.
//
// Every function is pure and thread-safe. A transform's signature is TransformFn
// (transform_registry.h): value in, value out, InvalidArgument with a reason that never quotes
// the value. Null in gives null out unless the transform says otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/record.h"
#include "common/status.h"

namespace bridgework::mapping {

// ---- text (transforms_text.cc) ----
StatusOr<Json> Trim(const Json& value, const Json& args);   // trim + collapse inner runs
StatusOr<Json> Lower(const Json& value, const Json& args);  // Unicode-aware for common
StatusOr<Json> Upper(const Json& value, const Json& args);  // Latin/Cyrillic/Greek/Turkish
StatusOr<Json> TitleCase(const Json& value, const Json& args);
StatusOr<Json> NullIf(const Json& value, const Json& args);          // {values: ["N/A", "-"]}
StatusOr<Json> Join(const Json& value, const Json& args);            // list -> text, {sep: " "}
StatusOr<Json> Coalesce(const Json& value, const Json& args);        // list -> first non-empty
StatusOr<Json> Concat(const Json& value, const Json& args);          // list -> "Label: v" lines
StatusOr<Json> Truncate(const Json& value, const Json& args);        // {max: 255}
StatusOr<Json> Prefix(const Json& value, const Json& args);          // {text: "SC-"}
StatusOr<Json> TextToHtml(const Json& value, const Json& args);      // escaped <p> and <br>
StatusOr<Json> TextToMarkdown(const Json& value, const Json& args);  // escaped markdown
StatusOr<Json> HtmlToText(const Json& value, const Json& args);
StatusOr<Json> ToText(const Json& value, const Json& args);  // any scalar -> string

// ---- people (transforms_name.cc) ----
struct PersonName {
  std::string prefix;  // "Dr."
  std::string first;
  std::string middle;
  std::string last;
  std::string suffix;  // "Jr.", "III", "DDS"
};
// Parses "Last, First M.", "Dr. First M. Last Jr.", "First Last", single names and non-Latin
// names (Cyrillic, CJK written family-name first without spaces stays whole in `last`).
PersonName ParseName(std::string_view text);
std::string FormatName(const PersonName& name);                 // "Dr. First M. Last Jr."
StatusOr<Json> NameJoin(const Json& value, const Json& args);   // [first, last] or [last, first]
StatusOr<Json> NameSplit(const Json& value, const Json& args);  // {part: first|last|...}
StatusOr<Json> NameNormalize(const Json& value, const Json& args);  // any form -> "First Last"

// ---- address (transforms_address.cc) ----
struct PostalAddress {
  std::string street;
  std::string street2;
  std::string city;
  std::string state_code;  // "CA", "ON", "34" (Turkish plate code is not used: province name)
  std::string zip;
  std::string country_code;  // ISO 3166-1 alpha-2
};
// Parses a multi-line (or comma-separated) address; `default_country` applies when none is
// written. Fails with a reason when no city can be found.
StatusOr<PostalAddress> ParseAddress(std::string_view text, std::string_view default_country);
StatusOr<Json> AddressPart(const Json& value, const Json& args);  // {part: city, country: US}
StatusOr<Json> CountryCode(const Json& value, const Json& args);  // "United States" -> "US"
StatusOr<Json> StateCode(const Json& value, const Json& args);    // "California" -> "CA"

// ---- contact (transforms_contact.cc) ----
// E.164 ("+14155550123") from a national or international number; `region` is ISO alpha-2.
StatusOr<std::string> PhoneToE164(std::string_view text, std::string_view region);
StatusOr<std::string> NormalizeEmail(std::string_view text);
StatusOr<Json> PhoneE164(const Json& value, const Json& args);  // {region: US, format: national}
StatusOr<Json> Email(const Json& value, const Json& args);      // validate + lower-case

// ---- dates (transforms_datetime.cc) ----
struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool has_time = false;
};
// Parses with the given formats (see docs/map-format.md: "MM/DD/YYYY", "DD.MM.YYYY", "iso",
// "epoch", "epoch_ms", ...) and converts to UTC using the written offset or zone `tz`.
StatusOr<CivilTime> ParseDateTime(std::string_view text, const Json& formats, std::string_view tz);
// The same with the plausible year range (default 1850..2200).
StatusOr<CivilTime> ParseDateTimeBounded(std::string_view text, const Json& formats,
                                         std::string_view tz, int min_year, int max_year);
// Seconds east of UTC of IANA zone `tz` at UTC instant `utc_seconds` (rule table for the zones
// practices use; fixed offsets "+03:00" too). NotFound for an unknown zone.
StatusOr<int> ZoneOffsetSeconds(std::string_view tz, int64_t utc_seconds);
int64_t DaysFromCivil(int year, int month, int day);
StatusOr<Json> Date(const Json& value, const Json& args);      // -> "YYYY-MM-DD"
StatusOr<Json> DateTime(const Json& value, const Json& args);  // -> Odoo or ISO UTC

// ---- numbers and flags (transforms_number.cc) ----
StatusOr<bool> ParseBool(std::string_view text);
StatusOr<Json> Bool(const Json& value, const Json& args);
StatusOr<Json> Integer(const Json& value, const Json& args);
StatusOr<Json> Float(const Json& value, const Json& args);
// Money: "$1,234.50", "1.234,50 €", "(12.00)" -> number in `out` units (units|cents|micros)
// from `in` units (units|cents|micros).
StatusOr<Json> Money(const Json& value, const Json& args);
StatusOr<Json> Gender(const Json& value,
                      const Json& args);  // M/F/male/kadın... -> male|female|other

// ---- dental (transforms_dental.cc) ----
// Treatment-plan lines "D0120|14|85.00; D2391|3|150" or JSON [{code, tooth, fee}] -> text lines
// "D0120 tooth 14 est. 85.00"; {format: html|text|markdown}.
StatusOr<Json> TreatmentLines(const Json& value, const Json& args);
StatusOr<Json> ToothNumber(const Json& value, const Json& args);  // "#14", "UR6" -> "14"

// ---- structure (transforms_structure.cc) ----
// One2many lines from a flat list of sources taken in chunks of len(args.keys): each chunk
// whose cells are all empty is skipped; keys in args.numbers become numbers (either decimal
// mark); args.fixed adds constant keys to each line ({quantity: 1}).
StatusOr<Json> Lines(const Json& value, const Json& args);
// An attachment: {"$file": "<bundle-relative path>"}; the writer reads the bytes through the
// source connector (ReadAttachment) and encodes them for the destination.
StatusOr<Json> File(const Json& value, const Json& args);
// Text to base64 (ir.attachment datas made from a note's text).
StatusOr<Json> Base64(const Json& value, const Json& args);

}  // namespace bridgework::mapping
