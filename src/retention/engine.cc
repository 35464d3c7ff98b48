#include "retention/engine.h"

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>

#include "core/id.h"
#include "retention/schema.h"

namespace charter::retention {
namespace {

// The tab-separated fields of one line of a journalled outcome.
std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> f;
  std::size_t start = 0;
  while (true) {
    auto tab = line.find('\t', start);
    f.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) return f;
    start = tab + 1;
  }
}

std::int64_t us(Timestamp t) { return to_unix_micros(t); }

// The journal's outcome of one subject: a header line, then one line per report row.
//   S <acted 0/1> <erased 0/1> <held 0/1>
//   <action> <category> <purpose> <reason> <values> <events> <expired_kept>   (tab separated)
std::string encode_outcome(const SubjectPlan& plan, const std::optional<Snapshot>& snap) {
  const bool held = snap && snap->legal_hold;
  std::string type = "-";
  std::int64_t year = 0;
  if (snap) {
    type = vault::subject_type_of(snap->info.relationship);
    const Timestamp collected = snap->info.collected_at.value_or(snap->info.created_at);
    year = static_cast<int>(date_of(collected).year());
  }
  std::string out = "S\t" + std::to_string(plan.acts() ? 1 : 0) + "\t" +
                    std::to_string(plan.erase_all ? 1 : 0) + "\t" + std::to_string(held ? 1 : 0) +
                    "\t" + type + "\t" + std::to_string(year) + "\n";
  auto row = [&](std::string_view action, const std::string& cat, const std::string& purpose,
                 const std::string& reason, std::int64_t v, std::int64_t e, std::int64_t x) {
    out += std::string(action) + "\t" + cat + "\t" + purpose + "\t" + reason + "\t" +
           std::to_string(v) + "\t" + std::to_string(e) + "\t" + std::to_string(x) + "\n";
  };
  for (const ClassPlan& c : plan.classes) {
    if (c.erase && (c.deleted_values + c.deleted_events) > 0) {
      row(c.anonymise ? "anonymised" : "deleted", c.category, c.closed_purpose, c.closed_reason,
          c.deleted_values, c.deleted_events, 0);
    }
    if (c.kept_values + c.kept_events > 0) {
      row("kept", c.category, c.kept_purpose, c.kept_reason, c.kept_values, c.kept_events,
          c.expired_kept);
    }
  }
  return out;
}

using RowKey = std::tuple<std::string, std::string, std::string, std::string>;

struct Aggregate {
  std::int64_t examined = 0, acted = 0, erased = 0, unchanged = 0, held = 0;
  std::map<RowKey, ReportRow> rows;

  void add(std::string_view outcome) {
    std::istringstream in{std::string(outcome)};
    std::string line;
    ++examined;
    while (std::getline(in, line)) {
      const std::vector<std::string> f = split_tabs(line);
      if (f.size() == 6 && f[0] == "S") {
        if (f[1] == "1")
          ++acted;
        else
          ++unchanged;
        if (f[2] == "1") ++erased;
        if (f[3] == "1") ++held;
      } else if (f.size() == 7) {
        ReportRow& r = rows[{f[0], f[1], f[2], f[3]}];
        r.action = f[0];
        r.category = f[1];
        r.purpose = f[2];
        r.reason = f[3];
        ++r.subjects;
        r.values += std::stoll(f[4]);
        r.events += std::stoll(f[5]);
        r.expired_kept += std::stoll(f[6]);
      }
    }
  }
  void fill(SweepReport& r) const {
    r.examined = examined;
    r.acted = acted;
    r.erased = erased;
    r.unchanged = unchanged;
    r.held_subjects = held;
    r.rows.clear();
    for (const auto& [k, v] : rows) r.rows.push_back(v);
  }
};

// Classes a pending journal entry planned to erase.
std::vector<std::string> planned_classes(std::string_view outcome) {
  std::vector<std::string> out;
  std::istringstream in{std::string(outcome)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("deleted\t", 0) == 0 || line.rfind("anonymised\t", 0) == 0) {
      auto a = line.find('\t');
      auto b = line.find('\t', a + 1);
      out.push_back(line.substr(a + 1, b - a - 1));
    }
  }
  return out;
}

struct Anonymised {
  std::string category, type;
  std::int64_t year = 0;
};

// The anonymised classes of an outcome, with the subject type and year of collection.
std::vector<Anonymised> anonymised(std::string_view outcome) {
  std::vector<Anonymised> out;
  std::istringstream in{std::string(outcome)};
  std::string line, type;
  std::int64_t year = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = split_tabs(line);
    if (f.size() == 6 && f[0] == "S") {
      type = f[4];
      year = std::stoll(f[5]);
    } else if (f.size() == 7 && f[0] == "anonymised") {
      out.push_back({f[1], type, year});
    }
  }
  return out;
}

std::mutex& sweep_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

Retention::Retention(store::Store& store, vault::Vault& vault, const policy::Policy& policy,
                     const Clock& clock, Random& random, RetentionOptions options)
    : store_(store),
      vault_(vault),
      policy_(policy),
      clock_(clock),
      random_(random),
      options_(std::move(options)),
      holds_(store, clock, random, options_.on_hold_change) {}

Result<std::unique_ptr<Retention>> Retention::open(store::Store& store, vault::Vault& vault,
                                                   const policy::Policy& policy, const Clock& clock,
                                                   Random& random, RetentionOptions options) {
  if (options.batch == 0) {
    return make_error(Errc::kInvalidArgument, "batch: must be at least 1");
  }
  CHARTER_TRY_STATUS(migrate_retention(store, clock));
  return std::unique_ptr<Retention>(
      new Retention(store, vault, policy, clock, random, std::move(options)));
}

Result<std::optional<Snapshot>> Retention::snapshot(std::string_view subject_id) {
  auto info = vault_.subject(subject_id);
  if (!info.ok()) {
    if (info.error().code == Errc::kNotFound) return std::optional<Snapshot>();
    return info.error();
  }
  Snapshot s;
  s.info = std::move(info).value();
  if (s.info.status == vault::SubjectStatus::kErased) return std::optional<Snapshot>(std::move(s));
  {
    CHARTER_TRY(store::Transaction tx, store_.read());
    {
      CHARTER_TRY(store::Rows r, tx.query("SELECT class, COUNT(*) FROM vault_values WHERE "
                                          "subject_id = ? GROUP BY class",
                                          {subject_id}));
      while (true) {
        CHARTER_TRY(bool more, r.next());
        if (!more) break;
        CHARTER_TRY(auto c, r.get_text(0));
        CHARTER_TRY(s.classes[std::string(c)].values, r.get_int(1));
      }
    }
    {
      CHARTER_TRY(store::Rows r, tx.query("SELECT class, occurred_at FROM vault_events WHERE "
                                          "subject_id = ?",
                                          {subject_id}));
      while (true) {
        CHARTER_TRY(bool more, r.next());
        if (!more) break;
        CHARTER_TRY(auto c, r.get_text(0));
        CHARTER_TRY(auto t, r.get_int(1));
        s.classes[std::string(c)].events.push_back(from_unix_micros(t));
      }
    }
    CHARTER_TRY(s.legal_hold, holds_.held(tx, subject_id));
  }
  if (options_.request_open) {
    CHARTER_TRY(s.request_open, options_.request_open(subject_id));
  }
  if (options_.consent != nullptr) {
    CHARTER_TRY(ConsentFacts cf, options_.consent->facts(subject_id));
    s.consent_withdrawn = std::move(cf.withdrawn);
    s.objected = std::move(cf.objected);
  }
  return std::optional<Snapshot>(std::move(s));
}

Status Retention::write_index(store::Transaction& tx, std::string_view subject_id,
                              std::optional<Timestamp> next) {
  if (!next) {
    CHARTER_TRY(auto n, tx.exec("DELETE FROM retention_next WHERE subject_id = ?", {subject_id}));
    (void)n;
    return ok_status();
  }
  CHARTER_TRY(auto n, tx.exec("INSERT INTO retention_next (subject_id, next_at, policy_version) "
                              "VALUES (?, ?, ?) ON CONFLICT (subject_id) DO UPDATE SET next_at = "
                              "excluded.next_at, policy_version = excluded.policy_version",
                              {subject_id, us(*next), policy_.version}));
  (void)n;
  return ok_status();
}

Result<SubjectPlan> Retention::plan(std::string_view subject_id) {
  CHARTER_TRY(auto s, snapshot(subject_id));
  if (!s) return make_error(Errc::kNotFound, "subject: no such subject");
  return plan_subject(policy_, *s, clock_.now());
}

Result<std::vector<ItemHolding>> Retention::holdings(std::string_view subject_id) {
  CHARTER_TRY(auto s, snapshot(subject_id));
  if (!s) return make_error(Errc::kNotFound, "subject: no such subject");
  return retention::holdings(policy_, *s, clock_.now());
}

Status Retention::reindex(std::string_view subject_id) {
  const std::string id(subject_id);
  return reindex(std::span<const std::string>(&id, 1));
}

Status Retention::reindex(std::span<const std::string> subject_ids) {
  const Timestamp now = clock_.now();
  std::vector<std::optional<Timestamp>> next(subject_ids.size());
  for (std::size_t i = 0; i < subject_ids.size(); ++i) {
    if (!is_valid_id(subject_ids[i], "sub")) {
      return make_error(Errc::kInvalidArgument, "subject: a subject id (\"sub_...\") is required");
    }
    CHARTER_TRY(auto s, snapshot(subject_ids[i]));
    if (s) {
      SubjectPlan p = plan_subject(policy_, *s, now);
      next[i] = p.acts() ? std::optional<Timestamp>(now) : p.next_at;
    }
  }
  CHARTER_TRY(store::Transaction tx, store_.write());
  for (std::size_t i = 0; i < subject_ids.size(); ++i) {
    CHARTER_TRY_STATUS(write_index(tx, subject_ids[i], next[i]));
  }
  return tx.commit();
}

Result<std::optional<Timestamp>> Retention::next_at(std::string_view subject_id) {
  CHARTER_TRY(store::Transaction tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT next_at FROM retention_next WHERE subject_id = ?",
                                     {subject_id}));
  if (!row) return std::optional<Timestamp>();
  CHARTER_TRY(auto v, (*row)[0].as_int());
  return std::optional<Timestamp>(from_unix_micros(v));
}

Result<LegalHold> Retention::place_hold(std::string_view subject_id, std::string_view actor,
                                        std::string_view reason) {
  CHARTER_TRY(LegalHold h, holds_.place(subject_id, actor, reason));
  CHARTER_TRY_STATUS(reindex(h.subject_id));
  return h;
}

Result<LegalHold> Retention::release_hold(std::string_view hold_id, std::string_view actor,
                                          std::string_view reason) {
  CHARTER_TRY(LegalHold h, holds_.release(hold_id, actor, reason));
  CHARTER_TRY_STATUS(reindex(h.subject_id));
  return h;
}

Result<vault::ErasureFacts> Retention::erasure_facts(std::string_view subject_id) {
  vault::ErasureFacts f;
  CHARTER_TRY(f.legal_hold, holds_.held(subject_id));
  if (options_.request_open) {
    CHARTER_TRY(f.request_open, options_.request_open(subject_id));
  }
  return f;
}

Result<SweepReport> Retention::sweep(const SweepOptions& opts) {
  std::unique_lock lock(sweep_mutex(), std::try_to_lock);
  if (!lock.owns_lock()) return make_error(Errc::kConflict, "a sweep is running already");
  const bool dry = opts.dry_run;
  SweepReport report;
  report.dry_run = dry;
  report.policy_version = policy_.version;
  std::string cursor;

  // The index's policy version; a running sweep to resume.
  std::string indexed_version;
  {
    CHARTER_TRY(store::Transaction tx, store_.read());
    CHARTER_TRY(auto v, tx.query_one("SELECT value FROM retention_meta WHERE name = "
                                     "'policy_version'"));
    if (v) {
      CHARTER_TRY(auto s, (*v)[0].as_text());
      indexed_version = s;
    }
    if (!dry) {
      CHARTER_TRY(auto r, tx.query_one("SELECT sweep_id, started_at, as_of, full_scan, cursor, "
                                       "policy_version FROM retention_sweeps WHERE state = "
                                       "'running' AND dry_run = 0"));
      if (r) {
        CHARTER_TRY(auto id, (*r)[0].as_text());
        CHARTER_TRY(auto started, (*r)[1].as_int());
        CHARTER_TRY(auto as_of, (*r)[2].as_int());
        CHARTER_TRY(auto full, (*r)[3].as_int());
        CHARTER_TRY(auto cur, (*r)[4].as_text());
        report.sweep_id = id;
        report.started_at = from_unix_micros(started);
        report.as_of = from_unix_micros(as_of);
        report.full_scan = full != 0;
        report.resumed = true;
        cursor = cur;
      }
    }
  }
  if (!report.resumed) {
    report.sweep_id = new_id(random_, "swp");
    report.started_at = report.as_of = clock_.now();
    report.full_scan = opts.full || indexed_version != policy_.version;
    if (!indexed_version.empty() && indexed_version != policy_.version) {
      report.previous_policy_version = indexed_version;
    }
    if (!dry) {
      CHARTER_TRY(store::Transaction tx, store_.write());
      CHARTER_TRY(auto n, tx.exec("INSERT INTO retention_sweeps (sweep_id, started_at, as_of, "
                                  "policy_version, dry_run, full_scan, state, cursor) VALUES "
                                  "(?, ?, ?, ?, 0, ?, 'running', '')",
                                  {report.sweep_id, us(report.started_at), us(report.as_of),
                                   policy_.version, report.full_scan ? 1 : 0}));
      (void)n;
      CHARTER_TRY_STATUS(tx.commit());
    }
  } else if (indexed_version != policy_.version && !indexed_version.empty()) {
    report.previous_policy_version = indexed_version;
  }
  const Timestamp as_of = report.as_of;
  Aggregate agg;
  std::int64_t erasures = 0;
  bool erased_any = false;

  struct Work {
    std::string sid;
    std::optional<Snapshot> snap;
    SubjectPlan plan;
    std::string outcome;
    bool confirmed = false;  // pending from an earlier run and found done
  };

  // Processes one batch of subject ids (in order); pending = from the journal of a crashed run.
  auto process = [&](const std::vector<std::string>& ids,
                     const std::map<std::string, std::string>& pending) -> Status {
    std::vector<Work> work;
    work.reserve(ids.size());
    for (const auto& sid : ids) {
      Work w;
      w.sid = sid;
      CHARTER_TRY(w.snap, snapshot(sid));
      if (w.snap) w.plan = plan_subject(policy_, *w.snap, as_of);
      auto p = pending.find(sid);
      if (p != pending.end()) {
        // Did the erasure of the crashed run commit? Its classes are gone if so.
        bool gone = !w.snap || w.snap->info.status == vault::SubjectStatus::kErased;
        if (!gone) {
          gone = true;
          for (const auto& c : planned_classes(p->second)) {
            for (const auto& cp : w.plan.classes) {
              if (cp.category == c && cp.erase) gone = false;
            }
          }
        }
        if (gone) {
          w.confirmed = true;
          w.outcome = p->second;
        }
      }
      if (!w.confirmed) {
        w.outcome = encode_outcome(w.plan, w.snap);
      }
      work.push_back(std::move(w));
    }
    if (dry) {
      for (const auto& w : work) agg.add(w.outcome);
      return ok_status();
    }
    // 1. Journal the planned erasures.
    {
      CHARTER_TRY(store::Transaction tx, store_.write());
      for (const auto& w : work) {
        if (w.confirmed || !w.plan.acts()) continue;
        CHARTER_TRY(auto n, tx.exec("INSERT INTO retention_sweep_items (sweep_id, subject_id, "
                                    "state, outcome) VALUES (?, ?, 'pending', ?) ON CONFLICT "
                                    "(sweep_id, subject_id) DO UPDATE SET outcome = "
                                    "excluded.outcome",
                                    {report.sweep_id, w.sid, w.outcome}));
        (void)n;
      }
      CHARTER_TRY_STATUS(tx.commit());
    }
    if (options_.fault) CHARTER_TRY_STATUS(options_.fault("planned", erasures));
    // 2. Erase through the vault (one transaction per subject; scrubbed once at the end).
    for (const auto& w : work) {
      if (w.confirmed || !w.plan.acts()) continue;
      vault::ErasureRequest req;
      req.subject_id = w.sid;
      if (!w.plan.erase_all) {
        for (const auto& c : w.plan.classes) {
          if (c.erase) req.classes.push_back(c.category);
        }
      }
      req.facts.legal_hold = w.snap->legal_hold;
      req.facts.request_open = w.snap->request_open;
      req.scrub = false;
      auto r = vault_.erase(req);
      if (!r.ok() && r.error().code != Errc::kFailedPrecondition) return r.error();
      erased_any = true;
      ++erasures;
      if (options_.fault) CHARTER_TRY_STATUS(options_.fault("erased", erasures));
    }
    // 3. Confirm, move the index, count what anonymisation leaves.
    {
      CHARTER_TRY(store::Transaction tx, store_.write());
      for (const auto& w : work) {
        CHARTER_TRY(auto n, tx.exec("INSERT INTO retention_sweep_items (sweep_id, subject_id, "
                                    "state, outcome) VALUES (?, ?, 'done', ?) ON CONFLICT "
                                    "(sweep_id, subject_id) DO UPDATE SET state = 'done', "
                                    "outcome = excluded.outcome WHERE "
                                    "retention_sweep_items.state = 'pending'",
                                    {report.sweep_id, w.sid, w.outcome}));
        (void)n;
        // After the erasure the plan's next instant stands (erased classes are gone).
        CHARTER_TRY_STATUS(
            write_index(tx, w.sid, w.plan.erase_all || !w.snap ? std::nullopt : w.plan.next_at));
        // What anonymisation leaves: counted once, when the subject is confirmed done.
        for (const auto& a : anonymised(w.outcome)) {
          CHARTER_TRY(auto m, tx.exec("INSERT INTO retention_anonymous (category, subject_type, "
                                      "year, count) VALUES (?, ?, ?, 1) ON CONFLICT (category, "
                                      "subject_type, year) DO UPDATE SET count = "
                                      "retention_anonymous.count + 1",
                                      {a.category, a.type, a.year}));
          (void)m;
        }
      }
      if (report.full_scan && !ids.empty()) {
        CHARTER_TRY(auto n, tx.exec("UPDATE retention_sweeps SET cursor = ? WHERE sweep_id = ?",
                                    {ids.back(), report.sweep_id}));
        (void)n;
      }
      CHARTER_TRY_STATUS(tx.commit());
    }
    return ok_status();
  };

  // Pending entries of a crashed run come first.
  if (report.resumed) {
    std::map<std::string, std::string> pending;
    {
      CHARTER_TRY(store::Transaction tx, store_.read());
      CHARTER_TRY(store::Rows r, tx.query("SELECT subject_id, outcome FROM retention_sweep_items "
                                          "WHERE sweep_id = ? AND state = 'pending'",
                                          {report.sweep_id}));
      while (true) {
        CHARTER_TRY(bool more, r.next());
        if (!more) break;
        CHARTER_TRY(auto sid, r.get_text(0));
        CHARTER_TRY(auto out, r.get_text(1));
        pending.emplace(std::string(sid), std::string(out));
      }
    }
    std::vector<std::string> ids;
    for (const auto& [sid, out] : pending) ids.push_back(sid);
    if (!ids.empty()) CHARTER_TRY_STATUS(process(ids, pending));
  }

  // Then the due rows of the index (or every subject, for a full scan), a batch at a time.
  std::int64_t last_at = std::numeric_limits<std::int64_t>::min();
  std::string last_id;
  const std::int64_t batch = static_cast<std::int64_t>(options_.batch);
  while (true) {
    std::vector<std::string> ids;
    {
      CHARTER_TRY(store::Transaction tx, store_.read());
      Result<store::Rows> q =
          report.full_scan
              ? tx.query(
                    "SELECT subject_id FROM vault_subjects WHERE subject_id > ? AND "
                    "status <> 'erased' ORDER BY subject_id LIMIT ?",
                    {cursor, batch})
              : tx.query(
                    "SELECT subject_id, next_at FROM retention_next WHERE next_at <= ? AND "
                    "(next_at > ? OR (next_at = ? AND subject_id > ?)) ORDER BY next_at, "
                    "subject_id LIMIT ?",
                    {us(as_of), last_at, last_at, last_id, batch});
      CHARTER_TRY(store::Rows rows, std::move(q));
      while (true) {
        CHARTER_TRY(bool more, rows.next());
        if (!more) break;
        CHARTER_TRY(auto sid, rows.get_text(0));
        ids.emplace_back(sid);
        if (!report.full_scan) {
          CHARTER_TRY(last_at, rows.get_int(1));
        }
      }
    }
    if (ids.empty()) break;
    if (report.full_scan) cursor = ids.back();
    last_id = ids.back();
    CHARTER_TRY_STATUS(process(ids, {}));
    if (static_cast<std::int64_t>(ids.size()) < batch) break;
  }

  // Finish: scrub once, record the index's policy version, store the report.
  report.state = "done";
  report.finished_at = clock_.now();
  if (dry) {
    agg.fill(report);
    CHARTER_TRY(store::Transaction tx, store_.write());
    CHARTER_TRY(auto n,
                tx.exec("INSERT INTO retention_sweeps (sweep_id, started_at, as_of, "
                        "policy_version, dry_run, full_scan, state, cursor, finished_at, "
                        "report) VALUES (?, ?, ?, ?, 1, ?, 'done', '', ?, ?)",
                        {report.sweep_id, us(report.started_at), us(report.as_of), policy_.version,
                         report.full_scan ? 1 : 0, us(*report.finished_at), report.to_json()}));
    (void)n;
    CHARTER_TRY_STATUS(tx.commit());
    return report;
  }
  if (erased_any) {
    Status st = vault_.scrub();
    (void)st;  // best effort, as the vault's own erasure (docs/VAULT.md)
  }
  CHARTER_TRY(store::Transaction tx, store_.write());
  {
    CHARTER_TRY(store::Rows r, tx.query("SELECT outcome FROM retention_sweep_items WHERE "
                                        "sweep_id = ? AND state = 'done'",
                                        {report.sweep_id}));
    while (true) {
      CHARTER_TRY(bool more, r.next());
      if (!more) break;
      CHARTER_TRY(auto out, r.get_text(0));
      agg.add(out);
    }
  }
  agg.fill(report);
  CHARTER_TRY(auto a, tx.exec("UPDATE retention_sweeps SET state = 'done', finished_at = ?, "
                              "report = ? WHERE sweep_id = ?",
                              {us(*report.finished_at), report.to_json(), report.sweep_id}));
  CHARTER_TRY(auto b,
              tx.exec("DELETE FROM retention_sweep_items WHERE sweep_id = ?", {report.sweep_id}));
  CHARTER_TRY(auto c, tx.exec("INSERT INTO retention_meta (name, value) VALUES "
                              "('policy_version', ?) ON CONFLICT (name) DO UPDATE SET value = "
                              "excluded.value",
                              {policy_.version}));
  (void)a;
  (void)b;
  (void)c;
  CHARTER_TRY_STATUS(tx.commit());
  return report;
}

Result<std::vector<SweepReport>> Retention::reports(std::size_t limit) {
  CHARTER_TRY(store::Transaction tx, store_.read());
  CHARTER_TRY(store::Rows r, tx.query("SELECT report FROM retention_sweeps WHERE state = 'done' "
                                      "ORDER BY started_at DESC, sweep_id DESC LIMIT ?",
                                      {static_cast<std::int64_t>(limit)}));
  std::vector<SweepReport> out;
  while (true) {
    CHARTER_TRY(bool more, r.next());
    if (!more) break;
    CHARTER_TRY(auto text, r.get_text(0));
    CHARTER_TRY(auto rep, SweepReport::from_json(text));
    out.push_back(std::move(rep));
  }
  return out;
}

Result<SweepReport> Retention::report(std::string_view sweep_id) {
  if (!is_valid_id(sweep_id, "swp")) {
    return make_error(Errc::kInvalidArgument, "sweep: a sweep id (\"swp_...\") is required");
  }
  CHARTER_TRY(store::Transaction tx, store_.read());
  CHARTER_TRY(auto row, tx.query_one("SELECT state, report FROM retention_sweeps WHERE "
                                     "sweep_id = ?",
                                     {sweep_id}));
  if (!row) return make_error(Errc::kNotFound, "sweep: no such sweep");
  CHARTER_TRY(auto state, (*row)[0].as_text());
  if (state != "done") {
    return make_error(
        Errc::kFailedPrecondition,
        "sweep " + std::string(sweep_id) + " was interrupted; run `charter sweep` to resume it");
  }
  CHARTER_TRY(auto text, (*row)[1].as_text());
  return SweepReport::from_json(text);
}

}  // namespace charter::retention
