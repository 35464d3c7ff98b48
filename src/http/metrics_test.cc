#include "http/metrics.h"

#include <gtest/gtest.h>

#include "http/http_metrics.h"

namespace charter::http {
namespace {

TEST(Metrics, CountersGaugesAndCallbacksRender) {
  MetricsRegistry reg;
  auto allow =
      reg.counter("charter_decisions_total", "Access decisions by outcome", {{"outcome", "allow"}});
  auto deny =
      reg.counter("charter_decisions_total", "Access decisions by outcome", {{"outcome", "deny"}});
  ASSERT_TRUE(allow && deny);
  (*allow)->inc(3);
  (*deny)->inc();
  auto g = reg.gauge("charter_things", "Things");
  ASSERT_TRUE(g);
  (*g)->set(2.5);
  ASSERT_TRUE(reg.gauge_callback("charter_audit_backlog",
                                 "Audit entries not yet in a signed tree "
                                 "head",
                                 {}, [] { return 7.0; }));
  std::string out = reg.render();
  EXPECT_NE(out.find("# HELP charter_decisions_total Access decisions by outcome\n"
                     "# TYPE charter_decisions_total counter\n"
                     "charter_decisions_total{outcome=\"allow\"} 3\n"
                     "charter_decisions_total{outcome=\"deny\"} 1\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("charter_things 2.5\n"), std::string::npos);
  EXPECT_NE(out.find("# TYPE charter_audit_backlog gauge\ncharter_audit_backlog 7\n"),
            std::string::npos);
  // The same series is the same counter.
  auto again =
      reg.counter("charter_decisions_total", "Access decisions by outcome", {{"outcome", "allow"}});
  EXPECT_EQ(*again, *allow);
}

TEST(Metrics, RegistrationErrors) {
  MetricsRegistry reg;
  EXPECT_FALSE(reg.counter("bad name", "x"));
  EXPECT_FALSE(reg.counter("ok", "x", {{"bad-label", "v"}}));
  EXPECT_FALSE(reg.counter("ok", "x", {{"__reserved", "v"}}));
  ASSERT_TRUE(reg.counter("ok", "x"));
  EXPECT_FALSE(reg.gauge("ok", "x"));    // another type
  EXPECT_FALSE(reg.counter("ok", "y"));  // another help
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(render_labels({{"a", "x\"y\\z\nw"}}), "{a=\"x\\\"y\\\\z\\nw\"}");
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
}

TEST(HttpMetrics, ByRouteTemplateStatusAndHistogram) {
  Router router;
  Route r;
  r.method = Method::kGet;
  r.path = "/v1/subjects/{id}";
  r.operation_id = "getSubject";
  r.summary = "s";
  r.params = {{"id", ParamIn::kPath, "", {{"type", "string"}}, true}};
  r.handler = [](Request&) -> Result<Response> { return no_content(); };
  ASSERT_TRUE(router.add(std::move(r)));
  HttpMetrics m(router);
  const Route* route = router.routes()[0];
  m.observe(route, 200, 0.0004);
  m.observe(route, 200, 0.003);
  m.observe(route, 404, 20);
  m.observe(nullptr, 404, 0.0001);
  MetricsRegistry reg;
  m.attach(reg);
  std::string out = reg.render();
  EXPECT_NE(out.find("charter_http_requests_total{route=\"/v1/subjects/{id}\",method=\"GET\","
                     "status=\"200\"} 2\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("charter_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(out.find("charter_http_request_duration_seconds_bucket{route=\"/v1/subjects/{id}\","
                     "method=\"GET\",le=\"0.0005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(out.find("charter_http_request_duration_seconds_bucket{route=\"/v1/subjects/{id}\","
                     "method=\"GET\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(out.find("charter_http_request_duration_seconds_bucket{route=\"/v1/subjects/{id}\","
                     "method=\"GET\",le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(out.find("charter_http_request_duration_seconds_count{route=\"/v1/subjects/{id}\","
                     "method=\"GET\"} 3\n"),
            std::string::npos);
  EXPECT_NE(out.find("# TYPE charter_http_requests_in_flight gauge"), std::string::npos);
}

}  // namespace
}  // namespace charter::http
