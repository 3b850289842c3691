#pragma once

// Values the server stamps on objects: uids and generateName suffixes (timestamps come from
// core/api/api_time.h).
// Thread-safe.

#include <string>

namespace skiff::apiserver {

std::string NewUid();              // random UUID v4
std::string GenerateNameSuffix();  // 5 chars from Kubernetes' alphabet

}  // namespace skiff::apiserver
