#include "common/status.h"

#include <gtest/gtest.h>

namespace bridgework {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd");
  return x / 2;
}

Status UseHalf(int x, int* out) {
  BW_ASSIGN_OR_RETURN(*out, Half(x));
  return Status::Ok();
}

TEST(StatusTest, TransientCodesAreTheRetryableOnes) {
  EXPECT_TRUE(Unavailable("x").IsTransient());
  EXPECT_TRUE(DeadlineExceeded("x").IsTransient());
  EXPECT_TRUE(ResourceExhausted("x").IsTransient());
  EXPECT_FALSE(InvalidArgument("x").IsTransient());
  EXPECT_FALSE(PermissionDenied("x").IsTransient());
  EXPECT_FALSE(Status::Ok().IsTransient());
}

TEST(StatusTest, AnnotateKeepsCodeAndPrefixesContext) {
  Status s = NotFound("no such file").Annotate("loading map");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "NOT_FOUND: loading map: no such file");
  EXPECT_TRUE(Status::Ok().Annotate("x").ok());
}

TEST(StatusTest, AssignOrReturnPropagates) {
  int v = 0;
  EXPECT_TRUE(UseHalf(8, &v).ok());
  EXPECT_EQ(v, 4);
  Status s = UseHalf(3, &v);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, StatusOrFromOkStatusIsAnError) {
  StatusOr<int> s = Status::Ok();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace bridgework
