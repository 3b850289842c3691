#include "plugins/mock-runtime/mock_runtime_config.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace skiff::mock {

sdk::Result<MockRuntimeConfig> ParseMockRuntimeConfig(const std::string& json) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(json.empty() ? "{}" : json, ec);
  if (ec) return sdk::Status::InvalidArgument("mock runtime config is not JSON: " + ec.message());
  if (!root.is_object())
    return sdk::Status::InvalidArgument("mock runtime config must be an object");
  MockRuntimeConfig config;
  for (const auto& [key, value] : root.as_object()) {
    if (key == "failPullImages") {
      if (!value.is_array()) return sdk::Status::InvalidArgument("failPullImages must be a list");
      for (const auto& image : value.as_array()) {
        if (!image.is_string()) {
          return sdk::Status::InvalidArgument("failPullImages entries must be strings");
        }
        config.fail_pull_images.emplace_back(image.as_string());
      }
    } else if (key == "netns") {
      if (!value.is_bool()) return sdk::Status::InvalidArgument("netns must be true or false");
      config.netns = value.as_bool();
    } else {
      return sdk::Status::InvalidArgument("mock runtime config: unknown key \"" + std::string(key) +
                                          "\" (known: failPullImages, netns)");
    }
  }
  return config;
}

}  // namespace skiff::mock
