#include "store/pg_conn.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "store/dialect.h"

namespace charter::store::detail {
namespace {

constexpr std::size_t kMaxCachedStatements = 512;

// Type OIDs (pg_type.dat), stable across PostgreSQL versions.
constexpr Oid kBool = 16, kBytea = 17, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25,
              kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701, kUnknown = 705, kBpchar = 1042,
              kVarchar = 1043, kNumeric = 1700, kJsonb = 3802;

std::uint64_t be(const char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Binary NUMERIC: int16 ndigits, weight, sign, dscale, then base-10000 digits.
struct Numeric {
  bool is_int = false;
  std::int64_t i = 0;
  double d = 0;
};

Numeric decode_numeric(const char* p, int len) {
  Numeric out;
  if (len < 8) return out;
  int ndigits = static_cast<std::int16_t>(be(p, 2));
  int weight = static_cast<std::int16_t>(be(p + 2, 2));
  unsigned sign = static_cast<unsigned>(be(p + 4, 2));
  int dscale = static_cast<std::int16_t>(be(p + 6, 2));
  if (sign == 0xC000) {
    out.d = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  if (sign == 0xD000 || sign == 0xF000) {
    out.d = sign == 0xD000 ? std::numeric_limits<double>::infinity()
                           : -std::numeric_limits<double>::infinity();
    return out;
  }
  bool neg = sign == 0x4000;
  if (len < 8 + 2 * ndigits) return out;
  double d = 0;
  for (int k = 0; k < ndigits; ++k) {
    double digit = static_cast<double>(be(p + 8 + 2 * k, 2));
    d += digit * std::pow(10000.0, weight - k);
  }
  out.d = neg ? -d : d;
  if (dscale == 0) {
    __int128 acc = 0;
    bool fits = true;
    for (int k = 0; k <= weight && fits; ++k) {
      acc = acc * 10000 + (k < ndigits ? static_cast<int>(be(p + 8 + 2 * k, 2)) : 0);
      if (acc > (static_cast<__int128>(1) << 63)) fits = false;
    }
    if (neg) acc = -acc;
    if (fits && acc >= std::numeric_limits<std::int64_t>::min() &&
        acc <= std::numeric_limits<std::int64_t>::max()) {
      out.is_int = true;
      out.i = static_cast<std::int64_t>(acc);
    }
  }
  return out;
}

Errc map_sqlstate(std::string_view s) {
  if (s.size() != 5) return Errc::kInternal;
  std::string_view cls = s.substr(0, 2);
  if (s == "23505" || s == "23P01") return Errc::kAlreadyExists;
  if (s == "23503") return Errc::kFailedPrecondition;
  if (cls == "23" || cls == "22") return Errc::kInvalidArgument;
  if (s == "40001" || s == "40P01") return Errc::kConflict;
  if (cls == "25") return Errc::kFailedPrecondition;
  if (s == "57014") return Errc::kTimeout;
  if (cls == "08" || cls == "53" || cls == "57" || s == "55P03") return Errc::kUnavailable;
  if (s == "XX001" || s == "XX002") return Errc::kIntegrity;
  return Errc::kInternal;
}

// Classes whose server text does not echo data values.
bool message_is_safe(std::string_view s) {
  std::string_view cls = s.substr(0, 2);
  return cls == "42" || cls == "0A" || cls == "25" || cls == "40" || cls == "08" || cls == "53" ||
         cls == "55" || cls == "57" || cls == "3D" || cls == "3F" || cls == "28" || cls == "26" ||
         cls == "34";
}

std::string trimmed(const char* s) {
  std::string out = s ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

void ignore_notice(void*, const char*) {}

}  // namespace

Error pg_error(const PGresult* r, PGconn* conn, std::string_view context) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (!state) return pg_conn_error(conn, context);
  std::string_view s(state);
  auto field = [&](int code) -> std::string {
    const char* v = PQresultErrorField(r, code);
    return v ? v : "";
  };
  std::string msg(context);
  msg += ": ";
  std::string constraint = field(PG_DIAG_CONSTRAINT_NAME);
  std::string table = field(PG_DIAG_TABLE_NAME);
  std::string column = field(PG_DIAG_COLUMN_NAME);
  if (s.substr(0, 2) == "23") {
    const char* kind = s == "23505"   ? "unique"
                       : s == "23503" ? "foreign key"
                       : s == "23502" ? "not null"
                       : s == "23514" ? "check"
                       : s == "23P01" ? "exclusion"
                                      : "integrity";
    msg += kind;
    msg += " constraint";
    if (!constraint.empty()) msg += " " + constraint;
    msg += " failed";
    if (!table.empty()) msg += " on table " + table;
    if (!column.empty()) msg += " column " + column;
  } else if (message_is_safe(s)) {
    msg += trimmed(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
  } else {
    msg += "statement failed";
    if (!table.empty()) msg += " on table " + table;
    if (!column.empty()) msg += " column " + column;
  }
  msg += " (SQLSTATE ";
  msg += s;
  msg += ")";
  return make_error(map_sqlstate(s), std::move(msg));
}

Error pg_conn_error(PGconn* conn, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  std::string text = conn ? trimmed(PQerrorMessage(conn)) : "no connection";
  msg += text.empty() ? "connection failed" : text;
  return make_error(Errc::kUnavailable, std::move(msg));
}

Type pg_type(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return Type::kNull;
  switch (PQftype(r, col)) {
    case kBool:
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return Type::kInt;
    case kFloat4:
    case kFloat8:
      return Type::kReal;
    case kText:
    case kVarchar:
    case kBpchar:
    case kName:
    case kUnknown:
    case kJson:
    case kJsonb:
      return Type::kText;
    case kNumeric:
      return decode_numeric(PQgetvalue(r, row, col), PQgetlength(r, row, col)).is_int ? Type::kInt
                                                                                      : Type::kReal;
    case kBytea:
    default:
      return Type::kBlob;  // bytea, and any other type in its binary form
  }
}

std::int64_t pg_int(const PGresult* r, int row, int col) {
  const char* p = PQgetvalue(r, row, col);
  int n = PQgetlength(r, row, col);
  switch (PQftype(r, col)) {
    case kBool:
      return n > 0 && p[0] != 0;
    case kInt2:
      return static_cast<std::int16_t>(be(p, 2));
    case kInt4:
      return static_cast<std::int32_t>(be(p, 4));
    case kOid:
      return static_cast<std::uint32_t>(be(p, 4));
    case kNumeric:
      return decode_numeric(p, n).i;
    default:
      return static_cast<std::int64_t>(be(p, 8));
  }
}

double pg_real(const PGresult* r, int row, int col) {
  const char* p = PQgetvalue(r, row, col);
  switch (PQftype(r, col)) {
    case kFloat4: {
      std::uint32_t bits = static_cast<std::uint32_t>(be(p, 4));
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    case kNumeric:
      return decode_numeric(p, PQgetlength(r, row, col)).d;
    default: {
      std::uint64_t bits = be(p, 8);
      double d;
      std::memcpy(&d, &bits, 8);
      return d;
    }
  }
}

std::string_view pg_text(const PGresult* r, int row, int col) {
  const char* p = PQgetvalue(r, row, col);
  std::size_t n = static_cast<std::size_t>(PQgetlength(r, row, col));
  if (PQftype(r, col) == kJsonb && n > 0) return {p + 1, n - 1};  // version byte
  return {p, n};
}

ByteView pg_blob(const PGresult* r, int row, int col) {
  return {reinterpret_cast<const std::uint8_t*>(PQgetvalue(r, row, col)),
          static_cast<std::size_t>(PQgetlength(r, row, col))};
}

Result<std::unique_ptr<PgConn>> PgConn::connect(const std::string& target) {
  // Defaults first: values in the URL (expanded from dbname) override them.
  const char* keys[] = {"connect_timeout", "client_encoding", "dbname", "fallback_application_name",
                        nullptr};
  const char* vals[] = {"10", "UTF8", target.c_str(), "charter", nullptr};
  PGconn* c = PQconnectdbParams(keys, vals, /*expand_dbname=*/1);
  if (!c) return make_error(Errc::kUnavailable, "postgresql: out of memory");
  std::unique_ptr<PgConn> conn(new PgConn(c));
  if (PQstatus(c) != CONNECTION_OK) return pg_conn_error(c, "postgresql: connect");
  if (PQserverVersion(c) < 150000) {
    return make_error(Errc::kUnsupported, "postgresql: server version " +
                                              std::to_string(PQserverVersion(c)) +
                                              " is too old; Charter needs PostgreSQL 15 or later");
  }
  PQsetNoticeProcessor(c, ignore_notice, nullptr);
  return conn;
}

PgConn::~PgConn() { PQfinish(conn_); }

bool PgConn::healthy() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

Result<const PgConn::Prepared*> PgConn::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return &it->second;
  if (cache_.size() >= kMaxCachedStatements) {
    CHARTER_TRY_STATUS(exec_simple("DEALLOCATE ALL", "postgresql: prepare"));
    cache_.clear();
  }
  std::size_t n = 0;
  std::string native = number_placeholders(sql, &n);
  Prepared p{"charter_" + std::to_string(next_name_++), static_cast<int>(n)};
  PgResult r(PQprepare(conn_, p.name.c_str(), native.c_str(), p.params, nullptr));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return pg_error(r.get(), conn_, "postgresql: prepare");
  }
  auto [pos, inserted] = cache_.emplace(std::string(sql), std::move(p));
  return &pos->second;
}

Status PgConn::encode(const Prepared& p, std::span<const Param> params) {
  if (static_cast<int>(params.size()) != p.params) {
    return make_error(Errc::kInternal, "postgresql: statement takes " + std::to_string(p.params) +
                                           " parameters, " + std::to_string(params.size()) +
                                           " given");
  }
  std::size_t n = params.size();
  values_.resize(n);
  lengths_.resize(n);
  formats_.resize(n);
  if (numbers_.size() < n) numbers_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Param& v = params[i];
    formats_[i] = 0;
    lengths_[i] = 0;
    switch (v.type()) {
      case Type::kNull:
        values_[i] = nullptr;
        break;
      case Type::kInt: {
        // Text form: the server parses it into whatever integer type the context infers.
        int len = std::snprintf(numbers_[i].data(), numbers_[i].size(), "%lld",
                                static_cast<long long>(v.int_value()));
        values_[i] = numbers_[i].data();
        lengths_[i] = len;
        break;
      }
      case Type::kReal: {
        int len = std::snprintf(numbers_[i].data(), numbers_[i].size(), "%.17g", v.real_value());
        values_[i] = numbers_[i].data();
        lengths_[i] = len;
        break;
      }
      case Type::kText: {
        std::string_view t = v.text();
        values_[i] = t.data();
        lengths_[i] = static_cast<int>(t.size());
        break;
      }
      case Type::kBlob: {
        ByteView b = v.blob();
        values_[i] = reinterpret_cast<const char*>(b.data());  // never null (see Param)
        lengths_[i] = static_cast<int>(b.size());
        formats_[i] = 1;  // binary: bytes as they are
        break;
      }
    }
  }
  return ok_status();
}

Result<std::int64_t> PgConn::exec(std::string_view sql, std::span<const Param> params) {
  CHARTER_TRY(const Prepared* p, prepare(sql));
  CHARTER_TRY_STATUS(encode(*p, params));
  PgResult r(PQexecPrepared(conn_, p->name.c_str(), p->params, values(), lengths(), formats(),
                            /*resultFormat=*/1));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return pg_error(r.get(), conn_, "postgresql");
  }
  const char* changed = PQcmdTuples(r.get());
  return static_cast<std::int64_t>(changed && *changed ? std::atoll(changed) : 0);
}

Status PgConn::exec_simple(const char* sql, std::string_view context) {
  PgResult r(PQexec(conn_, sql));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
    return pg_error(r.get(), conn_, context);
  }
  return ok_status();
}

}  // namespace charter::store::detail
