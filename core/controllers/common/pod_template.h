#pragma once

// Pods made from a controller's pod template (spec.template): the template's labels,
// annotations and spec, metadata.generateName, and the controller's ownerReference.

#include <string_view>

#include "core/client/client.h"

namespace skiff::controllers {

// The pod object (not yet created) for template `tmpl` of owner, in owner's namespace, named
// by generate_name (e.g. "web-7c9f-").
client::Object PodFromTemplate(const boost::json::object& tmpl, const client::Object& owner,
                               const api::Kind& owner_kind, std::string_view generate_name);

// Creates PodFromTemplate(tmpl, owner, owner_kind, "<owner name>-").
api::ApiResult<client::Object> CreatePodFromTemplate(client::Client& client,
                                                     const boost::json::object& tmpl,
                                                     const client::Object& owner,
                                                     const api::Kind& owner_kind);

const api::Kind& PodKind();

}  // namespace skiff::controllers
