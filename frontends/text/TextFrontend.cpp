// The text IR frontend plugin: registers the "dlcir" frontend for .dlcir files
// (the text format of docs/text-ir.md). Loading parses the file, fixes
// symbolic input dims from --input-shapes, re-infers types when any were fixed,
// and verifies the module.
#include <map>

#include "dlc/ir/Parser.h"
#include "dlc/ir/Verifier.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"

namespace {

// Replaces the arguments' types by the requested extents. A symbol fixed on
// one argument is fixed to the same extent wherever it appears on the others.
void applyInputShapes(dlc::Function& f, const dlc::FrontendOptions& opts) {
  std::map<std::string, int64_t> symbols;
  for (const auto& [name, extents] : opts.inputShapes) {
    dlc::Value* v = f.findValue(name);
    DLC_CHECK(v && v->kind() == dlc::Value::Kind::Argument, "--input-shapes: the model has no input '", name,
              "'");
    const dlc::TensorType& t = v->type();
    DLC_CHECK(!t.ranked || t.rank() == static_cast<int64_t>(extents.size()), "--input-shapes: input '", name,
              "' has rank ", t.rank(), ", got ", extents.size(), " dims");
    for (size_t i = 0; i < extents.size(); ++i) {
      DLC_CHECK(extents[i] >= 0, "--input-shapes: input '", name, "' dim ", i, " is negative");
      if (!t.ranked) continue;
      const dlc::Dim& d = t.shape[i];
      DLC_CHECK(!d.isStatic() || d.value == extents[i], "--input-shapes: input '", name, "' dim ", i, " is ",
                d.value, " in the model, got ", extents[i]);
      if (!d.isStatic() && d.symbol != "?" && !d.symbol.empty()) {
        auto [it, fresh] = symbols.emplace(d.symbol, extents[i]);
        DLC_CHECK(fresh || it->second == extents[i], "--input-shapes: dim '", d.symbol, "' is given as both ",
                  it->second, " and ", extents[i]);
      }
    }
    v->setType(dlc::TensorType::fromExtents(t.dtype, extents));
  }
  for (dlc::Value* a : f.arguments()) {
    dlc::TensorType t = a->type();
    if (!t.ranked) continue;
    for (dlc::Dim& d : t.shape) {
      auto it = d.isStatic() ? symbols.end() : symbols.find(d.symbol);
      if (it != symbols.end()) d = dlc::Dim(it->second);
    }
    a->setType(std::move(t));
  }
}

std::unique_ptr<dlc::Module> loadText(const std::string& path, const dlc::FrontendOptions& opts) {
  std::unique_ptr<dlc::Module> m = dlc::parseModuleFile(path);  // errors name path:line:col
  try {
    if (!opts.inputShapes.empty()) {
      dlc::Function& f = m->main();
      applyInputShapes(f, opts);
      dlc::inferTypes(f);
    }
    dlc::verifyModule(*m);
  } catch (const dlc::Unsupported& e) {
    throw dlc::Unsupported(path + ": " + e.what());
  } catch (const dlc::Error& e) {
    throw dlc::Error(path + ": " + e.what());
  }
  return m;
}

void registerText(dlc::Registry& r) {
  dlc::FrontendInfo info;
  info.name = "dlcir";
  info.extensions = {".dlcir"};
  info.summary = "dlc text IR (docs/text-ir.md)";
  info.load = loadText;
  r.addFrontend(std::move(info));
}

}  // namespace

DLC_DEFINE_PLUGIN("text-frontend", "0.1.0", registerText)
