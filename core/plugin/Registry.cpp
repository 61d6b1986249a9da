// The registry plugins register into. Every name a plugin claims (its own name,
// frontends, file extensions, passes, targets, ops) is recorded with the file
// that claimed it, so a second claim names both files, and a plugin whose
// registration fails can be forgotten without a trace (abortPlugin).
//
// Note on ops: ops live in the process-wide OpRegistry, which outlives any one
// Registry. An op's owner is therefore remembered process-wide too: the same
// plugin file registering the same op again (into a fresh Registry, say) is a
// no-op, while another file claiming the name is an error. Ops are not removed by
// abortPlugin; the library that defined them stays loaded for the process.
#include "dlc/plugin/Registry.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>

#include "dlc/support/Error.h"

namespace dlc {

namespace {

const char* const kHostOwner = "the dlc host program";

// attachOpAttr(op, kAttrSchemaKey, AttrSpec{...}) adds an optional attribute to
// the op's schema, so nodes carrying it verify, print and parse (docs/plugins.md).
const char* const kAttrSchemaKey = "dlc.attr-schema";

// Op name -> the file of the plugin (or the host) that added it, process-wide.
std::map<std::string, std::string>& opOwners() {
  static auto* owners = new std::map<std::string, std::string>();
  return *owners;
}
std::mutex& opOwnersMutex() {
  static auto* m = new std::mutex();
  return *m;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& i : items) s += (s.empty() ? "" : ", ") + i;
  return s.empty() ? "none" : s;
}

}  // namespace

Registry::Registry() = default;

// `what` is the kind ("pass"), `key` the name ("dce"). Throws if the name is
// already claimed; otherwise records the claim for the current plugin.
void Registry::noteRegistered(const std::string& what, const std::string& key) {
  const std::string owned = what + " " + key;
  auto it = owners_.find(owned);
  if (it != owners_.end()) {
    std::string who = current_ ? "plugin " + current_->file + ": " : "";
    fail(who, what, " '", key, "' is already registered by ", it->second);
  }
  owners_[owned] = current_ ? current_->file : kHostOwner;
  if (current_ && what != "extension") current_->registered.push_back(owned);
}

void Registry::addFrontend(FrontendInfo info) {
  std::string who = current_ ? "plugin " + current_->file + ": " : "";
  DLC_CHECK(!info.name.empty(), who, "a frontend has no name");
  DLC_CHECK(static_cast<bool>(info.load), who, "frontend '", info.name, "' has no load function");
  for (std::string& e : info.extensions) {
    DLC_CHECK(!e.empty(), who, "frontend '", info.name, "' claims an empty file extension");
    if (e[0] != '.') e = "." + e;
    e = lower(e);
  }
  // Check every name first so a failed frontend claims nothing.
  auto check = [&](const std::string& what, const std::string& key) {
    auto it = owners_.find(what + " " + key);
    if (it != owners_.end()) fail(who, what, " '", key, "' is already registered by ", it->second);
  };
  check("frontend", info.name);
  for (size_t i = 0; i < info.extensions.size(); ++i) {
    check("extension", info.extensions[i]);
    for (size_t j = 0; j < i; ++j) {
      DLC_CHECK(info.extensions[i] != info.extensions[j], who, "frontend '", info.name,
                "' claims extension '", info.extensions[i], "' twice");
    }
  }
  noteRegistered("frontend", info.name);
  for (const std::string& e : info.extensions) noteRegistered("extension", e);
  frontends_.push_back(std::move(info));
}

void Registry::addPass(PassInfo info) {
  std::string who = current_ ? "plugin " + current_->file + ": " : "";
  DLC_CHECK(!info.name.empty(), who, "a pass has no name");
  DLC_CHECK(static_cast<bool>(info.create), who, "pass '", info.name, "' has no create function");
  noteRegistered("pass", info.name);
  passes_.add(std::move(info));
}

void Registry::addTarget(TargetInfo info) {
  std::string who = current_ ? "plugin " + current_->file + ": " : "";
  DLC_CHECK(!info.name.empty(), who, "a target has no name");
  noteRegistered("target", info.name);
  targets_.push_back(std::move(info));
}

void Registry::addOp(OpDef def) {
  std::string who = current_ ? "plugin " + current_->file + ": " : "";
  const std::string owner = current_ ? current_->file : kHostOwner;
  const std::string name = def.name;
  DLC_CHECK(!name.empty(), who, "an op has no name");
  std::lock_guard<std::mutex> lock(opOwnersMutex());
  auto it = opOwners().find(name);
  if (it != opOwners().end()) {
    if (it->second != owner) fail(who, "op '", name, "' is already registered by ", it->second);
  } else {
    if (OpRegistry::global().find(name)) {
      fail(who, "op '", name, "' is already registered by dlc core (a standard op)");
    }
    OpRegistry::global().add(std::move(def));
    opOwners()[name] = owner;
  }
  if (current_) current_->registered.push_back("op " + name);
}

void Registry::attachOpAttr(const std::string& op, const std::string& key, std::any value) {
  std::string who = current_ ? "plugin " + current_->file + ": " : "";
  const OpDef* def = OpRegistry::global().find(op);
  DLC_CHECK(def != nullptr, who, "cannot attach '", key, "' to unknown op '", op, "'");
  if (key == kAttrSchemaKey) {
    const AttrSpec* spec = std::any_cast<AttrSpec>(&value);
    DLC_CHECK(spec != nullptr, who, "'", kAttrSchemaKey, "' attached to op '", op,
              "' must hold a dlc::AttrSpec");
    DLC_CHECK(!spec->required, who, "attribute '", spec->name, "' added to op '", op,
              "' cannot be required (existing models do not have it)");
    std::lock_guard<std::mutex> lock(opOwnersMutex());
    if (const AttrSpec* existing = def->findAttr(spec->name)) {
      DLC_CHECK(existing->kind == spec->kind, who, "op '", op, "' already has attribute '", spec->name,
                "' of kind ", attrKindName(existing->kind));
    } else {
      // The OpDef is owned (non-const) by the op registry; only its schema grows.
      const_cast<OpDef*>(def)->attrs.push_back(*spec);
    }
    if (current_) current_->registered.push_back("op-attr " + op + "." + spec->name);
    return;
  }
  OpRegistry::global().attach(op, key, std::move(value));
  if (current_) current_->registered.push_back("op-extra " + op + "." + key);
}

const FrontendInfo* Registry::findFrontend(const std::string& name) const {
  for (const FrontendInfo& f : frontends_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FrontendInfo& Registry::frontendForFile(const std::string& path) const {
  const std::string file = lower(std::filesystem::path(path).filename().string());
  const FrontendInfo* best = nullptr;
  size_t bestLen = 0;
  std::vector<std::string> known;
  for (const FrontendInfo& f : frontends_) {
    for (const std::string& e : f.extensions) {
      known.push_back(e);
      // The longest claimed suffix wins (".tar.gz" over ".gz").
      if (file.size() > e.size() && endsWith(file, e) && e.size() > bestLen) {
        best = &f;
        bestLen = e.size();
      }
    }
  }
  if (best) return *best;
  std::sort(known.begin(), known.end());
  std::string ext = std::filesystem::path(path).extension().string();
  fail("no frontend for '", path, "' (", ext.empty() ? "no file extension" : "extension '" + ext + "'",
       "); known extensions: ", joined(known),
       "; a plugin adding this format can be loaded with --plugin=PATH");
}

const TargetInfo* Registry::findTarget(const std::string& name) const {
  for (const TargetInfo& t : targets_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const TargetInfo& Registry::target(const std::string& name) const {
  if (const TargetInfo* t = findTarget(name)) return *t;
  std::vector<std::string> known;
  for (const TargetInfo& t : targets_) known.push_back(t.name);
  std::sort(known.begin(), known.end());
  fail("unknown target '", name, "'; known targets: ", joined(known),
       "; a plugin adding it can be loaded with --plugin=PATH");
}

std::unique_ptr<Module> Registry::loadModel(const std::string& path, const FrontendOptions& opts) const {
  const FrontendInfo& f = frontendForFile(path);
  std::unique_ptr<Module> m = f.load(path, opts);
  DLC_CHECK(m != nullptr, "frontend '", f.name, "' returned no module for '", path, "'");
  return m;
}

void Registry::beginPlugin(const std::string& name, const std::string& version, const std::string& file) {
  DLC_CHECK(current_ == nullptr, "plugin ", file, ": registration started while plugin ", current_->file,
            " is still registering");
  DLC_CHECK(!name.empty(), "plugin ", file, ": the plugin has no name");
  auto it = owners_.find("plugin " + name);
  if (it != owners_.end()) {
    fail("plugin ", file, ": plugin '", name, "' is already registered by ", it->second);
  }
  plugins_.push_back(PluginRecord{name, version, file, {}});
  current_ = &plugins_.back();
  owners_["plugin " + name] = file;
  snapFrontends_ = frontends_.size();
  snapTargets_ = targets_.size();
  snapPasses_ = passes_.all().size();
}

void Registry::endPlugin() { current_ = nullptr; }

void Registry::abortPlugin() {
  if (!current_) return;
  const std::string file = current_->file;
  frontends_.resize(std::min(frontends_.size(), snapFrontends_));
  targets_.resize(std::min(targets_.size(), snapTargets_));
  if (passes_.all().size() > snapPasses_) {
    PassRegistry kept;
    for (size_t i = 0; i < snapPasses_; ++i) kept.add(passes_.all()[i]);
    passes_ = std::move(kept);
  }
  for (auto it = owners_.begin(); it != owners_.end();) {
    it = it->second == file ? owners_.erase(it) : std::next(it);
  }
  plugins_.pop_back();
  current_ = nullptr;
}

}  // namespace dlc
