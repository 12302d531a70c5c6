// The low-level readers: RFC 4180 CSV, encodings, JSON element splitting, dates.
#include <gtest/gtest.h>

#include "connectors/sources/bundle/csv_reader.h"
#include "connectors/sources/bundle/json_reader.h"
#include "connectors/sources/bundle/text_decoder.h"
#include "connectors/sources/profiles/date_format.h"
#include "tests/sources/temp_dir.h"

namespace bridgework::sources {
namespace {

using testing::TempDir;

std::vector<CsvRecord> ReadAll(const std::string& path, char delimiter) {
  CsvReader reader(delimiter);
  EXPECT_TRUE(reader.Open(path).ok());
  std::vector<CsvRecord> out;
  CsvRecord rec;
  for (;;) {
    auto more = reader.Next(&rec);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    out.push_back(rec);
  }
  return out;
}

TEST(CsvReaderTest, QuotesDoubledQuotesAndEmbeddedLineBreaks) {
  TempDir dir;
  std::string path = dir.Write("a.csv",
                               "id,name,note\r\n"
                               "1,\"Smith, John\",\"He said \"\"hi\"\"\"\r\n"
                               "2,Plain,\"line one\nline two\r\nline three\"\r\n"
                               "3,,\r\n");
  auto recs = ReadAll(path, ',');
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"1", "Smith, John", "He said \"hi\""}));
  EXPECT_EQ(recs[2].fields[2], "line one\nline two\r\nline three");
  EXPECT_EQ(recs[1].line, 2);
  EXPECT_EQ(recs[2].line, 3);
  EXPECT_EQ(recs[3].line, 6);  // the quoted field above spans lines 3 to 5
  EXPECT_EQ(recs[3].fields, (std::vector<std::string>{"3", "", ""}));
}

TEST(CsvReaderTest, SkipsByteOrderMarkAndBlankLinesAndTakesAnyDelimiter) {
  TempDir dir;
  std::string semi = dir.Write("s.csv", "\xEF\xBB\xBFId;Name\n\n1;a;\n2;\"b;c\"\n");
  CsvReader reader(';');
  ASSERT_TRUE(reader.Open(semi).ok());
  CsvRecord rec;
  ASSERT_TRUE(*reader.Next(&rec));
  EXPECT_TRUE(reader.had_bom());
  EXPECT_EQ(rec.fields[0], "Id");  // no BOM bytes left in the first header
  ASSERT_TRUE(*reader.Next(&rec));
  EXPECT_EQ(rec.line, 3);
  EXPECT_EQ(rec.fields.size(), 3u);  // trailing delimiter: an empty third field
  ASSERT_TRUE(*reader.Next(&rec));
  EXPECT_EQ(rec.fields[1], "b;c");
  EXPECT_FALSE(*reader.Next(&rec));

  std::string tsv = dir.Write("t.tsv", "a\tb\n\"x\ty\"\tz\n");
  auto recs = ReadAll(tsv, '\t');
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].fields[0], "x\ty");
}

TEST(CsvReaderTest, FlagsUnterminatedAndStrayQuotes) {
  TempDir dir;
  std::string path = dir.Write("q.csv", "a,b\n\"x\"y,z\n1,\"never closed\n2,3\n");
  auto recs = ReadAll(path, ',');
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_TRUE(recs[1].stray_quote);
  EXPECT_EQ(recs[1].stray_field, 0);
  EXPECT_TRUE(recs[2].unterminated_quote);
}

TEST(CsvReaderTest, ResumesAtAByteOffsetWithItsLineNumber) {
  TempDir dir;
  std::string path = dir.Write("r.csv", "h\n1\n\"2\n2\"\n3\n");
  CsvReader all(',');
  ASSERT_TRUE(all.Open(path).ok());
  CsvRecord rec;
  int64_t offset3 = 0, line3 = 0;
  while (*all.Next(&rec)) {
    if (rec.fields[0] == "3") offset3 = rec.offset, line3 = rec.line;
  }
  EXPECT_EQ(line3, 5);
  CsvReader part(',');
  ASSERT_TRUE(part.Open(path, offset3, line3).ok());
  ASSERT_TRUE(*part.Next(&rec));
  EXPECT_EQ(rec.fields[0], "3");
  EXPECT_EQ(rec.line, 5);
}

TEST(TextDecoderTest, Windows1252ToUtf8) {
  std::string out;
  size_t bad = 0;
  ASSERT_TRUE(DecodeToUtf8("Caf\xE9 \x80 \x93quoted\x94", Encoding::kWindows1252, &out, &bad));
  EXPECT_EQ(out, "Café € “quoted”");
  out.clear();
  EXPECT_FALSE(DecodeToUtf8("ab\x81", Encoding::kWindows1252, &out, &bad));
  EXPECT_EQ(bad, 2u);
  EXPECT_EQ(EncodeFromUtf8("Café €", Encoding::kWindows1252), "Caf\xE9 \x80");
}

TEST(TextDecoderTest, RefusesMalformedUtf8) {
  size_t bad = 0;
  EXPECT_TRUE(IsValidUtf8("José 张伟 Ελένη", &bad));
  EXPECT_FALSE(IsValidUtf8("ab\xFF", &bad));
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(IsValidUtf8("\xC0\x80", &bad));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80", &bad));  // surrogate
  EXPECT_FALSE(IsValidUtf8("x\xE2\x82", &bad));     // truncated
  std::string out;
  ASSERT_TRUE(DecodeToUtf8("\xE9", Encoding::kLatin1, &out, &bad));
  EXPECT_EQ(out, "é");
}

TEST(JsonReaderTest, SplitsAnArrayIntoElementsWithTheirLines) {
  TempDir dir;
  std::string path = dir.Write("a.json",
                               "[\n{\"Id\": 1, \"Text\": \"a } ] , \\\" b\"},\n"
                               "{\"Id\": 2,\n \"Lines\": [{\"Code\": \"X\"}, {\"Code\": \"Y\"}]},\n"
                               "\"scalar\",\n{\"Id\": 3}\n]\n");
  JsonElementReader reader;
  ASSERT_TRUE(reader.Open(path, JsonElementReader::Mode::kArray).ok());
  std::vector<JsonElement> els;
  JsonElement e;
  while (*reader.Next(&e)) els.push_back(e);
  ASSERT_EQ(els.size(), 4u);
  EXPECT_EQ(els[0].line, 2);
  EXPECT_EQ(els[1].line, 3);
  EXPECT_EQ(els[2].text, "\"scalar\"");
  EXPECT_EQ(els[2].line, 5);
  EXPECT_EQ(els[3].line, 6);
  auto doc = nlohmann::ordered_json::parse(els[1].text);
  std::vector<SourceField> fields;
  FlattenJson(doc, &fields);
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[1].name, "Lines.0.Code");
  EXPECT_EQ(fields[2].name, "Lines.1.Code");
  EXPECT_EQ(*fields[2].value, "Y");
  EXPECT_EQ(*fields[0].value, "2");
}

TEST(JsonReaderTest, ReadsNdjsonLinesAndRefusesAFileThatIsNotAnArray) {
  TempDir dir;
  std::string path = dir.Write("a.ndjson", "{\"a\":1}\r\n\n{\"a\":2}\n{\"a\":\n");
  JsonElementReader reader;
  ASSERT_TRUE(reader.Open(path, JsonElementReader::Mode::kLines).ok());
  JsonElement e;
  std::vector<int64_t> lines;
  while (*reader.Next(&e)) lines.push_back(e.line);
  EXPECT_EQ(lines, (std::vector<int64_t>{1, 3, 4}));
  JsonElementReader not_array;
  EXPECT_FALSE(not_array.Open(path, JsonElementReader::Mode::kArray).ok());
}

TEST(DateFormatTest, ParsesVendorFormatsAndRefusesImpossibleDates) {
  auto t = ParseTime("03/01/2024 10:05:00", "MM/DD/YYYY HH:mm:ss");
  ASSERT_TRUE(t);
  EXPECT_EQ(ToIso(*t), "2024-03-01T10:05:00Z");
  EXPECT_EQ(ToIso(*ParseTime("01.03.2024", "DD.MM.YYYY")), "2024-03-01T00:00:00Z");
  EXPECT_EQ(ToIso(*ParseTime("1709287200", "epoch")), "2024-03-01T10:00:00Z");
  EXPECT_EQ(ToIso(*ParseTime("1709287200000", "epoch_ms")), "2024-03-01T10:00:00Z");
  EXPECT_EQ(ToIso(*ParseTime("2024-03-01T12:00:00+02:00", "iso8601")), "2024-03-01T10:00:00Z");
  EXPECT_FALSE(ParseTime("02/30/2019", "MM/DD/YYYY"));
  EXPECT_FALSE(ParseTime("13/01/2019", "MM/DD/YYYY"));
  EXPECT_TRUE(ParseTime("29/02/2024", "DD/MM/YYYY"));
  EXPECT_FALSE(ParseTime("29/02/2023", "DD/MM/YYYY"));
  EXPECT_FALSE(ParseTime("2024-03-01x", "iso8601"));
  EXPECT_EQ(FormatTime(CivilTime{2024, 3, 1, 9, 5, 0}, "DD/MM/YYYY HH:mm"), "01/03/2024 09:05");
}

}  // namespace
}  // namespace bridgework::sources
