#include <gtest/gtest.h>

#include "common/ids.h"
#include "mapping/mapper.h"

namespace bridgework::mapping {
namespace {

constexpr char kMap[] = R"(
pair: test-to-odoo
source: sensei-cloud
destination: odoo
objects:
  - object: patients
    label: Patient Record
    targets:
      - tag: partner
        model: res.partner
        fields:
          - {to: name, from: [first_name, last_name], transforms: [name_join], required: true}
          - to: phone
            from: home_phone
            transforms: [{phone_e164: {region: US}}]
          - {to: x_source_patient_id, from: patient_id}
          - {to: is_company, constant: false}
      - tag: lead
        model: crm.lead
        fields:
          - {to: name, from: [first_name, last_name], transforms: [name_join]}
        references:
          - {to: partner_id, target: partner, required: true}
custom_fields:
  - {model: crm.lead, name: x_treatment_case_status, type: selection, options: [[new, New], [done, Done]]}
records:
  - {model: crm.stage, name: Queue, values: {sequence: 0}}
no_home:
  - {object: claims, reason: no model}
rebuild_only:
  - {object: workflows, reason: automations are rebuilt}
)";

TEST(MapParserTest, ParsesEverySection) {
  StatusOr<MapFile> map = ParseMapFile(kMap);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->pair, "test-to-odoo");
  ASSERT_EQ(map->objects.size(), 1u);
  const ObjectMap& o = map->objects[0];
  ASSERT_EQ(o.targets.size(), 2u);
  EXPECT_EQ(o.targets[0].fields[0].from.size(), 2u);
  EXPECT_TRUE(o.targets[0].fields[0].required);
  EXPECT_EQ(o.targets[0].fields[1].transforms, std::vector<std::string>{"phone_e164"});
  EXPECT_EQ(o.targets[0].fields[1].transform_args["phone_e164"]["region"], "US");
  EXPECT_EQ(*o.targets[0].fields[3].constant, Json(false));
  EXPECT_EQ(o.targets[1].references[0].target, "partner");
  ASSERT_EQ(map->custom_fields.size(), 1u);
  EXPECT_EQ(map->custom_fields[0].options[1].second, "Done");
  EXPECT_EQ(map->records[0].values["sequence"], 0);
  EXPECT_EQ(map->no_home[0].object, "claims");
  EXPECT_EQ(map->rebuild_only[0].object, "workflows");
  EXPECT_EQ(map->content_hash, Sha256Hex(kMap));
}

TEST(MapParserTest, UnknownKeyFailsWithItsPath) {
  std::string text = kMap;
  text.replace(text.find("required: true}"), 15, "requird: true}");
  StatusOr<MapFile> map = ParseMapFile(text);
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.status().message().find("objects[0].targets[0].fields[0].requird"),
            std::string::npos)
      << map.status().message();
}

TEST(MapParserTest, FieldWithoutSourceFails) {
  StatusOr<MapFile> map = ParseMapFile(
      "source: a\ndestination: odoo\nobjects:\n  - object: p\n    targets:\n"
      "      - model: res.partner\n        fields:\n          - {to: name}\n");
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.status().message().find("objects[0].targets[0].fields[0]"), std::string::npos);
}

TEST(MapParserTest, BadYamlSaysWhichLine) {
  StatusOr<MapFile> map = ParseMapFile("source: a\ndestination: [unclosed\n");
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.status().message().find("line"), std::string::npos);
}

TEST(MapParserTest, DuplicateObjectFails) {
  StatusOr<MapFile> map =
      ParseMapFile("source: a\ndestination: odoo\nobjects:\n  - {object: p}\n  - {object: p}\n");
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.status().message().find("appears twice"), std::string::npos);
}

TEST(MapParserTest, ParentsOfListsReferencedObjects) {
  StatusOr<MapFile> map = ParseMapFile(
      "source: a\ndestination: odoo\nobjects:\n"
      "  - object: appointments\n    targets:\n      - model: mail.activity\n"
      "        fields: [{to: summary, from: type}]\n"
      "        references:\n          - {to: res_id, from: patient_id, object: patients}\n"
      "          - {to: user_id, from: provider_id, object: providers}\n");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->ParentsOf("appointments"), (std::vector<std::string>{"patients", "providers"}));
  EXPECT_TRUE(map->ParentsOf("patients").empty());
}

}  // namespace
}  // namespace bridgework::mapping
