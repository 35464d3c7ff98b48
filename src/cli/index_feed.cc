#include "cli/index_feed.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "core/id.h"
#include "store/migrate.h"

namespace charter::cli {
namespace {

constexpr std::string_view kChannel = "charter_index";

constexpr std::string_view kV1 = R"sql(
CREATE TABLE index_feed (
  seq {autoid},
  origin TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  at BIGINT NOT NULL);
CREATE INDEX index_feed_at ON index_feed (at))sql";

constexpr store::Migration kMigrations[] = {{1, "decision index change feed", kV1}};

}  // namespace

Result<std::unique_ptr<IndexFeed>> IndexFeed::open(store::Store& store, const Clock& clock,
                                                   Random& random, IndexFeedOptions options) {
  CHARTER_TRY(int applied, store::migrate(store, "index_feed", kMigrations, clock));
  (void)applied;
  std::int64_t last = 0;
  {
    CHARTER_TRY(auto tx, store.read());
    CHARTER_TRY(auto row, tx.query_one("SELECT MAX(seq) FROM index_feed"));
    if (row && !(*row)[0].is_null()) {
      CHARTER_TRY(last, (*row)[0].as_int(0));
    }
  }
  return std::unique_ptr<IndexFeed>(
      new IndexFeed(store, clock, new_id(random, "srv"), last, options));
}

IndexFeed::IndexFeed(store::Store& store, const Clock& clock, std::string origin, std::int64_t last,
                     IndexFeedOptions options)
    : store_(store),
      clock_(clock),
      origin_(std::move(origin)),
      options_(options),
      last_seq_(last),
      writer_([this] { write_loop(); }) {}

IndexFeed::~IndexFeed() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  writer_.join();
  if (follower_.joinable()) follower_.join();
}

void IndexFeed::add(std::string_view subject_id) {
  if (subject_id.empty()) return;
  {
    std::lock_guard lock(mu_);
    pending_.emplace(subject_id);
  }
  cv_.notify_all();
}

void IndexFeed::start(access::DecisionIndex& index) {
  index_ = &index;
  follower_ = std::thread([this] { follow_loop(); });
}

Status IndexFeed::append(const std::set<std::string>& ids) {
  const std::int64_t now = to_unix_micros(clock_.now());
  std::vector<store::Param> params;
  params.reserve(ids.size() * 3);
  for (const auto& id : ids) {
    params.emplace_back(origin_);
    params.emplace_back(id);
    params.emplace_back(now);
  }
  CHARTER_TRY(auto tx, store_.write());
  // One writer at a time across servers: identities are then committed in order, so a follower
  // reading "seq > last" never skips a row committed later with a smaller seq.
  CHARTER_TRY_STATUS(tx.lock("index_feed"));
  CHARTER_TRY(
      auto n,
      tx.exec_many("INSERT INTO index_feed (origin, subject_id, at) VALUES (?, ?, ?)", params, 3));
  (void)n;
  CHARTER_TRY_STATUS(tx.notify(kChannel, ""));
  return tx.commit();
}

void IndexFeed::write_loop() {
  std::int64_t last_prune = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
    if (pending_.empty()) return;
    std::set<std::string> ids;
    while (!pending_.empty() && ids.size() < options_.batch) {
      ids.insert(std::move(pending_.extract(pending_.begin()).value()));
    }
    lock.unlock();
    Status st = append(ids);
    if (!st.ok()) {
      spdlog::warn("decision index feed: {} subjects not announced to other servers ({}); retrying",
                   ids.size(), st.error().to_string());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    const std::int64_t now = to_unix_micros(clock_.now());
    if (st.ok() && now - last_prune > 60'000'000) {
      last_prune = now;
      const std::int64_t keep =
          std::chrono::duration_cast<std::chrono::microseconds>(options_.keep).count();
      auto tx = store_.write();
      if (tx.ok() && tx->exec("DELETE FROM index_feed WHERE at < ?", {now - keep}).ok()) {
        (void)tx->commit();
      }
    }
    lock.lock();
    if (!st.ok()) {
      if (stop_) return;  // the store is gone or failing: give up on stop
      pending_.insert(ids.begin(), ids.end());
    }
  }
}

Status IndexFeed::catch_up() {
  for (;;) {
    std::vector<std::string> ids;
    std::int64_t last = last_seq_;
    std::size_t rows = 0;
    {
      CHARTER_TRY(auto tx, store_.read());
      CHARTER_TRY(auto cursor,
                  tx.query("SELECT seq, origin, subject_id FROM index_feed WHERE seq > ? "
                           "ORDER BY seq LIMIT 5000",
                           {last_seq_}));
      for (;;) {
        CHARTER_TRY(bool more, cursor.next());
        if (!more) break;
        ++rows;
        CHARTER_TRY(last, cursor.get_int(0));
        CHARTER_TRY(auto origin, cursor.get_text(1));
        if (origin == origin_) continue;  // applied synchronously when it was made
        CHARTER_TRY(auto id, cursor.get_text(2));
        ids.emplace_back(id);
      }
    }
    if (!ids.empty()) {
      CHARTER_TRY_STATUS(index_->reload(ids));
      applied_.fetch_add(ids.size());
    }
    last_seq_ = last;
    if (rows < 5000) return ok_status();
  }
}

void IndexFeed::follow_loop() {
  std::unique_ptr<store::Listener> listener;
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (!listener) {
      auto l = store_.listen(kChannel);
      if (l.ok()) listener = std::move(l).value();
    }
    // Catch up first (a listener that just (re)started may have missed notifications).
    if (Status st = catch_up(); !st.ok()) {
      spdlog::warn("decision index feed: catching up failed ({}); retrying",
                   st.error().to_string());
    }
    if (listener) {
      auto got = listener->wait(options_.poll);
      if (!got.ok()) listener.reset();
    } else {
      std::this_thread::sleep_for(options_.poll);
    }
  }
}

}  // namespace charter::cli
