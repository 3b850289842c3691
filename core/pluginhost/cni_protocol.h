#pragma once

// The CNI wire format (spec 1.0, with the 1.1 STATUS/GC additions): result and error JSON,
// the well-known error codes, CNI_ARGS, and the mapping between CNI error codes and
// skiff::sdk::Status. Shared by the CNI exec host (reading plugins' output) and the
// skiff-bridge binary (writing it), so both sides agree by construction. Stateless.

#include <skiff/sdk/network_types.h>
#include <skiff/sdk/status.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::pluginhost {

// Error codes from the CNI specification; 100 and above are plugin-specific.
enum CniErrorCode : int {
  kCniIncompatibleVersion = 1,
  kCniUnsupportedField = 2,
  kCniContainerUnknown = 3,
  kCniInvalidEnvironment = 4,
  kCniIoFailure = 5,
  kCniDecodeFailure = 6,
  kCniInvalidNetworkConfig = 7,
  kCniTryAgainLater = 11,
  kCniPluginNotAvailable = 50,   // STATUS: cannot serve ADD at all
  kCniLimitedConnectivity = 51,  // STATUS: degraded
  kCniPluginSpecific = 100,      // what skiff uses for any other failure
};

struct CniError {
  int code = 0;
  std::string msg;
  std::string details;
};

// The result JSON of a successful ADD (or a prevResult). Versions before 1.0.0 get the
// fields they require ("version":"4" on each ip).
std::string NetworkResultToJson(const sdk::NetworkResult& result, std::string_view cni_version);
// Parses a result; InvalidArgument naming what is wrong.
sdk::Result<sdk::NetworkResult> NetworkResultFromJson(std::string_view json);

std::string CniErrorToJson(const CniError& error, std::string_view cni_version);
// A CNI error object: {"code": n, "msg": ..., "details": ...}; false if `json` is not one.
bool ParseCniError(std::string_view json, CniError* out);

std::string VersionInfoToJson(const sdk::NetworkVersionInfo& info);
sdk::Result<sdk::NetworkVersionInfo> VersionInfoFromJson(std::string_view json);

// CNI_ARGS: "K1=V1;K2=V2".
std::vector<std::pair<std::string, std::string>> ParseCniArgs(std::string_view text);
std::string FormatCniArgs(const std::vector<std::pair<std::string, std::string>>& args);

// Status <-> CNI error code.
int CniCodeForStatus(const sdk::Status& status);
sdk::StatusCode StatusCodeForCni(int code);

}  // namespace skiff::pluginhost
