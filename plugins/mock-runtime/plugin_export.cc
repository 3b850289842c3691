// The shared-library entry point of the mock runtime.
#include <skiff/sdk/export.h>

#include "plugins/mock-runtime/mock_runtime.h"

SKIFF_EXPORT_RUNTIME_PLUGIN("mock", &skiff::mock::NewMockRuntime)
