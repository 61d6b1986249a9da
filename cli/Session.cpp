#include "Command.h"

namespace dlc::cli {

Registry& Session::registry() {
  if (!registry_) {
    auto registry = std::make_unique<Registry>();
    loader_ = std::make_unique<PluginLoader>(*registry);
    registry_ = std::move(registry);
    loader_->loadAll(pluginPaths_);
  }
  return *registry_;
}

}  // namespace dlc::cli
