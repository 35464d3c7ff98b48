#include "http/target.h"

#include <gtest/gtest.h>

#include "http/authenticator.h"
#include "http/cookies.h"
#include "http/form.h"

namespace charter::http {
namespace {

TEST(Target, DecodesPathAndQuery) {
  auto t = parse_target("/v1/subjects/sub%5F1?purpose=solicitation&lang=fr&q=a%20b&empty&x=1+2");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->path, "/v1/subjects/sub_1");
  EXPECT_EQ(t->segments, (std::vector<std::string>{"v1", "subjects", "sub_1"}));
  ASSERT_EQ(t->query.size(), 5u);
  EXPECT_EQ(t->query[0], (std::pair<std::string, std::string>{"purpose", "solicitation"}));
  EXPECT_EQ(t->query[2].second, "a b");
  EXPECT_EQ(t->query[3], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ(t->query[4].second, "1 2");
  auto root = parse_target("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->path, "/");
  EXPECT_TRUE(root->segments.empty());
  auto trailing = parse_target("/v1/");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->segments, (std::vector<std::string>{"v1", ""}));
}

TEST(Target, RefusesWhatCouldConfuseRouting) {
  for (const char* bad : {"http://example.com/x", "*", "", "/a/../b", "/a/./b", "/a/%2e%2e/b",
                          "/a%2Fb", "/a%00b", "/a%zz", "/a?x=%ff", "/%c3%28", "/a b"}) {
    auto t = parse_target(bad);
    EXPECT_FALSE(t) << bad;
    if (!t && std::string_view(bad).size() > 1) {
      EXPECT_EQ(t.error().message.find(bad), std::string::npos);
    }
  }
}

TEST(Target, Utf8) {
  EXPECT_TRUE(is_utf8("Hélène"));
  EXPECT_TRUE(is_utf8("\xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_utf8("\xe2\x82"));          // truncated
}

TEST(Credentials, BearerAndCookie) {
  Headers h;
  auto none = extract_credentials(h);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  h.add("Authorization", "Bearer abc.DEF-_~+/=");
  auto b = extract_credentials(h);
  ASSERT_TRUE(b && *b);
  EXPECT_EQ((*b)->kind, Credentials::Kind::kBearer);
  EXPECT_EQ((*b)->secret, "abc.DEF-_~+/=");
  h.add("Cookie", "charter_session=s1");  // bearer wins
  EXPECT_EQ((*extract_credentials(h))->kind, Credentials::Kind::kBearer);

  Headers c;
  c.add("Cookie", "theme=dark; charter_session=\"s2\"; other=1");
  auto cookie = extract_credentials(c);
  ASSERT_TRUE(cookie && *cookie);
  EXPECT_EQ((*cookie)->kind, Credentials::Kind::kSessionCookie);
  EXPECT_EQ((*cookie)->secret, "s2");

  for (const char* bad : {"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "Bearer =a"}) {
    Headers x;
    x.add("Authorization", bad);
    auto r = extract_credentials(x);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::kUnauthenticated);
    }
  }
  Headers two;
  two.add("Authorization", "Bearer a");
  two.add("authorization", "Bearer b");
  EXPECT_FALSE(extract_credentials(two));
}

TEST(Cookies, Find) {
  EXPECT_EQ(find_cookie("a=1; b=2", "b"), "2");
  EXPECT_EQ(find_cookie("a=1;b=2", "a"), "1");
  EXPECT_FALSE(find_cookie("ab=1", "a"));
  EXPECT_FALSE(find_cookie("", "a"));
}

TEST(Form, Parse) {
  auto f = parse_form("csrf_token=a%2Bb&name=Jean+Dupont&flag&bad=%zz");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].second, "a+b");
  EXPECT_EQ(f[1].second, "Jean Dupont");
  EXPECT_EQ(f[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(f[3].second, "%zz");
}

}  // namespace
}  // namespace charter::http
