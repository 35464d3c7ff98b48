// Intake of the DPO's mailbox (docs/RIGHTS.md "Maildir intake"): every message in DIR/new becomes
// a request in state `received`, type `unclassified`, channel `email_dpo`, for the DPO to
// classify. The sender's address (From:) is the requester; the Subject: and the text body (up to
// 10,000 bytes) are the request's free text (sealed); the receipt date is the day the message
// was delivered (the file's modification time, UTC).
//
// Nothing lost, nothing read twice: the message's key (HMAC of its maildir unique name) is
// recorded with the request in one transaction, and only then is the file moved from new/ to
// cur/ (flag S, seen). A rerun after a crash between the two finds the key recorded and only
// moves the file. A message without a usable From: address stays in new/ and is reported.
// Errors: kInvalidArgument (DIR has no new/ or cur/ folder), the queue's. Not thread safe with
// another intake of the same folder.
#pragma once

#include <string>
#include <vector>

#include "rights/queue.h"

namespace charter::rights {

struct MaildirReport {
  std::vector<std::string> recorded;  // request ids created
  int already = 0;                    // messages recorded by an earlier run, moved now
  std::vector<std::string> skipped;   // file names left in new/, with why ("<name>: <why>")
};

Result<MaildirReport> intake_maildir(RequestQueue& queue, const std::string& dir);

// The address of a From: header value ("Name <a@b>" or "a@b", blanks around it trimmed); ""
// when none: no '@', or a blank or control character inside it.
std::string from_address(std::string_view header);

// What the intake reads of a message file (untrusted bytes: fuzzed by fuzz/maildir_fuzz.cc).
struct MailMessage {
  std::string from, subject;  // the first From: and Subject: values, folded lines joined
  std::string body;           // the text after the first empty line, at most about 9,000 bytes
};
// Headers (folded continuation lines joined with a space) up to the first empty line, then the
// body; CRLF or LF line ends. Never fails: a line without a colon is ignored.
MailMessage parse_message(std::string_view raw);

}  // namespace charter::rights
