#pragma once

// The name and key syntax rules of Kubernetes (apimachinery's validation package), each
// returning the messages Kubernetes gives for a bad value (empty = valid).

#include <string>
#include <string_view>
#include <vector>

namespace skiff::api {

using Messages = std::vector<std::string>;

Messages Dns1123SubdomainErrors(std::string_view s);
Messages Dns1123LabelErrors(std::string_view s);
Messages Dns1035LabelErrors(std::string_view s);
Messages QualifiedNameErrors(std::string_view s);
Messages LabelValueErrors(std::string_view s);
Messages ConfigMapKeyErrors(std::string_view s);
Messages PortNameErrors(std::string_view s);  // IANA_SVC_NAME
Messages EnvVarNameErrors(std::string_view s);
bool IsIpAddress(std::string_view s);

std::string MaxLenError(size_t n);  // "must be no more than N characters"

}  // namespace skiff::api
