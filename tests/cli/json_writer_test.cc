#include "cli/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>

#include "core/error.h"

namespace botrecon::cli {
namespace {

TEST(JsonQuote, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(JsonQuote(std::string("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(JsonQuote("/"), "\"/\"");
}

TEST(JsonQuote, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(JsonQuote("h\xC3\xA9t\xE2\x82\xAC\xF0\x9F\x98\x80"), "\"h\xC3\xA9t\xE2\x82\xAC\xF0\x9F\x98\x80\"");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(JsonQuote("\xFF"), "\"" + fffd + "\"");
  EXPECT_EQ(JsonQuote("\xC3"), "\"" + fffd + "\"");                                     // truncated sequence
  EXPECT_EQ(JsonQuote("\xC0\xAF"), "\"" + fffd + fffd + "\"");                          // overlong '/'
  EXPECT_EQ(JsonQuote("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");               // a surrogate
  EXPECT_EQ(JsonQuote("\xF4\x90\x80\x80x"), "\"" + fffd + fffd + fffd + fffd + "x\"");  // above U+10FFFF
}

TEST(JsonWriter, NestedDocumentParses) {
  JsonWriter w;
  w.BeginObject();
  w.Key("name");
  w.String("a \"quoted\"\nname \xFF");
  w.Key("numbers");
  w.BeginArray();
  w.Number(0.1);
  w.Number(1e-300);
  w.Number(-2.5);
  w.Number(std::nan(""));
  w.Number(std::optional<double>());
  w.Int(-7);
  w.UInt(18446744073709551615ULL);
  w.EndArray();
  w.Key("empty");
  w.BeginObject();
  w.EndObject();
  w.Key("none");
  w.BeginArray();
  w.EndArray();
  w.Key("flag");
  w.Bool(true);
  w.EndObject();
  const std::string text = w.str();
  EXPECT_EQ(text.back(), '\n');

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
  std::string_view name;
  ASSERT_EQ(doc["name"].get_string().get(name), simdjson::SUCCESS);
  EXPECT_EQ(name, "a \"quoted\"\nname \xEF\xBF\xBD");
  simdjson::dom::array numbers;
  ASSERT_EQ(doc["numbers"].get_array().get(numbers), simdjson::SUCCESS);
  EXPECT_EQ(double(numbers.at(0)), 0.1);  // round trip exact
  EXPECT_EQ(double(numbers.at(1)), 1e-300);
  EXPECT_TRUE(numbers.at(3).is_null());  // NaN
  EXPECT_TRUE(numbers.at(4).is_null());  // nullopt
  EXPECT_EQ(int64_t(numbers.at(5)), -7);
  EXPECT_EQ(uint64_t(numbers.at(6)), 18446744073709551615ULL);
  EXPECT_EQ(bool(doc["flag"]), true);
}

TEST(JsonWriter, LayoutIsIndented) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.Int(2);
  w.EndArray();
  w.Key("b");
  w.BeginObject();
  w.EndObject();
  w.EndObject();
  EXPECT_EQ(w.str(), "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}\n");
}

TEST(JsonWriter, NumbersStayFloatingPoint) {
  JsonWriter w(0);
  w.BeginArray();
  w.Number(1.0);
  w.Number(0.0);
  w.Number(-3.0);
  w.Number(0.5);
  w.Number(1e16);
  w.Number(1e-7);
  w.Number(std::optional<double>(2.0));
  w.EndArray();
  EXPECT_EQ(w.str(), "[1.0,0.0,-3.0,0.5,1e+16,1e-07,2.0]\n");
}

TEST(JsonWriter, MisuseIsAnInternalError) {
  JsonWriter value_without_key;
  value_without_key.BeginObject();
  EXPECT_THROW(value_without_key.Int(1), core::InternalError);
  JsonWriter unclosed;
  unclosed.BeginArray();
  EXPECT_THROW(unclosed.str(), core::InternalError);
  JsonWriter key_in_array;
  key_in_array.BeginArray();
  EXPECT_THROW(key_in_array.Key("x"), core::InternalError);
  JsonWriter wrong_end;
  wrong_end.BeginArray();
  EXPECT_THROW(wrong_end.EndObject(), core::InternalError);
}

}  // namespace
}  // namespace botrecon::cli
