// CSV output (RFC 4180).
//
// Contract: to_csv(rows) writes each row as one record, fields separated by commas, records
// ended by CRLF. A field is quoted when it holds a comma, a double quote, CR or LF, and its
// double quotes are doubled. Text is passed through as UTF-8, without a byte-order mark.
// Formula guard: a field starting with = + - @ or a tab or CR gets a leading apostrophe, so a
// spreadsheet never runs a policy text as a formula (OWASP "CSV injection").
// Pure; thread safe.
#pragma once

#include <string>
#include <vector>

namespace charter::policy {

std::string to_csv(const std::vector<std::vector<std::string>>& rows);

}  // namespace charter::policy
