#pragma once

// SDK network structs <-> skiff.network.v1 messages, shared by the network sidecar server and
// the host's network client.

#include <skiff/sdk/network_types.h>

#include <vector>

#include "network/v1/network.pb.h"

namespace skiff::wire {

namespace netv1 = ::skiff::network::v1;

void ToWire(const sdk::NetworkAttachment& in, netv1::Invocation* out);
sdk::NetworkAttachment FromWire(const netv1::Invocation& in);

void ToWire(const sdk::NetworkResult& in, netv1::Result* out);
sdk::NetworkResult FromWire(const netv1::Result& in);

void ToWire(const std::vector<sdk::AttachmentKey>& in, netv1::GCRequest* out);
std::vector<sdk::AttachmentKey> FromWire(const netv1::GCRequest& in);

void ToWire(const sdk::NetworkVersionInfo& in, netv1::VersionResponse* out);
sdk::NetworkVersionInfo FromWire(const netv1::VersionResponse& in);

}  // namespace skiff::wire
