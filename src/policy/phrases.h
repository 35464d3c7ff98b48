// The phrasebook (templates/phrases.json, embedded): the words and sentence patterns that
// renderings build from the policy's structured facts (durations, retention anchors, list
// conjunctions, country names, register column labels), one set per language.
//
// Contract: Phrases::for_language() gives the set of one language, or kInvalidArgument when the
// phrasebook lacks it. Looking up a path that the phrasebook lacks is a bug in Charter (the
// embedded file is part of the build and covered by tests): it throws std::logic_error.
// Patterns hold "{name}" placeholders, filled by fill(). Immutable; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "policy/model.h"

namespace charter::policy {

using PhraseArgs = std::vector<std::pair<std::string_view, std::string>>;

// Replaces each "{name}" of `pattern` by its value in `args`; unknown names stay as they are.
std::string fill(std::string_view pattern, const PhraseArgs& args);

class Phrases {
 public:
  static Result<Phrases> for_language(const std::string& lang);
  // Languages the phrasebook has, sorted.
  static std::vector<std::string> languages();

  const std::string& lang() const { return lang_; }

  // The string at a '/'-separated path, e.g. "anchor/contract_end/after".
  const std::string& get(std::string_view path) const;
  // The list of strings at `path`.
  std::vector<std::string> list(std::string_view path) const;
  // get(path) with its placeholders filled.
  std::string format(std::string_view path, const PhraseArgs& args) const;

  // "a, b, c": labels that may themselves contain "and" are listed without a conjunction.
  std::string join_list(const std::vector<std::string>& items) const;
  // "a, b and c" / "a, b or c" in this language; "" for no item.
  std::string join_and(const std::vector<std::string>& items) const;
  std::string join_or(const std::vector<std::string>& items) const;
  // "3 ans", "1 year", "2 ans et 6 mois", "13 months".
  std::string duration(const Duration& d) const;
  // Country name for an ISO 3166-1 alpha-2 code; the code itself when the phrasebook lacks it.
  std::string country(const std::string& iso2) const;
  // Name of a language (ISO 639-1 code) in this language; the code when the phrasebook lacks it.
  std::string language_name(const std::string& code) const;
  // "GDPR art. 15" -> "RGPD art. 15" in French: the article references of the policy are
  // written with the English abbreviation.
  std::string article(const std::string& reference) const;

 private:
  Phrases(std::string lang, const nlohmann::json* root) : lang_(std::move(lang)), root_(root) {}
  const nlohmann::json& node(std::string_view path) const;
  std::string join(const std::vector<std::string>& items, const std::string& last) const;

  std::string lang_;
  const nlohmann::json* root_;  // the language's object inside the static phrasebook
};

}  // namespace charter::policy
