// The schedule configuration parser (--schedule-config) and artifact detection.
#include <gtest/gtest.h>

#include "TargetOptions.h"

using dlc::cli::parseScheduleConfig;

TEST(ScheduleConfig, ParsesKnobs) {
  auto k = parseScheduleConfig(R"( {"group3.tile_co": 8, "vector_lanes": -4 } )", "cfg");
  ASSERT_EQ(k.size(), 2u);
  EXPECT_EQ(k.at("group3.tile_co"), 8);
  EXPECT_EQ(k.at("vector_lanes"), -4);
  EXPECT_TRUE(parseScheduleConfig("{}", "cfg").empty());
}

TEST(ScheduleConfig, ErrorsNameThePlace) {
  auto msg = [](const std::string& text) {
    try {
      parseScheduleConfig(text, "cfg");
    } catch (const dlc::cli::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(msg("[1]"), "cfg: expected '{' at offset 0");
  EXPECT_EQ(msg(R"({"a": x})"), "cfg: expected an integer value for 'a' at offset 6");
  EXPECT_EQ(msg(R"({"a": 1)"), "cfg: expected ',' or '}' at offset 7");
  EXPECT_EQ(msg(R"({"a": 1} x)"), "cfg: trailing text at offset 9");
  EXPECT_EQ(msg(R"({"a": 99999999999999999999})"), "cfg: value of 'a' out of range at offset 26");
}

TEST(TargetOptions, ArtifactsAreSharedLibraries) {
  EXPECT_TRUE(dlc::cli::isArtifact("model.so"));
  EXPECT_FALSE(dlc::cli::isArtifact("model.onnx"));
  EXPECT_FALSE(dlc::cli::isArtifact(".so"));
}
