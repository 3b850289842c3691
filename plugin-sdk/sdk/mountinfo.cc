#include <skiff/sdk/mountinfo.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace skiff::sdk {
namespace {

// mountinfo writes space, tab, newline and backslash as \ooo octal.
std::string Unescape(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      int value = 0;
      bool octal = true;
      for (size_t j = 1; j <= 3; ++j) {
        char c = field[i + j];
        if (c < '0' || c > '7') octal = false;
        value = value * 8 + (c - '0');
      }
      if (octal) {
        out += static_cast<char>(value);
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  return parts;
}

}  // namespace

bool MountEntry::read_only() const {
  for (const auto& option : options) {
    if (option == "ro") return true;
  }
  return false;
}

Result<std::vector<MountEntry>> ReadMountTable() {
  std::ifstream in("/proc/self/mountinfo");
  if (!in) return Status::Unavailable("cannot read /proc/self/mountinfo");
  std::vector<MountEntry> entries;
  // id parent major:minor root mount_point options [optional fields...] - fstype source super
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point, options, field;
    if (!(fields >> id >> parent >> device >> root >> mount_point >> options)) continue;
    while (fields >> field && field != "-") {
    }
    MountEntry entry;
    entry.root = Unescape(root);
    entry.mount_point = Unescape(mount_point);
    entry.options = SplitCommas(options);
    fields >> entry.fs_type >> entry.source;
    entry.source = Unescape(entry.source);
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<std::optional<MountEntry>> FindMount(const std::string& mount_point) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(mount_point, ec);
  if (ec) return Status::InvalidArgument("resolve " + mount_point + ": " + ec.message());
  auto table = ReadMountTable();
  if (!table.ok()) return table.status();
  std::optional<MountEntry> found;
  for (auto& entry : *table) {  // later lines are mounted on top of earlier ones
    if (entry.mount_point == canonical.string()) found = std::move(entry);
  }
  return found;
}

}  // namespace skiff::sdk
