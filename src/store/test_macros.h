// GoogleTest helpers for Result/Status (tests only; include from *_test.cc files).
#pragma once

#include <gtest/gtest.h>

#include "core/result.h"

#define CHARTER_ASSERT_OK_IMPL(tmp, expr)                                \
  do {                                                                   \
    auto tmp = (expr);                                                   \
    ASSERT_TRUE(tmp.ok()) << #expr << " -> " << tmp.error().to_string(); \
  } while (0)
#define ASSERT_OK(expr) CHARTER_ASSERT_OK_IMPL(CHARTER_CONCAT(assert_ok_, __LINE__), expr)

#define CHARTER_EXPECT_OK_IMPL(tmp, expr)                                \
  do {                                                                   \
    auto tmp = (expr);                                                   \
    EXPECT_TRUE(tmp.ok()) << #expr << " -> " << tmp.error().to_string(); \
  } while (0)
#define EXPECT_OK(expr) CHARTER_EXPECT_OK_IMPL(CHARTER_CONCAT(expect_ok_, __LINE__), expr)

#define CHARTER_ASSIGN_OR_FAIL_IMPL(tmp, decl, expr)                   \
  auto tmp = (expr);                                                   \
  ASSERT_TRUE(tmp.ok()) << #expr << " -> " << tmp.error().to_string(); \
  decl = std::move(tmp).value()
#define ASSERT_OK_AND_ASSIGN(decl, expr) \
  CHARTER_ASSIGN_OR_FAIL_IMPL(CHARTER_CONCAT(assign_ok_, __LINE__), decl, expr)

// The error code of a Result that must have failed.
#define EXPECT_ERRC(expr, errc)                                                       \
  do {                                                                                \
    auto charter_errc_ = (expr);                                                      \
    ASSERT_FALSE(charter_errc_.ok()) << #expr << " should have failed";               \
    EXPECT_EQ(charter_errc_.error().code, errc) << charter_errc_.error().to_string(); \
  } while (0)
