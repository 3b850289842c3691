#include "core/pluginhost/call_timeouts.h"

namespace skiff::pluginhost {

std::string FormatDuration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

std::string PluginCallPrefix(std::string_view kind, std::string_view plugin, std::string_view op) {
  std::string out(kind);
  out += " plugin '";
  out += plugin;
  out += "' ";
  out += op;
  out += ": ";
  return out;
}

std::string NoAnswerMessage(std::string_view kind, std::string_view plugin, std::string_view op,
                            std::chrono::milliseconds timeout) {
  return PluginCallPrefix(kind, plugin, op) + "no answer within " + FormatDuration(timeout);
}

}  // namespace skiff::pluginhost
