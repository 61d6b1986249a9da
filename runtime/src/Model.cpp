// Loading an artifact. The checks run in this order, each failing with one line
// that names the file and both sides of a mismatch:
//   1. the ELF header: a readable ELF file of this machine's class, byte order
//      and e_machine, and a shared library (ElfCheck.cpp);
//   2. dlopen(RTLD_NOW | RTLD_LOCAL), with dlerror()'s text;
//   3. the DLC_ARTIFACT_SYMBOL export ("not a dlc artifact"), and that it
//      returns a descriptor;
//   4. magic, then format version (read before any other field: in another
//      format the rest may mean something else);
//   5. the writer's dlc version: same major.minor as this runtime;
//   6. the descriptor's arch and pointers;
//   7. decodePlan (Plan.h), then what the runtime relies on beyond it: inputs are
//      Input buffers, outputs Output buffers, names unique, copies write only
//      outputs and intermediates.
#include "Model.h"

#include <dlfcn.h>

#include <cstdio>
#include <set>

#include "ElfCheck.h"
#include "Error.h"

#ifndef DLC_RUNTIME_VERSION
#error "DLC_RUNTIME_VERSION must be defined (the project version, from CMake)"
#endif

namespace dlc::runtime::impl {

namespace {

struct Version {
  int major = -1, minor = -1, patch = -1;
};

bool parseVersion(const std::string& s, Version& v) {
  char tail = 0;
  return std::sscanf(s.c_str(), "%d.%d.%d%c", &v.major, &v.minor, &v.patch, &tail) >= 3 && v.major >= 0 &&
         v.minor >= 0 && v.patch >= 0;
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%#x", static_cast<unsigned>(v));
  return buf;
}

std::string quotedNames(const Plan& p, const std::vector<uint32_t>& ids) {
  if (ids.empty()) return "none";
  std::string s;
  for (uint32_t id : ids) s += (s.empty() ? "'" : ", '") + p.buffers[id].name + "'";
  return s;
}

}  // namespace

const char* runtimeVersion() { return DLC_RUNTIME_VERSION; }

std::string typeString(int dtype, const int64_t* extents, size_t rank) {
  std::string s = dtype >= 1 && dtype <= 13 ? elemName(static_cast<ElemType>(dtype)) : "dtype(" + std::to_string(dtype) + ")";
  s += "[";
  for (size_t i = 0; i < rank; ++i) {
    if (i) s += 'x';
    s += std::to_string(extents[i]);
  }
  return s + "]";
}

Model::~Model() {
  if (handle_) dlclose(handle_);
}

std::shared_ptr<const Model> Model::load(const std::string& path) {
  checkElfHeader(path);

  std::shared_ptr<Model> m(new Model());
  m->path_ = path;
  dlerror();
  m->handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!m->handle_) {
    const char* err = dlerror();
    fail(DLC_ERROR_LOAD, "cannot load " + path + ": " + (err ? err : "unknown dlopen error"));
  }
  void* sym = dlsym(m->handle_, DLC_ARTIFACT_SYMBOL);
  if (!sym) fail(DLC_ERROR_LOAD, path + " is not a dlc artifact (it does not export " DLC_ARTIFACT_SYMBOL ")");
  m->desc_ = reinterpret_cast<DlcArtifactDescriptorFn>(sym)();
  if (!m->desc_) fail(DLC_ERROR_LOAD, path + ": " DLC_ARTIFACT_SYMBOL " returned no descriptor");
  const DlcArtifactDescriptor& d = *m->desc_;

  if (d.magic != DLC_ARTIFACT_MAGIC)
    fail(DLC_ERROR_LOAD, path + ": bad artifact magic " + hex(d.magic) + ", expected " + hex(DLC_ARTIFACT_MAGIC));
  if (d.format_version != DLC_ARTIFACT_FORMAT_VERSION)
    fail(DLC_ERROR_VERSION, path + ": artifact format version " + std::to_string(d.format_version) +
                                ", this runtime reads " + std::to_string(DLC_ARTIFACT_FORMAT_VERSION));

  m->dlcVersion_ = d.dlc_version ? d.dlc_version : "";
  Version theirs, ours;
  parseVersion(runtimeVersion(), ours);
  if (!parseVersion(m->dlcVersion_, theirs))
    fail(DLC_ERROR_VERSION, path + ": written by dlc version '" + m->dlcVersion_ + "', which is not a version number");
  if (theirs.major != ours.major || theirs.minor != ours.minor)
    fail(DLC_ERROR_VERSION, path + ": written by dlc " + m->dlcVersion_ + ", this runtime is dlc " + runtimeVersion() +
                                " (major.minor must match)");

  m->arch_ = d.arch ? d.arch : "";
  if (m->arch_ != hostArch())
    fail(DLC_ERROR_LOAD, path + ": the descriptor says arch '" + m->arch_ + "', this machine is " + hostArch());
  if (d.num_kernels > 0 && (!d.kernels || !d.kernel_names))
    fail(DLC_ERROR_LOAD, path + ": the descriptor has " + std::to_string(d.num_kernels) + " kernels but no kernel table");
  for (uint32_t k = 0; k < d.num_kernels; ++k) {
    if (!d.kernels[k]) fail(DLC_ERROR_LOAD, path + ": kernel " + std::to_string(k) + " is NULL");
    m->kernelNames_.push_back(d.kernel_names[k] ? d.kernel_names[k] : "kernel" + std::to_string(k));
  }
  if (!d.plan || d.plan_size == 0) fail(DLC_ERROR_LOAD, path + ": the descriptor has no plan");
  if (d.weights_size > 0 && !d.weights) fail(DLC_ERROR_LOAD, path + ": the descriptor has weights_size but no weights");

  try {
    m->plan_ = decodePlan(d.plan, d.plan_size, d.num_kernels, d.weights_size);
  } catch (const std::exception& e) {
    fail(DLC_ERROR_LOAD, path + ": " + e.what());
  }

  const Plan& p = m->plan_;
  auto bad = [&](const std::string& what) { fail(DLC_ERROR_LOAD, path + ": plan: " + what); };
  std::set<std::string> inNames, outNames;
  for (uint32_t id : p.inputs) {
    if (p.buffers[id].kind != BufferKind::Input) bad("input '" + p.buffers[id].name + "' is not an input buffer");
    if (!inNames.insert(p.buffers[id].name).second) bad("two inputs are called '" + p.buffers[id].name + "'");
  }
  for (uint32_t id : p.outputs) {
    if (p.buffers[id].kind != BufferKind::Output) bad("output '" + p.buffers[id].name + "' is not an output buffer");
    if (!outNames.insert(p.buffers[id].name).second) bad("two outputs are called '" + p.buffers[id].name + "'");
  }
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    const PlanBuffer& b = p.buffers[i];
    if (b.kind == BufferKind::Input && !inNames.count(b.name)) bad("input buffer '" + b.name + "' is not listed as an input");
    if (b.kind == BufferKind::Output) m->outputBytes_ += b.bytes;
  }
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const PlanStep& s = p.steps[i];
    if (s.kernel != kCopyStep) continue;
    BufferKind dst = p.buffers[s.args[1]].kind;
    if (dst != BufferKind::Output && dst != BufferKind::Intermediate)
      bad("step " + std::to_string(i) + " copies into an input or a constant");
  }
  return m;
}

int Model::inputIndex(const std::string& name) const {
  for (size_t i = 0; i < plan_.inputs.size(); ++i)
    if (input(i).name == name) return static_cast<int>(i);
  return -1;
}

int Model::outputIndex(const std::string& name) const {
  for (size_t i = 0; i < plan_.outputs.size(); ++i)
    if (output(i).name == name) return static_cast<int>(i);
  return -1;
}

std::string Model::inputNames() const { return quotedNames(plan_, plan_.inputs); }
std::string Model::outputNames() const { return quotedNames(plan_, plan_.outputs); }

}  // namespace dlc::runtime::impl
