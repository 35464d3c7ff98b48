// The outbox of data-subject communications (DESIGN.md section 5, issue #8 "Outbox"): e-mails to
// subjects (one-time codes, acknowledgements, extension notices, answers) and signed webhooks to
// the internal recipients the policy declares (art. 19). What is queued here survives a restart
// and is delivered later, retried with backoff until delivered; the caller never waits for
// delivery.
//
// This header is the interface the rights module codes against; src/notify implements it (.eml
// files in the data folder by default, SMTP through libcurl when configured; webhooks signed with
// HMAC-SHA256). Tests of callers use a recording fake.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace charter::notify {

struct Email {
  std::string to;         // the address (personal data: never logged)
  std::string language;   // "fr" or "en"
  std::string kind;       // "code", "acknowledgement", "extension", "answer", "directive", ...
  std::string subject;    // the Subject: header, in `language`
  std::string text;       // the plain-text body, in `language`
  std::string reference;  // what it is about (a request id), for the audit and the outbox list
};

// The events internal recipients are told of (policy: notify.webhooks).
enum class Event { kConsentWithdrawn, kObjection, kRestriction, kRectification, kErasure };
const char* to_string(Event e);  // "consent.withdrawn", "objection", "restriction", ...

struct EventNotice {
  Event event;
  std::string subject_id;  // the opaque subject id (never an e-mail)
  std::string purpose;     // when the event is about one purpose ("" otherwise)
  Timestamp at;
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Queues an e-mail durably (committed before return). Returns the outbox message id.
  // Errors: kInvalidArgument (empty `to`, unknown language), the store's.
  virtual Result<std::string> send_email(const Email& email) = 0;
  // Queues one signed webhook per endpoint of the policy subscribed to `notice.event` (none is
  // not an error). Errors: the store's.
  virtual Status notify(const EventNotice& notice) = 0;
};

}  // namespace charter::notify
