// Every built-in transform on messy real-world inputs (and the values the generator plants).
#include "mapping/transforms.h"

#include <gtest/gtest.h>

#include "mapping/transform_registry.h"

namespace bridgework::mapping {
namespace {

Json Tx(const std::string& name, const Json& value, const Json& args = Json::object()) {
  const TransformInfo* info = TransformRegistry::Builtin().Find(name);
  EXPECT_NE(info, nullptr) << name;
  StatusOr<Json> out = TransformRegistry::Apply(*info, value, args);
  EXPECT_TRUE(out.ok()) << name << ": " << out.status().ToString();
  return out.ok() ? *out : Json("<error>");
}

std::string Fails(const std::string& name, const Json& value, const Json& args = Json::object()) {
  const TransformInfo* info = TransformRegistry::Builtin().Find(name);
  EXPECT_NE(info, nullptr) << name;
  StatusOr<Json> out = TransformRegistry::Apply(*info, value, args);
  EXPECT_FALSE(out.ok()) << name << " accepted it: " << (out.ok() ? out->dump() : "");
  return out.ok() ? "" : out.status().message();
}

// ---- text ----
TEST(TextTransforms, TrimCollapsesAllKindsOfSpace) {
  EXPECT_EQ(Tx("trim", "\xEF\xBB\xBF  Jane\t\xC2\xA0 Doe \r\n"), "Jane Doe");
  EXPECT_EQ(Tx("trim", "   "), Json());
  EXPECT_EQ(Tx("trim", Json()), Json());
}

TEST(TextTransforms, CaseIsUnicodeAware) {
  EXPECT_EQ(Tx("lower", "ÇAĞLAR ŞİMŞEK"), "çağlar şimşek");
  EXPECT_EQ(Tx("upper", "ıstanbul"), "ISTANBUL");
  EXPECT_EQ(Tx("lower", "ИВАНОВ"), "иванов");
  EXPECT_EQ(Tx("title", "mary-jane o'neil"), "Mary-Jane O'Neil");
}

TEST(TextTransforms, NullMarkersBecomeNull) {
  EXPECT_EQ(Tx("null_if", "N/A"), Json());
  EXPECT_EQ(Tx("null_if", " none "), Json());
  EXPECT_EQ(Tx("null_if", "Jane"), "Jane");
}

TEST(TextTransforms, JoinAndCoalesceSkipEmpty) {
  EXPECT_EQ(Tx("join", Json::array({"a", nullptr, " ", "b"}), {{"sep", ", "}}), "a, b");
  EXPECT_EQ(Tx("coalesce", Json::array({nullptr, "", "x", "y"})), "x");
  EXPECT_EQ(
      Tx("concat", Json::array({"PPO", nullptr, "G-1"}), {{"labels", {"Plan", "Policy", "Group"}}}),
      "Plan: PPO\nGroup: G-1");
}

TEST(TextTransforms, TextToHtmlEscapesAndKeepsParagraphs) {
  EXPECT_EQ(Tx("text_to_html", "Pain <3> & swelling\nTooth 14\n\nRecall 6 mo"),
            "<p>Pain &lt;3&gt; &amp; swelling<br>Tooth 14</p><p>Recall 6 mo</p>");
  EXPECT_EQ(Tx("text_to_html", "<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
  EXPECT_EQ(Tx("text_to_html", "a\r\nb"), "<p>a<br>b</p>");
}

TEST(TextTransforms, TextToMarkdownEscapesControlCharacters) {
  EXPECT_EQ(Tx("text_to_markdown", "# not a heading\n*not bold*\n\nnext"),
            "\\# not a heading\\\n\\*not bold\\*\n\nnext");
}

TEST(TextTransforms, HtmlToTextRoundTrips) {
  EXPECT_EQ(Tx("html_to_text", "<p>a &amp; b<br>c</p><p>d</p>"), "a & b\nc\nd");
}

TEST(TextTransforms, TruncateCountsCharactersNotBytes) {
  EXPECT_EQ(Tx("truncate", "ğğğğ", {{"max", 2}}), "ğğ");
}

// ---- names ----
TEST(NameTransforms, LastCommaFirstMiddle) {
  PersonName n = ParseName("Smith, John A.");
  EXPECT_EQ(n.last, "Smith");
  EXPECT_EQ(n.first, "John");
  EXPECT_EQ(n.middle, "A.");
  EXPECT_EQ(FormatName(n), "John A. Smith");
}

TEST(NameTransforms, PrefixesAndSuffixes) {
  PersonName n = ParseName("Dr. Maria L. Gonzalez DDS");
  EXPECT_EQ(n.prefix, "Dr.");
  EXPECT_EQ(n.first, "Maria");
  EXPECT_EQ(n.last, "Gonzalez");
  EXPECT_EQ(n.suffix, "DDS");
  PersonName j = ParseName("Robert Smith Jr.");
  EXPECT_EQ(j.last, "Smith");
  EXPECT_EQ(j.suffix, "Jr.");
  PersonName k = ParseName("Johnson III, Mrs. Emily");
  EXPECT_EQ(k.last, "Johnson");
  EXPECT_EQ(k.suffix, "III");
  EXPECT_EQ(k.prefix, "Mrs.");
  EXPECT_EQ(k.first, "Emily");
  PersonName c = ParseName("Alan Brown, DMD");
  EXPECT_EQ(c.first, "Alan");
  EXPECT_EQ(c.last, "Brown");
  EXPECT_EQ(c.suffix, "DMD");
}

TEST(NameTransforms, ParticlesStayWithTheFamilyName) {
  PersonName n = ParseName("Ludwig van der Berg");
  EXPECT_EQ(n.first, "Ludwig");
  EXPECT_EQ(n.last, "van der Berg");
}

TEST(NameTransforms, NonLatinNames) {
  PersonName tr = ParseName("Ayşe Gül Yılmaz");
  EXPECT_EQ(tr.first, "Ayşe");
  EXPECT_EQ(tr.middle, "Gül");
  EXPECT_EQ(tr.last, "Yılmaz");
  PersonName ru = ParseName("Иванов, Пётр Сергеевич");
  EXPECT_EQ(ru.last, "Иванов");
  EXPECT_EQ(ru.first, "Пётр");
  EXPECT_EQ(ru.middle, "Сергеевич");
  PersonName zh = ParseName("王小明");
  EXPECT_EQ(zh.last, "王");
  EXPECT_EQ(zh.first, "小明");
  EXPECT_EQ(FormatName(zh), "王小明");
  PersonName ja = ParseName("山田 太郎");
  EXPECT_EQ(ja.last, "山田");
  EXPECT_EQ(ja.first, "太郎");
  PersonName ar = ParseName("عبد الله الأحمد");
  EXPECT_EQ(ar.first, "عبد الله");
  EXPECT_EQ(ar.last, "الأحمد");
}

TEST(NameTransforms, JoinAndSplit) {
  EXPECT_EQ(Tx("name_join", Json::array({" Jane", nullptr, "Doe "})), "Jane Doe");
  EXPECT_EQ(Tx("name_join", Json::array({"Doe", "Jane"}), {{"format", "last_first"}}), "Jane Doe");
  EXPECT_EQ(Tx("name_join", Json::array({"王", "小明"})), "王小明");
  EXPECT_EQ(Tx("name_split", "Smith, John A.", {{"part", "first"}}), "John");
  EXPECT_EQ(Tx("name_split", "Smith, John A.", {{"part", "last"}}), "Smith");
  EXPECT_EQ(Tx("name_split", "Smith, John A.", {{"part", "given"}}), "John A.");
  EXPECT_EQ(Tx("name_split", "Cher", {{"part", "first"}}), Json());
  EXPECT_EQ(Tx("name_split", "Cher", {{"part", "last"}}), "Cher");
  EXPECT_EQ(Tx("name_normalize", "DOE,  JANE"), "JANE DOE");
}

// ---- address ----
TEST(AddressTransforms, UsMultiLine) {
  StatusOr<PostalAddress> a = ParseAddress("123 Main St\nApt 4B\nSpringfield, IL 62704", "US");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->street, "123 Main St");
  EXPECT_EQ(a->street2, "Apt 4B");
  EXPECT_EQ(a->city, "Springfield");
  EXPECT_EQ(a->state_code, "IL");
  EXPECT_EQ(a->zip, "62704");
  EXPECT_EQ(a->country_code, "US");
}

TEST(AddressTransforms, UsOneLineWithZipPlusFourAndStateName) {
  StatusOr<PostalAddress> a =
      ParseAddress("4 Elm Ave, Suite 200, San Jose, California 95112-1234, USA", "US");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->street, "4 Elm Ave");
  EXPECT_EQ(a->street2, "Suite 200");
  EXPECT_EQ(a->city, "San Jose");
  EXPECT_EQ(a->state_code, "CA");
  EXPECT_EQ(a->zip, "95112-1234");
}

TEST(AddressTransforms, UnitedKingdom) {
  StatusOr<PostalAddress> a =
      ParseAddress("Flat 2\n10 Downing Street\nLondon\nsw1a2aa\nUnited Kingdom", "US");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->street, "Flat 2");
  EXPECT_EQ(a->street2, "10 Downing Street");
  EXPECT_EQ(a->city, "London");
  EXPECT_EQ(a->zip, "SW1A 2AA");
  EXPECT_EQ(a->country_code, "GB");
}

TEST(AddressTransforms, Turkey) {
  StatusOr<PostalAddress> a =
      ParseAddress("Caferağa Mah. Moda Cad. No:12 D:3\n34710 Kadıköy/İstanbul", "TR");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->street, "Caferağa Mah. Moda Cad. No:12 D:3");
  EXPECT_EQ(a->street2, "Kadıköy");
  EXPECT_EQ(a->city, "İstanbul");
  EXPECT_EQ(a->state_code, "34");
  EXPECT_EQ(a->zip, "34710");
  EXPECT_EQ(a->country_code, "TR");
}

TEST(AddressTransforms, Germany) {
  StatusOr<PostalAddress> a = ParseAddress("Hauptstraße 5\n10115 Berlin\nDeutschland", "US");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->street, "Hauptstraße 5");
  EXPECT_EQ(a->city, "Berlin");
  EXPECT_EQ(a->zip, "10115");
  EXPECT_EQ(a->country_code, "DE");
}

TEST(AddressTransforms, Canada) {
  StatusOr<PostalAddress> a = ParseAddress("55 King St W\nToronto ON m5k1a2\nCanada", "US");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->city, "Toronto");
  EXPECT_EQ(a->state_code, "ON");
  EXPECT_EQ(a->zip, "M5K 1A2");
  EXPECT_EQ(a->country_code, "CA");
}

TEST(AddressTransforms, PartsAndFailures) {
  EXPECT_EQ(Tx("address", "1 A St\nBoston, MA 02110", {{"part", "city"}}), "Boston");
  EXPECT_EQ(Tx("address", "1 A St\nBoston, MA 02110", {{"part", "state"}}), "MA");
  EXPECT_EQ(Tx("address", "1 A St\nBoston, MA 02110", {{"part", "street2"}}), Json());
  EXPECT_NE(Fails("address", "Boston").find("city"), std::string::npos);
  EXPECT_EQ(Tx("country_code", "Türkiye"), "TR");
  EXPECT_EQ(Tx("state_code", "new york"), "NY");
}

// ---- contact ----
TEST(ContactTransforms, PhonesToE164) {
  EXPECT_EQ(Tx("phone_e164", "(415) 555-0132", {{"region", "US"}}), "+14155550132");
  EXPECT_EQ(Tx("phone_e164", "1-415-555-0132 x12", {{"region", "US"}}), "+14155550132");
  EXPECT_EQ(Tx("phone_e164", "415.555.0132", {{"region", "US"}}), "+14155550132");
  EXPECT_EQ(Tx("phone_e164", "0532 123 45 67", {{"region", "TR"}}), "+905321234567");
  EXPECT_EQ(Tx("phone_e164", "+90 (532) 123-4567", {{"region", "US"}}), "+905321234567");
  EXPECT_EQ(Tx("phone_e164", "020 7946 0958", {{"region", "GB"}}), "+442079460958");
  EXPECT_EQ(Tx("phone_e164", "+44 (0)20 7946 0958", {{"region", "US"}}), "+442079460958");
  EXPECT_EQ(Tx("phone_e164", "030 1234567", {{"region", "DE"}}), "+49301234567");
  EXPECT_EQ(Tx("phone_e164", "0049 30 1234567", {{"region", "US"}}), "+49301234567");
  EXPECT_EQ(Tx("phone_e164", "(416) 555-0199", {{"region", "CA"}}), "+14165550199");
}

TEST(ContactTransforms, BadPhonesHaveReasons) {
  EXPECT_NE(Fails("phone_e164", "555-1234", {{"region", "US"}}).find("short"), std::string::npos);
  EXPECT_NE(Fails("phone_e164", "call me", {{"region", "US"}}).find("letters"), std::string::npos);
  EXPECT_NE(Fails("phone_e164", "123-456-7890", {{"region", "US"}}).find("North American"),
            std::string::npos);
  EXPECT_EQ(Tx("phone_e164", "555-1234", {{"region", "US"}, {"on_invalid", "null"}}), Json());
}

TEST(ContactTransforms, Emails) {
  EXPECT_EQ(Tx("email", " Jane.Doe@Example.COM "), "jane.doe@example.com");
  EXPECT_EQ(Tx("email", "mailto:a@b.co"), "a@b.co");
  EXPECT_EQ(Tx("email", "Jane <jane@x.org>"), "jane@x.org");
  EXPECT_NE(Fails("email", "jane.doe@gmail,com").find("commas"), std::string::npos);
  EXPECT_NE(Fails("email", "jane@@x.com").find("more than one"), std::string::npos);
  EXPECT_NE(Fails("email", "jane.doe").find("no @"), std::string::npos);
  EXPECT_NE(Fails("email", "jane@localhost").find("no dot"), std::string::npos);
  EXPECT_NE(Fails("email", "jane..doe@x.com").find("dots"), std::string::npos);
  EXPECT_NE(Fails("email", "jane@x.c").find("too short"), std::string::npos);
}

// ---- dates ----
TEST(DateTransforms, EveryVendorFormat) {
  EXPECT_EQ(Tx("date", "03/07/2024", {{"formats", {"MM/DD/YYYY"}}}), "2024-03-07");
  EXPECT_EQ(Tx("date", "3/7/2024", {{"formats", {"MM/DD/YYYY"}}}), "2024-03-07");
  EXPECT_EQ(Tx("date", "07.03.2024", {{"formats", {"DD.MM.YYYY"}}}), "2024-03-07");
  EXPECT_EQ(Tx("date", "07/03/2024", {{"formats", {"DD/MM/YYYY"}}}), "2024-03-07");
  EXPECT_EQ(Tx("date", "2024-03-07", {{"formats", {"iso"}}}), "2024-03-07");
  EXPECT_EQ(Tx("date", "1709769600", {{"formats", {"epoch"}}}), "2024-03-07");
  EXPECT_EQ(Tx("date", "1709769600000", {{"formats", {"epoch_ms"}}}), "2024-03-07");
  EXPECT_EQ(Tx("date", "7 Mar 2024", {{"formats", {"D MMM YYYY"}}}), "2024-03-07");
  EXPECT_EQ(Tx("date", "7 Mart 2024", {{"formats", {"D MMM YYYY"}}}), "2024-03-07");
  EXPECT_EQ(Tx("date", "2024-03-07T23:30:00-05:00", {{"formats", {"iso"}}}), "2024-03-07");
}

TEST(DateTransforms, ImpossibleDatesAreRefused) {
  EXPECT_NE(Fails("date", "02/30/2024", {{"formats", {"MM/DD/YYYY"}}}).find("day out of range"),
            std::string::npos);
  EXPECT_NE(Fails("date", "02/29/2023", {{"formats", {"MM/DD/YYYY"}}}).find("day out of range"),
            std::string::npos);
  EXPECT_NE(Fails("date", "13/01/2024", {{"formats", {"MM/DD/YYYY"}}}).find("month"),
            std::string::npos);
  EXPECT_NE(Fails("date", "05/12/0201", {{"formats", {"MM/DD/YYYY"}}}).find("implausible year"),
            std::string::npos);
  EXPECT_NE(Fails("date", "yesterday", {{"formats", {"MM/DD/YYYY"}}}).find("format"),
            std::string::npos);
  EXPECT_EQ(Tx("date", "02/29/2024", {{"formats", {"MM/DD/YYYY"}}}), "2024-02-29");
}

TEST(DateTransforms, DatetimesGoToUtc) {
  Json ny = {{"formats", {"MM/DD/YYYY HH:mm:ss"}}, {"tz", "America/New_York"}};
  EXPECT_EQ(Tx("datetime", "01/15/2024 09:00:00", ny), "2024-01-15 14:00:00");  // EST
  EXPECT_EQ(Tx("datetime", "07/15/2024 09:00:00", ny), "2024-07-15 13:00:00");  // EDT
  // Spring-forward and fall-back days.
  EXPECT_EQ(Tx("datetime", "03/10/2024 12:00:00", ny), "2024-03-10 16:00:00");
  EXPECT_EQ(Tx("datetime", "11/03/2024 12:00:00", ny), "2024-11-03 17:00:00");
  Json berlin = {{"formats", {"DD.MM.YYYY HH:mm"}}, {"tz", "Europe/Berlin"}};
  EXPECT_EQ(Tx("datetime", "01.07.2024 10:00", berlin), "2024-07-01 08:00:00");
  EXPECT_EQ(Tx("datetime", "01.12.2024 10:00", berlin), "2024-12-01 09:00:00");
  Json ist = {{"formats", {"DD/MM/YYYY HH:mm"}}, {"tz", "Europe/Istanbul"}};
  EXPECT_EQ(Tx("datetime", "01/07/2024 10:00", ist), "2024-07-01 07:00:00");
  EXPECT_EQ(Tx("datetime", "2024-07-01T10:00:00+03:00", {{"formats", {"iso"}}}),
            "2024-07-01 07:00:00");
  EXPECT_EQ(Tx("datetime", "1709769600123", {{"formats", {"epoch_ms"}}, {"style", "iso"}}),
            "2024-03-07T00:00:00Z");
  EXPECT_EQ(Tx("datetime", "03/07/2024 2:05 PM",
               {{"formats", {"MM/DD/YYYY h:mm A"}}, {"tz", "America/Chicago"}}),
            "2024-03-07 20:05:00");
  EXPECT_NE(Fails("datetime", "03/07/2024 25:00", {{"formats", {"MM/DD/YYYY HH:mm"}}}).find("time"),
            std::string::npos);
}

TEST(DateTransforms, ZoneOffsets) {
  // 2024-06-01T12:00:00Z
  int64_t t = DaysFromCivil(2024, 6, 1) * 86400 + 12 * 3600;
  EXPECT_EQ(*ZoneOffsetSeconds("America/Los_Angeles", t), -7 * 3600);
  EXPECT_EQ(*ZoneOffsetSeconds("Europe/London", t), 3600);
  EXPECT_EQ(*ZoneOffsetSeconds("Europe/Istanbul", t), 3 * 3600);
  EXPECT_EQ(*ZoneOffsetSeconds("+05:30", t), 5 * 3600 + 1800);
  EXPECT_FALSE(ZoneOffsetSeconds("Mars/Olympus", t).ok());
}

// ---- numbers and flags ----
TEST(NumberTransforms, Booleans) {
  for (const char* yes : {"Y", "yes", "TRUE", "1", "x", "Evet", "ja", "oui"}) {
    EXPECT_EQ(Tx("bool", yes), true) << yes;
  }
  for (const char* no : {"N", "no", "false", "0", "Hayır", "hayir", "nein", "non"}) {
    EXPECT_EQ(Tx("bool", no), false) << no;
  }
  EXPECT_EQ(Tx("bool", Json()), Json());
  EXPECT_EQ(Tx("bool", Json(), {{"empty", false}}), false);
  EXPECT_NE(Fails("bool", "maybe").find("yes/no"), std::string::npos);
}

TEST(NumberTransforms, Money) {
  EXPECT_EQ(Tx("money", "$1,234.50"), 1234.5);
  EXPECT_EQ(Tx("money", "1.234,50 €"), 1234.5);
  EXPECT_EQ(Tx("money", "(12.00)"), -12.0);
  EXPECT_EQ(Tx("money", "-12,5 TL"), -12.5);
  EXPECT_EQ(Tx("money", "123450", {{"in", "cents"}}), 1234.5);
  EXPECT_EQ(Tx("money", "12.34", {{"out", "cents"}}), 1234);
  EXPECT_EQ(Tx("money", "12.34", {{"out", "micros"}}), 12340000);
  EXPECT_EQ(Tx("money", "0.1", {{"out", "cents"}}), 10);
  EXPECT_NE(Fails("money", "twelve").find("digits"), std::string::npos);
}

TEST(NumberTransforms, IntegersFloatsGender) {
  EXPECT_EQ(Tx("int", "1,200"), 1200);
  EXPECT_EQ(Tx("float", "3,5"), 3.5);
  EXPECT_NE(Fails("int", "2.5").find("whole"), std::string::npos);
  EXPECT_EQ(Tx("gender", "F"), "female");
  EXPECT_EQ(Tx("gender", "Erkek"), "male");
  EXPECT_EQ(Tx("gender", "Kadın"), "female");
  EXPECT_EQ(Tx("gender", "X"), "other");
}

// ---- dental ----
TEST(DentalTransforms, TreatmentLines) {
  EXPECT_EQ(Tx("treatment_lines", "D0120|14|85; D2391|3|150.5|Resin composite"),
            "D0120 - tooth 14 - est. 85.00\nD2391 Resin composite - tooth 3 - est. 150.50");
  EXPECT_EQ(Tx("treatment_lines", R"([{"code":"D2740","tooth":"8","fee":"1,100.00"}])",
               {{"format", "html"}}),
            "<ul><li>D2740 - tooth 8 - est. 1100.00</li></ul>");
  EXPECT_NE(Fails("treatment_lines", "|14|85").find("procedure code"), std::string::npos);
}

TEST(DentalTransforms, ToothNumbers) {
  EXPECT_EQ(Tx("tooth", "#14"), "14");
  EXPECT_EQ(Tx("tooth", "UR6"), "3");
  EXPECT_EQ(Tx("tooth", "36", {{"system", "fdi"}}), "36");
  EXPECT_NE(Fails("tooth", "#40").find("range"), std::string::npos);
}

TEST(Registry, EveryTransformIsRegisteredOnce) {
  std::vector<std::string> names = TransformRegistry::Builtin().Names();
  EXPECT_GE(names.size(), 30u);
  for (const std::string& n : names) {
    EXPECT_NE(TransformRegistry::Builtin().Find(n), nullptr);
    EXPECT_FALSE(TransformRegistry::Builtin().Find(n)->doc.empty()) << n;
  }
}

}  // namespace
}  // namespace bridgework::mapping
