#include "http/problem.h"

#include <gtest/gtest.h>

namespace charter::http {
namespace {

TEST(Problem, ShapeFollowsRfc9457AndTheErrorTable) {
  Response r =
      problem_response(make_error(Errc::kInvalidArgument, "field email: not an e-mail"), "req_X");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type(), "application/problem+json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["type"], "https://charter.dev/problems/invalid-argument");
  EXPECT_EQ(j["title"], "Invalid argument");
  EXPECT_EQ(j["status"], 400);
  EXPECT_EQ(j["detail"], "field email: not an e-mail");
  EXPECT_EQ(j["instance"], "req_X");
}

TEST(Problem, EveryErrcHasItsStatusAndStableType) {
  for (int i = 0; i <= static_cast<int>(Errc::kInternal); ++i) {
    auto code = static_cast<Errc>(i);
    Response r = problem_response(make_error(code, "x"), "req_1");
    EXPECT_EQ(r.status, http_status(code));
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["type"], std::string(kProblemBase) + std::string(error_slug(code)));
    EXPECT_EQ(j["status"], http_status(code));
  }
}

TEST(Problem, StatusSpecificHeaders) {
  ProblemExtras extras;
  extras.retry_after_seconds = 3;
  auto r = problem_response(make_error(Errc::kRateLimited, "slow down"), "req_1", extras);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.get("Retry-After"), "3");
  ProblemExtras allow;
  allow.allow = "GET, HEAD";
  r = problem_response(make_error(Errc::kMethodNotAllowed, "no"), "req_1", allow);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.get("Allow"), "GET, HEAD");
  r = problem_response(make_error(Errc::kUnauthenticated, "no"), "req_1");
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.headers.has("WWW-Authenticate"));
  EXPECT_EQ(problem_response(make_error(Errc::kHeadersTooLarge, "x"), "r").status, 431);
  EXPECT_EQ(problem_response(make_error(Errc::kUriTooLong, "x"), "r").status, 414);
  EXPECT_EQ(problem_response(make_error(Errc::kUnprocessable, "x"), "r").status, 422);
  EXPECT_EQ(problem_response(make_error(Errc::kBadMediaType, "x"), "r").status, 415);
  EXPECT_EQ(problem_response(make_error(Errc::kTimeout, "x"), "r").status, 408);
}

TEST(Problem, InternalErrorsHideTheirMessage) {
  auto r = problem_response(make_error(Errc::kInternal, "sqlite: disk I/O error at /srv/x"), "r");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
}

TEST(Problem, InvalidUtf8InDetailDoesNotThrow) {
  auto r = problem_response(make_error(Errc::kInvalidArgument, "bad \xff byte"), "r");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(nlohmann::json::accept(r.body));
}

}  // namespace
}  // namespace charter::http
