#include <skiff/conformance/runner.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <utility>

#include "core/pluginhost/library_loader.h"
#include "report_printer.h"

namespace skiff::conformance {
namespace {

struct Request {
  const FactorySource* source;
  std::string value;
};

void PrintUsage(std::ostream& out, const std::vector<FactorySource>& sources) {
  out << "usage: skiff-conformance <plugin option>... [--config JSON|@FILE] [--verbose]\n"
         "                         [--gtest_filter=PATTERN ...]\n"
         "plugin options:\n";
  for (const auto& s : sources) {
    out << "  " << s.option << " " << s.value_name << "\n      " << s.help << "\n";
  }
  out << "  --config    the plugin config as JSON, or @file with it (default {})\n"
         "  --verbose   GoogleTest's own output as well as the report\n";
}

sdk::Result<std::string> ReadConfig(const std::string& value) {
  if (value.empty() || value[0] != '@') return value;
  std::ifstream in(value.substr(1));
  if (!in) return sdk::Status::NotFound("cannot read config file " + value.substr(1));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Calls a factory once up front, so a plugin that does not load fails the run with one
// message instead of every case.
template <typename Factory>
sdk::Status Probe(const Factory& factory) {
  if (!factory) return sdk::Status::Ok();
  auto made = factory();
  return made.ok() ? sdk::Status::Ok() : made.status();
}

}  // namespace

std::vector<FactorySource> LibraryFactorySources() {
  auto library = [](auto* interface_tag) {
    using Interface = std::remove_pointer_t<decltype(interface_tag)>;
    return [](const std::string& path, const std::string& config) -> sdk::Result<SuiteFactories> {
      SuiteFactories factories;
      auto factory = [path, config] {
        return pluginhost::LoadPluginLibrary<Interface>(path, config);
      };
      if constexpr (std::is_same_v<Interface, sdk::RuntimeService>) factories.runtime = factory;
      if constexpr (std::is_same_v<Interface, sdk::NetworkPlugin>) factories.network = factory;
      if constexpr (std::is_same_v<Interface, sdk::StoragePlugin>) factories.storage = factory;
      return factories;
    };
  };
  return {
      {"--runtime", "LIB.so", "a runtime plugin library (skiff.runtime.v1)",
       library(static_cast<sdk::RuntimeService*>(nullptr))},
      {"--network", "LIB.so", "a network plugin library (skiff.network.v1)",
       library(static_cast<sdk::NetworkPlugin*>(nullptr))},
      {"--storage", "LIB.so", "a storage plugin library (skiff.storage.v1)",
       library(static_cast<sdk::StoragePlugin*>(nullptr))},
  };
}

int RunConformance(int argc, char** argv, std::vector<FactorySource> sources) {
  if (sources.empty()) sources = LibraryFactorySources();
  std::vector<char*> gtest_args = {argv[0]};
  std::vector<Request> requests;
  std::string config = "{}";
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value_of = [&](const std::string& option) -> std::optional<std::string> {
      if (arg.rfind(option + "=", 0) == 0) return arg.substr(option.size() + 1);
      if (arg == option && i + 1 < argc) return std::string(argv[++i]);
      return std::nullopt;
    };
    if (arg == "--help" || arg == "-h") {
      PrintUsage(std::cout, sources);
      return 0;
    }
    if (arg.rfind("--gtest_", 0) == 0) {
      gtest_args.push_back(argv[i]);
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (auto value = value_of("--config")) {
      auto read = ReadConfig(*value);
      if (!read.ok()) {
        std::cerr << "skiff-conformance: " << read.status().ToString() << "\n";
        return 2;
      }
      config = *read;
    } else {
      const FactorySource* matched = nullptr;
      std::optional<std::string> source_value;
      for (const auto& source : sources) {
        if ((source_value = value_of(source.option))) {
          matched = &source;
          break;
        }
      }
      if (!matched) {
        std::cerr << "skiff-conformance: unknown or incomplete option " << arg << "\n";
        PrintUsage(std::cerr, sources);
        return 2;
      }
      requests.push_back({matched, *source_value});
    }
  }
  // Plugins load once per case; their info logs would drown the report.
  if (!verbose) spdlog::set_level(spdlog::level::warn);
  if (requests.empty()) {
    std::cerr << "skiff-conformance: name at least one plugin\n";
    PrintUsage(std::cerr, sources);
    return 2;
  }

  std::map<std::string, int> per_kind;  // a second plugin of one kind gets a labelled suite
  auto label = [&](const std::string& kind, const std::string& value) {
    return per_kind[kind]++ == 0 ? std::string() : value;
  };
  for (const auto& request : requests) {
    auto factories = request.source->make(request.value, config);
    sdk::Status st = factories.ok() ? sdk::Status::Ok() : factories.status();
    if (st.ok()) st = Probe(factories->runtime);
    if (st.ok()) st = Probe(factories->network);
    if (st.ok()) st = Probe(factories->storage);
    if (!st.ok()) {
      std::cerr << "skiff-conformance: " << request.source->option << " " << request.value << ": "
                << st.ToString() << "\n";
      return 2;
    }
    if (factories->runtime) {
      RegisterRuntimeSuite(factories->runtime, {}, label("runtime", request.value));
    }
    if (factories->network) {
      RegisterNetworkSuite(factories->network, {}, label("network", request.value));
    }
    if (factories->storage) {
      RegisterStorageSuite(factories->storage, {}, label("storage", request.value));
    }
  }

  int gtest_argc = static_cast<int>(gtest_args.size());
  testing::InitGoogleTest(&gtest_argc, gtest_args.data());
  testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
  if (!verbose) delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new internal::ReportPrinter(std::cout));
  return RUN_ALL_TESTS() == 0 ? 0 : 1;
}

}  // namespace skiff::conformance
