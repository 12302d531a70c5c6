// The ZeroMQ transport over inproc and tcp: a round trip both ways, and a send to a peer that is
// not there fails at once instead of vanishing.
#include "transport/transport.h"

#include <gtest/gtest.h>

namespace bridgework::transport {
namespace {

void RoundTrip(const std::string& bind) {
  Context ctx;
  auto router = BindRouter(&ctx, bind);
  ASSERT_TRUE(router.ok()) << router.status().ToString();
  auto dealer = ConnectDealer(&ctx, (*router)->endpoint(), "worker-1");
  ASSERT_TRUE(dealer.ok());
  ASSERT_TRUE((*dealer)->Send({"", "hello"}).ok());
  auto got = (*router)->Receive(std::chrono::seconds(5));
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->peer, "worker-1");
  EXPECT_EQ((*got)->payload, "hello");
  ASSERT_TRUE((*router)->Send({"worker-1", "welcome"}).ok());
  auto back = (*dealer)->Receive(std::chrono::seconds(5));
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->payload, "welcome");
  EXPECT_EQ((*router)->Send({"nobody", "x"}).code(), StatusCode::kUnavailable);
  auto none = (*router)->Receive(std::chrono::milliseconds(10));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(TransportTest, InprocRoundTrip) { RoundTrip("inproc://transport-test"); }
TEST(TransportTest, TcpRoundTripOnAnyFreePort) { RoundTrip("tcp://127.0.0.1:0"); }

TEST(TransportTest, BindingATakenEndpointIsAnError) {
  Context ctx;
  auto a = BindRouter(&ctx, "inproc://taken");
  ASSERT_TRUE(a.ok());
  auto b = BindRouter(&ctx, "inproc://taken");
  EXPECT_EQ(b.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace bridgework::transport
