// dlc-run-artifact: runs a compiled artifact on raw input bytes, with nothing
// but the runtime library. It is how a host runs an artifact built for another
// architecture through an emulator (the `arm` target under qemu-aarch64), so it
// is cross-built with the runtime and has no dependency on the compiler.
//
//   dlc-run-artifact MODEL.so INPUTS.bin OUTPUTS.bin [--threads N]
//
// INPUTS.bin holds every input's bytes in the model's input order (exactly the
// byte size of each input's type); OUTPUTS.bin receives every output's bytes in
// output order. Errors are one line on stderr and exit code 1 (2 for usage).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dlc/runtime/dlc_runtime.h"

namespace {

int failWith(const std::string& msg) {
  std::fprintf(stderr, "dlc-run-artifact: error: %s\n", msg.c_str());
  return 1;
}

bool readAll(const char* path, std::vector<char>& out) {
  FILE* f = std::fopen(path, "rb");
  if (!f) return false;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
  bool ok = !std::ferror(f);
  std::fclose(f);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::printf("usage: dlc-run-artifact MODEL.so INPUTS.bin OUTPUTS.bin [--threads N]\n");
    return 0;
  }
  if (argc != 4 && argc != 6) {
    std::fprintf(stderr, "usage: dlc-run-artifact MODEL.so INPUTS.bin OUTPUTS.bin [--threads N]\n");
    return 2;
  }
  int threads = 0;
  if (argc == 6) {
    if (std::strcmp(argv[4], "--threads") != 0) return 2;
    threads = std::atoi(argv[5]);
  }
  DlcModel* model = dlc_model_load(argv[1]);
  if (!model) return failWith(dlc_last_error());
  DlcInstance* inst = dlc_instance_create(model, threads);
  if (!inst) return failWith(dlc_last_error());
  std::vector<char> in;
  if (!readAll(argv[2], in)) return failWith(std::string("cannot read ") + argv[2]);
  size_t at = 0;
  for (int32_t i = 0; i < dlc_model_num_inputs(model); ++i) {
    DlcTensorInfo info;
    dlc_model_input_info(model, i, &info);
    if (in.size() - at < info.bytes) return failWith(std::string("input file too short for input '") + info.name + "'");
    if (dlc_instance_set_input(inst, info.name, in.data() + at, info.dtype, info.rank, info.extents) != DLC_OK)
      return failWith(dlc_last_error());
    at += info.bytes;
  }
  if (at != in.size()) return failWith("input file has trailing bytes");
  if (dlc_instance_run(inst) != DLC_OK) return failWith(dlc_last_error());
  FILE* f = std::fopen(argv[3], "wb");
  if (!f) return failWith(std::string("cannot write ") + argv[3]);
  for (int32_t i = 0; i < dlc_model_num_outputs(model); ++i) {
    DlcTensorInfo info;
    dlc_model_output_info(model, i, &info);
    const void* p = dlc_instance_output(inst, i);
    if (info.bytes && (!p || std::fwrite(p, 1, info.bytes, f) != info.bytes)) {
      std::fclose(f);
      return failWith(std::string("cannot write output '") + info.name + "'");
    }
  }
  if (std::fclose(f) != 0) return failWith(std::string("cannot write ") + argv[3]);
  dlc_instance_free(inst);
  dlc_model_free(model);
  return 0;
}
