// The built-in plugins: bounded (a deadline per call, as for library plugins) for real nodes,
// called directly for hollow nodes.

#include "core/agent/builtin/builtin_plugins.h"

#include <gtest/gtest.h>

#include "plugins/mock-runtime/mock_runtime.h"

namespace skiff::agent {
namespace {

using namespace std::chrono_literals;

pluginhost::PluginSpec MockSpec() {
  pluginhost::PluginSpec spec;
  spec.slot = "runtime";
  spec.name = "mock";
  spec.library = "builtin:mock";
  return spec;
}

TEST(BuiltinPlugins, DirectCallsReachThePluginItselfBoundedOnesGoThroughTheDeadline) {
  auto direct = BuiltinAwareOpeners(BuiltinCalls::kDirect).runtime(MockSpec(), 10s);
  auto bounded = BuiltinAwareOpeners().runtime(MockSpec(), 10s);
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  ASSERT_TRUE(bounded.ok()) << bounded.status().ToString();
  EXPECT_NE(dynamic_cast<mock::MockRuntime*>(direct->get()), nullptr);
  EXPECT_EQ(dynamic_cast<mock::MockRuntime*>(bounded->get()), nullptr);
  for (auto* runtime : {direct->get(), bounded->get()}) {
    auto version = runtime->Version("v1");
    ASSERT_TRUE(version.ok()) << version.status().ToString();
    EXPECT_FALSE(version->runtime_name.empty());
  }
}

}  // namespace
}  // namespace skiff::agent
