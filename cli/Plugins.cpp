// `dlc plugins`: what was loaded, from where, and what it registered; then the
// frontends, passes and targets available.
#include <algorithm>
#include <iostream>

#include "Command.h"

namespace dlc::cli {

namespace {

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

std::string slotName(PipelineSlot slot) {
  switch (slot) {
    case PipelineSlot::None: return "none";
    case PipelineSlot::Canonicalize: return "canonicalize";
    case PipelineSlot::Simplify: return "simplify";
    case PipelineSlot::Fold: return "fold";
    case PipelineSlot::Optimize: return "optimize";
    case PipelineSlot::Layout: return "layout";
    case PipelineSlot::Fusion: return "fusion";
    case PipelineSlot::Cleanup: return "cleanup";
  }
  return std::to_string(static_cast<int>(slot));
}

int runPlugins(const ParsedArgs& args, Session& session) {
  if (!args.positionals().empty()) {
    throw UsageError("unexpected argument '" + args.positionals()[0] + "' (dlc plugins takes none)");
  }
  const Registry& reg = session.registry();
  std::ostream& os = std::cout;

  os << "plugins (" << reg.plugins().size() << "):\n";
  for (const PluginRecord& p : reg.plugins()) {
    os << "  " << p.name << " " << p.version << "\n";
    os << "    file: " << p.file << "\n";
    os << "    registered:";
    if (p.registered.empty()) os << " nothing";
    os << "\n";
    for (const std::string& r : p.registered) os << "      " << r << "\n";
  }

  os << "\nfrontends (" << reg.frontends().size() << "):\n";
  for (const FrontendInfo& f : reg.frontends()) {
    std::string exts;
    for (const std::string& e : f.extensions) exts += (exts.empty() ? "" : " ") + e;
    os << "  " << pad(f.name, 12) << pad(exts, 12) << f.summary << "\n";
  }

  const auto& passes = reg.passes().all();
  os << "\npasses (" << passes.size() << "):\n";
  size_t width = 12;
  for (const PassInfo& p : passes) width = std::max(width, p.name.size() + 2);
  for (const PassInfo& p : passes) {
    std::string where = p.slot == PipelineSlot::None
                            ? "by name only"
                            : slotName(p.slot) + ", -O" + std::to_string(p.minOptLevel) + "+";
    os << "  " << pad(p.name, width) << pad("[" + where + "]", 24) << p.summary << "\n";
  }

  os << "\ntargets (" << reg.targets().size() << "):\n";
  for (const TargetInfo& t : reg.targets()) {
    os << "  " << pad(t.name, 12) << t.summary << "\n";
    for (const auto& [k, v] : t.properties) os << "      " << k << " = " << v << "\n";
  }
  return 0;
}

}  // namespace

Command pluginsCommand() {
  Command c;
  c.name = "plugins";
  c.summary = "list the loaded plugins and the frontends, passes and targets they provide";
  c.usage = "dlc plugins [--plugin=PATH]...";
  c.description =
      "Loads the plugins (--plugin paths, then DLC_PLUGIN_PATH, then the install's\n"
      "lib/dlc/plugins/) and lists each one's name, version, file and registrations,\n"
      "followed by the available frontends, passes (with their -O pipeline slot) and\n"
      "targets.";
  c.declare = [](ArgParser&) {};
  c.run = runPlugins;
  return c;
}

}  // namespace dlc::cli
