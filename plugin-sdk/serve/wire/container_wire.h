#pragma once

// Copies between std containers and protobuf maps/repeated fields, shared by every *_wire.cc.

#include <google/protobuf/map.h>
#include <google/protobuf/repeated_field.h>

#include <map>
#include <string>
#include <vector>

namespace skiff::wire {

using ProtoStringMap = google::protobuf::Map<std::string, std::string>;
using ProtoStrings = google::protobuf::RepeatedPtrField<std::string>;

inline void CopyMap(const std::map<std::string, std::string>& in, ProtoStringMap* out) {
  for (const auto& [key, value] : in) (*out)[key] = value;
}

inline std::map<std::string, std::string> ToStdMap(const ProtoStringMap& in) {
  return {in.begin(), in.end()};
}

inline void CopyStrings(const std::vector<std::string>& in, ProtoStrings* out) {
  out->Reserve(static_cast<int>(in.size()));
  for (const auto& s : in) out->Add()->assign(s);
}

inline std::vector<std::string> ToStdStrings(const ProtoStrings& in) {
  return {in.begin(), in.end()};
}

}  // namespace skiff::wire
