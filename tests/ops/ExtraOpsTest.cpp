// Unit tests of the loss, recurrent, signal, sampling and misc ops. Expected
// values were computed with ONNX Runtime (or the onnx package's reference
// evaluator where ONNX Runtime lacks the op or attribute) and pasted in.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "dlc/ir/IR.h"
#include "dlc/ir/OpRegistry.h"
#include "dlc/support/Error.h"

namespace dlc {
namespace {

// Whether a computed type fits an inferred one: same dtype and rank, equal
// static dims (ops with data-dependent shapes infer unknown dims).
bool matches(const TensorType& inferred, const TensorType& actual) {
  if (inferred.dtype != actual.dtype || inferred.rank() != actual.rank()) return false;
  for (size_t i = 0; i < inferred.shape.size(); ++i)
    if (inferred.shape[i].isStatic() && inferred.shape[i] != actual.shape[i]) return false;
  return true;
}

// Builds one node over constant inputs (an undefined Tensor is an absent
// optional input), infers its types and evaluates it.
struct OneNode {
  Function fn{"test"};
  Node* node = nullptr;

  OneNode(const std::string& op, const std::vector<Tensor>& inputs, AttrMap attrs, size_t numOutputs) {
    std::vector<Value*> ins;
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::string name = std::to_string(i);
      name.insert(0, 1, 'c');
      ins.push_back(inputs[i].defined() ? fn.addConstant(name, inputs[i]) : nullptr);
    }
    node = fn.addNode(op, ins, std::move(attrs), std::vector<TensorType>(numOutputs));
  }
  std::vector<Tensor> run() {
    std::vector<TensorType> inferred = inferNodeTypes(*node);
    std::vector<const Tensor*> ptrs;
    for (Value* v : node->inputs()) ptrs.push_back(v ? &v->constant() : nullptr);
    std::vector<Tensor> outs = evaluateNode(*node, ptrs);
    EXPECT_EQ(outs.size(), node->numOutputs());
    for (size_t i = 0; i < outs.size() && i < inferred.size(); ++i)
      EXPECT_TRUE(matches(inferred[i], outs[i].type())) << "result " << i << ": inferred " << inferred[i].str()
                                                        << ", computed " << outs[i].type().str();
    return outs;
  }
};

std::vector<Tensor> run(const std::string& op, const std::vector<Tensor>& inputs, AttrMap attrs = {},
                        size_t numOutputs = 1) {
  OneNode n(op, inputs, std::move(attrs), numOutputs);
  return n.run();
}

Tensor f32(std::vector<int64_t> ext, std::vector<float> v) { return Tensor::fromVector<float>(std::move(ext), v); }
Tensor f64(std::vector<int64_t> ext, std::vector<double> v) { return Tensor::fromVector<double>(std::move(ext), v); }
Tensor i32(std::vector<int64_t> ext, std::vector<int32_t> v) { return Tensor::fromVector<int32_t>(std::move(ext), v); }
Tensor i64(std::vector<int64_t> ext, std::vector<int64_t> v) { return Tensor::fromVector<int64_t>(std::move(ext), v); }

void expectValues(const Tensor& t, std::vector<int64_t> ext, const std::vector<double>& want, double tol = 1e-5) {
  ASSERT_EQ(t.extents(), ext);
  ASSERT_EQ(static_cast<size_t>(t.numel()), want.size());
  for (int64_t i = 0; i < t.numel(); ++i)
    EXPECT_NEAR(t.getDouble(i), want[static_cast<size_t>(i)], tol * std::max(1.0, std::fabs(want[static_cast<size_t>(i)])))
        << "at " << i;
}

// The message of the dlc::Error thrown by running the op ("no error" if none);
// `unsupportedOnly` requires it to be a dlc::Unsupported.
std::string errorOf(const std::string& op, const std::vector<Tensor>& inputs, AttrMap attrs = {},
                    size_t numOutputs = 1, bool unsupportedOnly = false) {
  try {
    run(op, inputs, std::move(attrs), numOutputs);
  } catch (const Unsupported& e) {
    return e.what();
  } catch (const Error& e) {
    return unsupportedOnly ? std::string("not Unsupported: ") + e.what() : e.what();
  }
  return "no error";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// ---- Cases checked against ONNX Runtime / the onnx reference evaluator ----

TEST(LossOp, NllMeanWithWeightsAndIgnoreIndex) {
  auto y = run("NegativeLogLikelihoodLoss", {f32({2, 3, 2}, {0.25, 0.790000021, 0.550000012, -0.550000012, -0.400000006, 0.75, -0.99000001, 0.639999986, 0.589999974, -0.0599999987, -0.389999986, -0.439999998}),
               i64({2, 2}, {0, 2, 1, -1}),
               f32({3}, {0.5, 1.0, 2.0})}, {{"ignore_index", int64_t{-1}}}, 1);
  expectValues(y[0], {}, {-0.632857144});
}

TEST(LossOp, NllNoneKeepsTargetShape) {
  auto y = run("NegativeLogLikelihoodLoss", {f32({2, 3, 2}, {0.25, 0.790000021, 0.550000012, -0.550000012, -0.400000006, 0.75, -0.99000001, 0.639999986, 0.589999974, -0.0599999987, -0.389999986, -0.439999998}),
               i64({2, 2}, {0, 2, 1, -1}),
               f32({3}, {0.5, 1.0, 2.0})}, {{"ignore_index", int64_t{-1}}, {"reduction", "none"}}, 1);
  expectValues(y[0], {2, 2}, {-0.125, -1.5, -0.589999974, -0.0});
}

TEST(LossOp, NllSumWithoutWeights) {
  auto y = run("NegativeLogLikelihoodLoss", {f32({2, 3, 2}, {0.25, 0.790000021, 0.550000012, -0.550000012, -0.400000006, 0.75, -0.99000001, 0.639999986, 0.589999974, -0.0599999987, -0.389999986, -0.439999998}),
               i64({2, 2}, {0, 2, 1, 1})}, {{"reduction", "sum"}}, 1);
  expectValues(y[0], {}, {-1.52999997});
}

TEST(LossOp, SoftmaxCrossEntropyNoneWithLogProb) {
  auto y = run("SoftmaxCrossEntropyLoss", {f32({2, 4}, {-0.49000001, -0.109999999, 0.00999999978, 0.109999999, 0.99000001, 0.589999974, 0.239999995, 0.980000019}),
               i64({2}, {3, 0})}, {{"reduction", "none"}}, 2);
  expectValues(y[0], {2}, {1.18055105, 1.14190686});
  expectValues(y[1], {2, 4}, {-1.78055108, -1.40055108, -1.28055108, -1.18055105, -1.14190686, -1.54190683, -1.89190686, -1.15190685});
}

TEST(LossOp, SoftmaxCrossEntropyMean4dIgnoreIndex) {
  auto y = run("SoftmaxCrossEntropyLoss", {f32({2, 3, 2, 2}, {-0.569999993, -0.680000007, 0.230000004, -0.910000026, -0.930000007, 0.0299999993, -0.0700000003, 0.829999983, 0.25999999, 0.0299999993, -0.00999999978, -0.5, -0.980000019, -0.620000005, 0.379999995, -0.600000024, -0.25999999, -0.99000001, 0.660000026, -0.689999998, -0.460000008, 0.75999999, 0.0199999996, 0.689999998}),
               i64({2, 2, 2}, {0, 1, 2, 5, 5, 1, 0, 0})}, {{"ignore_index", int64_t{5}}}, 1);
  expectValues(y[0], {}, {1.39789045});
}

TEST(GridSampleOp, LinearZerosNoAlign) {
  auto y = run("GridSample", {f32({1, 1, 3, 4}, {0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5}),
               f32({1, 2, 2, 2}, {-1.10000002, -0.899999976, 0.200000003, 0.349999994, 0.800000012, 1.20000005, -0.400000006, 0.0500000007})}, {}, 1);
  expectValues(y[0], {1, 1, 2, 2}, {0.0, 4.0, 0.989999235, 2.49999976});
}

TEST(GridSampleOp, NearestBorderAlignCorners) {
  auto y = run("GridSample", {f32({1, 1, 3, 4}, {0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5}),
               f32({1, 2, 2, 2}, {-1.10000002, -0.899999976, 0.200000003, 0.349999994, 0.800000012, 1.20000005, -0.400000006, 0.0500000007})}, {{"mode", "nearest"}, {"padding_mode", "border"}, {"align_corners", int64_t{1}}}, 1);
  expectValues(y[0], {1, 1, 2, 2}, {0.0, 3.0, 5.5, 2.5});
}

TEST(GridSampleOp, CubicReflection) {
  auto y = run("GridSample", {f32({1, 1, 3, 4}, {0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5}),
               f32({1, 2, 2, 2}, {-1.10000002, -0.899999976, 0.200000003, 0.349999994, 0.800000012, 1.20000005, -0.400000006, 0.0500000007})}, {{"mode", "cubic"}, {"padding_mode", "reflection"}}, 1);
  expectValues(y[0], {1, 1, 2, 2}, {-0.419999421, 4.16591644, 5.77375031, 2.5221529});
}

TEST(GridSampleOp, Volumetric) {
  auto y = run("GridSample", {f32({1, 1, 2, 2, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0}),
               f32({1, 1, 1, 2, 3}, {0.100000001, -0.300000012, 0.699999988, -0.600000024, 0.899999976, -0.200000003})}, {{"align_corners", int64_t{1}}}, 1);
  expectValues(y[0], {1, 1, 1, 1, 2}, {9.84999943, 7.60000038});
}

TEST(AffineGridOp, TwoDim) {
  auto y = run("AffineGrid", {f32({1, 2, 3}, {1.0, 0.200000003, 0.100000001, -0.300000012, 0.899999976, 0.0}),
               i64({4}, {1, 1, 2, 3})}, {}, 1);
  expectValues(y[0], {1, 2, 3, 2}, {-0.666666687, -0.249999985, -1.11022302e-16, -0.449999988, 0.666666687, -0.649999976, -0.466666669, 0.649999976, 0.200000003, 0.449999988, 0.866666675, 0.249999985});
}

TEST(RecurrentOp, RnnForwardWithSequenceLens) {
  auto y = run("RNN", {f32({3, 2, 2}, {0.280000001, 0.479999989, -0.819999993, 0.0799999982, 0.0199999996, 0.74000001, -0.280000001, 0.200000003, -0.879999995, -0.219999999, -0.349999994, -0.699999988}),
               f32({1, 3, 2}, {0.629999995, -0.239999995, 0.959999979, 0.180000007, 0.209999993, 0.280000001}),
               f32({1, 3, 3}, {0.349999994, -0.699999988, -0.119999997, -0.519999981, -0.200000003, -0.810000002, 0.939999998, -0.569999993, 0.340000004}),
               f32({1, 6}, {-0.400000006, 0.75, 0.319999993, -0.74000001, 0.689999998, 0.889999986}),
               i32({2}, {3, 2}),
               f32({1, 2, 3}, {0.810000002, 0.140000001, -0.709999979, -0.620000005, 0.860000014, 0.100000001})}, {{"hidden_size", int64_t{3}}}, 2);
  expectValues(y[0], {3, 1, 2, 3}, {-0.668540776, 0.958007932, 0.951120377, -0.986793935, 0.627086639, 0.0211968422, -0.981010199, 0.752212763, 0.515570998, -0.973293841, 0.91824913, -0.0705015659, -0.988430679, 0.460283041, -0.208896041, 0.0, 0.0, 0.0});
  expectValues(y[1], {1, 2, 3}, {-0.988430679, 0.460283041, -0.208896041, -0.973293841, 0.91824913, -0.0705015659});
}

TEST(RecurrentOp, GruBidirectionalLinearBeforeReset) {
  auto y = run("GRU", {f32({3, 2, 2}, {0.280000001, 0.479999989, -0.819999993, 0.0799999982, 0.0199999996, 0.74000001, -0.280000001, 0.200000003, -0.879999995, -0.219999999, -0.349999994, -0.699999988}),
               f32({2, 9, 2}, {-0.639999986, 0.769999981, 0.280000001, 0.140000001, -0.25, -0.180000007, -0.519999981, -0.920000017, 0.75, -0.0599999987, 0.100000001, -0.360000014, 0.5, -0.949999988, -0.25999999, -0.939999998, -0.75, 0.930000007, 0.319999993, -0.140000001, 0.0500000007, 0.75, -0.310000002, 0.180000007, 0.370000005, -0.289999992, 0.0399999991, 0.529999971, 0.819999993, -0.699999988, 0.870000005, -0.99000001, 0.50999999, 0.620000005, -0.730000019, -0.159999996}),
               f32({2, 9, 3}, {0.629999995, -0.970000029, 0.25999999, 0.589999974, 0.0299999993, 0.449999988, -0.550000012, -0.600000024, -0.270000011, -0.639999986, -0.310000002, 0.899999976, 0.150000006, -0.319999993, -0.460000008, 0.899999976, -0.109999999, 0.959999979, 0.0299999993, 0.0399999991, 0.790000021, 0.49000001, 0.159999996, -0.150000006, 0.75999999, -0.180000007, 0.850000024, -0.860000014, -0.140000001, 0.0399999991, 0.899999976, -0.5, 0.610000014, 0.349999994, 0.430000007, 0.25999999, 0.939999998, -0.330000013, -0.200000003, -0.589999974, -0.899999976, -0.569999993, 0.829999983, 0.680000007, -0.779999971, 0.209999993, -0.0399999991, 0.189999998, 0.319999993, -0.389999986, 0.920000017, -0.0700000003, 0.25999999, 0.270000011}),
               f32({2, 18}, {-0.629999995, -0.879999995, -0.180000007, 0.529999971, 0.629999995, 0.460000008, -0.769999981, 0.829999983, 0.600000024, 0.75999999, 0.0500000007, 0.829999983, -0.910000026, -0.939999998, -0.959999979, -0.49000001, -0.5, -0.620000005, 0.129999995, -0.920000017, 0.180000007, -0.670000017, 0.360000014, -0.959999979, -0.379999995, 0.879999995, 0.0799999982, 0.620000005, 0.319999993, 0.219999999, -0.620000005, 0.150000006, -0.920000017, 0.600000024, 0.920000017, 0.709999979})}, {{"hidden_size", int64_t{3}}, {"direction", "bidirectional"}, {"linear_before_reset", int64_t{1}}}, 2);
  expectValues(y[0], {3, 2, 2, 3}, {-0.353259951, 0.0478287227, 0.209698334, -0.296918631, 0.502482414, 0.23809056, -0.436630636, 0.881575465, 0.078323625, -0.41895023, 0.71223855, 0.352229893, -0.570092559, -0.0778362602, 0.411510527, -0.590559542, 0.492672443, 0.390076697, -0.413729548, 0.758104086, 0.162174344, -0.19791691, 0.728085101, 0.247465611, -0.670946956, 0.597636759, 0.473685503, -0.446882725, 0.787449956, 0.236470103, -0.255589187, 0.473155349, 0.232991233, 0.0468365029, 0.484329671, 0.205792442});
  expectValues(y[1], {2, 2, 3}, {-0.670946956, 0.597636759, 0.473685503, -0.446882725, 0.787449956, 0.236470103, -0.436630636, 0.881575465, 0.078323625, -0.41895023, 0.71223855, 0.352229893});
}

TEST(RecurrentOp, GruReverseResetBeforeLinear) {
  auto y = run("GRU", {f32({3, 2, 2}, {0.280000001, 0.479999989, -0.819999993, 0.0799999982, 0.0199999996, 0.74000001, -0.280000001, 0.200000003, -0.879999995, -0.219999999, -0.349999994, -0.699999988}),
               f32({1, 9, 2}, {-0.639999986, 0.769999981, 0.280000001, 0.140000001, -0.25, -0.180000007, -0.519999981, -0.920000017, 0.75, -0.0599999987, 0.100000001, -0.360000014, 0.5, -0.949999988, -0.25999999, -0.939999998, -0.75, 0.930000007}),
               f32({1, 9, 3}, {0.629999995, -0.970000029, 0.25999999, 0.589999974, 0.0299999993, 0.449999988, -0.550000012, -0.600000024, -0.270000011, -0.639999986, -0.310000002, 0.899999976, 0.150000006, -0.319999993, -0.460000008, 0.899999976, -0.109999999, 0.959999979, 0.0299999993, 0.0399999991, 0.790000021, 0.49000001, 0.159999996, -0.150000006, 0.75999999, -0.180000007, 0.850000024}),
               f32({1, 18}, {-0.629999995, -0.879999995, -0.180000007, 0.529999971, 0.629999995, 0.460000008, -0.769999981, 0.829999983, 0.600000024, 0.75999999, 0.0500000007, 0.829999983, -0.910000026, -0.939999998, -0.959999979, -0.49000001, -0.5, -0.620000005})}, {{"hidden_size", int64_t{3}}, {"direction", "reverse"}}, 2);
  expectValues(y[0], {3, 1, 2, 3}, {-0.7684654, -0.275406152, 0.220954597, -0.814316452, 0.276293457, 0.0907071754, -0.641554117, -0.118829533, 0.281282395, -0.688261032, 0.280111611, 0.00367542356, -0.336072713, 0.484308034, 0.117653042, -0.353300154, 0.583632112, -0.114846349});
  expectValues(y[1], {1, 2, 3}, {-0.7684654, -0.275406152, 0.220954597, -0.814316452, 0.276293457, 0.0907071754});
}

TEST(RecurrentOp, LstmPeepholesClipInitialState) {
  auto y = run("LSTM", {f32({3, 2, 2}, {0.280000001, 0.479999989, -0.819999993, 0.0799999982, 0.0199999996, 0.74000001, -0.280000001, 0.200000003, -0.879999995, -0.219999999, -0.349999994, -0.699999988}),
               f32({1, 12, 2}, {-0.899999976, -0.319999993, -0.360000014, -0.769999981, 0.25, 0.589999974, -0.370000005, 0.730000019, 0.589999974, -0.74000001, 0.529999971, 0.769999981, -0.610000014, 0.150000006, 0.280000001, 0.219999999, -0.810000002, 0.319999993, 0.25999999, 0.649999976, 0.610000014, -0.349999994, 0.439999998, 0.730000019}),
               f32({1, 12, 3}, {0.790000021, -0.680000007, -0.949999988, 0.300000012, -0.569999993, 0.129999995, 0.889999986, -0.239999995, -0.49000001, -0.0900000036, 0.310000002, -0.800000012, -0.239999995, -0.730000019, 0.319999993, 0.660000026, -0.25, -0.25999999, 0.0799999982, -0.569999993, -0.50999999, -0.340000004, -0.0900000036, -0.839999974, 0.50999999, 0.159999996, -0.400000006, -0.839999974, 0.529999971, -0.74000001, -0.730000019, -0.74000001, -0.839999974, 0.810000002, -0.460000008, -0.389999986}),
               f32({1, 24}, {0.670000017, 0.239999995, -0.629999995, -0.129999995, 0.769999981, -0.25, 0.419999987, -0.810000002, 0.449999988, 0.550000012, 0.649999976, 0.349999994, -0.25999999, -0.870000005, 0.0399999991, 0.50999999, -0.620000005, -0.469999999, 0.0700000003, 0.5, 0.790000021, -0.75, -0.629999995, 0.600000024}),
               Tensor(),
               f32({1, 2, 3}, {0.519999981, 0.519999981, 0.439999998, -0.109999999, -0.239999995, -0.159999996}),
               f32({1, 2, 3}, {-0.930000007, 0.689999998, 0.0799999982, -0.219999999, 0.100000001, 0.439999998}),
               f32({1, 9}, {0.289999992, 0.439999998, 0.99000001, 0.879999995, 0.689999998, 0.550000012, -0.209999993, 0.280000001, -0.629999995})}, {{"hidden_size", int64_t{3}}, {"clip", 0.5}}, 3);
  expectValues(y[0], {3, 1, 2, 3}, {-0.250046253, 0.0355978981, 0.138273627, -0.184418306, -0.00325555541, 0.166495249, -0.131430238, -0.0125327315, 0.170171484, -0.141231969, -0.0402610078, 0.171281651, -0.203521967, -0.0921752751, 0.118833534, -0.157596275, -0.00760356477, 0.127174556});
  expectValues(y[1], {1, 2, 3}, {-0.203521967, -0.0921752751, 0.118833534, -0.157596275, -0.00760356477, 0.127174556});
  expectValues(y[2], {1, 2, 3}, {-0.42108655, -0.214914501, 0.325816691, -0.444573939, -0.0122159701, 0.350535005});
}

TEST(RecurrentOp, LstmForwardDefaults) {
  auto y = run("LSTM", {f32({3, 2, 2}, {0.280000001, 0.479999989, -0.819999993, 0.0799999982, 0.0199999996, 0.74000001, -0.280000001, 0.200000003, -0.879999995, -0.219999999, -0.349999994, -0.699999988}),
               f32({1, 12, 2}, {-0.899999976, -0.319999993, -0.360000014, -0.769999981, 0.25, 0.589999974, -0.370000005, 0.730000019, 0.589999974, -0.74000001, 0.529999971, 0.769999981, -0.610000014, 0.150000006, 0.280000001, 0.219999999, -0.810000002, 0.319999993, 0.25999999, 0.649999976, 0.610000014, -0.349999994, 0.439999998, 0.730000019}),
               f32({1, 12, 3}, {0.790000021, -0.680000007, -0.949999988, 0.300000012, -0.569999993, 0.129999995, 0.889999986, -0.239999995, -0.49000001, -0.0900000036, 0.310000002, -0.800000012, -0.239999995, -0.730000019, 0.319999993, 0.660000026, -0.25, -0.25999999, 0.0799999982, -0.569999993, -0.50999999, -0.340000004, -0.0900000036, -0.839999974, 0.50999999, 0.159999996, -0.400000006, -0.839999974, 0.529999971, -0.74000001, -0.730000019, -0.74000001, -0.839999974, 0.810000002, -0.460000008, -0.389999986}),
               f32({1, 24}, {0.670000017, 0.239999995, -0.629999995, -0.129999995, 0.769999981, -0.25, 0.419999987, -0.810000002, 0.449999988, 0.550000012, 0.649999976, 0.349999994, -0.25999999, -0.870000005, 0.0399999991, 0.50999999, -0.620000005, -0.469999999, 0.0700000003, 0.5, 0.790000021, -0.75, -0.629999995, 0.600000024}),
               Tensor(),
               Tensor(),
               Tensor(),
               f32({1, 9}, {0.289999992, 0.439999998, 0.99000001, 0.879999995, 0.689999998, 0.550000012, -0.209999993, 0.280000001, -0.629999995})}, {{"hidden_size", int64_t{3}}}, 3);
  expectValues(y[0], {3, 1, 2, 3}, {0.0611601993, 0.00279433397, 0.188154146, -0.159723207, -0.0693076402, 0.04899133, 0.0740577057, -0.0376077406, 0.378012806, -0.132197052, -0.0494851097, 0.136629775, -0.197347, -0.137943238, 0.174980566, -0.181118682, -0.000979029806, 0.0648295209});
  expectValues(y[1], {1, 2, 3}, {-0.197347, -0.137943238, 0.174980566, -0.181118682, -0.000979029806, 0.0648295209});
  expectValues(y[2], {1, 2, 3}, {-0.466050118, -0.338177115, 0.758945465, -0.57239747, -0.00153158233, 0.332219541});
}

TEST(UniqueOp, SortedAlongAxis0) {
  auto y = run("Unique", {i64({4, 2}, {1, 3, 0, 2, 1, 3, 0, 1})}, {{"axis", int64_t{0}}}, 4);
  expectValues(y[0], {3, 2}, {0, 1, 0, 2, 1, 3});
  expectValues(y[1], {3}, {3, 1, 0});
  expectValues(y[2], {4}, {2, 1, 2, 0});
  expectValues(y[3], {3}, {1, 1, 2});
}

TEST(UniqueOp, FirstOccurrenceOrder) {
  auto y = run("Unique", {f32({6}, {2.5, -1.0, 2.5, 0.0, -1.0, 7.0})}, {{"sorted", int64_t{0}}}, 4);
  expectValues(y[0], {4}, {2.5, -1.0, 0.0, 7.0});
  expectValues(y[1], {4}, {0, 1, 3, 5});
  expectValues(y[2], {6}, {0, 1, 0, 2, 1, 3});
  expectValues(y[3], {4}, {2, 2, 1, 1});
}

TEST(DetOp, BatchedThreeByThree) {
  auto y = run("Det", {f32({2, 3, 3}, {-0.239999995, 0.660000026, 0.839999974, -0.230000004, -0.720000029, 0.519999981, 0.99000001, -0.699999988, 0.430000007, 0.649999976, 0.839999974, -0.75, -0.819999993, 0.980000019, -0.769999981, -0.649999976, 0.150000006, -0.109999999})}, {}, 1);
  expectValues(y[0], {2}, {1.12597811, -0.0358431563});
}

TEST(NonMaxSuppressionOp, TwoClassesWithThresholds) {
  auto y = run("NonMaxSuppression", {f32({1, 6, 4}, {0.0, 0.0, 1.0, 1.0, 0.0, 0.100000001, 1.0, 1.10000002, 0.0, -0.100000001, 1.0, 0.899999976, 0.0, 10.0, 1.0, 11.0, 0.0, 10.1000004, 1.0, 11.1000004, 0.0, 100.0, 1.0, 101.0}),
               f32({1, 2, 6}, {0.899999976, 0.75, 0.600000024, 0.949999988, 0.5, 0.300000012, 0.100000001, 0.200000003, 0.300000012, 0.400000006, 0.5, 0.600000024}),
               i64({1}, {2}),
               f32({1}, {0.5}),
               f32({1}, {0.25})}, {}, 1);
  expectValues(y[0], {4, 3}, {0, 0, 3, 0, 0, 0, 0, 1, 5, 0, 1, 4});
}

TEST(Col2ImOp, StridedPadded) {
  auto y = run("Col2Im", {f32({1, 4, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0}),
               i64({2}, {3, 4}),
               i64({2}, {2, 2})}, {{"strides", std::vector<int64_t>{2, 2}}, {"pads", std::vector<int64_t>{1, 0, 0, 0}}}, 1);
  expectValues(y[0], {1, 1, 3, 4}, {8.0, 12.0, 9.0, 13.0, 2.0, 6.0, 3.0, 7.0, 10.0, 14.0, 11.0, 15.0});
}

TEST(DftOp, ComplexOnesidedWithLength) {
  auto y = run("DFT", {f32({1, 5, 2}, {0.5, -0.620000005, 0.829999983, -0.569999993, 0.540000021, -0.860000014, -0.0500000007, -0.930000007, -0.370000005, -0.379999995}),
               i64({}, {6}),
               i64({}, {1})}, {{"onesided", int64_t{1}}}, 1);
  expectValues(y[0], {1, 4, 2}, {1.45000005, -3.36000013, -0.0293266997, -0.861884177, -0.127942264, -0.575717926, -0.109999962, -0.360000014});
}

TEST(DftOp, InverseRealAxis0) {
  auto y = run("DFT", {f32({4, 2, 1}, {0.439999998, -0.0900000036, -0.889999986, 0.99000001, 0.779999971, 0.829999983, -0.50999999, -0.209999993}),
               Tensor(),
               i64({}, {0})}, {{"inverse", int64_t{1}}}, 1);
  expectValues(y[0], {4, 2, 2}, {-0.0450000018, 0.0, 0.379999995, 0.0, -0.0849999934, -0.0949999988, -0.229999989, 0.300000012, 0.654999971, 0.0, -0.0100000091, 0.0, -0.0849999934, 0.0949999988, -0.229999989, -0.300000012});
}

TEST(StftOp, HannWindowedFrames) {
  auto y = run("STFT", {f32({1, 8, 1}, {-0.550000012, -0.75, -0.930000007, 0.00999999978, -0.75, -0.649999976, 0.720000029, -0.0299999993}),
               i64({}, {3}),
               f32({4}, {0.0, 0.5, 1.0, 0.5})}, {}, 1);
  expectValues(y[0], {1, 2, 3, 2}, {-1.29999995, 0.0, 0.930000007, 0.379999995, -0.560000002, 0.0, -0.664999962, 0.0, 0.649999976, 0.735000014, -0.63499999, 0.0});
}

TEST(WindowOp, HammingSymmetric) {
  auto y = run("HammingWindow", {i64({}, {5})}, {{"periodic", int64_t{0}}}, 1);
  expectValues(y[0], {5}, {0.086956501, 0.543478251, 1.0, 0.543478251, 0.086956501});
}

TEST(WindowOp, BlackmanPeriodicDouble) {
  auto y = run("BlackmanWindow", {i64({}, {4})}, {{"output_datatype", int64_t{11}}}, 1);
  expectValues(y[0], {4}, {0.0, 0.34, 1.0, 0.34});
}

TEST(MelWeightMatrixOp, SmallBank) {
  auto y = run("MelWeightMatrix", {i64({}, {3}),
               i64({}, {16}),
               i64({}, {8000}),
               f32({}, {100.0}),
               f32({}, {3500.0})}, {}, 1);
  expectValues(y[0], {9, 3}, {1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.5, 0.5, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0});
}

TEST(RoiAlignOp, AvgHalfPixel) {
  auto y = run("RoiAlign", {f32({1, 2, 4, 4}, {-0.629999995, 0.340000004, -0.469999999, 0.0500000007, -0.430000007, 0.0299999993, 0.25999999, 0.0700000003, -0.209999993, 0.579999983, 0.75, -0.639999986, -0.730000019, -0.769999981, 0.959999979, 0.879999995, -0.540000021, 0.939999998, -0.579999983, 0.00999999978, -0.00999999978, 0.829999983, -0.920000017, -0.370000005, 0.200000003, -0.870000005, -0.529999971, -0.0700000003, 0.75999999, 0.519999981, 0.660000026, 0.519999981}),
               f32({2, 4}, {0.5, 0.5, 3.0, 2.5, 1.0, 0.0, 4.0, 4.0}),
               i64({2}, {0, 0})}, {{"output_height", int64_t{2}}, {"output_width", int64_t{2}}, {"sampling_ratio", int64_t{2}}}, 1);
  expectValues(y[0], {2, 2, 2, 2}, {-0.0831250027, -0.0260937531, 0.0706249923, 0.387187481, 0.449999988, -0.338906258, 0.0231249947, -0.5234375, 0.049687501, 0.0084374994, 0.178437501, 0.349687487, 0.301562488, -0.358125001, -0.0590624996, 0.174999997});
}

TEST(RoiAlignOp, MaxOutputHalfPixel) {
  auto y = run("RoiAlign", {f32({1, 2, 4, 4}, {-0.629999995, 0.340000004, -0.469999999, 0.0500000007, -0.430000007, 0.0299999993, 0.25999999, 0.0700000003, -0.209999993, 0.579999983, 0.75, -0.639999986, -0.730000019, -0.769999981, 0.959999979, 0.879999995, -0.540000021, 0.939999998, -0.579999983, 0.00999999978, -0.00999999978, 0.829999983, -0.920000017, -0.370000005, 0.200000003, -0.870000005, -0.529999971, -0.0700000003, 0.75999999, 0.519999981, 0.660000026, 0.519999981}),
               f32({1, 4}, {0.5, 0.5, 3.0, 2.5}),
               i64({1}, {0})}, {{"output_height", int64_t{2}}, {"output_width", int64_t{1}}, {"mode", "max"}, {"coordinate_transformation_mode", "output_half_pixel"}, {"spatial_scale", 0.5}}, 1);
  expectValues(y[0], {1, 2, 2, 1}, {0.138125002, 0.0487499982, 0.381875008, 0.674374998});
}

TEST(DeformConvOp, GroupsOffsetGroupsMaskBias) {
  auto y = run("DeformConv", {f32({1, 2, 3, 3}, {0.419999987, 0.699999988, 0.360000014, 0.469999999, -0.400000006, -0.660000026, 0.50999999, -0.670000017, 0.839999974, 0.189999998, -0.340000004, 0.870000005, -0.689999998, 0.0299999993, -0.819999993, 0.930000007, 0.150000006, 0.610000014}),
               f32({2, 1, 2, 2}, {-0.439999998, 0.600000024, 0.409999996, 0.289999992, 0.899999976, -0.129999995, -0.170000002, 0.379999995}),
               f32({1, 16, 3, 3}, {0.670000017, -0.330000013, 0.340000004, -0.579999983, 0.100000001, 0.540000021, -0.870000005, 0.460000008, -0.970000029, 0.920000017, -0.0599999987, -0.180000007, 0.439999998, 0.0500000007, 0.460000008, -0.829999983, 0.129999995, 0.119999997, 0.860000014, -0.920000017, -0.0900000036, 0.25999999, 0.100000001, -0.850000024, 0.189999998, -0.560000002, -0.610000014, 0.75999999, -0.600000024, -0.0900000036, 0.5, 0.409999996, 0.109999999, 0.610000014, -0.0700000003, 0.239999995, 0.639999986, 0.360000014, 0.280000001, -0.189999998, 0.119999997, -0.209999993, 0.49000001, -0.239999995, -0.0700000003, 0.50999999, 0.00999999978, -0.319999993, 0.649999976, -0.239999995, 0.689999998, 0.569999993, -0.109999999, 0.430000007, -0.930000007, -0.219999999, 0.720000029, 0.159999996, 0.119999997, 0.330000013, 0.360000014, 0.170000002, -0.159999996, -0.629999995, -0.409999996, -0.409999996, -0.140000001, 1.0, -0.289999992, -0.109999999, -0.25999999, 0.159999996, 0.899999976, 0.779999971, -0.25, -0.469999999, 0.769999981, -0.00999999978, 0.370000005, -0.850000024, 0.730000019, -0.370000005, -0.00999999978, -0.600000024, -0.159999996, 0.660000026, 0.660000026, -0.0500000007, 0.540000021, -0.0799999982, -0.25, 0.0900000036, -0.600000024, -0.370000005, 0.409999996, 0.540000021, -0.889999986, 0.469999999, 0.629999995, -0.109999999, -0.879999995, 0.370000005, -0.50999999, 0.289999992, -0.25, 0.270000011, -0.479999989, -0.0500000007, 0.0500000007, 0.25999999, -0.589999974, 0.920000017, -0.419999987, -0.389999986, -0.49000001, -0.870000005, -0.150000006, 0.540000021, 0.419999987, -0.610000014, -0.730000019, -0.360000014, 0.540000021, -0.0199999996, 0.850000024, 0.310000002, 0.239999995, 0.540000021, 0.5, -0.310000002, -0.49000001, -0.119999997, -0.0199999996, -0.720000029, -0.119999997, 0.280000001, -0.730000019, -0.720000029, -0.649999976, -0.430000007, 0.920000017, -0.949999988, -0.629999995, -0.670000017}),
               f32({2}, {0.5, -0.25}),
               f32({1, 8, 3, 3}, {0.0500000007, 0.970000029, 0.0799999982, 0.670000017, 0.460000008, 0.579999983, 0.629999995, 0.230000004, 0.189999998, 0.159999996, 0.629999995, 0.680000007, 0.850000024, 0.790000021, 0.340000004, 0.899999976, 0.330000013, 0.200000003, 0.540000021, 0.569999993, 0.910000026, 0.769999981, 0.769999981, 0.370000005, 0.939999998, 0.660000026, 0.829999983, 0.980000019, 0.219999999, 0.330000013, 0.360000014, 0.140000001, 0.899999976, 0.219999999, 0.330000013, 0.0299999993, 0.959999979, 0.449999988, 0.389999986, 0.159999996, 0.699999988, 0.50999999, 0.330000013, 0.850000024, 0.74000001, 0.629999995, 0.389999986, 0.100000001, 0.860000014, 0.439999998, 0.800000012, 0.360000014, 0.709999979, 0.189999998, 0.99000001, 0.569999993, 0.50999999, 0.720000029, 0.600000024, 0.370000005, 0.579999983, 0.460000008, 0.879999995, 0.460000008, 0.400000006, 0.74000001, 0.629999995, 0.75999999, 0.0299999993, 0.930000007, 0.100000001, 0.689999998})}, {{"group", int64_t{2}}, {"offset_group", int64_t{2}}, {"pads", std::vector<int64_t>{1, 1, 0, 0}}}, 1);
  expectValues(y[0], {1, 2, 3, 3}, {0.600677073, 0.631169319, 0.618745685, 0.830373824, 0.721881092, 0.395388097, 0.527596235, 0.60146004, 0.429820359, -0.278231651, -0.216452762, -0.278819889, -0.291514605, -0.408774495, -0.0264301449, -0.233541548, -0.356599778, -0.123940021});
}


TEST(RecurrentOp, RnnBidirectionalLeakyRelu) {
  auto y = run("RNN", {f32({2, 1, 2}, {0.25, 0.790000021, 0.550000012, -0.550000012}),
               f32({2, 2, 2}, {-0.400000006, 0.75, -0.99000001, 0.639999986, 0.589999974, -0.0599999987, -0.389999986, -0.439999998}),
               f32({2, 2, 2}, {-0.49000001, -0.109999999, 0.00999999978, 0.109999999, 0.99000001, 0.589999974, 0.239999995, 0.980000019})}, {{"hidden_size", int64_t{2}}, {"direction", "bidirectional"}, {"activations", std::vector<std::string>{"LeakyRelu", "LeakyRelu"}}, {"activation_alpha", std::vector<double>{0.2, 0.3}}}, 2);
  expectValues(y[0], {2, 2, 1, 2}, {0.492500007, 0.258100003, 0.47025001, -0.0997050107, -0.180443212, -0.172636792, 0.357499987, 0.0275000092});
  expectValues(y[1], {2, 1, 2}, {-0.180443212, -0.172636792, 0.47025001, -0.0997050107});
}

TEST(RecurrentOp, GruHardSigmoidAndSoftsign) {
  auto y = run("GRU", {f32({2, 1, 2}, {0.25, 0.790000021, 0.550000012, -0.550000012}),
               f32({1, 6, 2}, {-0.569999993, -0.680000007, 0.230000004, -0.910000026, -0.930000007, 0.0299999993, -0.0700000003, 0.829999983, 0.25999999, 0.0299999993, -0.00999999978, -0.5}),
               f32({1, 6, 2}, {-0.980000019, -0.620000005, 0.379999995, -0.600000024, -0.25999999, -0.99000001, 0.660000026, -0.689999998, -0.460000008, 0.75999999, 0.0199999996, 0.689999998})}, {{"hidden_size", int64_t{2}}, {"activations", std::vector<std::string>{"HardSigmoid", "Softsign"}}, {"activation_alpha", std::vector<double>{0.3}}, {"activation_beta", std::vector<double>{0.4}}}, 2);
  expectValues(y[0], {2, 1, 1, 2}, {0.0654972047, -0.227099791, 0.0623030365, -0.078711316});
  expectValues(y[1], {1, 1, 2}, {0.0623030365, -0.078711316});
}

// ---- Hand-written checks: layouts, inference with symbolic dims, errors ----

TEST(RecurrentOp, BatchFirstLayoutTransposesTheResults) {
  // Same weights and inputs in both layouts; layout 1 must give the
  // batch-major transposition of layout 0's Y and Y_h.
  const int64_t T = 3, B = 2, I = 2, H = 2;
  std::vector<float> xs(static_cast<size_t>(T * B * I)), xb(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) xs[i] = 0.1f * static_cast<float>(i) - 0.4f;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < I; ++i) xb[static_cast<size_t>((b * T + t) * I + i)] = xs[static_cast<size_t>((t * B + b) * I + i)];
  std::vector<float> w(static_cast<size_t>(4 * H * I)), r(static_cast<size_t>(4 * H * H));
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.05f * static_cast<float>(i % 7) - 0.1f;
  for (size_t i = 0; i < r.size(); ++i) r[i] = 0.03f * static_cast<float>(i % 5) - 0.05f;
  AttrMap seqAttrs{{"hidden_size", int64_t{H}}, {"direction", "bidirectional"}};
  AttrMap batchAttrs = seqAttrs;
  batchAttrs["layout"] = int64_t{1};
  std::vector<float> w2 = w, r2 = r;
  w2.insert(w2.end(), w.begin(), w.end());
  r2.insert(r2.end(), r.begin(), r.end());
  auto a = run("LSTM", {f32({T, B, I}, xs), f32({2, 4 * H, I}, w2), f32({2, 4 * H, H}, r2)}, seqAttrs, 2);
  auto b = run("LSTM", {f32({B, T, I}, xb), f32({2, 4 * H, I}, w2), f32({2, 4 * H, H}, r2)}, batchAttrs, 2);
  ASSERT_EQ(b[0].extents(), (std::vector<int64_t>{B, T, 2, H}));
  ASSERT_EQ(b[1].extents(), (std::vector<int64_t>{B, 2, H}));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t d = 0; d < 2; ++d)
      for (int64_t n = 0; n < B; ++n)
        for (int64_t h = 0; h < H; ++h)
          EXPECT_FLOAT_EQ(b[0].getDouble(((n * T + t) * 2 + d) * H + h), a[0].getDouble(((t * 2 + d) * B + n) * H + h));
  for (int64_t d = 0; d < 2; ++d)
    for (int64_t n = 0; n < B; ++n)
      for (int64_t h = 0; h < H; ++h)
        EXPECT_FLOAT_EQ(b[1].getDouble((n * 2 + d) * H + h), a[1].getDouble((d * B + n) * H + h));
}

TEST(RecurrentOp, InfersSymbolicSequenceAndBatch) {
  Function fn("f");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("seq"), Dim::sym("N"), Dim(4)}));
  Value* w = fn.addArgument("w", TensorType(DType::Float32, {Dim(2), Dim(15), Dim(4)}));
  Value* r = fn.addArgument("r", TensorType(DType::Float32, {Dim(2), Dim(15), Dim(5)}));
  Node* n = fn.addNode("GRU", {x, w, r}, {{"direction", "bidirectional"}}, std::vector<TensorType>(2));
  std::vector<TensorType> t = inferNodeTypes(*n);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].str(), TensorType(DType::Float32, {Dim::sym("seq"), Dim(2), Dim::sym("N"), Dim(5)}).str());
  EXPECT_EQ(t[1].str(), TensorType(DType::Float32, {Dim(2), Dim::sym("N"), Dim(5)}).str());
}

TEST(RecurrentOp, RejectsBadDirectionAndActivation) {
  Tensor x = f32({1, 1, 1}, {0.5f}), w = f32({1, 1, 1}, {1.0f}), r = f32({1, 1, 1}, {1.0f});
  EXPECT_TRUE(contains(errorOf("RNN", {x, w, r}, {{"direction", "sideways"}}), "direction must be forward, reverse or bidirectional"));
  EXPECT_TRUE(contains(errorOf("RNN", {x, w, r}, {{"activations", std::vector<std::string>{"Gelu"}}}, 1, true),
                       "activation 'Gelu' is not supported"));
}

TEST(LossOp, RejectsTargetOutOfRangeAndBadReduction) {
  Tensor x = f32({2, 3}, {0, 1, 2, 3, 4, 5});
  EXPECT_TRUE(contains(errorOf("NegativeLogLikelihoodLoss", {x, i64({2}, {0, 3})}), "target class 3 out of range [0, 3)"));
  EXPECT_TRUE(contains(errorOf("NegativeLogLikelihoodLoss", {x, i64({2}, {0, 1})}, {{"reduction", "max"}}),
                       "reduction must be none, sum or mean"));
  EXPECT_TRUE(contains(errorOf("SoftmaxCrossEntropyLoss", {x, i64({3}, {0, 1, 2})}), "does not match scores"));
}

TEST(LossOp, InfersScalarOrPerElementLoss) {
  Function fn("f");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), Dim(5), Dim(7)}));
  Value* t = fn.addArgument("t", TensorType(DType::Int64, {Dim::sym("N"), Dim(7)}));
  Node* none = fn.addNode("SoftmaxCrossEntropyLoss", {x, t}, {{"reduction", "none"}}, std::vector<TensorType>(2));
  std::vector<TensorType> ty = inferNodeTypes(*none);
  EXPECT_EQ(ty[0], TensorType(DType::Float32, {Dim::sym("N"), Dim(7)}));
  EXPECT_EQ(ty[1], TensorType(DType::Float32, {Dim::sym("N"), Dim(5), Dim(7)}));
  Node* mean = fn.addNode("NegativeLogLikelihoodLoss", {x, t}, {}, std::vector<TensorType>(1));
  EXPECT_EQ(inferNodeTypes(*mean)[0], TensorType(DType::Float32, {}));
}

TEST(AffineGridOp, InfersRankFromTheSizeLength) {
  // size is not a constant: only its length (4 -> 2-D grid) is known.
  Function fn("f");
  Value* theta = fn.addArgument("theta", TensorType(DType::Float32, {Dim::sym("N"), Dim(2), Dim(3)}));
  Value* size = fn.addArgument("size", TensorType(DType::Int64, {Dim(4)}));
  Node* n = fn.addNode("AffineGrid", {theta, size}, {}, std::vector<TensorType>(1));
  EXPECT_EQ(inferNodeTypes(*n)[0], TensorType(DType::Float32, {Dim::sym("N"), Dim(), Dim(), Dim(2)}));
}

TEST(GridSampleOp, InfersOutputFromGridDims) {
  Function fn("f");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), Dim(3), Dim(8), Dim(8)}));
  Value* g = fn.addArgument("g", TensorType(DType::Float32, {Dim::sym("N"), Dim(5), Dim::sym("W"), Dim(2)}));
  Node* n = fn.addNode("GridSample", {x, g}, {}, std::vector<TensorType>(1));
  EXPECT_EQ(inferNodeTypes(*n)[0], TensorType(DType::Float32, {Dim::sym("N"), Dim(3), Dim(5), Dim::sym("W")}));
}

TEST(GridSampleOp, RejectsMismatchedGrid) {
  Tensor x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  EXPECT_TRUE(contains(errorOf("GridSample", {x, f32({1, 1, 1, 3}, {0, 0, 0})}), "grid's last dim must be 2"));
  EXPECT_TRUE(contains(errorOf("GridSample", {x, f32({1, 1, 2}, {0, 0})}), "must have the rank of X"));
}

TEST(DeformConvOp, RefusesOneDimensionalInput) {
  std::string e = errorOf("DeformConv", {f32({1, 1, 3}, {1, 2, 3}), f32({1, 1, 2}, {1, 1}), f32({1, 2, 2}, {0, 0, 0, 0})},
                          {}, 1, true);
  EXPECT_TRUE(contains(e, "only 2-D DeformConv is supported")) << e;
}

TEST(RoiAlignOp, RejectsBatchIndexOutOfRange) {
  std::string e = errorOf("RoiAlign", {f32({1, 1, 2, 2}, {1, 2, 3, 4}), f32({1, 4}, {0, 0, 1, 1}), i64({1}, {1})});
  EXPECT_TRUE(contains(e, "batch index 1 out of range [0, 1)")) << e;
}

TEST(StftOp, RejectsFrameLongerThanSignal) {
  std::string e = errorOf("STFT", {f32({1, 4, 1}, {1, 2, 3, 4}), i64({}, {1}), Tensor(), i64({}, {8})});
  EXPECT_TRUE(contains(e, "frame_length 8 must be in [1, 4]")) << e;
}

TEST(RecurrentOp, RejectsInitialStateOfWrongShape) {
  Tensor x = f32({2, 1, 1}, {0.5f, -0.5f}), w = f32({1, 1, 1}, {1.0f}), r = f32({1, 1, 1}, {1.0f});
  std::string e = errorOf("RNN", {x, w, r, Tensor(), Tensor(), f32({1, 2, 1}, {0, 0})});
  EXPECT_TRUE(contains(e, "initial state tensor<1x2x1xf32> must have shape tensor<1x1x1xf32>")) << e;
}

TEST(DetOp, RejectsNonSquare) {
  EXPECT_TRUE(contains(errorOf("Det", {f32({2, 3}, {1, 2, 3, 4, 5, 6})}), "matrices must be square"));
}

TEST(DetOp, SingularIsZeroAndPivotingKeepsSign) {
  auto y = run("Det", {f64({2, 2, 2}, {1, 2, 2, 4, 0, 1, 1, 0})});
  expectValues(y[0], {2}, {0.0, -1.0});
}

TEST(UniqueOp, InfersUnknownCountAlongAxis) {
  Function fn("f");
  Value* x = fn.addArgument("x", TensorType(DType::Int32, {Dim(4), Dim::sym("K")}));
  Node* n = fn.addNode("Unique", {x}, {{"axis", int64_t{0}}}, std::vector<TensorType>(3));
  std::vector<TensorType> t = inferNodeTypes(*n);
  EXPECT_EQ(t[0], TensorType(DType::Int32, {Dim(), Dim::sym("K")}));
  EXPECT_EQ(t[2], TensorType(DType::Int64, {Dim(4)}));
}

TEST(NonMaxSuppressionOp, NoBoxesWithoutMaxOutput) {
  auto y = run("NonMaxSuppression", {f32({1, 1, 4}, {0, 0, 1, 1}), f32({1, 1, 1}, {0.9f})});
  EXPECT_EQ(y[0].extents(), (std::vector<int64_t>{0, 3}));
}

TEST(Col2ImOp, RejectsWrongBlockCount) {
  std::string e = errorOf("Col2Im", {f32({1, 4, 3}, std::vector<float>(12, 1.0f)), i64({2}, {3, 3}), i64({2}, {2, 2})});
  EXPECT_TRUE(contains(e, "input dim 2 is 3, expected 4 blocks")) << e;
}

TEST(DftOp, RejectsTheComplexAxis) {
  std::string e = errorOf("DFT", {f32({1, 4, 2}, std::vector<float>(8, 1.0f)), Tensor(), i64({}, {2})});
  EXPECT_TRUE(contains(e, "axis must not be the last (complex) dim")) << e;
}

}  // namespace
}  // namespace dlc
