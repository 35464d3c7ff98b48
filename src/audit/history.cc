#include "audit/history.h"

#include "audit/entry_codec.h"
#include "audit/merkle_hash.h"

namespace charter::audit {

Result<std::vector<AccessRecord>> access_history(LogStore& store, std::string_view pseudonym,
                                                 const HistoryQuery& query) {
  if (!is_pseudonym(pseudonym))
    return make_error(Errc::kInvalidArgument,
                      "subject pseudonym: expected 16..128 characters of [A-Za-z0-9_-]");
  CHARTER_TRY(std::vector<StoredEntry> rows,
              store.read_subject(pseudonym, query.from_sequence, query.limit));
  std::vector<AccessRecord> out;
  out.reserve(rows.size());
  for (const StoredEntry& row : rows) {
    EntryView v;
    std::string_view why = decode_entry_view(row.encoded, v);
    if (why.empty() && (v.sequence != row.sequence || v.event.subject != pseudonym ||
                        leaf_hash(row.encoded) != row.leaf_hash))
      why = "does not match its index or recorded hash";
    if (!why.empty())
      return make_error(Errc::kIntegrity, "audit entry " + std::to_string(row.sequence) + ": " +
                                              std::string(why) + " (run `charter audit verify`)");
    AccessRecord r;
    r.sequence = v.sequence;
    r.time = v.time;
    r.actor_kind = v.event.actor_kind;
    switch (v.event.actor_kind) {
      case ActorKind::kStaff:
        r.actor = v.event.actor_role;
        break;
      case ActorKind::kService:
      case ActorKind::kSystem:
        r.actor = v.event.actor_id;
        break;
      case ActorKind::kSubject:
        break;
    }
    r.action = v.event.action;
    r.purpose = v.event.purpose;
    r.decision = v.event.decision;
    r.reason = v.event.reason;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace charter::audit
