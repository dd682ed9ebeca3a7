#include "io/formats/pickle/pickle_numpy.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.h"
#include "io/bytes.h"

namespace botrecon::io {
namespace {

// numpy spells its private modules numpy.core.* up to 1.26 and numpy._core.* from 2.0.
constexpr const char* kCoreModules[] = {"numpy.core", "numpy._core"};

bool IsCoreGlobal(PickleRef callable, std::string_view submodule, std::string_view name) {
  for (const char* core : kCoreModules) {
    std::string module = std::string(core) + "." + std::string(submodule);
    if (callable->IsGlobal(module, name)) return true;
  }
  return false;
}

bool IsCoreObject(PickleRef value, std::string_view submodule, std::string_view name) {
  return value->IsObject() && IsCoreGlobal(value->body->callable, submodule, name);
}

[[noreturn]] void Fail(const std::string& source, const std::string& what, PickleRef near, const std::string& message) {
  std::string text = source + ": " + what + ": " + message;
  if (near != nullptr) text += " (offset " + std::to_string(near->offset) + ")";
  throw core::InputError(text);
}

// Raw bytes of a bytes-like value (bytes, bytearray, or a Python 2 str that was ASCII).
bool RawBytes(PickleRef value, std::string_view& out) {
  if (value->kind == PickleKind::kBytes || value->kind == PickleKind::kByteArray) {
    out = value->text;
    return true;
  }
  if (value->kind == PickleKind::kStr) {
    for (char c : value->text) {
      if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    out = value->text;
    return true;
  }
  return false;
}

bool SmallInt(PickleRef value, int64_t& out) {
  if (value->kind == PickleKind::kInt) {
    out = value->integer;
    return true;
  }
  if (value->kind == PickleKind::kBool) {
    out = value->boolean ? 1 : 0;
    return true;
  }
  return false;
}

uint64_t LoadUnsigned(const char* p, int size, bool big_endian) {
  uint64_t v = 0;
  if (big_endian) {
    for (int i = 0; i < size; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  } else {
    for (int i = size - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  }
  return v;
}

int64_t SignExtend(uint64_t v, int size) {
  if (size < 8 && (v & (uint64_t{1} << (8 * size - 1))) != 0) v |= ~uint64_t{0} << (8 * size);
  return static_cast<int64_t>(v);
}

double DecodeNumber(const NumpyDtype& dtype, const char* p) {
  uint64_t raw = LoadUnsigned(p, dtype.itemsize, dtype.big_endian);
  switch (dtype.kind) {
    case NumpyKind::kBool:
      return raw != 0 ? 1.0 : 0.0;
    case NumpyKind::kInt:
      return static_cast<double>(SignExtend(raw, dtype.itemsize));
    case NumpyKind::kUInt:
      return static_cast<double>(raw);
    case NumpyKind::kFloat:
      if (dtype.itemsize == 8) return std::bit_cast<double>(raw);
      if (dtype.itemsize == 4) return std::bit_cast<float>(static_cast<uint32_t>(raw));
      return HalfToDouble(static_cast<uint16_t>(raw));
    default:
      return std::nan("");
  }
}

}  // namespace

void AllowNumpyArrays(PickleAllowList& list) {
  list.Allow("numpy", "ndarray").Allow("numpy", "dtype");
  for (const char* core : kCoreModules) {
    std::string multiarray = std::string(core) + ".multiarray";
    list.Allow(multiarray, "_reconstruct").Allow(multiarray, "scalar");
    list.Allow(std::string(core) + ".numeric", "_frombuffer");
  }
}

bool IsNumpyArray(PickleRef value) {
  return IsCoreObject(value, "multiarray", "_reconstruct") || IsCoreObject(value, "numeric", "_frombuffer");
}

namespace {

// The letter and size of a dtype's type code ("<i8": 'i', 8; "|b1": 'b', 1).
struct TypeCode {
  char letter = 0;
  int64_t size = 0;
};

// Parses the type code of numpy.dtype `value` into `dtype` (name, byte order,
// datetime unit) and returns its letter and size.
TypeCode ParseTypeCode(PickleRef value, const std::string& source, const std::string& what, NumpyDtype& dtype) {
  const auto& args = value->Args();
  if (args.empty() || !args[0]->IsString()) Fail(source, what, value, "numpy.dtype without a type code");
  dtype.name = std::string(args[0]->text);
  std::string_view code = args[0]->text;
  if (!code.empty() && (code[0] == '<' || code[0] == '>' || code[0] == '|' || code[0] == '=')) {
    dtype.big_endian = code[0] == '>';
    code.remove_prefix(1);
  }
  if (code.empty()) Fail(source, what, value, "numpy.dtype with an empty type code");
  TypeCode type{code[0], 0};
  std::string_view digits = code.substr(1);
  size_t bracket = digits.find('[');
  if (bracket != std::string_view::npos && (type.letter == 'M' || type.letter == 'm') && digits.back() == ']') {
    dtype.unit = std::string(digits.substr(bracket + 1, digits.size() - bracket - 2));
    digits = digits.substr(0, bracket);
  }
  for (char c : digits) {
    if (c < '0' || c > '9' || type.size > (1 << 24))
      Fail(source, what, value, "unsupported numpy dtype '" + dtype.name + "'");
    type.size = type.size * 10 + (c - '0');
  }
  return type;
}

// Datetime metadata of a dtype's state: (unit, num, ...) or (metadata dict, (unit, num, ...)).
void ReadDatetimeMetadata(PickleRef meta, PickleRef value, const std::string& source, const std::string& what,
                          NumpyDtype& dtype) {
  if (meta->kind == PickleKind::kTuple && meta->Items().size() == 2 && meta->Items()[1]->kind == PickleKind::kTuple) {
    meta = meta->Items()[1];
  }
  if (meta->kind == PickleKind::kTuple && !meta->Items().empty()) {
    std::string_view unit;
    if (RawBytes(meta->Items()[0], unit)) dtype.unit = std::string(unit);
    int64_t count = 1;
    if (meta->Items().size() >= 2 && SmallInt(meta->Items()[1], count) && count != 1) {
      Fail(source, what, value, "datetime units with a multiplier are not supported");
    }
  }
}

// Reads the state of numpy.dtype `value` into `dtype` (byte order, datetime
// unit); returns its element size, -1 if it has none.
// State: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]).
int64_t ReadDtypeState(PickleRef value, const std::string& source, const std::string& what, char letter,
                       NumpyDtype& dtype) {
  PickleRef state = value->body->state;
  int64_t elsize = -1;
  if (state == nullptr || state->kind != PickleKind::kTuple) return elsize;
  const auto& s = state->Items();
  if (s.size() >= 2 && s[1]->IsString()) {
    if (s[1]->text == ">") dtype.big_endian = true;
    if (s[1]->text == "<") dtype.big_endian = false;
    if (s[1]->text == "=") dtype.big_endian = std::endian::native == std::endian::big;
  }
  if (s.size() >= 5 && (!s[2]->IsNone() || !s[3]->IsNone() || !s[4]->IsNone())) {
    Fail(source, what, value, "structured/subarray numpy dtypes are not supported");
  }
  if (s.size() >= 6) SmallInt(s[5], elsize);
  if (s.size() >= 9 && (letter == 'M' || letter == 'm')) ReadDatetimeMetadata(s[8], value, source, what, dtype);
  return elsize;
}

// The kind and item size of `dtype` from its type code and element size;
// fails on sizes numpy would not write.
void SetKindAndSize(PickleRef value, const std::string& source, const std::string& what, TypeCode type,
                    int64_t elsize, NumpyDtype& dtype) {
  const char letter = type.letter;
  const int64_t size = type.size;
  auto require = [&](bool ok) {
    if (!ok) Fail(source, what, value, "unsupported numpy dtype '" + dtype.name + "'");
  };
  switch (letter) {
    case 'b':
      dtype.kind = NumpyKind::kBool;
      require(size == 0 || size == 1);
      dtype.itemsize = 1;
      break;
    case 'i':
    case 'u':
      dtype.kind = letter == 'i' ? NumpyKind::kInt : NumpyKind::kUInt;
      require(size == 1 || size == 2 || size == 4 || size == 8);
      dtype.itemsize = static_cast<int>(size);
      break;
    case 'f':
      dtype.kind = NumpyKind::kFloat;
      require(size == 2 || size == 4 || size == 8);
      dtype.itemsize = static_cast<int>(size);
      break;
    case 'c':
      dtype.kind = NumpyKind::kComplex;
      require(size == 8 || size == 16);
      dtype.itemsize = static_cast<int>(size);
      break;
    case 'O':
      dtype.kind = NumpyKind::kObject;
      require(size == 0 || size == 4 || size == 8);
      dtype.itemsize = 0;
      break;
    case 'M':
    case 'm':
      dtype.kind = letter == 'M' ? NumpyKind::kDatetime : NumpyKind::kTimedelta;
      require(size == 0 || size == 8);
      dtype.itemsize = 8;
      break;
    case 'S':
    case 'a':
    case 'U':
    case 'V': {
      dtype.kind = letter == 'U' ? NumpyKind::kUnicode : letter == 'V' ? NumpyKind::kVoid : NumpyKind::kBytes;
      int64_t bytes = elsize > 0 ? elsize : (letter == 'U' ? size * 4 : size);
      require(bytes > 0 && bytes <= (1 << 24) && (letter != 'U' || bytes % 4 == 0));
      dtype.itemsize = static_cast<int>(bytes);
      break;
    }
    default:
      require(false);
  }
}

}  // namespace

NumpyDtype ReadNumpyDtype(PickleRef value, const std::string& source, const std::string& what) {
  if (!value->IsObjectOf("numpy", "dtype"))
    Fail(source, what, value, "expected a numpy.dtype, got " + value->TypeName());
  NumpyDtype dtype;
  const TypeCode type = ParseTypeCode(value, source, what, dtype);
  const int64_t elsize = ReadDtypeState(value, source, what, type.letter, dtype);
  SetKindAndSize(value, source, what, type, elsize, dtype);
  if (dtype.itemsize <= 1) dtype.big_endian = false;
  return dtype;
}

NumpyArray ReadNumpyArray(PickleRef value, const std::string& source, const std::string& what) {
  NumpyArray array;
  PickleRef shape_value = nullptr;
  PickleRef dtype_value = nullptr;
  PickleRef data_value = nullptr;
  if (IsCoreObject(value, "multiarray", "_reconstruct")) {
    const auto& args = value->Args();
    if (args.empty() || args[0]->kind != PickleKind::kGlobal) Fail(source, what, value, "malformed numpy array");
    if (!args[0]->IsGlobal("numpy", "ndarray")) {
      Fail(source, what, value, "array subclass " + args[0]->TypeName() + " is not supported");
    }
    PickleRef state = value->body->state;
    if (state == nullptr || state->kind != PickleKind::kTuple) Fail(source, what, value, "numpy array without state");
    const auto& s = state->Items();
    size_t base = s.size() == 5 ? 1 : 0;  // (version, shape, dtype, is_fortran, data) or without version
    if (s.size() != 4 && s.size() != 5)
      Fail(source, what, value, "numpy array state has " + std::to_string(s.size()) + " items");
    shape_value = s[base];
    dtype_value = s[base + 1];
    int64_t fortran = 0;
    if (!SmallInt(s[base + 2], fortran)) Fail(source, what, value, "numpy array state has a bad order flag");
    array.fortran_order = fortran != 0;
    data_value = s[base + 3];
  } else if (IsCoreObject(value, "numeric", "_frombuffer")) {
    const auto& args = value->Args();
    if (args.size() != 4) Fail(source, what, value, "numpy _frombuffer needs 4 arguments");
    data_value = args[0];
    dtype_value = args[1];
    shape_value = args[2];
    if (!args[3]->IsString() || (args[3]->text != "C" && args[3]->text != "F")) {
      Fail(source, what, value, "numpy _frombuffer with a bad order");
    }
    array.fortran_order = args[3]->text == "F";
  } else {
    Fail(source, what, value, "expected a numpy array, got " + value->TypeName());
  }

  array.dtype = ReadNumpyDtype(dtype_value, source, what);
  if (shape_value->kind != PickleKind::kTuple) Fail(source, what, value, "numpy array shape is not a tuple");
  if (shape_value->Items().size() > 32) Fail(source, what, value, "numpy array has too many dimensions");
  uint64_t count = 1;
  for (PickleRef dim : shape_value->Items()) {
    int64_t n = 0;
    if (!SmallInt(dim, n) || n < 0) Fail(source, what, value, "numpy array has a bad dimension");
    auto un = static_cast<uint64_t>(n);
    if (un != 0 && count > (uint64_t{1} << 56) / un) Fail(source, what, value, "numpy array is too large");
    count *= un;
    array.shape.push_back(un);
  }
  array.size = count;

  if (array.dtype.kind == NumpyKind::kObject) {
    if (data_value->kind != PickleKind::kList) Fail(source, what, value, "object array data is not a list");
    if (data_value->Items().size() != count) {
      Fail(source, what, value,
           "object array has " + std::to_string(data_value->Items().size()) + " items, its shape needs " +
               std::to_string(count));
    }
    array.objects = &data_value->Items();
    return array;
  }
  if (!RawBytes(data_value, array.data)) {
    Fail(source, what, value, std::string("numpy array data is a ") + PickleKindName(data_value->kind));
  }
  auto itemsize = static_cast<uint64_t>(array.dtype.itemsize);
  if (array.data.size() % itemsize != 0 || array.data.size() / itemsize != count) {
    std::string needed = count <= (uint64_t{1} << 32) ? std::to_string(count * itemsize)
                                                      : std::to_string(count) + " x " + std::to_string(itemsize);
    Fail(source, what, value,
         "numpy array data has " + std::to_string(array.data.size()) + " bytes, shape and dtype '" + array.dtype.name +
             "' need " + needed);
  }
  return array;
}

int64_t NumpyArray::IntAt(uint64_t flat) const {
  const char* p = data.data() + flat * static_cast<uint64_t>(dtype.itemsize);
  uint64_t raw = LoadUnsigned(p, dtype.itemsize, dtype.big_endian);
  if (dtype.kind == NumpyKind::kInt || dtype.kind == NumpyKind::kDatetime || dtype.kind == NumpyKind::kTimedelta) {
    return SignExtend(raw, dtype.itemsize);
  }
  return static_cast<int64_t>(raw);
}

uint64_t NumpyArray::UIntAt(uint64_t flat) const {
  const char* p = data.data() + flat * static_cast<uint64_t>(dtype.itemsize);
  return LoadUnsigned(p, dtype.itemsize, dtype.big_endian);
}

double NumpyArray::NumberAt(uint64_t flat) const {
  return DecodeNumber(dtype, data.data() + flat * static_cast<uint64_t>(dtype.itemsize));
}

bool NumpyScalarAsDouble(PickleRef value, double& out) {
  if (!IsCoreObject(value, "multiarray", "scalar")) return false;
  const auto& args = value->Args();
  if (args.size() != 2) return false;
  NumpyDtype dtype;
  try {
    dtype = ReadNumpyDtype(args[0], "", "");
  } catch (const core::InputError&) {
    return false;
  }
  std::string_view raw;
  if (!RawBytes(args[1], raw) || raw.size() != static_cast<size_t>(dtype.itemsize)) return false;
  if (dtype.kind != NumpyKind::kBool && dtype.kind != NumpyKind::kInt && dtype.kind != NumpyKind::kUInt &&
      dtype.kind != NumpyKind::kFloat) {
    return false;
  }
  out = DecodeNumber(dtype, raw.data());
  return true;
}

}  // namespace botrecon::io
