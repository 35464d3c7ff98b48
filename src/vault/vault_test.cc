// The vault on both backends: refusals, round trips, lookup, rectification, ciphertext binding,
// updates, changes funnel.
#include "vault/vault.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/seal.h"
#include "crypto/wrap.h"
#include "vault/collect.h"
#include "vault/test_env.h"

namespace charter::vault {
namespace {

using testing::at;
using testing::VaultTest;

class Vault_ : public VaultTest {
 protected:
  std::string create(const NewSubject& s) {
    auto id = vault().create_subject(s);
    EXPECT_TRUE(id.ok()) << id.error().to_string();
    return id.ok() ? *id : std::string();
  }
  std::map<std::string, std::string> values_of(const std::string& id) {
    ReadRequest r;
    r.subject_id = id;
    r.purpose = "commercial_relationship";
    auto data = vault().read(r);
    EXPECT_TRUE(data.ok()) << data.error().to_string();
    std::map<std::string, std::string> out;
    if (data.ok()) {
      for (auto& v : data->values) out[v.field] = v.value;
    }
    return out;
  }
  Error create_error(const NewSubject& s) {
    auto id = vault().create_subject(s);
    EXPECT_FALSE(id.ok());
    return id.ok() ? Error{} : id.error();
  }
  void expect_nothing_stored() {
    for (const char* t : {"vault_subjects", "vault_keys", "vault_values", "vault_blind_indexes"}) {
      EXPECT_EQ(count(t), 0) << t;
    }
  }
};

TEST_P(Vault_, CreateAndReadBack) {
  std::string id = create(customer(" Jean.Dupont@Example.FR ", "06 12 34 56 78"));
  EXPECT_TRUE(is_valid_id(id, "sub"));
  auto v = values_of(id);
  EXPECT_EQ(v.size(), 6u);
  EXPECT_EQ(v["last_name"], "Dupont");
  EXPECT_EQ(v["first_name"], "Jean");
  EXPECT_EQ(v["job_title"], "Gérant");
  EXPECT_EQ(v["postal_address"], "1 rue de la Paix\n75002 Paris");
  EXPECT_EQ(v["phone"], "+33612345678");
  EXPECT_EQ(v["email"], "jean.dupont@example.fr");

  auto info = vault().subject(id);
  ASSERT_OK(info);
  EXPECT_EQ(info->status, SubjectStatus::kActive);
  EXPECT_EQ(info->relationship, Relationship::kCustomer);
  EXPECT_EQ(info->purposes, (std::vector<std::string>{"commercial_relationship", "prospecting"}));
  EXPECT_EQ(info->policy_version, testing::oxemis().version);
  EXPECT_EQ(info->collected_at, clock_.now());
  EXPECT_EQ(info->contract_start, clock_.now());
  // One data key (class contact), six sealed values, two blind indexes; nothing in clear.
  EXPECT_EQ(count("vault_keys"), 1);
  EXPECT_EQ(count("vault_values"), 6);
  EXPECT_EQ(count("vault_blind_indexes"), 2);

  ReadRequest only;
  only.subject_id = id;
  only.fields = {"email"};
  auto data = vault().read(only);
  ASSERT_OK(data);
  ASSERT_EQ(data->values.size(), 1u);
  EXPECT_EQ(data->values[0].source, policy::Source::kProvided);
  EXPECT_EQ(data->values[0].category, "contact");
}

TEST_P(Vault_, RefusesUndeclaredField) {
  auto s = customer();
  s.fields.push_back({"shoe_size", "44"});
  auto e = create_error(s);
  EXPECT_EQ(e.code, Errc::kInvalidArgument);
  EXPECT_NE(e.message.find("field \"shoe_size\": not declared in the policy"), std::string::npos)
      << e.message;
  EXPECT_EQ(e.message.find("44"), std::string::npos);
  expect_nothing_stored();
}

TEST_P(Vault_, RefusesWrongTypesWithoutEchoingValues) {
  auto s = customer("jean.dupont-at-example.fr", "06 12 34");
  auto e = create_error(s);
  EXPECT_EQ(e.code, Errc::kInvalidArgument);
  EXPECT_NE(e.message.find("field \"email\": not an e-mail address"), std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find("field \"phone\": not a phone number"), std::string::npos);
  EXPECT_EQ(e.message.find("dupont"), std::string::npos);
  EXPECT_EQ(e.message.find("06 12 34"), std::string::npos);
  expect_nothing_stored();

  auto t = customer();
  t.fields[0].value = "Du\npont";  // last_name is text: one line
  e = create_error(t);
  EXPECT_NE(e.message.find("field \"last_name\""), std::string::npos) << e.message;
  expect_nothing_stored();
}

TEST_P(Vault_, RefusesMissingRequiredFieldWithItsConsequence) {
  NewSubject s;
  s.purposes = {"prospecting"};
  s.fields = {{"first_name", "Jeanne"}};
  auto e = create_error(s);
  EXPECT_EQ(e.code, Errc::kInvalidArgument);
  EXPECT_NE(e.message.find("field \"email\": required for purpose \"prospecting\" and missing"),
            std::string::npos)
      << e.message;
  // The policy's if_missing, in French and English.
  EXPECT_NE(e.message.find("[fr] Sans adresse e-mail, nous ne pouvons ni gérer votre compte"),
            std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find("[en] Without an e-mail address we can neither manage your account"),
            std::string::npos);
  EXPECT_EQ(e.message.find("Jeanne"), std::string::npos);
  expect_nothing_stored();

  // commercial_relationship also requires last_name and postal_address.
  NewSubject c = customer();
  c.fields.erase(c.fields.begin());      // no last_name
  c.fields.erase(c.fields.begin() + 2);  // no postal_address
  e = create_error(c);
  EXPECT_NE(e.message.find("field \"last_name\": required for purpose \"commercial_relationship\""),
            std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find("field \"postal_address\": required for purpose"), std::string::npos);
  EXPECT_NE(e.message.find("[en] Without a billing address"), std::string::npos);
  expect_nothing_stored();

  // The problems are also available one by one (for problem+json later).
  auto problems = check_new_subject(testing::oxemis(), c);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "last_name");
  ASSERT_NE(problems[0].if_missing, nullptr);
  EXPECT_EQ(problems[0].if_missing->in("fr").substr(0, 15), "Sans votre nom,");
}

TEST_P(Vault_, RefusesPurposesAndFieldKindsThatDoNotFit) {
  NewSubject s = customer();
  s.purposes = {"world_domination"};
  auto e = create_error(s);
  EXPECT_NE(e.message.find("purpose \"world_domination\" is not declared"), std::string::npos);

  s = customer();
  s.relationship = Relationship::kProspect;  // commercial_relationship is for customers only
  e = create_error(s);
  EXPECT_NE(e.message.find("purpose \"commercial_relationship\" does not apply to a prospect"),
            std::string::npos)
      << e.message;

  s = customer();
  s.fields.push_back({"connection_ip", "192.0.2.1"});
  e = create_error(s);
  EXPECT_NE(e.message.find("field \"connection_ip\": is an event field"), std::string::npos);

  s = customer();
  s.fields.push_back({"email", "other@example.com"});
  e = create_error(s);
  EXPECT_NE(e.message.find("field \"email\": given more than once"), std::string::npos);

  s = customer();
  s.purposes.clear();
  e = create_error(s);
  EXPECT_NE(e.message.find("purposes: at least one collection purpose"), std::string::npos);

  s = customer();
  s.relationship = Relationship::kFormerCustomer;
  e = create_error(s);
  EXPECT_NE(e.message.find("a former customer needs the contract end date"), std::string::npos);
  expect_nothing_stored();
}

TEST_P(Vault_, RefusesFieldOfACategoryNoDeclaredPurposeUses) {
  // A policy where a value field belongs to `usage`, which prospecting does not use.
  std::ifstream in(testing::oxemis().source_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string anchor = "  - id: transaction\n";
  auto pos = text.find(anchor);
  ASSERT_NE(pos, std::string::npos);
  text.insert(pos,
              "  - id: favourite_product\n    category: usage\n    type: text\n    kind: value\n"
              "    source: provided\n    required_for: []\n"
              "    label: {fr: Produit préféré, en: Favourite product}\n"
              "    if_missing: {fr: Facultatif., en: Optional.}\n");
  auto policy = policy::load_policy_text(text, "variant.yaml");
  ASSERT_OK(policy);
  NewSubject s;
  s.purposes = {"prospecting"};
  s.fields = {{"email", "a@example.com"}, {"favourite_product", "Sarbacane"}};
  auto problems = check_new_subject(*policy, s);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].to_string(),
            "field \"favourite_product\": its category \"usage\" is used by none of the declared "
            "purposes");
  s.purposes.push_back("statistics");
  EXPECT_TRUE(check_new_subject(*policy, s).empty());
}

TEST_P(Vault_, BatchIsAllOrNothing) {
  std::vector<NewSubject> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(customer("p" + std::to_string(i) + "@example.com"));
  batch[13].fields.back().value = "not-an-address";
  auto r = vault().create_subjects(batch);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("subject 13: field \"email\""), std::string::npos)
      << r.error().message;
  expect_nothing_stored();
  batch[13].fields.back().value = "p13@example.com";
  ASSERT_OK_AND_ASSIGN(auto ids, vault().create_subjects(batch));
  ASSERT_EQ(ids.size(), 20u);
  EXPECT_EQ(count("vault_subjects"), 20);
  EXPECT_EQ(values_of(ids[13])["email"], "p13@example.com");
  ASSERT_OK_AND_ASSIGN(auto found, vault().find("email", "P13@example.com"));
  EXPECT_EQ(found, std::vector<std::string>{ids[13]});
}

TEST_P(Vault_, LookupByEmailAndPhoneInAnyNotation) {
  std::string a = create(customer("john.doe@example.com", "+33612345678"));
  std::string b = create(customer("jane.roe@example.com", "07 98 76 54 32"));
  for (std::string_view q :
       {"john.doe@example.com", " John.Doe@Example.COM ", "JOHN.DOE@EXAMPLE.COM"}) {
    ASSERT_OK_AND_ASSIGN(auto ids, vault().find("email", q));
    EXPECT_EQ(ids, std::vector<std::string>{a}) << q;
  }
  for (std::string_view q : {"06 12 34 56 78", "+33612345678", "0033 6 12 34 56 78",
                             "+33 (0)6 12-34-56-78", "06.12.34.56.78"}) {
    ASSERT_OK_AND_ASSIGN(auto ids, vault().find("phone", q));
    EXPECT_EQ(ids, std::vector<std::string>{a}) << q;
  }
  ASSERT_OK_AND_ASSIGN(auto none, vault().find("email", "nobody@example.com"));
  EXPECT_TRUE(none.empty());
  ASSERT_OK_AND_ASSIGN(auto jb, vault().find("phone", "+33 7 98 76 54 32"));
  EXPECT_EQ(jb, std::vector<std::string>{b});
  // Two subjects may share a phone: both are found.
  std::string c = create(customer("third@example.com", "0798765432"));
  ASSERT_OK_AND_ASSIGN(auto both, vault().find("phone", "0798765432"));
  std::vector<std::string> want{b, c};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(both, want);

  EXPECT_ERRC(vault().find("last_name", "Dupont"), Errc::kInvalidArgument);
  EXPECT_ERRC(vault().find("email", "no-at-sign"), Errc::kInvalidArgument);
  auto bad = vault().find("phone", "12");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.find("12"), std::string::npos);
}

TEST_P(Vault_, NothingSearchableInClear) {
  std::string id = create(customer("visible.marker@example.com", "06 11 22 33 44"));
  ASSERT_OK_AND_ASSIGN(auto tx, store().read());
  for (const char* sql :
       {"SELECT sealed FROM vault_values", "SELECT digest FROM vault_blind_indexes",
        "SELECT wrapped FROM vault_keys"}) {
    ASSERT_OK_AND_ASSIGN(auto rows, tx.query(sql));
    while (true) {
      ASSERT_OK_AND_ASSIGN(bool more, rows.next());
      if (!more) break;
      ASSERT_OK_AND_ASSIGN(auto blob, rows.get_blob(0));
      std::string_view s(reinterpret_cast<const char*>(blob.data()), blob.size());
      EXPECT_EQ(s.find("marker"), std::string_view::npos);
      EXPECT_EQ(s.find("11223344"), std::string_view::npos);
      EXPECT_EQ(s.find("Dupont"), std::string_view::npos);
    }
  }
  (void)id;
}

TEST_P(Vault_, EventsRoundTripNewestFirst) {
  std::string id = create(customer());
  NewEvent e1{id, "connection_ip", at("2026-03-01T08:00:00Z"), " 2001:DB8::1 ", std::nullopt};
  NewEvent e2{id, "order", at("2026-03-01T09:00:00Z"), "{\"order\": \"A-1\", \"total\": 49}",
              std::nullopt};
  NewEvent e3{id, "support_exchange", at("2026-02-27T12:00:00Z"), "Bonjour, ma licence…",
              policy::Source::kProvided};
  ASSERT_OK_AND_ASSIGN(auto ids, vault().record_events(std::vector<NewEvent>{e1, e2, e3}));
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_TRUE(is_valid_id(ids[0], "evt"));
  // Classes connection, transactions and support got their own keys.
  EXPECT_EQ(count("vault_keys"), 4);

  ReadRequest r;
  r.subject_id = id;
  r.values = false;
  r.events = true;
  ASSERT_OK_AND_ASSIGN(auto data, vault().read(r));
  ASSERT_EQ(data.events.size(), 3u);
  EXPECT_EQ(data.events[0].field, "order");
  EXPECT_EQ(data.events[0].category, "transactions");
  EXPECT_EQ(data.events[0].source, policy::Source::kProvided);
  EXPECT_EQ(data.events[1].payload, "2001:db8::1");
  EXPECT_EQ(data.events[1].source, policy::Source::kObserved);
  EXPECT_EQ(data.events[1].id, ids[0]);
  EXPECT_EQ(data.events[2].payload, "Bonjour, ma licence…");
  EXPECT_TRUE(data.values.empty());

  r.event_fields = {"connection_ip"};
  ASSERT_OK_AND_ASSIGN(auto only, vault().read(r));
  ASSERT_EQ(only.events.size(), 1u);
  r.event_fields.clear();
  r.events_since = at("2026-03-01T00:00:00Z");
  r.event_limit = 1;
  ASSERT_OK_AND_ASSIGN(auto latest, vault().read(r));
  ASSERT_EQ(latest.events.size(), 1u);
  EXPECT_EQ(latest.events[0].field, "order");

  // Refusals: wrong payload type, value field, unknown subject, bad id.
  EXPECT_ERRC(vault().record_event({id, "connection_ip", clock_.now(), "999.1.1.1", {}}),
              Errc::kInvalidArgument);
  EXPECT_ERRC(vault().record_event({id, "email", clock_.now(), "x@example.com", {}}),
              Errc::kInvalidArgument);
  EXPECT_ERRC(
      vault().record_event({"sub_0000000000000000000000000z", "order", clock_.now(), "x", {}}),
      Errc::kNotFound);
  EXPECT_ERRC(vault().record_event({"nobody", "order", clock_.now(), "x", {}}),
              Errc::kInvalidArgument);
  EXPECT_EQ(count("vault_events"), 3);
  ReadRequest wrong;
  wrong.subject_id = id;
  wrong.fields = {"connection_ip"};
  EXPECT_ERRC(vault().read(wrong), Errc::kInvalidArgument);
}

TEST_P(Vault_, ExportHasEverything) {
  std::string id = create(customer());
  std::vector<NewEvent> events;
  for (int i = 0; i < 30; ++i) {
    events.push_back({id, "activity_log", clock_.now() - std::chrono::hours(i),
                      "login " + std::to_string(i), std::nullopt});
  }
  ASSERT_OK(vault().record_events(events));
  ASSERT_OK_AND_ASSIGN(auto data, vault().export_subject(id));
  EXPECT_EQ(data.values.size(), 6u);
  EXPECT_EQ(data.events.size(), 30u);
  EXPECT_EQ(data.info.id, id);
  EXPECT_ERRC(vault().export_subject("sub_0000000000000000000000000z"), Errc::kNotFound);
}

TEST_P(Vault_, RectifyReplacesAndReKeys) {
  std::string id = create(customer("old.address@example.com"));
  ASSERT_OK(vault().record_event({id, "connection_ip", clock_.now(), "192.0.2.7", {}}));
  crypto::Bytes old_sealed, old_wrapped;
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store().read());
    ASSERT_OK_AND_ASSIGN(auto row, tx.query_one("SELECT sealed FROM vault_values WHERE subject_id "
                                                "= ? AND field = 'email'",
                                                {id}));
    old_sealed.assign((*row)[0].as_blob()->begin(), (*row)[0].as_blob()->end());
    ASSERT_OK_AND_ASSIGN(auto k, tx.query_one("SELECT wrapped FROM vault_keys WHERE subject_id = ? "
                                              "AND class = 'contact'",
                                              {id}));
    old_wrapped.assign((*k)[0].as_blob()->begin(), (*k)[0].as_blob()->end());
  }
  clock_.advance(std::chrono::hours(1));
  ASSERT_OK_AND_ASSIGN(auto report, vault().rectify(id, "email", " New.Address@Example.com "));
  EXPECT_EQ(report.key_version, 2u);
  EXPECT_EQ(report.resealed, 5);  // the five other contact values
  EXPECT_EQ(report.scrubbed, !is_pg());
  auto v = values_of(id);
  EXPECT_EQ(v["email"], "new.address@example.com");
  EXPECT_EQ(v["last_name"], "Dupont");  // resealed, still readable
  ASSERT_OK_AND_ASSIGN(auto gone, vault().find("email", "old.address@example.com"));
  EXPECT_TRUE(gone.empty());
  ASSERT_OK_AND_ASSIGN(auto found, vault().find("email", "new.address@example.com"));
  EXPECT_EQ(found, std::vector<std::string>{id});
  // One key for the class, version 2; the connection class was not touched.
  EXPECT_EQ(count("SELECT COUNT(*) FROM vault_keys WHERE class = 'contact' AND key_version = 2"),
            1);
  EXPECT_EQ(count("vault_keys"), 2);
  // The old ciphertext opens with no key that remains (nor with the old AD's version).
  auto ring = vault().keys().ring();
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store().read());
    ASSERT_OK_AND_ASSIGN(auto rows, tx.query("SELECT class, key_version, wrapped FROM vault_keys "
                                             "WHERE subject_id = ?",
                                             {id}));
    int tried = 0;
    while (true) {
      ASSERT_OK_AND_ASSIGN(bool more, rows.next());
      if (!more) break;
      std::string cls(*rows.get_text(0));
      auto ver = static_cast<std::uint32_t>(*rows.get_int(1));
      auto key = ring->ring.unwrap(*rows.get_blob(2), crypto::wrap_ad(id, cls, ver));
      ASSERT_TRUE(key.ok());
      for (std::uint32_t adv : {1u, 2u}) {
        EXPECT_FALSE(crypto::open(*key, old_sealed, crypto::value_ad(id, "email", adv)).ok());
        ++tried;
      }
    }
    EXPECT_EQ(tried, 4);
  }
  // The old wrapped key is gone from the table.
  EXPECT_EQ(count("vault_keys"), 2);
  auto old_key = ring->ring.unwrap(old_wrapped, crypto::wrap_ad(id, "contact", 1));
  ASSERT_TRUE(old_key.ok());  // (its copy, kept by this test, still opens: the store holds none)
  EXPECT_TRUE(crypto::open(*old_key, old_sealed, crypto::value_ad(id, "email", 1)).ok());

  // Rectification can add a missing optional field; refusals.
  NewSubject s;
  s.purposes = {"prospecting"};
  s.fields = {{"email", "p@example.com"}};
  std::string p = create(s);
  ASSERT_OK(vault().rectify(p, "phone", "+33 1 23 45 67 89"));
  EXPECT_EQ(values_of(p)["phone"], "+33123456789");
  EXPECT_ERRC(vault().rectify(p, "phone", "123"), Errc::kInvalidArgument);
  EXPECT_ERRC(vault().rectify(p, "order", "x"), Errc::kInvalidArgument);
  EXPECT_ERRC(vault().rectify("sub_0000000000000000000000000z", "phone", "0612345678"),
              Errc::kNotFound);
}

// A sealed value copied in the database to another subject, field, row or key version does not
// open: the read fails with kIntegrity and never returns the wrong data.
TEST_P(Vault_, CiphertextIsBoundToSubjectFieldRowAndVersion) {
  std::string a = create(customer("alice@example.com", "0611111111"));
  std::string b = create(customer("bob@example.com", "0622222222"));
  auto copy = [&](const std::string& sql_get, std::initializer_list<store::Param> get,
                  const std::string& sql_set, const std::string& subject, const std::string& key) {
    ASSERT_OK_AND_ASSIGN(auto tx, store().write());
    ASSERT_OK_AND_ASSIGN(auto row, tx.query_one(sql_get, get));
    ASSERT_TRUE(row.has_value());
    crypto::Bytes sealed((*row)[0].as_blob()->begin(), (*row)[0].as_blob()->end());
    ASSERT_OK_AND_ASSIGN(auto n, tx.exec(sql_set, {sealed, subject, key}));
    EXPECT_EQ(n, 1);
    ASSERT_OK(tx.commit());
  };
  auto expect_integrity = [&](const std::string& subject, const char* what) {
    ReadRequest r;
    r.subject_id = subject;
    r.events = true;
    auto data = vault().read(r);
    ASSERT_FALSE(data.ok()) << what;
    EXPECT_EQ(data.error().code, Errc::kIntegrity) << what;
    EXPECT_EQ(data.error().message.find("alice"), std::string::npos);
  };
  // Alice's e-mail row copied over Bob's e-mail row (another subject).
  copy("SELECT sealed FROM vault_values WHERE subject_id = ? AND field = 'email'", {a},
       "UPDATE vault_values SET sealed = ? WHERE subject_id = ? AND field = ?", b, "email");
  expect_integrity(b, "another subject");
  EXPECT_EQ(values_of(a)["email"], "alice@example.com");

  // Alice's e-mail copied over her own phone (another field).
  std::string c = create(customer("carol@example.com", "0633333333"));
  copy("SELECT sealed FROM vault_values WHERE subject_id = ? AND field = 'email'", {c},
       "UPDATE vault_values SET sealed = ? WHERE subject_id = ? AND field = ?", c, "phone");
  expect_integrity(c, "another field");

  // One event's payload copied over another event of the same subject and field (another row).
  std::string d = create(customer("dave@example.com", "0644444444"));
  ASSERT_OK_AND_ASSIGN(auto evs, vault().record_events(std::vector<NewEvent>{
                                     {d, "connection_ip", clock_.now(), "192.0.2.1", {}},
                                     {d, "connection_ip", clock_.now(), "192.0.2.2", {}}}));
  copy("SELECT sealed FROM vault_events WHERE subject_id = ? AND event_id = ?", {d, evs[0]},
       "UPDATE vault_events SET sealed = ? WHERE subject_id = ? AND event_id = ?", d, evs[1]);
  expect_integrity(d, "another row");

  // The key version column changed (the AD binds the version too).
  std::string e = create(customer("erin@example.com", "0655555555"));
  ASSERT_OK(vault().rectify(e, "first_name", "Erin"));  // contact key is now version 2
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store().write());
    ASSERT_OK(tx.exec("UPDATE vault_keys SET key_version = 1 WHERE subject_id = ?", {e}));
    ASSERT_OK(tx.exec("UPDATE vault_values SET key_version = 1 WHERE subject_id = ?", {e}));
    ASSERT_OK(tx.commit());
  }
  expect_integrity(e, "another key version");

  // A whole data key row moved to another subject does not open there either.
  std::string f = create(customer("frank@example.com", "0666666666"));
  copy("SELECT wrapped FROM vault_keys WHERE subject_id = ? AND class = 'contact'", {a},
       "UPDATE vault_keys SET wrapped = ? WHERE subject_id = ? AND class = ?", f, "contact");
  expect_integrity(f, "a wrapped key of another subject");
}

TEST_P(Vault_, UpdateRelationshipAndContact) {
  NewSubject s;
  s.purposes = {"prospecting"};
  s.fields = {{"email", "prospect@example.com"}};
  std::string id = create(s);
  RelationshipUpdate u;
  u.relationship = Relationship::kCustomer;
  u.contract_start = at("2026-03-05");
  u.last_contact_at = at("2026-03-04T09:00:00Z");
  ASSERT_OK(vault().update(id, u));
  ASSERT_OK_AND_ASSIGN(auto info, vault().subject(id));
  EXPECT_EQ(info.relationship, Relationship::kCustomer);
  EXPECT_EQ(info.contract_start, at("2026-03-05"));
  EXPECT_EQ(info.last_contact_at, at("2026-03-04T09:00:00Z"));

  RelationshipUpdate end;
  end.relationship = Relationship::kFormerCustomer;
  EXPECT_ERRC(vault().update(id, end), Errc::kInvalidArgument);  // needs the contract end
  end.contract_end = at("2026-01-01");
  EXPECT_ERRC(vault().update(id, end), Errc::kInvalidArgument);  // before the start
  end.contract_end = at("2027-03-05");
  ASSERT_OK(vault().update(id, end));
  ASSERT_OK_AND_ASSIGN(info, vault().subject(id));
  EXPECT_EQ(info.relationship, Relationship::kFormerCustomer);
  EXPECT_EQ(info.contract_end, at("2027-03-05"));

  RelationshipUpdate st;
  st.status = SubjectStatus::kRestricted;
  ASSERT_OK(vault().update(id, st));
  EXPECT_EQ(vault().subject(id)->status, SubjectStatus::kRestricted);
  st.status = SubjectStatus::kErased;
  EXPECT_ERRC(vault().update(id, st), Errc::kInvalidArgument);
  EXPECT_ERRC(vault().update("sub_0000000000000000000000000z", u), Errc::kNotFound);
}

// Every mutating operation passes through the one change funnel, inside its transaction; a
// failing sink (the future audit) makes the operation fail with nothing stored.
TEST_P(Vault_, EveryChangeGoesThroughTheFunnelAndFailsClosed) {
  sink_.clear();
  std::string id = create(customer("funnel@example.com", "0677777777"));
  ASSERT_OK(vault().record_event({id, "order", clock_.now(), "{\"n\": 1}", {}}));
  ASSERT_OK(vault().rectify(id, "job_title", "Directeur"));
  RelationshipUpdate u;
  u.last_contact_at = clock_.now();
  ASSERT_OK(vault().update(id, u));
  ASSERT_OK(vault().rotate_keys());
  ErasureRequest er;
  er.subject_id = id;
  er.classes = {"cookies"};
  ASSERT_OK(vault().erase(er));
  auto changes = sink_.changes();
  std::vector<std::string> kinds;
  for (const auto& c : changes) kinds.push_back(to_string(c.kind));
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"subject_created", "event_recorded", "field_rectified",
                                      "subject_updated", "epoch_started", "keys_rewrapped",
                                      "keys_rewrapped", "epoch_destroyed", "subject_erased"}));
  for (const auto& c : changes) {
    EXPECT_EQ(c.policy_version, testing::oxemis().version);
    for (const auto& list : {c.subject_ids, c.fields, c.classes, c.items}) {
      for (const auto& s : list) {
        EXPECT_EQ(s.find("funnel"), std::string::npos);
        EXPECT_EQ(s.find("Directeur"), std::string::npos);
      }
    }
  }
  EXPECT_EQ(changes[0].subject_ids, std::vector<std::string>{id});
  EXPECT_EQ(changes[2].fields, std::vector<std::string>{"job_title"});

  sink_.set_fail(true);
  const auto subjects = count("vault_subjects");
  EXPECT_ERRC(vault().create_subject(customer("x@example.com")), Errc::kUnavailable);
  EXPECT_ERRC(vault().record_event({id, "order", clock_.now(), "{}", {}}), Errc::kUnavailable);
  EXPECT_ERRC(vault().rectify(id, "job_title", "PDG"), Errc::kUnavailable);
  EXPECT_ERRC(vault().update(id, u), Errc::kUnavailable);
  er.classes.clear();
  EXPECT_ERRC(vault().erase(er), Errc::kUnavailable);
  EXPECT_FALSE(vault().rotate_keys().ok());
  sink_.set_fail(false);
  EXPECT_EQ(count("vault_subjects"), subjects);
  EXPECT_EQ(count("vault_events"), 1);
  EXPECT_EQ(values_of(id)["job_title"], "Directeur");
  EXPECT_EQ(vault().subject(id)->status, SubjectStatus::kActive);
  // The next rotation works, and everything still opens.
  ASSERT_OK(vault().rotate_keys());
  EXPECT_EQ(values_of(id)["email"], "funnel@example.com");
}

INSTANTIATE_TEST_SUITE_P(Backends, Vault_,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         testing::backend_label);

}  // namespace
}  // namespace charter::vault
