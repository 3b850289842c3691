#pragma once

// Every plain struct that crosses the plugin boundary: CRI, CNI and CSI shapes.

#include <skiff/sdk/network_types.h>
#include <skiff/sdk/runtime_types.h>
#include <skiff/sdk/storage_types.h>
