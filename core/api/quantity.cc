#include "core/api/quantity.h"

#include <boost/json/value.hpp>
#include <cmath>
#include <limits>
#include <string>

namespace skiff::api {
namespace {

constexpr __int128 kMax = std::numeric_limits<int64_t>::max();
// Mantissas beyond this many significant digits are not representable; Kubernetes caps
// them too (it keeps an inf.Dec, but no real request needs more).
constexpr int kMaxDigits = 30;

struct Suffix {
  std::string_view text;
  int decimal_exp;
  int binary_exp;
};

constexpr Suffix kSuffixes[] = {
    {"Ki", 0, 10}, {"Mi", 0, 20}, {"Gi", 0, 30}, {"Ti", 0, 40}, {"Pi", 0, 50}, {"Ei", 0, 60},
    {"n", -9, 0},  {"u", -6, 0},  {"m", -3, 0},  {"", 0, 0},    {"k", 3, 0},   {"M", 6, 0},
    {"G", 9, 0},   {"T", 12, 0},  {"P", 15, 0},  {"E", 18, 0},
};

Status Invalid(std::string_view text) {
  return Status::InvalidArgument(std::string(kQuantityFormatError) + ": \"" + std::string(text) +
                                 "\"");
}

}  // namespace

Result<Quantity> Quantity::Parse(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  Quantity q;
  int digits = 0;
  int significant = 0;
  bool seen_point = false;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (seen_point) return Invalid(text);
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    ++digits;
    if (significant == 0 && c == '0') {
      if (seen_point) --q.decimal_exp_;
      continue;
    }
    if (significant >= kMaxDigits) {
      // Drop further digits: integral ones still scale the value.
      if (!seen_point) ++q.decimal_exp_;
      continue;
    }
    ++significant;
    q.mantissa_ = q.mantissa_ * 10 + (c - '0');
    if (seen_point) --q.decimal_exp_;
  }
  if (digits == 0) return Invalid(text);
  std::string_view suffix = s.substr(i);
  bool matched = false;
  for (const Suffix& sfx : kSuffixes) {
    if (suffix == sfx.text) {
      q.decimal_exp_ += sfx.decimal_exp;
      q.binary_exp_ = sfx.binary_exp;
      matched = true;
      break;
    }
  }
  if (!matched) {
    // A decimal exponent: e or E, an optional sign, digits.
    if (suffix.size() < 2 || (suffix[0] != 'e' && suffix[0] != 'E')) return Invalid(text);
    std::size_t j = 1;
    bool exp_negative = false;
    if (suffix[j] == '+' || suffix[j] == '-') {
      exp_negative = suffix[j] == '-';
      ++j;
    }
    if (j >= suffix.size()) return Invalid(text);
    int exp = 0;
    for (; j < suffix.size(); ++j) {
      if (suffix[j] < '0' || suffix[j] > '9') return Invalid(text);
      exp = exp * 10 + (suffix[j] - '0');
      if (exp > 1000) return Invalid(text);
    }
    q.decimal_exp_ += exp_negative ? -exp : exp;
  }
  if (negative) q.mantissa_ = -q.mantissa_;
  return q;
}

Result<Quantity> Quantity::FromJson(const boost::json::value& v) {
  if (v.is_string()) return Parse(v.as_string());
  if (v.is_int64()) return Parse(std::to_string(v.as_int64()));
  if (v.is_uint64()) return Parse(std::to_string(v.as_uint64()));
  if (v.is_double()) {
    double d = v.as_double();
    if (!std::isfinite(d)) return Status::InvalidArgument("quantity is not a finite number");
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.17g", d);
    return Parse(buf);
  }
  return Status::InvalidArgument("quantity must be a string or a number");
}

int64_t Quantity::Scaled(int scale10) const {
  if (mantissa_ == 0) return 0;
  const bool negative = mantissa_ < 0;
  __int128 m = negative ? -mantissa_ : mantissa_;
  int exp10 = decimal_exp_ - scale10;
  auto saturate = [negative] {
    return negative ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  };
  // Multiply by the binary factor first so a later division loses nothing it need not.
  for (int b = 0; b < binary_exp_; ++b) {
    m *= 2;
    if (m > kMax * 1000000000) return saturate();
  }
  for (; exp10 > 0; --exp10) {
    m *= 10;
    if (m > kMax) return saturate();
  }
  bool remainder = false;
  for (; exp10 < 0; ++exp10) {
    if (m == 0) break;
    remainder |= (m % 10) != 0;
    m /= 10;
  }
  // Ceiling: positive values round away from zero, negative ones toward it.
  if (remainder && !negative) ++m;
  if (m > kMax) return saturate();
  return static_cast<int64_t>(negative ? -m : m);
}

std::optional<double> ParseQuantity(std::string_view s) {
  auto q = Quantity::Parse(s);
  if (!q.ok()) return std::nullopt;
  return q->AsDouble();
}

double Quantity::AsDouble() const {
  return static_cast<double>(mantissa_) * std::ldexp(1.0, binary_exp_) *
         std::pow(10.0, decimal_exp_);
}

}  // namespace skiff::api
