#pragma once

// How API objects are laid out in the Store: keys by resource and namespace, values as JSON
// text with `metadata` first and no resourceVersion (that is the key's mod_revision, spliced
// in when read, so reads need no parse). Pure functions.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "core/api/kinds.h"
#include "core/store/store.h"

namespace skiff::apiserver {

// "/<group|core>/<resource>/" for all namespaces, plus "<ns>/" when namespaced and ns given.
std::string KeyPrefix(const api::Kind& kind, std::string_view ns);
std::string ObjectKey(const api::Kind& kind, std::string_view ns, std::string_view name);

// Serializes obj for the store (metadata first, resourceVersion dropped).
std::string EncodeObject(const boost::json::object& obj);
// The stored text with metadata.resourceVersion set to the key's mod_revision.
std::string StoredText(const store::KeyValue& kv);
// The stored object, parsed, with metadata.resourceVersion set.
boost::json::object DecodeObject(const store::KeyValue& kv);

}  // namespace skiff::apiserver
