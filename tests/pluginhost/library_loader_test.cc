#include "core/pluginhost/library_loader.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace skiff::pluginhost {
namespace {

using sdk::StatusCode;

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool IsLoaded(const char* path) {
  void* handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (handle) dlclose(handle);
  return handle != nullptr;
}

TEST(LibraryLoader, LoadsAndDescribesAPlugin) {
  auto description = DescribePluginLibrary(SKIFF_MOCK_RUNTIME_PLUGIN);
  ASSERT_TRUE(description.ok()) << description.status().ToString();
  EXPECT_EQ(description->kind, sdk::kRuntimeKind);
  EXPECT_EQ(description->name, "mock");
  EXPECT_EQ(description->abi_version, sdk::kAbiVersion);

  auto runtime = LoadPluginLibrary<sdk::RuntimeService>(SKIFF_MOCK_RUNTIME_PLUGIN, "");
  ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
  auto version = (*runtime)->Version("v1");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->runtime_name, "mock");
}

// glibc may keep a library mapped after its last dlclose (GNU unique symbols mark it
// NODELETE), so this checks the guarantee that matters: loaded while an instance lives.
TEST(LibraryLoader, InstanceKeepsItsLibraryLoaded) {
  std::shared_ptr<sdk::RuntimeService> kept;
  {
    auto runtime = LoadPluginLibrary<sdk::RuntimeService>(SKIFF_MOCK_RUNTIME_PLUGIN, "{}");
    ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
    kept = *runtime;
  }
  EXPECT_TRUE(IsLoaded(SKIFF_MOCK_RUNTIME_PLUGIN));
  sdk::Status from_plugin = kept->GetPodSandboxStatus("missing").status();
  kept.reset();
  // A Status made by the plugin owns its message outright.
  sdk::Status copy = from_plugin;
  EXPECT_EQ(copy.code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(copy.message(), "missing"));
}

TEST(LibraryLoader, MissingFileIsNotFound) {
  auto loaded = LoadPluginLibrary<sdk::RuntimeService>("/nonexistent/libnope.so", "");
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Contains(loaded.status().message(), "/nonexistent/libnope.so"));
  EXPECT_TRUE(Contains(loaded.status().message(), "no such file"));
}

TEST(LibraryLoader, NonLibraryFileFailsToLoad) {
  // A file that exists but is text, not ELF.
  std::string path = ::testing::TempDir() + "not-a-library.so";
  { std::ofstream(path) << "this is not a shared library\n"; }
  auto loaded = LoadPluginLibrary<sdk::RuntimeService>(path, "");
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(loaded.status().message(), "cannot load")) << loaded.status().ToString();
}

TEST(LibraryLoader, LibraryWithoutDescriptorIsNotAPlugin) {
  auto loaded = LoadPluginLibrary<sdk::RuntimeService>(SKIFF_NOT_A_PLUGIN, "");
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(loaded.status().message(), "is not a skiff plugin"))
      << loaded.status().ToString();
  EXPECT_TRUE(Contains(loaded.status().message(), SKIFF_NOT_A_PLUGIN));
}

TEST(LibraryLoader, OtherAbiVersionIsRefused) {
  auto loaded = LoadPluginLibrary<sdk::RuntimeService>(SKIFF_FUTURE_ABI_PLUGIN, "");
  EXPECT_EQ(loaded.status().code(), StatusCode::kFailedPrecondition);
  // The fixture says kAbiVersion + 98 (fixtures/future_abi_plugin.cc).
  EXPECT_TRUE(Contains(loaded.status().message(), "ABI " + std::to_string(sdk::kAbiVersion + 98)))
      << loaded.status().ToString();
  EXPECT_TRUE(Contains(loaded.status().message(), "from-the-future"));
}

TEST(LibraryLoader, WrongKindIsRefused) {
  auto loaded = LoadPluginLibrary<sdk::StoragePlugin>(SKIFF_MOCK_RUNTIME_PLUGIN, "");
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(loaded.status().message(),
                       "is a skiff.runtime.v1 plugin, not "
                       "skiff.storage.v1"))
      << loaded.status().ToString();
}

TEST(LibraryLoader, BadConfigNamesPluginAndCause) {
  auto loaded = LoadPluginLibrary<sdk::RuntimeService>(SKIFF_MOCK_RUNTIME_PLUGIN, "{oops");
  EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(loaded.status().message(), "\"mock\") failed to start"))
      << loaded.status().ToString();
  EXPECT_TRUE(Contains(loaded.status().message(), "not JSON"));
}

TEST(LibraryLoader, ThrowingFactoryBecomesAStatus) {
  auto loaded = LoadPluginLibrary<sdk::RuntimeService>(SKIFF_THROWING_PLUGIN, "{}");
  EXPECT_EQ(loaded.status().code(), StatusCode::kInternal);
  EXPECT_TRUE(Contains(loaded.status().message(), "plugin factory threw: cannot parse {}"))
      << loaded.status().ToString();
}

}  // namespace
}  // namespace skiff::pluginhost
