#include "cli/delta/watermark.h"

#include <gtest/gtest.h>

namespace bridgework::cli::delta {
namespace {

TEST(Watermark, ParsesIsoForms) {
  EXPECT_EQ(*ParseIsoSeconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseIsoSeconds("2024-03-01T10:00:00Z"), 1709287200);
  EXPECT_EQ(*ParseIsoSeconds("2024-03-01T10:00:00.750Z"), 1709287200);
  EXPECT_EQ(*ParseIsoSeconds("2024-03-01T12:00:00+02:00"), 1709287200);
  EXPECT_EQ(*ParseIsoSeconds("2024-03-01T05:00:00-0500"), 1709287200);
  EXPECT_EQ(*ParseIsoSeconds("2024-03-01T10:00Z"), 1709287200);
  EXPECT_EQ(*ParseIsoSeconds("2024-03-01"), 1709251200);
  EXPECT_FALSE(ParseIsoSeconds("").ok());
  EXPECT_FALSE(ParseIsoSeconds("01/03/2024").ok());
  EXPECT_FALSE(ParseIsoSeconds("2024-13-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseIsoSeconds("2024-03-01T10:00:00Zjunk").ok());
}

TEST(Watermark, LookbackMovesBackAcrossDayAndYear) {
  EXPECT_EQ(*ModifiedSince("2024-03-01T10:00:00Z", 3600), "2024-03-01T09:00:00Z");
  EXPECT_EQ(*ModifiedSince("2024-01-01T00:30:00Z", 3600), "2023-12-31T23:30:00Z");
  EXPECT_EQ(*ModifiedSince("2024-03-01T00:00:00Z", 86400), "2024-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(*ModifiedSince("2024-03-01T12:00:00+02:00", 0), "2024-03-01T10:00:00Z");
  EXPECT_FALSE(ModifiedSince("2024-03-01T10:00:00Z", -1).ok());
  EXPECT_FALSE(ModifiedSince("not a time", 60).ok());
}

TEST(Watermark, RecordAtTheBoundaryIsReadAgain) {
  // A record whose modified-at equals the watermark is at or after the next delta's start.
  const std::string w = "2024-06-30T23:59:59Z";
  auto since = ModifiedSince(w, 3600);
  ASSERT_TRUE(since.ok());
  EXPECT_LE(*ParseIsoSeconds(*since), *ParseIsoSeconds(w));
  EXPECT_EQ(*ParseIsoSeconds(w) - *ParseIsoSeconds(*since), 3600);
}

TEST(Watermark, LaterOfComparesInstantsNotText) {
  EXPECT_EQ(LaterOf("2024-03-01T10:00:00+02:00", "2024-03-01T09:00:00Z"), "2024-03-01T09:00:00Z");
  EXPECT_EQ(LaterOf("2024-03-01T10:00:00Z", "2024-03-01T09:00:00Z"), "2024-03-01T10:00:00Z");
  EXPECT_EQ(LaterOf("", "2024-03-01T09:00:00Z"), "2024-03-01T09:00:00Z");
  EXPECT_EQ(LaterOf("2024-03-01T09:00:00Z", "garbage"), "2024-03-01T09:00:00Z");
  EXPECT_EQ(FormatIsoSeconds(1709287200), "2024-03-01T10:00:00Z");
}

}  // namespace
}  // namespace bridgework::cli::delta
