#include "core/agent/cri_log.h"

#include <deque>
#include <fstream>

namespace skiff::agent {

std::optional<CriLogRecord> ParseCriLogLine(std::string_view line) {
  CriLogRecord r;
  auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return std::nullopt;
  auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return std::nullopt;
  r.timestamp = line.substr(0, sp1);
  r.stream = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view rest = line.substr(sp2 + 1);
  if (rest.starts_with("P ") || rest == "P") {
    r.partial = true;
  } else if (!rest.starts_with("F ") && rest != "F") {
    return std::nullopt;
  }
  r.text = rest.size() > 2 ? rest.substr(2) : std::string_view();
  return r;
}

namespace {

// Appends the output of complete records in `data` to `out`; returns bytes consumed.
std::size_t Decode(std::string_view data, std::string& out) {
  std::size_t consumed = 0;
  while (true) {
    auto nl = data.find('\n', consumed);
    if (nl == std::string_view::npos) break;
    auto rec = ParseCriLogLine(data.substr(consumed, nl - consumed));
    consumed = nl + 1;
    if (!rec) continue;
    out.append(rec->text);
    if (!rec->partial) out.push_back('\n');
  }
  return consumed;
}

}  // namespace

std::string CriLogReader::ReadAll(int64_t tail_lines) {
  std::ifstream in(path_, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out;
  offset_ = Decode(data, out);
  if (tail_lines < 0) return out;
  // Keep the last N output lines.
  std::size_t pos = out.size();
  int64_t lines = 0;
  if (pos > 0 && out[pos - 1] == '\n') --pos;
  while (pos > 0) {
    if (out[pos - 1] == '\n' && ++lines == tail_lines) break;
    --pos;
  }
  if (tail_lines == 0) return "";
  return out.substr(pos);
}

std::string CriLogReader::ReadNew() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return "";
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out;
  offset_ += Decode(data, out);
  return out;
}

}  // namespace skiff::agent
