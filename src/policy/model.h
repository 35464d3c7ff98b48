// The typed policy model: what policies/<name>.yaml declares, after validation.
//
// Contract: a Policy is produced only by load_policy() (loader.h) and is valid by construction:
// every reference resolves, every text exists in every declared language. It is immutable once
// built and safe to share between threads (const). Ids are the YAML ids; lookups by id are
// through the find_* helpers (nullptr when absent). See docs/POLICY.md for the file format.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace charter::policy {

// A text shown to people, one entry per language ("fr", "en").
struct Text {
  std::map<std::string, std::string> by_lang;
  // The text in `lang`; the policy guarantees every declared language is present.
  const std::string& in(const std::string& lang) const;
};

// ISO 8601 calendar duration limited to years, months and days (P3Y, P13M, P0D, P1Y6M).
struct Duration {
  int years = 0;
  int months = 0;
  int days = 0;
  bool is_zero() const { return years == 0 && months == 0 && days == 0; }
  std::string iso() const;  // canonical form, e.g. "P3Y", "P13M", "P0D"
  friend bool operator==(const Duration&, const Duration&) = default;
};

struct Address {
  std::string street, postcode, city, country;  // country: ISO 3166-1 alpha-2
};

struct Controller {
  std::string name, legal_form;
  Address address;
  std::string register_name, register_number;  // e.g. "RCS Lille Métropole", "478795958"
  std::string contact_email;
  std::string dpo_email;
  std::string website;
};

struct SupervisoryAuthority {
  Text name;
  std::string country;
  std::string complaint_url;
};

struct HostingSite {
  std::string id;
  Text label;
  std::string country;  // EU member state
};

struct DataSubjectType {
  std::string id;
  std::string dpv;  // compact IRI, e.g. "dpv:Customer"
  Text label;
};

struct Category {
  std::string id;
  std::string dpv;  // e.g. "pd:Contact"
  Text label, description;
};

enum class FieldType {
  kText,
  kEmail,
  kPhone,
  kPostalAddress,
  kDate,
  kIpAddress,
  kIdentifier,
  kRecord
};
enum class FieldKind {
  kValue,
  kEvent
};  // a current value, or a stream of observed/recorded events
enum class Source { kProvided, kObserved };

struct Field {
  std::string id;
  std::string category;
  FieldType type = FieldType::kText;
  FieldKind kind = FieldKind::kValue;
  Source source = Source::kProvided;
  bool blind_index = false;
  std::vector<std::string> required_for;  // purpose ids
  Text label, if_missing;
};

enum class BasisKind {
  kConsent,
  kContract,
  kLegalObligation,
  kVitalInterest,
  kPublicTask,
  kLegitimateInterest
};

struct LegalBasis {
  std::string id;
  BasisKind kind = BasisKind::kContract;
  Text label, description;
};

struct Recipient {
  std::string id;
  bool internal = true;  // the loader refuses external recipients (C9)
  std::string country;   // EU member state (C10)
  Text label;
};

struct Channel {
  std::string id;
  Text label;
};

// Events a retention window is anchored on.
enum class Anchor {
  kCollection,
  kLastContact,
  kContractEnd,
  kConsentWithdrawal,
  kTransactionDate,
  kEventTime,
  kRequestClosed
};
// States that keep a window open whatever the anchors say.
enum class OpenWhile { kContractRunning, kLegalHold, kRequestOpen };
// Events that close a window at once.
enum class StopOn { kConsentWithdrawal, kObjection };
enum class OnExpiry { kDelete, kAnonymise };

// A window: open while any `open_while` state holds; otherwise open until `duration` after the
// latest of the `after` anchors that has occurred; closed at once by any `stops_on` event.
struct RetentionRule {
  std::vector<std::string> categories;
  Duration duration;
  std::vector<Anchor> after;
  std::vector<OpenWhile> open_while;
  std::vector<StopOn> stops_on;
  OnExpiry on_expiry = OnExpiry::kDelete;
  Text note;
};

struct ConsentTerms {
  std::vector<std::string> withdrawal_channels;  // channel ids; at least one
  Text notice;                                   // the text shown when asking
  std::optional<Duration> expiry;                // none = valid until withdrawn
};

enum class Objection { kNone, kOverridable, kAbsolute };  // art. 21(1) vs 21(2)-(3)

struct Purpose {
  std::string id;
  std::string dpv;  // e.g. "dpv:DirectMarketing"
  Text label, description;
  std::string basis;                    // legal basis id
  std::vector<std::string> subjects;    // data subject type ids
  std::vector<std::string> categories;  // category ids
  std::vector<std::string> recipients;  // recipient ids
  std::vector<RetentionRule> retention;
  std::optional<ConsentTerms> consent;  // present iff basis kind is consent
  Objection objection = Objection::kNone;
};

struct Right {
  std::string id;       // access, rectification, erasure, restriction, portability,
                        // withdraw_consent, objection, post_mortem
  std::string article;  // e.g. "GDPR art. 15"
  Text label, description;
};

struct Rights {
  Duration deadline;   // P1M
  Duration extension;  // P2M
  std::vector<std::string> channels;
  std::vector<Right> list;
};

struct StaffRules {
  Duration training_validity;
  bool confidentiality_required = true;
  std::vector<std::string> roles;  // recipient ids
};

struct SecurityMeasure {
  std::string id;
  std::string dpv;
  Text label, description;
};

struct Policy {
  int format = 1;
  std::string source_path;
  std::string version;  // hex SHA-256 of the canonical form (see version.h)
  Controller controller;
  SupervisoryAuthority authority;
  std::vector<std::string> languages;
  Text scope;
  std::vector<HostingSite> hosting;
  std::vector<DataSubjectType> data_subjects;
  std::vector<Category> categories;
  std::vector<Field> fields;
  std::vector<LegalBasis> legal_bases;
  std::vector<Recipient> recipients;
  std::vector<Channel> channels;
  std::vector<Purpose> purposes;
  Rights rights;
  StaffRules staff;
  std::vector<SecurityMeasure> security_measures;

  const Category* find_category(const std::string& id) const;
  const Field* find_field(const std::string& id) const;
  const LegalBasis* find_basis(const std::string& id) const;
  const Recipient* find_recipient(const std::string& id) const;
  const Channel* find_channel(const std::string& id) const;
  const Purpose* find_purpose(const std::string& id) const;
  const Right* find_right(const std::string& id) const;
  const DataSubjectType* find_subject_type(const std::string& id) const;
};

// Stable names used in the YAML, in renders and in APIs.
const char* to_string(FieldType v);
const char* to_string(FieldKind v);
const char* to_string(Source v);
const char* to_string(BasisKind v);
const char* to_string(Anchor v);
const char* to_string(OpenWhile v);
const char* to_string(StopOn v);
const char* to_string(OnExpiry v);
const char* to_string(Objection v);

}  // namespace charter::policy
