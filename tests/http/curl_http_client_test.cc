// The libcurl client against a real HTTP server on loopback (cpp-httplib, port chosen by the OS).
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "connectors/http/http_client.h"

namespace bridgework::connectors {
namespace {

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Seen-Auth", req.get_header_value("Authorization"));
      res.set_content(req.body, "application/json");
    });
    server_.Get("/limited", [](const httplib::Request&, httplib::Response& res) {
      res.status = 429;
      res.set_header("Retry-After", "7");
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      res.set_content("late", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(CurlHttpClientTest, PostsBodyAndHeadersAndReadsAnswer) {
  auto client = NewCurlHttpClient({});
  HttpRequest req;
  req.method = "POST";
  req.url = Url("/echo");
  req.headers = {{"Authorization", "Bearer k"}, {"Content-Type", "application/json"}};
  req.body = R"({"a":1})";
  auto res = client->Send(req);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"a":1})");
  EXPECT_EQ(res->headers["x-seen-auth"], "Bearer k");
}

TEST_F(CurlHttpClientTest, HttpErrorsAreResponsesAndRetryAfterIsRead) {
  auto client = NewCurlHttpClient({});
  auto res = client->Send({.method = "GET", .url = Url("/limited")});
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(RetryAfter(*res, std::chrono::seconds(1)), std::chrono::seconds(7));
}

TEST_F(CurlHttpClientTest, TimeoutIsDeadlineExceeded) {
  auto client = NewCurlHttpClient({});
  auto res = client->Send(
      {.method = "GET", .url = Url("/slow"), .timeout = std::chrono::milliseconds(100)});
  EXPECT_EQ(res.status().code(), StatusCode::kDeadlineExceeded);
}

TEST_F(CurlHttpClientTest, RefusedConnectionIsTransientAndHidesQuery) {
  auto client = NewCurlHttpClient({});
  server_.stop();
  auto res = client->Send({.method = "GET", .url = Url("/x?token=secret")});
  ASSERT_FALSE(res.ok());
  EXPECT_TRUE(res.status().IsTransient());
  EXPECT_EQ(res.status().message().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace bridgework::connectors
