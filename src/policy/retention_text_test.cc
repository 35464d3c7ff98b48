#include "policy/retention_text.h"

#include <gtest/gtest.h>

namespace charter::policy {
namespace {

Phrases phrases(const std::string& lang) { return Phrases::for_language(lang).value(); }

RetentionRule rule(Duration duration, std::vector<Anchor> after, std::vector<OpenWhile> open = {},
                   std::vector<StopOn> stops = {}, OnExpiry expiry = OnExpiry::kDelete) {
  RetentionRule r;
  r.duration = duration;
  r.after = std::move(after);
  r.open_while = std::move(open);
  r.stops_on = std::move(stops);
  r.on_expiry = expiry;
  return r;
}

TEST(RetentionText, AccountingTenYears) {
  auto r = rule({10, 0, 0}, {Anchor::kTransactionDate});
  EXPECT_EQ(describe_retention(r, phrases("fr"), RetentionStyle::kSentence),
            "Conservées jusqu'à 10 ans après la date de la transaction, puis supprimées.");
  EXPECT_EQ(describe_retention(r, phrases("en"), RetentionStyle::kShort),
            "10 years after the date of the transaction");
}

TEST(RetentionText, ProspectingThreeYearsStoppedOnWithdrawal) {
  auto r = rule({3, 0, 0}, {Anchor::kLastContact, Anchor::kContractEnd},
                {OpenWhile::kContractRunning}, {StopOn::kConsentWithdrawal, StopOn::kObjection});
  EXPECT_EQ(describe_retention(r, phrases("fr"), RetentionStyle::kSentence),
            "Conservées tant que le contrat est en cours, et jusqu'à 3 ans après le plus tardif de "
            "ces événements : le dernier contact ou la fin du contrat, puis supprimées. Leur "
            "utilisation pour cette finalité cesse dès le retrait de votre consentement ou votre "
            "opposition.");
  EXPECT_EQ(describe_retention(r, phrases("en"), RetentionStyle::kShort),
            "while the contract is running, then 3 years after the latest of: the last contact or "
            "the end of the contract; stops at once on withdrawal of consent or objection");
}

TEST(RetentionText, ZeroDurationShapes) {
  auto during = rule({}, {Anchor::kContractEnd}, {OpenWhile::kContractRunning});
  EXPECT_EQ(describe_retention(during, phrases("fr"), RetentionStyle::kSentence),
            "Conservées tant que le contrat est en cours, puis supprimées dès la fin du contrat.");
  EXPECT_EQ(describe_retention(during, phrases("fr"), RetentionStyle::kShort),
            "tant que le contrat est en cours");
  auto until = rule({}, {Anchor::kLastContact}, {}, {}, OnExpiry::kAnonymise);
  EXPECT_EQ(describe_retention(until, phrases("fr"), RetentionStyle::kSentence),
            "Conservées jusqu'au dernier contact, puis anonymisées.");
  EXPECT_EQ(describe_retention(until, phrases("en"), RetentionStyle::kSentence),
            "Kept until the last contact, then anonymised.");
  EXPECT_EQ(expiry_noun(OnExpiry::kAnonymise, phrases("fr")), "anonymisation");
}

TEST(RetentionText, ElisionAndCookies) {
  auto hold = rule({5, 0, 0}, {Anchor::kContractEnd}, {OpenWhile::kLegalHold});
  EXPECT_EQ(describe_retention(hold, phrases("fr"), RetentionStyle::kShort),
            "tant qu'un litige est en cours (gel des données), puis 5 ans après la fin du contrat");
  auto cookies = rule({0, 13, 0}, {Anchor::kEventTime});
  EXPECT_EQ(describe_retention(cookies, phrases("en"), RetentionStyle::kSentence),
            "Kept for up to 13 months after each recorded event, then deleted.");
}

}  // namespace
}  // namespace charter::policy
