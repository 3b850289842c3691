#pragma once

// The mock runtime's JSON config:
//   {"failPullImages": ["bad/image"],  // PullImage fails for a reference containing one
//    "netns": true}                    // a real network namespace per sandbox
// Unknown keys are rejected so a typo does not silently change a test.

#include <skiff/sdk/status.h>

#include <string>
#include <vector>

namespace skiff::mock {

struct MockRuntimeConfig {
  std::vector<std::string> fail_pull_images;
  bool netns = false;
};

sdk::Result<MockRuntimeConfig> ParseMockRuntimeConfig(const std::string& json);

}  // namespace skiff::mock
