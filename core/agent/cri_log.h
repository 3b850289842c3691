#pragma once

// CRI container log files: one line per record, "<RFC3339Nano> <stdout|stderr> <P|F> <text>",
// where P marks a partial line continued by the next record and F a full one. CriLogReader
// turns them back into the container's plain output, optionally the last N lines, and can be
// polled for what was appended since (follow). Not thread-safe: one reader per request.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::agent {

struct CriLogRecord {
  std::string_view timestamp;
  std::string_view stream;
  bool partial = false;
  std::string_view text;
};
std::optional<CriLogRecord> ParseCriLogLine(std::string_view line);

class CriLogReader {
 public:
  explicit CriLogReader(std::string path) : path_(std::move(path)) {}
  // Everything written so far (the last `tail_lines` output lines when >= 0).
  std::string ReadAll(int64_t tail_lines = -1);
  // What was appended since the previous call (whole records only).
  std::string ReadNew();

 private:
  std::string path_;
  uint64_t offset_ = 0;
};

}  // namespace skiff::agent
