// The shared text primitives: what reaches an HTML report or a CSV export is escaped, and UTF-8
// decoding refuses every malformed sequence a messy export can hold.
#include "common/text.h"

#include <gtest/gtest.h>

namespace bridgework {
namespace {

TEST(HtmlEscapeTest, EscapesMarkupAndBothQuotes) {
  EXPECT_EQ(HtmlEscape("<b>O'Brien & \"Sons\"</b>"),
            "&lt;b&gt;O&#39;Brien &amp; &quot;Sons&quot;&lt;/b&gt;");
  EXPECT_EQ(HtmlEscape("Şükrü Çelik"), "Şükrü Çelik");  // non-Latin text passes unchanged
}

TEST(CsvFieldTest, QuotesOnlyWhenNeededAndDoublesQuotes) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(CsvField("cr\rhere"), "\"cr\rhere\"");
}

TEST(Base64Test, DecodesEveryPaddingAndRefusesWhatIsNotBase64) {
  EXPECT_EQ(*DecodeBase64(""), "");
  EXPECT_EQ(*DecodeBase64("TQ=="), "M");
  EXPECT_EQ(*DecodeBase64("TWE="), "Ma");
  EXPECT_EQ(*DecodeBase64("TWFu"), "Man");
  EXPECT_EQ(*DecodeBase64("AP8A"), std::string("\x00\xff\x00", 3));  // binary survives
  EXPECT_FALSE(DecodeBase64("TWF").ok());
  EXPECT_FALSE(DecodeBase64("T!==").ok());
}

TEST(Utf8Test, RoundTripsEveryLength) {
  for (char32_t cp : {U'A', U'é', U'€', U'😀'}) {
    std::string s;
    AppendUtf8(cp, &s);
    char32_t back = 0;
    EXPECT_EQ(DecodeUtf8At(s, 0, &back), s.size());
    EXPECT_EQ(back, cp);
  }
}

TEST(Utf8Test, RefusesMalformedSequences) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8At("\x80", 0, &cp), 0u);              // stray continuation byte
  EXPECT_EQ(DecodeUtf8At("\xC3", 0, &cp), 0u);              // truncated
  EXPECT_EQ(DecodeUtf8At("\xC0\xAF", 0, &cp), 0u);          // overlong '/'
  EXPECT_EQ(DecodeUtf8At("\xED\xA0\x80", 0, &cp), 0u);      // surrogate U+D800
  EXPECT_EQ(DecodeUtf8At("\xF4\x90\x80\x80", 0, &cp), 0u);  // above U+10FFFF
  EXPECT_EQ(DecodeUtf8At("\xFF", 0, &cp), 0u);              // Windows-1252 'ÿ' read as UTF-8
  EXPECT_EQ(DecodeUtf8At("ab", 2, &cp), 0u);                // past the end
}

}  // namespace
}  // namespace bridgework
