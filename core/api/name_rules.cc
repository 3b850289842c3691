#include "core/api/name_rules.h"

#include <arpa/inet.h>

#include <string>

#include "core/api/validation.h"

namespace skiff::api {
namespace {

constexpr size_t kLabelMax = 63;
constexpr size_t kSubdomainMax = 253;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// "lower-case alphanumerics and '-', alphanumeric at both ends".
bool MatchesLabel(std::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

bool MatchesSubdomain(std::string_view s) {
  while (true) {
    size_t dot = s.find('.');
    if (!MatchesLabel(s.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

// "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
bool MatchesQualifiedNamePart(std::string_view s) {
  if (s.empty() || !IsAlnum(s.front()) || !IsAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::string RegexError(std::string msg, std::string_view regex,
                       std::initializer_list<std::string_view> examples) {
  msg += " (e.g. ";
  bool first = true;
  for (std::string_view e : examples) {
    if (!first) msg += " or ";
    first = false;
    msg += "'" + std::string(e) + "', ";
  }
  msg += "regex used for validation is '" + std::string(regex) + "')";
  return msg;
}

const std::string& QualifiedNameRegexError() {
  static const std::string kMsg = RegexError(
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
      "an alphanumeric character",
      "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]", {"MyName", "my.name", "123-abc"});
  return kMsg;
}

}  // namespace

std::string MaxLenError(size_t n) {
  return "must be no more than " + std::to_string(n) + " characters";
}

Messages Dns1123SubdomainErrors(std::string_view s) {
  Messages out;
  if (s.size() > kSubdomainMax) out.push_back(MaxLenError(kSubdomainMax));
  if (!MatchesSubdomain(s)) {
    out.push_back(RegexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
        "'-' or '.', and must start and end with an alphanumeric character",
        R"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)", {"example.com"}));
  }
  return out;
}

Messages Dns1123LabelErrors(std::string_view s) {
  Messages out;
  if (s.size() > kLabelMax) out.push_back(MaxLenError(kLabelMax));
  if (!MatchesLabel(s)) {
    out.push_back(RegexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
        "'-', and must start and end with an alphanumeric character",
        "[a-z0-9]([-a-z0-9]*[a-z0-9])?", {"my-name", "123-abc"}));
  }
  return out;
}

Messages Dns1035LabelErrors(std::string_view s) {
  Messages out;
  if (s.size() > kLabelMax) out.push_back(MaxLenError(kLabelMax));
  if (!MatchesLabel(s) || !(s.front() >= 'a' && s.front() <= 'z')) {
    out.push_back(RegexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
        "with an alphabetic character, and end with an alphanumeric character",
        "[a-z]([-a-z0-9]*[a-z0-9])?", {"my-name", "abc-123"}));
  }
  return out;
}

Messages QualifiedNameErrors(std::string_view s) {
  Messages out;
  std::string_view name = s;
  size_t slash = s.find('/');
  if (slash != std::string_view::npos) {
    if (s.find('/', slash + 1) != std::string_view::npos) {
      out.push_back("a qualified name " + QualifiedNameRegexError() +
                    " with an optional DNS subdomain prefix and '/' (e.g. "
                    "'example.com/MyName')");
      return out;
    }
    std::string_view prefix = s.substr(0, slash);
    name = s.substr(slash + 1);
    if (prefix.empty()) {
      out.push_back("prefix part must be non-empty");
    } else {
      for (auto& m : Dns1123SubdomainErrors(prefix)) out.push_back("prefix part " + m);
    }
  }
  if (name.empty()) {
    out.push_back("name part must be non-empty");
  } else if (name.size() > kLabelMax) {
    out.push_back("name part " + MaxLenError(kLabelMax));
  }
  if (!MatchesQualifiedNamePart(name)) out.push_back("name part " + QualifiedNameRegexError());
  return out;
}

Messages LabelValueErrors(std::string_view s) {
  Messages out;
  if (s.size() > kLabelMax) out.push_back(MaxLenError(kLabelMax));
  if (!s.empty() && !MatchesQualifiedNamePart(s)) {
    out.push_back(RegexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', "
        "'_' or '.', and must start and end with an alphanumeric character",
        "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", {"MyValue", "my_value", "12345"}));
  }
  return out;
}

Messages ConfigMapKeyErrors(std::string_view s) {
  Messages out;
  if (s.size() > kSubdomainMax) out.push_back(MaxLenError(kSubdomainMax));
  bool charset_ok = !s.empty();
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') charset_ok = false;
  }
  if (!charset_ok) {
    out.push_back(
        RegexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                   "[-._a-zA-Z0-9]+", {"key.name", "KEY_NAME", "key-name"}));
  }
  if (s == ".") {
    out.push_back("must not be '.'");
  } else if (s == "..") {
    out.push_back("must not be '..'");
  } else if (s.starts_with("..")) {
    out.push_back("must not start with '..'");
  }
  return out;
}

Messages PortNameErrors(std::string_view s) {
  Messages out;
  if (s.size() > 15) out.push_back(MaxLenError(15));
  bool charset_ok = !s.empty();
  bool has_letter = false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') charset_ok = false;
    if (c >= 'a' && c <= 'z') has_letter = true;
  }
  if (!charset_ok) {
    out.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  }
  if (!has_letter) out.push_back("must contain at least one letter (a-z)");
  if (s.find("--") != std::string_view::npos) {
    out.push_back("must not contain consecutive hyphens");
  }
  if (!s.empty() && (s.front() == '-' || s.back() == '-')) {
    out.push_back("must not begin or end with a hyphen");
  }
  return out;
}

Messages EnvVarNameErrors(std::string_view s) {
  Messages out;
  if (s.empty()) out.push_back("environment variable name must be non-empty");
  for (unsigned char c : s) {
    if (c < 32 || c > 126 || c == '=') {
      out.push_back(
          "a valid environment variable name must consist only of printable ASCII characters "
          "other than '='");
      break;
    }
  }
  return out;
}

bool IsIpAddress(std::string_view s) {
  std::string text(s);
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

bool IsDns1123Subdomain(std::string_view s) { return Dns1123SubdomainErrors(s).empty(); }
bool IsDns1123Label(std::string_view s) { return Dns1123LabelErrors(s).empty(); }
bool IsQualifiedName(std::string_view s) { return QualifiedNameErrors(s).empty(); }
bool IsLabelValue(std::string_view s) { return LabelValueErrors(s).empty(); }

}  // namespace skiff::api
