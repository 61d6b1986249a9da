// Bad ONNX input: each case must end in a dlc::Error (or Unsupported) whose
// message names what is wrong — never a crash or a hang.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <boost/filesystem.hpp>
#include <fstream>

#include "OnnxImporter.h"
#include "dlc/support/Error.h"

namespace {
namespace fs = boost::filesystem;
using dlc::onnx::importOnnxBytes;
using dlc::onnx::importOnnxFile;

::onnx::ValueInfoProto tensorInfo(const std::string& name, std::vector<int64_t> dims) {
  ::onnx::ValueInfoProto v;
  v.set_name(name);
  auto* t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(::onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
  return v;
}

// x -> Relu -> y, opset 17.
::onnx::ModelProto reluModel() {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  auto* os = m.add_opset_import();
  os->set_domain("");
  os->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("g");
  *g->add_input() = tensorInfo("x", {2, 3});
  *g->add_output() = tensorInfo("y", {2, 3});
  auto* n = g->add_node();
  n->set_op_type("Relu");
  n->set_name("relu");
  n->add_input("x");
  n->add_output("y");
  return m;
}

std::string errorOf(const ::onnx::ModelProto& m, const std::string& baseDir = "") {
  try {
    importOnnxBytes(m.SerializeAsString(), baseDir, "model.onnx", {});
  } catch (const dlc::Error& e) {
    return e.what();
  }
  return "<no error>";
}

std::string errorOfBytes(const std::string& bytes) {
  try {
    importOnnxBytes(bytes, "", "model.onnx", {});
  } catch (const dlc::Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(OnnxBadInput, ValidModelImports) {
  auto mod = importOnnxBytes(reluModel().SerializeAsString(), "", "model.onnx", {});
  EXPECT_EQ(mod->main().numNodes(), 1u);
  EXPECT_EQ(mod->main().outputs()[0]->type().str(), "tensor<2x3xf32>");
}

TEST(OnnxBadInput, TruncatedProtobuf) {
  std::string bytes = reluModel().SerializeAsString();
  // Every truncation either fails cleanly or (at a field boundary) yields a model
  // that is then rejected or accepted by the importer — never a crash.
  int rejected = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string err = errorOfBytes(bytes.substr(0, n));
    if (err != "<no error>") ++rejected;
  }
  EXPECT_GT(rejected, 0);
  EXPECT_EQ(errorOfBytes(bytes.substr(0, bytes.size() / 2)).rfind("model.onnx: ", 0), 0u);
}

TEST(OnnxBadInput, CorruptProtobuf) {
  EXPECT_EQ(errorOfBytes(std::string("\xff\xff\xff\xff garbage", 12)),
            "model.onnx: not a valid ONNX model (protobuf parse failed; truncated or corrupt?)");
}

TEST(OnnxBadInput, MissingGraph) {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  EXPECT_EQ(errorOf(m), "model.onnx: not a valid ONNX model (no graph)");
}

TEST(OnnxBadInput, Cycle) {
  auto m = reluModel();
  auto* g = m.mutable_graph();
  g->mutable_node(0)->set_input(0, "z");
  auto* n = g->add_node();
  n->set_op_type("Neg");
  n->set_name("neg");
  n->add_input("y");
  n->add_output("z");
  EXPECT_EQ(errorOf(m).rfind("the graph has a cycle through ", 0), 0u) << errorOf(m);
}

TEST(OnnxBadInput, UndefinedValue) {
  auto m = reluModel();
  m.mutable_graph()->mutable_node(0)->set_input(0, "nowhere");
  EXPECT_EQ(errorOf(m), "Relu 'relu' reads undefined value 'nowhere'");
}

TEST(OnnxBadInput, InitializerSizeMismatch) {
  auto m = reluModel();
  auto* init = m.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(::onnx::TensorProto::FLOAT);
  init->add_dims(2);
  init->add_dims(3);
  for (int i = 0; i < 5; ++i) init->add_float_data(1.0f);
  EXPECT_EQ(errorOf(m), "tensor 'w': float_data has 5 elements, the dims say 6");
  init->clear_float_data();
  init->set_raw_data(std::string(8, '\0'));
  EXPECT_EQ(errorOf(m), "tensor 'w': raw data has 8 bytes, the dims need 24");
}

TEST(OnnxBadInput, OverflowingDims) {
  auto m = reluModel();
  auto* init = m.mutable_graph()->add_initializer();
  init->set_name("huge");
  init->set_data_type(::onnx::TensorProto::FLOAT);
  for (int i = 0; i < 4; ++i) init->add_dims(int64_t{1} << 20);
  EXPECT_EQ(errorOf(m), "tensor 'huge': tensor dimensions overflow: the product of the extents exceeds 2^63");
}

TEST(OnnxBadInput, NegativeDim) {
  auto m = reluModel();
  auto* init = m.mutable_graph()->add_initializer();
  init->set_name("neg");
  init->set_data_type(::onnx::TensorProto::FLOAT);
  init->add_dims(-4);
  EXPECT_EQ(errorOf(m), "tensor 'neg': negative dimension -4");
}

TEST(OnnxBadInput, UnsupportedOpsListedAtOnce) {
  auto m = reluModel();
  auto* g = m.mutable_graph();
  g->mutable_output(0)->set_name("b");
  auto* a = g->add_node();
  a->set_op_type("FancyOpA");
  a->set_name("first");
  a->add_input("y");
  a->add_output("a");
  auto* b = g->add_node();
  b->set_op_type("FancyOpB");
  b->set_name("second");
  b->add_input("a");
  b->add_output("b");
  try {
    importOnnxBytes(m.SerializeAsString(), "", "model.onnx", {});
    FAIL() << "expected Unsupported";
  } catch (const dlc::Unsupported& e) {
    EXPECT_STREQ(e.what(),
                 "model.onnx: 2 unsupported nodes: [FancyOpA (opset 17) node 'first'] [FancyOpB (opset 17) node 'second']");
  }
}

TEST(OnnxBadInput, OpsetOutOfRange) {
  auto m = reluModel();
  m.mutable_opset_import(0)->set_version(99);
  EXPECT_EQ(errorOf(m), "model.onnx: ai.onnx opset 99 is not supported (dlc handles 7 to 22)");
}

class ExternalData : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fs::unique_path("dlc-extdata-%%%%%%");
    fs::create_directories(dir_ / "model");
    std::ofstream(dir_ / "model" / "weights.bin", std::ios::binary) << std::string(24, '\x01');
    std::ofstream(dir_ / "secret.bin", std::ios::binary) << std::string(24, '\x02');
  }
  void TearDown() override { fs::remove_all(dir_); }

  ::onnx::ModelProto modelWith(const std::string& location, const std::string& offset, const std::string& length) {
    auto m = reluModel();
    auto* init = m.mutable_graph()->add_initializer();
    init->set_name("w");
    init->set_data_type(::onnx::TensorProto::FLOAT);
    init->add_dims(2);
    init->add_dims(3);
    init->set_data_location(::onnx::TensorProto::EXTERNAL);
    auto add = [&](const char* k, const std::string& v) {
      if (v.empty()) return;
      auto* e = init->add_external_data();
      e->set_key(k);
      e->set_value(v);
    };
    add("location", location);
    add("offset", offset);
    add("length", length);
    return m;
  }
  std::string modelDir() const { return (dir_ / "model").string(); }
  fs::path dir_;
};

TEST_F(ExternalData, LoadsInsideModelDir) {
  auto m = modelWith("weights.bin", "", "");
  *m.mutable_graph()->mutable_output(0) = tensorInfo("w", {2, 3});
  auto mod = importOnnxBytes(m.SerializeAsString(), modelDir(), "model.onnx", {});
  EXPECT_EQ(mod->main().outputs()[0]->constant().numel(), 6);
}

TEST_F(ExternalData, AbsolutePathRefused) {
  EXPECT_EQ(errorOf(modelWith((dir_ / "secret.bin").string(), "", ""), modelDir()),
            "tensor 'w': external data location '" + (dir_ / "secret.bin").string() +
                "' is an absolute path; it must be relative to the model's directory");
}

TEST_F(ExternalData, DotDotEscapeRefused) {
  EXPECT_EQ(errorOf(modelWith("../secret.bin", "", ""), modelDir()),
            "tensor 'w': external data location '../secret.bin' escapes the model's directory");
}

TEST_F(ExternalData, PastEndOfFileRefused) {
  EXPECT_EQ(errorOf(modelWith("weights.bin", "16", "24"), modelDir()),
            "tensor 'w': external data (offset 16, length 24) runs past the end of 'weights.bin' (24 bytes)");
}

TEST_F(ExternalData, WrongLengthRefused) {
  EXPECT_EQ(errorOf(modelWith("weights.bin", "0", "12"), modelDir()),
            "tensor 'w': external data has 12 bytes, the tensor needs 24");
}

TEST_F(ExternalData, MissingFileRefused) {
  EXPECT_EQ(errorOf(modelWith("nothere.bin", "", ""), modelDir()),
            "tensor 'w': cannot open external data file 'nothere.bin'");
}

}  // namespace
