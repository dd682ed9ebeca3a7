#include "io/formats/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "thrift_compact_writer.h"

namespace botrecon::io::thrift {
namespace {

using testing::CompactWriter;

std::string ErrorOf(const std::string& data) {
  try {
    CompactDecoder d(data, "x.parquet: footer", 100);
    d.ReadStruct([&](const FieldHeader& f) { d.Skip(f.type); });
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ParquetThrift, ReadsFieldsOfEveryType) {
  CompactWriter w;
  w.Begin();
  w.I32(1, -7);
  w.I64(2, int64_t{1} << 40);
  w.Binary(3, "hello");
  w.Bool(4, true);
  w.Bool(5, false);
  w.I8(6, -3);
  w.I32(40, 123456);  // long-form field id (delta > 15)
  w.I32(20, 9);       // long-form again (id goes down)
  w.Struct(21);
  w.I32(1, 5);
  w.End();
  w.List(22, CType::kI32, 20);  // long-form list size
  for (int i = 0; i < 20; ++i) w.Varint(CompactWriter::ZigZag(i - 10));
  w.End();

  CompactDecoder d(w.out, "test");
  int fields = 0;
  d.ReadStruct([&](const FieldHeader& f) {
    ++fields;
    switch (f.id) {
      case 1:
        ASSERT_TRUE(d.Is(f, CType::kI32));
        EXPECT_EQ(d.ReadI32(), -7);
        break;
      case 2:
        ASSERT_TRUE(d.Is(f, CType::kI64));
        EXPECT_EQ(d.ReadI64(), int64_t{1} << 40);
        break;
      case 3:
        ASSERT_TRUE(d.Is(f, CType::kBinary));
        EXPECT_EQ(d.ReadBinary(), "hello");
        break;
      case 4:
      case 5:
        ASSERT_TRUE(d.Is(f, CType::kBoolTrue));
        EXPECT_EQ(d.ReadBool(f), f.id == 4);
        break;
      case 6:
        ASSERT_TRUE(d.Is(f, CType::kByte));
        EXPECT_EQ(d.ReadByte(), -3);
        break;
      case 40:
        EXPECT_EQ(d.ReadI32(), 123456);
        break;
      case 20:
        EXPECT_EQ(d.ReadI32(), 9);
        break;
      case 21: {
        int inner = 0;
        d.ReadStruct([&](const FieldHeader& g) {
          EXPECT_EQ(g.id, 1);
          inner = d.ReadI32();
        });
        EXPECT_EQ(inner, 5);
        break;
      }
      case 22: {
        auto list = d.ReadI32List();
        ASSERT_EQ(list.size(), 20u);
        EXPECT_EQ(list.front(), -10);
        EXPECT_EQ(list.back(), 9);
        break;
      }
      default:
        ADD_FAILURE() << "unexpected field " << f.id;
        d.Skip(f.type);
    }
  });
  EXPECT_EQ(fields, 10);
  EXPECT_EQ(d.position(), w.out.size());
}

TEST(ParquetThrift, IsSkipsAFieldOfAnotherType) {
  CompactWriter w;
  w.Begin();
  w.Binary(1, "not an int");
  w.I32(2, 42);
  w.End();
  CompactDecoder d(w.out, "test");
  int value = 0;
  d.ReadStruct([&](const FieldHeader& f) {
    if (d.Is(f, CType::kI32)) value = d.ReadI32();
  });
  EXPECT_EQ(value, 42);
}

TEST(ParquetThrift, SkipsNestedContainers) {
  CompactWriter w;
  w.Begin();
  w.FieldHeader(1, CType::kMap);
  w.Varint(2);
  w.Byte(static_cast<uint8_t>((static_cast<int>(CType::kBinary) << 4) | static_cast<int>(CType::kList)));
  for (int i = 0; i < 2; ++i) {
    w.Varint(1);
    w.out += "k";
    w.ListHeader(CType::kBoolTrue, 2);
    w.Byte(1);
    w.Byte(2);
  }
  w.List(2, CType::kStruct, 1);
  w.Begin();
  w.FieldHeader(1, CType::kDouble);
  w.out += std::string(8, '\0');
  w.End();
  w.I32(3, 77);
  w.End();
  CompactDecoder d(w.out, "test");
  int value = 0;
  d.ReadStruct([&](const FieldHeader& f) {
    if (f.id == 3) {
      value = d.ReadI32();
    } else {
      d.Skip(f.type);
    }
  });
  EXPECT_EQ(value, 77);
  EXPECT_EQ(d.position(), w.out.size());
}

TEST(ParquetThrift, TruncatedData) {
  CompactWriter w;
  w.Begin();
  w.Binary(1, "abc");
  std::string data = w.out;  // no stop byte
  EXPECT_EQ(ErrorOf(data), "x.parquet: footer: unexpected end of data (Thrift data at offset 105)");
}

TEST(ParquetThrift, LyingStringLength) {
  CompactWriter w;
  w.Begin();
  w.FieldHeader(1, CType::kBinary);
  w.Varint(1000);
  w.out += "abc";
  EXPECT_EQ(ErrorOf(w.out),
            "x.parquet: footer: string of 1000 bytes but only 3 bytes remain (Thrift data at offset 103)");
}

TEST(ParquetThrift, LyingListSize) {
  CompactWriter w;
  w.Begin();
  w.List(1, CType::kI64, 100000);
  EXPECT_NE(ErrorOf(w.out).find("list of 100000 elements but only 0 bytes remain"), std::string::npos);
}

TEST(ParquetThrift, OverlongVarint) {
  CompactWriter w;
  w.Begin();
  w.FieldHeader(1, CType::kI64);
  for (int i = 0; i < 11; ++i) w.Byte(0xff);
  EXPECT_NE(ErrorOf(w.out).find("varint longer than 10 bytes"), std::string::npos);
  CompactWriter w32;
  w32.Begin();
  w32.FieldHeader(1, CType::kI32);
  w32.Varint(uint64_t{1} << 33);
  w32.End();
  CompactDecoder d(w32.out, "t");
  EXPECT_THROW(d.ReadStruct([&](const FieldHeader&) { d.ReadI32(); }), core::InputError);
}

TEST(ParquetThrift, BadTypeNibble) {
  std::string data = "\x1d";  // field 1, type 13
  EXPECT_NE(ErrorOf(data).find("unknown Thrift type 13"), std::string::npos);
}

TEST(ParquetThrift, NestingDepthIsBounded) {
  CompactWriter w;
  w.Begin();
  for (int i = 0; i < 200; ++i) w.Struct(1);
  for (int i = 0; i < 200; ++i) w.End();
  w.End();
  EXPECT_NE(ErrorOf(w.out).find("nesting deeper than 64 levels"), std::string::npos);

  // Lists of lists as well.
  std::string lists = "\x19";                     // field 1: list
  for (int i = 0; i < 200; ++i) lists += "\x19";  // one element of type list
  lists += std::string(10, '\0');
  EXPECT_NE(ErrorOf(lists).find("nesting deeper than"), std::string::npos);
}

}  // namespace
}  // namespace botrecon::io::thrift
