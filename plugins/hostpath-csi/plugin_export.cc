// The shared-library entry point of the hostpath CSI driver.
#include <skiff/sdk/export.h>

#include "plugins/hostpath-csi/hostpath_plugin.h"

SKIFF_EXPORT_STORAGE_PLUGIN("hostpath", &skiff::hostpath::NewHostpathPlugin)
