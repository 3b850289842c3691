// skiff-conformance-grpc: skiff-conformance plus the gRPC sources, so one runner checks a
// plugin as a library (--runtime LIB.so) and as a sidecar (--runtime-endpoint unix:///...).
// It is a separate binary because the installed skiff-conformance deliberately links no gRPC.

#include <skiff/conformance/runner.h>

#include "core/pluginhost/grpc_conformance_sources.h"

int main(int argc, char** argv) {
  auto sources = skiff::conformance::LibraryFactorySources();
  for (auto& source : skiff::pluginhost::GrpcFactorySources()) sources.push_back(std::move(source));
  return skiff::conformance::RunConformance(argc, argv, std::move(sources));
}
