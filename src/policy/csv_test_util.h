// Test helper: an RFC 4180 reader, to check Charter's CSV output and to read reference/dpv/*.csv.
#pragma once

#include <string>
#include <vector>

namespace charter::policy::testing {

// Records of `text`: quoted fields may hold commas, quotes ("") and line breaks; records end
// with CRLF or LF. Returns an empty list and sets `ok` to false on an unterminated quote.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text,
                                                       bool* ok = nullptr) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    any = true;
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      any = false;
    } else {
      field += c;
    }
  }
  if (any) {
    record.push_back(field);
    records.push_back(record);
  }
  if (ok) *ok = !quoted;
  return records;
}

}  // namespace charter::policy::testing
