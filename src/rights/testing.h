// Test helpers for src/rights (header only): a recording Outbox and ArchiveMaker, a recording
// audit hook that can be told to fail, and a fixture with the rights service on top of the
// access fixture (vault, consent ledger, access service on the parameter's backend).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "access/test_env.h"
#include "archive/archive_maker.h"
#include "notify/outbox.h"
#include "retention/engine.h"
#include "rights/queue.h"
#include "rights/service.h"

namespace charter::rights::testing {

// A well-formed staff id for the DPO of the tests.
inline const std::string kDpo = "stf_000000000000000000000000dp";

class FakeOutbox final : public notify::Outbox {
 public:
  Result<std::string> send_email(const notify::Email& email) override {
    std::lock_guard lock(mu_);
    if (fail) return make_error(Errc::kUnavailable, "outbox down (test)");
    emails.push_back(email);
    return "msg_" + std::to_string(emails.size());
  }
  Status notify(const notify::EventNotice& notice) override {
    std::lock_guard lock(mu_);
    notices.push_back(notice);
    return ok_status();
  }
  // The 8-digit code of the last code e-mail to `to`.
  std::string last_code(const std::string& to) {
    std::lock_guard lock(mu_);
    for (auto it = emails.rbegin(); it != emails.rend(); ++it) {
      if (it->to == to && it->kind == "code") {
        auto at = it->subject.find_last_of(' ');
        return it->subject.substr(at + 1);
      }
    }
    return "";
  }
  std::vector<notify::Email> emails;
  std::vector<notify::EventNotice> notices;
  bool fail = false;

 private:
  std::mutex mu_;
};

class FakeArchive final : public archive::ArchiveMaker {
 public:
  explicit FakeArchive(const Clock& clock) : clock_(clock) {}
  Result<archive::ArchiveLink> make(const archive::ArchiveRequest& r) override {
    made.push_back(r);
    return archive::ArchiveLink{"/archives/tok_" + std::to_string(made.size()),
                                clock_.now() + std::chrono::hours(24 * 7), "00"};
  }
  std::vector<archive::ArchiveRequest> made;

 private:
  const Clock& clock_;
};

class RightsFixture : public access::testing::AccessFixture {
 protected:
  void SetUp() override {
    AccessFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    retention::RetentionOptions ro;
    ro.request_open = [this](std::string_view id) -> Result<bool> {
      return queue_->open_for_subject(id);
    };
    auto ret = retention::Retention::open(store(), *vault_, *policy_, clock_, random_, ro);
    ASSERT_TRUE(ret.ok()) << ret.error().to_string();
    retention_ = std::move(ret).value();
    auto q = RequestQueue::open(store(), *policy_, ring_, clock_, random_,
                                [this](store::Transaction&, const Transition& t) -> Status {
                                  if (audit_fail_) {
                                    return make_error(Errc::kUnavailable, "audit down (test)");
                                  }
                                  audited_.push_back(t);
                                  return ok_status();
                                });
    ASSERT_TRUE(q.ok()) << q.error().to_string();
    queue_ = std::move(q).value();
    verifier_ = std::make_unique<Verifier>(*queue_);
    sessions_ = std::make_unique<SubjectSessions>(*queue_);
    make_service(&outbox_, &archive_);
  }

  void make_service(notify::Outbox* outbox, archive::ArchiveMaker* archive) {
    RightsDeps d;
    d.queue = queue_.get();
    d.verifier = verifier_.get();
    d.sessions = sessions_.get();
    d.vault = vault_.get();
    d.ledger = ledger_.get();
    d.objections = objections_.get();
    d.restrictions = restrictions_.get();
    d.retention = retention_.get();
    d.outbox = outbox;
    d.archive = archive;
    rights_ = std::make_unique<RightsService>(d);
  }

  NewRequest ask(RightType type, const std::string& email, std::string params = "{}",
                 std::string lang = "en") {
    NewRequest n;
    n.type = type;
    n.email = email;
    n.language = std::move(lang);
    n.params_json = std::move(params);
    return n;
  }

  // Submits and verifies; returns the request in progress.
  Request submit_verified(RightType type, const std::string& email, std::string params = "{}",
                          std::string lang = "en") {
    auto r = rights_->submit(ask(type, email, std::move(params), std::move(lang)), "198.51.100.7");
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    if (!r.ok()) return {};
    auto v = rights_->verify(r->id, outbox_.last_code(email));
    EXPECT_TRUE(v.ok()) << v.error().to_string();
    return v.ok() ? v->request : Request{};
  }

  std::unique_ptr<retention::Retention> retention_;
  std::unique_ptr<RequestQueue> queue_;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<SubjectSessions> sessions_;
  std::unique_ptr<RightsService> rights_;
  FakeOutbox outbox_;
  FakeArchive archive_{clock_};
  std::vector<Transition> audited_;
  bool audit_fail_ = false;
};

}  // namespace charter::rights::testing
