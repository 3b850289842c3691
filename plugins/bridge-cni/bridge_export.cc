// The shared-library packaging: libskiff-bridge-cni.so exports the bridge plugin's factory.
#include <skiff/sdk/export.h>

#include "plugins/bridge-cni/bridge_plugin.h"

SKIFF_EXPORT_NETWORK_PLUGIN("bridge", &skiff::bridge_cni::NewBridgePlugin)
