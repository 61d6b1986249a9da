// Opset upgrades for the Indexing ops, Pad and Resize (see Upgrades.h).
#include <climits>

#include "Upgrades.h"

namespace dlc::onnx {
namespace {

// Upsample (and Resize-10) -> Resize: inputs (X, scales) become
// (X, roi = none, scales); the coordinate mapping of those ops is
// "asymmetric", nearest rounding down (up when downsampling).
void toResize(UpgradeContext& c) {
  if (c.op == "Resize" && c.inputs.size() >= 3) return;  // already in the latest form
  c.op = "Resize";
  if (std::optional<Attribute> s = c.take("scales")) {  // Upsample-7
    std::vector<double> v = s->floats();
    std::vector<float> f(v.begin(), v.end());
    c.inputs.resize(1);
    c.inputs.push_back(c.constant(Tensor::fromVector<float>({static_cast<int64_t>(f.size())}, f)));
  }
  Value* scales = c.inputs.size() > 1 ? c.inputs[1] : nullptr;
  c.inputs = {c.inputs.empty() ? nullptr : c.inputs[0], nullptr, scales};
  std::string mode = "nearest";
  if (std::optional<Attribute> m = c.take("mode")) mode = m->s();
  if (mode == "bilinear" || mode == "trilinear") mode = "linear";
  c.attrs["mode"] = Attribute(mode);
  c.attrs["coordinate_transformation_mode"] = Attribute("asymmetric");
  bool downsample = false;
  if (scales && scales->isConstant()) {
    const Tensor& t = scales->constant();
    for (int64_t i = 0; i < t.numel(); ++i) downsample = downsample || t.getDouble(i) < 1.0;
  }
  c.attrs["nearest_mode"] = Attribute(downsample ? "ceil" : "floor");
}

}  // namespace

void addIndexingUpgrades(UpgradeTable& t) {
  // Slice-1 took starts/ends/axes as attributes.
  t["Slice"].push_back({10, [](UpgradeContext& c) {
                          for (auto [name, index] : {std::pair<const char*, size_t>{"starts", 1}, {"ends", 2},
                                                     {"axes", 3}}) {
                            if (std::optional<Attribute> a = c.take(name)) {
                              c.padInputs(index + 1);
                              c.inputs[index] = c.constantInts(a->ints());
                            }
                          }
                        }});
  // Scatter is the deprecated name of ScatterElements.
  t["Scatter"].push_back({INT_MAX, [](UpgradeContext& c) { c.op = "ScatterElements"; }});
  t["Upsample"].push_back({INT_MAX, toResize});
  t["Resize"].push_back({11, toResize});
  // Pad-1/2 took pads (Pad-1: paddings) and the fill value as attributes.
  t["Pad"].push_back({11, [](UpgradeContext& c) {
                        std::optional<Attribute> pads = c.take("pads");
                        if (!pads) pads = c.take("paddings");
                        if (pads) {
                          c.padInputs(2);
                          c.inputs[1] = c.constantInts(pads->ints());
                        }
                        if (std::optional<Attribute> v = c.take("value")) {
                          if (v->f() != 0.0 && !c.inputs.empty() && c.inputs[0]) {
                            c.padInputs(3);
                            c.inputs[2] = c.constant(Tensor::scalar(c.inputs[0]->type().dtype, v->f()));
                          }
                        }
                      }});
}

}  // namespace dlc::onnx
