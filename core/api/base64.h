#pragma once

// Standard base64 (RFC 4648 with padding), the encoding of Secret data and ConfigMap
// binaryData.

#include <optional>
#include <string>
#include <string_view>

namespace skiff::api {

std::string Base64Encode(std::string_view bytes);
// The decoded length, or nullopt when text is not padded standard base64.
std::optional<size_t> Base64DecodedSize(std::string_view text);

}  // namespace skiff::api
