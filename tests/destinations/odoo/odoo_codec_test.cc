// The pieces of the Odoo connector that need no server: XML-RPC encoding and fault mapping, the
// `load` table, datetime normalisation and the adaptive batch size.
#include <gtest/gtest.h>

#include "connectors/destinations/odoo/batch_sizer.h"
#include "connectors/destinations/odoo/load_table.h"
#include "connectors/destinations/odoo/odoo_rpc.h"

namespace bridgework::connectors::odoo {
namespace {

TEST(XmlRpcCodec, EncodesNullAsFalseAndBigIntegersAsI8) {
  std::string xml = EncodeCall("execute_kw", Json::array({nullptr, 5000000000LL, "a<b", 1.5}));
  EXPECT_NE(xml.find("<methodName>execute_kw</methodName>"), std::string::npos);
  EXPECT_NE(xml.find("<boolean>0</boolean>"), std::string::npos);
  EXPECT_NE(xml.find("5000000000"), std::string::npos);
  EXPECT_NE(xml.find("a&lt;b"), std::string::npos);
  EXPECT_EQ(xml.find("<nil"), std::string::npos);
}

TEST(XmlRpcCodec, DecodesStructsArraysAndFalse) {
  const std::string xml =
      "<?xml version='1.0'?><methodResponse><params><param><value><struct>"
      "<member><name>ids</name><value><array><data><value><int>7</int></value>"
      "</data></array></value></member>"
      "<member><name>messages</name><value><boolean>0</boolean></value></member>"
      "</struct></value></param></params></methodResponse>";
  auto result = DecodeResponse(xml);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)["ids"][0], 7);
  EXPECT_EQ((*result)["messages"], false);
}

TEST(XmlRpcCodec, FaultsBecomeStatusesWithOdoosMessage) {
  auto fault = [](int code, const std::string& text) {
    return "<?xml version='1.0'?><methodResponse><fault><value><struct>"
           "<member><name>faultCode</name><value><int>" +
           std::to_string(code) +
           "</int></value></member><member><name>faultString</name><value><string>" + text +
           "</string></value></member></struct></value></fault></methodResponse>";
  };
  auto denied = DecodeResponse(fault(3, "Access Denied"));
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  auto traceback = DecodeResponse(
      fault(1,
            "Traceback (most recent call last):\n  File x\nValueError: Invalid field 'x_a' "
            "on model 'res.partner'\n"));
  EXPECT_EQ(traceback.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(traceback.status().message(), "ValueError: Invalid field 'x_a' on model 'res.partner'");
  auto conflict = DecodeResponse(fault(1,
                                       "psycopg2.errors.SerializationFailure: could not "
                                       "serialize access due to concurrent update"));
  EXPECT_TRUE(conflict.status().IsTransient());
  auto missing = DecodeResponse(fault(2, "Object foo.bar doesn't exist"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(DecodeResponse("<not xml").status().code(), StatusCode::kInternal);
}

std::map<std::string, FieldInfo> PartnerFields() {
  std::map<std::string, FieldInfo> f;
  auto add = [&](std::string name, std::string type) {
    FieldInfo i;
    i.name = name;
    i.type = type;
    f[name] = i;
  };
  add("name", "char");
  add("is_company", "boolean");
  add("country_id", "many2one");
  add("category_id", "many2many");
  add("x_created", "datetime");
  add("x_birth", "date");
  add("credit_limit", "float");
  add("invoice_line_ids", "one2many");
  return f;
}

TEST(LoadTable, ConvertsValuesToOdooLoadCells) {
  Json values = {{"name", "Ana"},
                 {"is_company", false},
                 {"country_id", 233},
                 {"category_id", {4, 9}},
                 {"x_created", "2019-05-01T09:30:00+02:00"},
                 {"x_birth", "1980-02-03"},
                 {"credit_limit", 12.5},
                 {"_directive", 1}};
  auto r = ToLoadRecord("res.partner", "bw_m.p_1", values, PartnerFields());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::map<std::string, std::string> cells(r->cells.begin(), r->cells.end());
  EXPECT_EQ(cells["name"], "Ana");
  EXPECT_EQ(cells["is_company"], "0");
  EXPECT_EQ(cells["country_id/.id"], "233");
  EXPECT_EQ(cells["category_id/.id"], "4,9");
  EXPECT_EQ(cells["x_created"], "2019-05-01 07:30:00");
  EXPECT_EQ(cells["x_birth"], "1980-02-03");
  EXPECT_EQ(cells["credit_limit"], "12.5");
  EXPECT_EQ(cells.count("_directive"), 0u);
}

TEST(LoadTable, UnknownFieldIsRefusedWithoutItsValue) {
  auto r = ToLoadRecord("res.partner", "bw_m.p_1", {{"x_nope", "secret value"}}, PartnerFields());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("x_nope"), std::string::npos);
  EXPECT_EQ(r.status().message().find("secret value"), std::string::npos);
}

TEST(LoadTable, OneToManyLinesBecomeSubRows) {
  Json values = {{"name", "INV"},
                 {"invoice_line_ids",
                  {{{"name", "Cleaning"}, {"price_unit", 80}},
                   Json::array({0, 0, {{"name", "X-ray"}, {"price_unit", 40}}})}}};
  auto r = ToLoadRecord("account.move", "bw_m.i_1", values, PartnerFields());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto r2 = ToLoadRecord(
      "account.move", "bw_m.i_2",
      {{"name", "INV2"}, {"invoice_line_ids", {{{"name", "Exam"}, {"price_unit", 50}}}}},
      PartnerFields());
  ASSERT_TRUE(r2.ok());
  LoadTable t = BuildLoadTable({&*r, &*r2});
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.fields[0], "id");
  EXPECT_EQ(t.rows[0][0], "bw_m.i_1");
  EXPECT_EQ(t.rows[1][0], "");  // a sub-row: the record cells are empty
  EXPECT_EQ(t.rows[2][0], "bw_m.i_2");
  EXPECT_EQ(t.record_of_row, (std::vector<int>{0, 0, 1}));
}

TEST(LoadTable, DatetimeNormalisation) {
  EXPECT_EQ(ToOdooDatetime("2024-03-01T10:00:00Z"), "2024-03-01 10:00:00");
  EXPECT_EQ(ToOdooDatetime("2024-03-01 10:00:00"), "2024-03-01 10:00:00");
  EXPECT_EQ(ToOdooDatetime("2024-03-01T00:30:00.123-01:00"), "2024-03-01 01:30:00");
  EXPECT_EQ(ToOdooDatetime("2024-03-01"), "2024-03-01 00:00:00");
  EXPECT_EQ(ToOdooDatetime("03/01/2024"), "");
}

TEST(BatchSizer, HalvesOnOverloadGrowsWhenFastStaysInBounds) {
  BatchSizer sizer({.initial = 100, .min = 1, .max = 120});
  EXPECT_EQ(sizer.Current("res.partner"), 100);
  sizer.OnSuccess("res.partner", 100, std::chrono::milliseconds(10));
  EXPECT_EQ(sizer.Current("res.partner"), 120);
  sizer.OnSuccess("res.partner", 120, std::chrono::milliseconds(10));
  EXPECT_EQ(sizer.Current("res.partner"), 120);
  sizer.OnOverload("res.partner", 120);
  EXPECT_EQ(sizer.Current("res.partner"), 60);
  sizer.OnSuccess("res.partner", 60, std::chrono::seconds(30));  // slow: no growth
  EXPECT_EQ(sizer.Current("res.partner"), 60);
  for (int i = 0; i < 10; ++i) sizer.OnOverload("res.partner", 60);
  EXPECT_EQ(sizer.Current("res.partner"), 1);
  EXPECT_EQ(sizer.Current("crm.lead"), 100);  // per model
  BatchSizer fixed({.fixed = 7});
  fixed.OnOverload("m", 7);
  EXPECT_EQ(fixed.Current("m"), 7);
}

}  // namespace
}  // namespace bridgework::connectors::odoo
