// What plugins register into: frontends, passes, targets, and extra ops or op
// attributes. Each registration records which plugin made it, so `dlc plugins`
// can list it and a duplicate name is reported with both plugin files.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dlc/ir/IR.h"
#include "dlc/ir/OpRegistry.h"
#include "dlc/pass/PassRegistry.h"
#include "dlc/target/Target.h"

namespace dlc {

struct FrontendOptions {
  // Fixes symbolic input dims: input name -> extents (tvmc's --input-shapes).
  std::map<std::string, std::vector<int64_t>> inputShapes;
};

struct FrontendInfo {
  std::string name;                     // "onnx"
  std::vector<std::string> extensions;  // {".onnx"}
  std::string summary;
  std::function<std::unique_ptr<Module>(const std::string& path, const FrontendOptions&)> load;
};

// What one plugin registered, for listing.
struct PluginRecord {
  std::string name;
  std::string version;
  std::string file;
  std::vector<std::string> registered;  // "pass dce", "frontend onnx", ...
};

class Registry {
 public:
  Registry();

  void addFrontend(FrontendInfo info);
  void addPass(PassInfo info);
  void addTarget(TargetInfo info);
  void addOp(OpDef def);  // into OpRegistry::global()
  void attachOpAttr(const std::string& op, const std::string& key, std::any value);

  const FrontendInfo* findFrontend(const std::string& name) const;
  // The frontend claiming the file's extension; throws listing the known ones.
  const FrontendInfo& frontendForFile(const std::string& path) const;
  const std::vector<FrontendInfo>& frontends() const { return frontends_; }
  const PassRegistry& passes() const { return passes_; }
  const TargetInfo* findTarget(const std::string& name) const;
  const TargetInfo& target(const std::string& name) const;  // throws listing known
  const std::vector<TargetInfo>& targets() const { return targets_; }

  // Loads a model with the frontend chosen by file extension.
  std::unique_ptr<Module> loadModel(const std::string& path, const FrontendOptions& opts = {}) const;

  // Plugin bookkeeping, used by the loader.
  void beginPlugin(const std::string& name, const std::string& version, const std::string& file);
  void endPlugin();
  void abortPlugin();  // a plugin's registration failed: forget what it added
  const std::vector<PluginRecord>& plugins() const { return plugins_; }

 private:
  void noteRegistered(const std::string& what, const std::string& key);
  std::vector<FrontendInfo> frontends_;
  PassRegistry passes_;
  std::vector<TargetInfo> targets_;
  std::vector<PluginRecord> plugins_;
  std::map<std::string, std::string> owners_;  // "pass dce" -> plugin file
  PluginRecord* current_ = nullptr;
  size_t snapFrontends_ = 0, snapTargets_ = 0, snapPasses_ = 0;
};

}  // namespace dlc
