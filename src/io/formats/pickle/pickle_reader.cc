// pandas DataFrame pickles (pd.to_pickle / DataFrame.to_pickle), protocols 0-5.
//
// The pickle is decoded by our own VM (pickle_vm.h), which executes nothing
// and accepts only these globals (anything else is an InputError naming it):
//   plain data:  builtins.{object,bytes,bytearray,set,frozenset,slice},
//                copyreg.{_reconstructor,__newobj__,__newobj_ex__}, _codecs.encode,
//                functools.partial
//   numpy:       numpy.ndarray, numpy.dtype, numpy.core.multiarray.{_reconstruct,scalar},
//                numpy.core.numeric._frombuffer (and numpy._core.* of numpy 2)
//   DataFrame:   pandas.core.frame.DataFrame, pandas.core.internals.managers.BlockManager,
//                pandas._libs.internals._unpickle_block (pandas 1.4-2.x),
//                pandas.core.internals.blocks.{new_block,make_block}, pandas.core.internals.api.make_block
//   indexes:     pandas.core.indexes.base.{_new_Index,Index}, pandas.core.indexes.range.RangeIndex,
//                pandas.core.indexes.numeric.{Int64Index,UInt64Index,Float64Index,NumericIndex},
//                pandas.core.indexes.multi.MultiIndex, pandas.core.indexes.frozen.FrozenList,
//                pandas.core.indexes.datetimes.{DatetimeIndex,_new_DatetimeIndex}
//   extension arrays: pandas._libs.arrays.__pyx_unpickle_NDArrayBacked,
//                pandas.core.arrays.string_.{StringArray,StringDtype},
//                pandas.core.arrays.datetimes.DatetimeArray,
//                pandas.core.arrays.categorical.Categorical, pandas.core.dtypes.dtypes.CategoricalDtype,
//                pandas.core.arrays.integer.{IntegerArray,Int8Dtype..Int64Dtype,UInt8Dtype..UInt64Dtype},
//                pandas.core.arrays.floating.{FloatingArray,Float32Dtype,Float64Dtype},
//                pandas.core.arrays.boolean.{BooleanArray,BooleanDtype}, pandas._libs.missing.NA
//   recognised only to say what they are: pandas.core.series.Series,
//                pandas.core.internals.managers.SingleBlockManager
//
// Layouts of the BlockManager (the DataFrame's "_mgr"/"_data"):
//   pandas <= 1.2:  NEWOBJ(BlockManager) + BUILD((axes, values, items,
//                   {"0.14.1": {"axes": [columns, index], "blocks": [{"values", "mgr_locs"}]}}))
//   pandas 1.3:     BlockManager(blocks, axes), block = partial(new_block, ndim=2)(values, placement)
//   pandas 1.4-2.x: BlockManager(blocks, axes), block = _unpickle_block(values, placement, ndim)
// A block holds a 2-D numpy array (columns x rows, C or Fortran order) or a
// 1-D extension array (one column). Columns: numeric dtypes and bool -> kDouble;
// object columns -> kString if any cell is a str/bytes (numbers then rendered
// as Python's str() does), else kDouble; string/categorical/datetime columns ->
// kString; nullable Int/Float/boolean -> kDouble. The row index is not a column.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <deque>
#include <limits>
#include <optional>

#include "core/error.h"
#include "io/formats.h"
#include "io/formats/pickle/pickle_numpy.h"
#include "io/formats/pickle/pickle_vm.h"

namespace botrecon::io {
namespace {

constexpr const char* kIndexClasses[][2] = {
    {"pandas.core.indexes.base", "Index"},           {"pandas.core.indexes.range", "RangeIndex"},
    {"pandas.core.indexes.numeric", "Int64Index"},   {"pandas.core.indexes.numeric", "UInt64Index"},
    {"pandas.core.indexes.numeric", "Float64Index"}, {"pandas.core.indexes.numeric", "NumericIndex"},
    {"pandas.core.indexes.multi", "MultiIndex"},     {"pandas.core.indexes.datetimes", "DatetimeIndex"},
};

PickleAllowList DataFrameAllowList() {
  PickleAllowList list = PickleAllowList::DataBasics();
  AllowNumpyArrays(list);
  list.Allow("pandas.core.frame", "DataFrame")
      .Allow("pandas.core.internals.managers", "BlockManager")
      .Allow("pandas._libs.internals", "_unpickle_block")
      .Allow("pandas.core.internals.blocks", "new_block")
      .Allow("pandas.core.internals.blocks", "make_block")
      .Allow("pandas.core.internals.api", "make_block")
      .Allow("pandas.core.indexes.base", "_new_Index")
      .Allow("pandas.core.indexes.frozen", "FrozenList")
      .Allow("pandas.core.indexes.datetimes", "_new_DatetimeIndex")
      .Allow("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked")
      .Allow("pandas.core.arrays.string_", "StringArray")
      .Allow("pandas.core.arrays.string_", "StringDtype")
      .Allow("pandas.core.arrays.datetimes", "DatetimeArray")
      .Allow("pandas.core.arrays.categorical", "Categorical")
      .Allow("pandas.core.dtypes.dtypes", "CategoricalDtype")
      .Allow("pandas.core.arrays.integer", "IntegerArray")
      .Allow("pandas.core.arrays.floating", "FloatingArray")
      .Allow("pandas.core.arrays.floating", "Float32Dtype")
      .Allow("pandas.core.arrays.floating", "Float64Dtype")
      .Allow("pandas.core.arrays.boolean", "BooleanArray")
      .Allow("pandas.core.arrays.boolean", "BooleanDtype")
      .Allow("pandas._libs.missing", "NA")
      .Allow("pandas.core.series", "Series")
      .Allow("pandas.core.internals.managers", "SingleBlockManager");
  for (const char* bits : {"8", "16", "32", "64"}) {
    list.Allow("pandas.core.arrays.integer", std::string("Int") + bits + "Dtype");
    list.Allow("pandas.core.arrays.integer", std::string("UInt") + bits + "Dtype");
  }
  for (const auto& cls : kIndexClasses) list.Allow(cls[0], cls[1]);
  return list;
}

// --- rendering numbers as Python's str() does --------------------------------

std::string PythonFloatRepr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));  // "-d.ddde+XX"
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exponent);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else if (digits.size() <= static_cast<size_t>(exponent) + 1) {
      out += digits + std::string(static_cast<size_t>(exponent) + 1 - digits.size(), '0') + ".0";
    } else {
      out +=
          digits.substr(0, static_cast<size_t>(exponent) + 1) + "." + digits.substr(static_cast<size_t>(exponent) + 1);
    }
  } else {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exponent < 0 ? "e-" : "e+";
    int magnitude = std::abs(exponent);
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
  }
  return out;
}

// Little-endian two's complement bytes -> double (big Python ints).
double BigIntToDouble(std::string_view bytes) {
  if (bytes.empty()) return 0;
  bool negative = (static_cast<unsigned char>(bytes.back()) & 0x80) != 0;
  double v = 0;
  for (size_t i = bytes.size(); i-- > 0;) {
    auto b = static_cast<unsigned char>(bytes[i]);
    v = v * 256 + (negative ? static_cast<unsigned char>(~b) : b);
  }
  return negative ? -(v + 1) : v;
}

// "YYYY-MM-DD HH:MM:SS[.ffffff|.fffffffff]" as str(pandas.Timestamp) prints it.
std::string FormatTimestamp(int64_t count, const std::string& unit) {
  int64_t per_second = 0;
  if (unit == "s") per_second = 1;
  if (unit == "ms") per_second = 1000;
  if (unit == "us") per_second = 1000000;
  if (unit == "ns" || unit.empty()) per_second = 1000000000;
  int64_t seconds = 0;
  int64_t nanos = 0;
  if (unit == "D") {
    if (count > (int64_t{1} << 40) || count < -(int64_t{1} << 40)) return std::to_string(count);
    seconds = count * 86400;
  } else if (per_second != 0) {
    seconds = count / per_second;
    int64_t rem = count % per_second;
    if (rem < 0) {
      rem += per_second;
      --seconds;
    }
    nanos = rem * (1000000000 / per_second);
  } else {
    return std::to_string(count);
  }
  int64_t days = seconds / 86400;
  int64_t secs = seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t year = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", static_cast<long long>(year),
                        static_cast<long long>(month), static_cast<long long>(day), static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (nanos % 1000 != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
    out += buf;
  } else if (nanos != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(nanos / 1000));
    out += buf;
  }
  return out;
}

// --- cells of object arrays ---------------------------------------------------

enum class CellKind { kMissing, kText, kNumber, kOther };

bool IsMissingMarker(PickleRef v) {
  return v->IsNone() || v->IsGlobal("pandas._libs.missing", "NA") ||
         (v->kind == PickleKind::kFloat && std::isnan(v->real));
}

CellKind Classify(PickleRef v, double* number) {
  if (IsMissingMarker(v)) return CellKind::kMissing;
  switch (v->kind) {
    case PickleKind::kStr:
    case PickleKind::kBytes:
    case PickleKind::kByteArray:
      return CellKind::kText;
    case PickleKind::kInt:
      if (number != nullptr) *number = static_cast<double>(v->integer);
      return CellKind::kNumber;
    case PickleKind::kBigInt:
      if (number != nullptr) *number = BigIntToDouble(v->text);
      return CellKind::kNumber;
    case PickleKind::kFloat:
      if (number != nullptr) *number = v->real;
      return CellKind::kNumber;
    case PickleKind::kBool:
      if (number != nullptr) *number = v->boolean ? 1 : 0;
      return CellKind::kNumber;
    default: {
      double d = 0;
      if (NumpyScalarAsDouble(v, d)) {
        if (std::isnan(d)) return CellKind::kMissing;
        if (number != nullptr) *number = d;
        return CellKind::kNumber;
      }
      return CellKind::kOther;
    }
  }
}

// Python's str() of a number cell in an object column.
std::string CellText(PickleRef v) {
  switch (v->kind) {
    case PickleKind::kInt:
      return std::to_string(v->integer);
    case PickleKind::kBool:
      return v->boolean ? "True" : "False";
    case PickleKind::kFloat:
      return PythonFloatRepr(v->real);
    default: {
      double d = 0;
      if (v->kind == PickleKind::kBigInt) return PythonFloatRepr(BigIntToDouble(v->text));
      if (NumpyScalarAsDouble(v, d)) return PythonFloatRepr(d);
      return {};
    }
  }
}

// --- the plan: where each column's cells are ------------------------------------

enum class Source { kNumpy, kObject, kMasked, kDatetime, kCategorical, kUnsupported };

struct ArrayRef {
  NumpyArray array;
  bool two_d = false;
};

struct ColumnPlan {
  std::string name;
  Source source = Source::kUnsupported;
  const ArrayRef* values = nullptr;        // cells (categorical: codes)
  const ArrayRef* mask = nullptr;          // masked arrays: true = missing
  const NumpyArray* categories = nullptr;  // categorical: the category values (1-D)
  uint64_t block_row = 0;                  // position along the block's first axis
  core::ColumnType type = core::ColumnType::kDouble;
  std::string unsupported;  // why the column cannot be read
};

class PickleReader : public SequentialReader {
 public:
  PickleReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options)
      : name_(file->name()), max_rows_(std::max<size_t>(1, options.max_batch_rows)) {
    doc_ = RunPickle(std::move(file), DataFrameAllowList());
    Interpret();
  }

  const Schema& schema() const override { return schema_; }
  const std::string& source_name() const override { return name_; }
  // The whole file is decoded on open; progress follows the rows handed out.
  uint64_t bytes_consumed() const override {
    if (num_rows_ == 0 || next_row_ >= num_rows_) return bytes_total();
    return static_cast<uint64_t>(static_cast<double>(bytes_total()) * static_cast<double>(next_row_) /
                                 static_cast<double>(num_rows_));
  }
  uint64_t bytes_total() const override { return doc_->file()->bytes().size(); }

  void SetProjection(const std::vector<int>& column_indices) override {
    for (int idx : column_indices) {
      if (idx < 0 || static_cast<size_t>(idx) >= columns_.size()) {
        throw core::InternalError("pickle reader: projection index " + std::to_string(idx) + " out of range");
      }
      const ColumnPlan& plan = columns_[static_cast<size_t>(idx)];
      if (plan.source == Source::kUnsupported) {
        throw core::InputError(name_ + ": column '" + plan.name + "': " + plan.unsupported);
      }
    }
    SequentialReader::SetProjection(column_indices);
  }

 protected:
  bool ReadBatch(core::ColumnBatch& batch) override {
    if (next_row_ >= num_rows_) return false;
    uint64_t count = std::min<uint64_t>(max_rows_, num_rows_ - next_row_);
    batch.first_row = next_row_;
    batch.num_rows = count;
    batch.keep_alive = doc_;
    for (size_t k = 0; k < projection().size(); ++k) {
      FillColumn(columns_[static_cast<size_t>(projection()[k])], next_row_, count, batch, batch.columns[k]);
    }
    next_row_ += count;
    return true;
  }

 private:
  [[noreturn]] void Fail(const std::string& what, PickleRef near = nullptr) const {
    std::string text = name_ + ": " + what;
    if (near != nullptr) text += " (offset " + std::to_string(near->offset) + ")";
    throw core::InputError(text);
  }

  // --- interpretation of the tree ------------------------------------------------
  struct Unpacked {
    PickleRef values;
    PickleRef placement;
  };

  void Interpret() {
    PickleRef mgr = BlockManager();
    PickleRef axes = nullptr;
    std::vector<Unpacked> raw_blocks = ManagerBlocks(mgr, axes);
    std::vector<std::string> names = ColumnNames(axes->Items()[0]);
    std::optional<uint64_t> index_length = IndexLength(axes->Items()[1]);
    columns_.resize(names.size());
    for (size_t i = 0; i < names.size(); ++i) columns_[i].name = names[i];
    std::optional<uint64_t> rows = PlaceBlocks(raw_blocks, names, mgr);
    if (rows && index_length && *rows != *index_length) {
      Fail("the index has " + std::to_string(*index_length) + " entries but the blocks have " + std::to_string(*rows) +
               " rows",
           mgr);
    }
    num_rows_ = rows ? *rows : index_length.value_or(0);
    for (const auto& c : columns_) schema_.names.push_back(c.name);
  }

  // The BlockManager of the DataFrame at the root.
  PickleRef BlockManager() const {
    PickleRef root = doc_->root();
    if (!root->IsObjectOf("pandas.core.frame", "DataFrame")) {
      Fail("pickle holds " + root->TypeName() + ", not a pandas DataFrame", root);
    }
    PickleRef state = root->body->state;
    PickleRef mgr = nullptr;
    if (state != nullptr && state->kind == PickleKind::kDict) {
      mgr = state->Find("_mgr");
      if (mgr == nullptr) mgr = state->Find("_data");
    }
    if (mgr == nullptr) Fail("DataFrame pickle has no block manager (_mgr)", root);
    if (!mgr->IsObjectOf("pandas.core.internals.managers", "BlockManager")) {
      Fail("DataFrame pickle has a " + mgr->TypeName() + " where a BlockManager belongs", mgr);
    }
    return mgr;
  }

  // The blocks of a BlockManager; sets `axes` to its (columns, index) pair.
  std::vector<Unpacked> ManagerBlocks(PickleRef mgr, PickleRef& axes) {
    std::vector<Unpacked> raw_blocks;
    PickleRef mgr_state = mgr->body->state;
    if (mgr->Args().size() >= 2) {  // pandas >= 1.3: BlockManager(blocks, axes)
      PickleRef blocks = mgr->Args()[0];
      axes = mgr->Args()[1];
      if (!blocks->IsSequence()) Fail("BlockManager blocks are not a sequence", blocks);
      for (PickleRef block : blocks->Items()) raw_blocks.push_back(UnpackBlock(block));
    } else if (mgr_state != nullptr && mgr_state->kind == PickleKind::kTuple && mgr_state->Items().size() >= 4) {
      raw_blocks = LegacyBlocks(mgr, mgr_state->Items()[3], axes);
    } else {
      Fail("BlockManager has neither (blocks, axes) nor a 0.14.1 state", mgr);
    }
    if (axes == nullptr || !axes->IsSequence() || axes->Items().size() != 2) {
      Fail("BlockManager of a DataFrame needs 2 axes", axes != nullptr ? axes : mgr);
    }
    return raw_blocks;
  }

  // pandas <= 1.2: the blocks in the state's {"0.14.1": {"axes", "blocks"}}; sets `axes`.
  std::vector<Unpacked> LegacyBlocks(PickleRef mgr, PickleRef extra, PickleRef& axes) const {
    PickleRef v14 = extra->kind == PickleKind::kDict ? extra->Find("0.14.1") : nullptr;
    if (v14 == nullptr || v14->kind != PickleKind::kDict) {
      Fail("BlockManager state predates pandas 0.14.1 and is not supported", mgr);
    }
    axes = v14->Find("axes");
    PickleRef blocks = v14->Find("blocks");
    if (blocks == nullptr || !blocks->IsSequence()) Fail("BlockManager state has no block list", v14);
    std::vector<Unpacked> raw_blocks;
    for (PickleRef block : blocks->Items()) {
      if (block->kind != PickleKind::kDict) Fail("BlockManager block is not a dict", block);
      PickleRef values = block->Find("values");
      PickleRef locs = block->Find("mgr_locs");
      if (values == nullptr || locs == nullptr) Fail("BlockManager block lacks values or mgr_locs", block);
      raw_blocks.push_back({values, locs});
    }
    return raw_blocks;
  }

  // Plans the columns of every block into columns_ (named `names`), checking
  // that each column is placed once; returns the rows of the blocks (none if
  // there are no blocks).
  std::optional<uint64_t> PlaceBlocks(const std::vector<Unpacked>& raw_blocks, const std::vector<std::string>& names,
                                      PickleRef mgr) {
    std::vector<bool> placed(names.size(), false);
    std::optional<uint64_t> rows;
    for (size_t b = 0; b < raw_blocks.size(); ++b) {
      std::string what = "block " + std::to_string(b + 1);
      std::vector<uint64_t> positions = Placement(raw_blocks[b].placement, names.size(), what);
      uint64_t block_rows = 0;
      std::vector<ColumnPlan> plans = BlockColumns(raw_blocks[b].values, positions.size(), what, block_rows);
      if (rows && *rows != block_rows) {
        Fail(what + " has " + std::to_string(block_rows) + " rows, an earlier block " + std::to_string(*rows),
             raw_blocks[b].values);
      }
      rows = block_rows;
      for (size_t k = 0; k < positions.size(); ++k) {
        uint64_t pos = positions[k];
        if (placed[pos])
          Fail(what + " places column " + std::to_string(pos + 1) + " a second time", raw_blocks[b].placement);
        placed[pos] = true;
        plans[k].name = columns_[pos].name;
        columns_[pos] = std::move(plans[k]);
      }
    }
    for (size_t i = 0; i < placed.size(); ++i) {
      if (!placed[i]) Fail("column '" + names[i] + "' is in no block", mgr);
    }
    return rows;
  }

  // A block record -> (values, placement).
  Unpacked UnpackBlock(PickleRef block) {
    bool known = block->IsObjectOf("pandas._libs.internals", "_unpickle_block") ||
                 block->IsObjectOf("pandas.core.internals.blocks", "new_block") ||
                 block->IsObjectOf("pandas.core.internals.blocks", "make_block") ||
                 block->IsObjectOf("pandas.core.internals.api", "make_block");
    if (!known) Fail("expected a pandas block, got " + block->TypeName(), block);
    const auto& args = block->Args();
    PickleRef kwargs = block->body->kwargs;
    PickleRef values = !args.empty() ? args[0] : kwargs != nullptr ? kwargs->Find("values") : nullptr;
    PickleRef placement = args.size() >= 2 ? args[1] : kwargs != nullptr ? kwargs->Find("placement") : nullptr;
    if (values == nullptr || placement == nullptr) Fail("pandas block without values or placement", block);
    PickleRef ndim = args.size() >= 3 ? args[2] : kwargs != nullptr ? kwargs->Find("ndim") : nullptr;
    if (ndim != nullptr && !(ndim->kind == PickleKind::kInt && ndim->integer == 2)) {
      Fail("pandas block of a DataFrame must have ndim 2", block);
    }
    return {values, placement};
  }

  // Column positions of a block: a slice, an integer array or a list of ints.
  std::vector<uint64_t> Placement(PickleRef locs, size_t num_columns, const std::string& what) {
    std::vector<uint64_t> out;
    auto add = [&](int64_t pos) {
      if (pos < 0 || static_cast<uint64_t>(pos) >= num_columns) {
        Fail(what + " places a column at position " + std::to_string(pos) + " of " + std::to_string(num_columns), locs);
      }
      out.push_back(static_cast<uint64_t>(pos));
    };
    if (locs->IsObjectOf("builtins", "slice")) {
      const auto& a = locs->Args();
      auto int_or = [&](size_t i, int64_t fallback) {
        if (a.size() <= i || a[i]->IsNone()) return fallback;
        if (a[i]->kind != PickleKind::kInt) Fail(what + " has a bad slice", locs);
        return a[i]->integer;
      };
      if (a.empty() || a.size() > 3) Fail(what + " has a bad slice", locs);
      int64_t start = a.size() == 1 ? 0 : int_or(0, 0);
      int64_t stop = a.size() == 1 ? int_or(0, 0) : int_or(1, 0);
      int64_t step = int_or(2, 1);
      if (step <= 0) Fail(what + " has a slice with step " + std::to_string(step), locs);
      if (start < 0 || stop < 0) Fail(what + " has a slice with a negative bound", locs);
      if (stop <= start) return out;
      uint64_t count = static_cast<uint64_t>(stop - start - 1) / static_cast<uint64_t>(step) + 1;
      if (count > num_columns)
        Fail(what + " has a slice of " + std::to_string(count) + " columns beyond the " + std::to_string(num_columns) +
                 " columns",
             locs);
      for (uint64_t i = 0; i < count; ++i) add(start + static_cast<int64_t>(i) * step);
      return out;
    }
    if (IsNumpyArray(locs)) {
      NumpyArray a = ReadNumpyArray(locs, name_, what + " placement");
      if (a.shape.size() != 1 || (a.dtype.kind != NumpyKind::kInt && a.dtype.kind != NumpyKind::kUInt)) {
        Fail(what + " placement is not a 1-D integer array", locs);
      }
      for (uint64_t i = 0; i < a.size; ++i) add(a.IntAt(i));
      return out;
    }
    if (locs->IsSequence()) {
      for (PickleRef item : locs->Items()) {
        if (item->kind != PickleKind::kInt) Fail(what + " placement holds a " + item->TypeName(), locs);
        add(item->integer);
      }
      return out;
    }
    Fail(what + " placement is a " + locs->TypeName(), locs);
  }

  const ArrayRef* Keep(NumpyArray array, bool two_d) {
    arrays_.push_back({std::move(array), two_d});
    return &arrays_.back();
  }

  // The state of a pandas extension array: (dtype, ndarray) from either the
  // Cython tuple form (dtype, ndarray, dict) or a __dict__ with _ndarray/_data.
  void ExtensionState(PickleRef value, PickleRef& ndarray, PickleRef& dtype, const std::string& what) {
    PickleRef state = value->body->state;
    if (value->IsObjectOf("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked") && value->Args().size() >= 3 &&
        !value->Args()[2]->IsNone() && state == nullptr) {
      state = value->Args()[2];
    }
    ndarray = nullptr;
    dtype = nullptr;
    if (state == nullptr) Fail(what + ": " + ExtensionClass(value) + " without state", value);
    if (state->kind == PickleKind::kTuple) {
      for (PickleRef item : state->Items()) {
        if (IsNumpyArray(item) && ndarray == nullptr) {
          ndarray = item;
        } else if (item->IsObject() && dtype == nullptr) {
          dtype = item;
        }
      }
    } else if (state->kind == PickleKind::kDict) {
      for (const char* key : {"_ndarray", "_data", "_codes"}) {
        if (ndarray == nullptr) ndarray = state->Find(key);
      }
      dtype = state->Find("_dtype");
    }
    if (ndarray == nullptr || !IsNumpyArray(ndarray))
      Fail(what + ": " + ExtensionClass(value) + " without its array", value);
  }

  std::string ExtensionClass(PickleRef value) {
    if (value->IsObjectOf("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked") && !value->Args().empty()) {
      return value->Args()[0]->TypeName();
    }
    return value->TypeName();
  }

  // Plans for the `width` columns of one block; sets `rows`.
  std::vector<ColumnPlan> BlockColumns(PickleRef values, size_t width, const std::string& what, uint64_t& rows) {
    if (IsNumpyArray(values))
      return PlansFromArray(values, ReadNumpyArray(values, name_, what + " values"), width, what, rows);
    std::string cls = ExtensionClass(values);
    if (cls == "pandas.core.arrays.datetimes.DatetimeArray") {  // 2-D-able: may hold several columns
      return DatetimeColumns(values, width, what, rows);
    }
    std::vector<ColumnPlan> plans(width);
    // One-column extension arrays.
    if (width != 1) Fail(what + ": an extension array block must hold exactly one column", values);
    ColumnPlan& plan = plans[0];
    if (cls == "pandas.core.arrays.integer.IntegerArray" || cls == "pandas.core.arrays.floating.FloatingArray" ||
        cls == "pandas.core.arrays.boolean.BooleanArray") {
      PlanMaskedColumn(values, cls, what, plan, rows);
      return plans;
    }
    if (cls == "pandas.core.arrays.string_.StringArray") {
      PickleRef ndarray = nullptr;
      PickleRef dtype = nullptr;
      ExtensionState(values, ndarray, dtype, what);
      plan.values = OneDArray(ndarray, what, "strings");
      rows = Length(plan.values);
      plan.block_row = 0;
      PlanNumpyColumn(plan, rows);
      return plans;
    }
    if (cls == "pandas.core.arrays.categorical.Categorical") {
      PlanCategoricalColumn(values, what, plan, rows);
      return plans;
    }
    Fail(what + ": values of type " + cls + " are not supported", values);
  }

  // A DatetimeArray block: its numpy array's columns, unsupported when time-zone aware.
  std::vector<ColumnPlan> DatetimeColumns(PickleRef values, size_t width, const std::string& what, uint64_t& rows) {
    PickleRef ndarray = nullptr;
    PickleRef dtype = nullptr;
    ExtensionState(values, ndarray, dtype, what);
    std::vector<ColumnPlan> plans =
        PlansFromArray(ndarray, ReadNumpyArray(ndarray, name_, what + " datetimes"), width, what, rows);
    if (dtype != nullptr && !dtype->IsObjectOf("numpy", "dtype")) {
      for (auto& plan : plans) {
        plan.source = Source::kUnsupported;
        plan.unsupported = "time-zone-aware datetimes (" + dtype->TypeName() + ") are not supported";
      }
    }
    return plans;
  }

  // The array of a one-column extension array (`part` of it), kept.
  const ArrayRef* OneDArray(PickleRef array_value, const std::string& what, const std::string& part) {
    NumpyArray array = ReadNumpyArray(array_value, name_, what + " " + part);
    // pandas 2-D-able extension arrays may be stored as (1, n).
    if (array.shape.size() == 2 && array.shape[0] == 1) {
      return Keep(std::move(array), true);
    }
    if (array.shape.size() != 1) Fail(what + " " + part + " is not one-dimensional", array_value);
    return Keep(std::move(array), false);
  }

  static uint64_t Length(const ArrayRef* ref) { return ref->two_d ? ref->array.shape[1] : ref->array.shape[0]; }

  // IntegerArray, FloatingArray, BooleanArray: numeric data and a mask of missing values.
  void PlanMaskedColumn(PickleRef values, const std::string& cls, const std::string& what, ColumnPlan& plan,
                        uint64_t& rows) {
    PickleRef state = values->body->state;
    PickleRef data = state != nullptr && state->kind == PickleKind::kDict ? state->Find("_data") : nullptr;
    PickleRef mask = state != nullptr && state->kind == PickleKind::kDict ? state->Find("_mask") : nullptr;
    if (data == nullptr || mask == nullptr) Fail(what + ": " + cls + " without _data and _mask", values);
    plan.values = OneDArray(data, what, "data");
    plan.mask = OneDArray(mask, what, "mask");
    rows = Length(plan.values);
    if (Length(plan.mask) != rows || plan.mask->array.dtype.kind != NumpyKind::kBool) {
      Fail(what + ": " + cls + " mask does not match its data", mask);
    }
    plan.source = Source::kMasked;
    if (!IsNumeric(plan.values->array.dtype.kind)) Fail(what + ": " + cls + " data is not numeric", data);
    plan.type = core::ColumnType::kDouble;
  }

  // Categorical: integer codes into an array of categories.
  void PlanCategoricalColumn(PickleRef values, const std::string& what, ColumnPlan& plan, uint64_t& rows) {
    PickleRef ndarray = nullptr;
    PickleRef dtype = nullptr;
    ExtensionState(values, ndarray, dtype, what);
    plan.values = OneDArray(ndarray, what, "codes");
    rows = Length(plan.values);
    if (plan.values->array.dtype.kind != NumpyKind::kInt) Fail(what + ": categorical codes are not integers", ndarray);
    PickleRef categories = nullptr;
    if (dtype != nullptr && dtype->IsObjectOf("pandas.core.dtypes.dtypes", "CategoricalDtype") &&
        dtype->body->state != nullptr) {
      categories = dtype->body->state->Find("categories");
      if (categories == nullptr) categories = dtype->body->state->Find("_categories");
    }
    if (categories == nullptr) Fail(what + ": categorical without categories", values);
    PickleRef data = IndexData(categories);
    if (data == nullptr)
      Fail(what + ": categories of type " + categories->TypeName() + " are not supported", categories);
    NumpyArray cats = ReadNumpyArray(data, name_, what + " categories");
    if (cats.shape.size() != 1) Fail(what + ": categories are not one-dimensional", data);
    plan.categories = &Keep(std::move(cats), false)->array;
    plan.source = Source::kCategorical;
    PlanCategoryType(plan);
  }

  // The output type of a categorical column from its categories (numbers or
  // text); unsupported for other categories.
  static void PlanCategoryType(ColumnPlan& plan) {
    plan.type = core::ColumnType::kString;
    if (plan.categories->dtype.kind != NumpyKind::kObject) {
      if (!IsNumeric(plan.categories->dtype.kind)) {
        plan.source = Source::kUnsupported;
        plan.unsupported = "categories of dtype '" + plan.categories->dtype.name + "' are not supported";
      }
      plan.type = core::ColumnType::kDouble;
    } else {
      bool any_text = false;
      for (PickleRef cell : *plan.categories->objects) {
        CellKind kind = Classify(cell, nullptr);
        if (kind == CellKind::kOther) {
          plan.source = Source::kUnsupported;
          plan.unsupported = "a category is a " + cell->TypeName();
        }
        any_text = any_text || kind == CellKind::kText;
      }
      plan.type = any_text ? core::ColumnType::kString : core::ColumnType::kDouble;
    }
  }

  // Plans for the `width` columns of a numpy array: (width, rows) 2-D, or 1-D for one column.
  std::vector<ColumnPlan> PlansFromArray(PickleRef value, NumpyArray array, size_t width, const std::string& what,
                                         uint64_t& rows) {
    std::vector<ColumnPlan> plans(width);
    bool two_d = array.shape.size() == 2;
    if (two_d) {
      if (array.shape[0] != width) {
        Fail(what + " has " + std::to_string(array.shape[0]) + " columns of values for " + std::to_string(width) +
                 " placed columns",
             value);
      }
      rows = array.shape[1];
    } else if (array.shape.size() == 1 && width == 1) {
      rows = array.shape[0];
    } else {
      Fail(what + " values have " + std::to_string(array.shape.size()) + " dimensions for " + std::to_string(width) +
               " columns",
           value);
    }
    const ArrayRef* ref = Keep(std::move(array), two_d);
    for (size_t k = 0; k < width; ++k) {
      plans[k].values = ref;
      plans[k].block_row = k;
      PlanNumpyColumn(plans[k], rows);
    }
    return plans;
  }

  static bool IsNumeric(NumpyKind kind) {
    return kind == NumpyKind::kBool || kind == NumpyKind::kInt || kind == NumpyKind::kUInt || kind == NumpyKind::kFloat;
  }

  // Chooses how to read a numpy-backed column (plan.values and block_row set).
  void PlanNumpyColumn(ColumnPlan& plan, uint64_t rows) {
    const NumpyArray& a = plan.values->array;
    switch (a.dtype.kind) {
      case NumpyKind::kBool:
      case NumpyKind::kInt:
      case NumpyKind::kUInt:
      case NumpyKind::kFloat:
        plan.source = Source::kNumpy;
        plan.type = core::ColumnType::kDouble;
        return;
      case NumpyKind::kDatetime:
        plan.source = Source::kDatetime;
        plan.type = core::ColumnType::kString;
        return;
      case NumpyKind::kObject: {
        plan.source = Source::kObject;
        bool any_text = false;
        for (uint64_t r = 0; r < rows; ++r) {
          PickleRef cell = (*a.objects)[Flat(plan, r)];
          CellKind kind = Classify(cell, nullptr);
          if (kind == CellKind::kOther) {
            plan.source = Source::kUnsupported;
            plan.unsupported = "row " + std::to_string(r + 1) + " holds a " + cell->TypeName() +
                               ", which is not a supported cell value";
            return;
          }
          any_text = any_text || kind == CellKind::kText;
        }
        plan.type = any_text ? core::ColumnType::kString : core::ColumnType::kDouble;
        return;
      }
      default:
        plan.source = Source::kUnsupported;
        plan.unsupported = "numpy dtype '" + a.dtype.name + "' is not supported";
        return;
    }
  }

  static uint64_t Flat(const ColumnPlan& plan, uint64_t row) {
    const ArrayRef& ref = *plan.values;
    return ref.two_d ? ref.array.Index2D(plan.block_row, row) : row;
  }

  // The data array of a pandas Index record (_new_Index(cls, {"data": ...})), or nullptr.
  static PickleRef IndexData(PickleRef index) {
    if (!index->IsObjectOf("pandas.core.indexes.base", "_new_Index") || index->Args().size() < 2) return nullptr;
    PickleRef d = index->Args()[1];
    if (d->kind != PickleKind::kDict) return nullptr;
    PickleRef data = d->Find("data");
    return data != nullptr && IsNumpyArray(data) ? data : nullptr;
  }

  // RangeIndex parameters from _new_Index(RangeIndex, {start, stop, step}).
  bool RangeParams(PickleRef index, int64_t& start, int64_t& stop, int64_t& step) {
    if (!index->IsObjectOf("pandas.core.indexes.base", "_new_Index") || index->Args().size() < 2) return false;
    if (!index->Args()[0]->IsGlobal("pandas.core.indexes.range", "RangeIndex")) return false;
    PickleRef d = index->Args()[1];
    if (d->kind != PickleKind::kDict) return false;
    auto get = [&](const char* key, int64_t fallback) {
      PickleRef v = d->Find(key);
      if (v == nullptr || v->IsNone()) return fallback;
      if (v->kind != PickleKind::kInt) Fail("RangeIndex has a bad " + std::string(key), index);
      return v->integer;
    };
    start = get("start", 0);
    stop = get("stop", 0);
    step = get("step", 1);
    if (step == 0) Fail("RangeIndex has step 0", index);
    return true;
  }

  static uint64_t RangeLength(int64_t start, int64_t stop, int64_t step) {
    // len(range(start, stop, step)) without overflow.
    if (step > 0 && start < stop) {
      return (static_cast<uint64_t>(stop) - static_cast<uint64_t>(start) - 1) / static_cast<uint64_t>(step) + 1;
    }
    if (step < 0 && start > stop) {
      return (static_cast<uint64_t>(start) - static_cast<uint64_t>(stop) - 1) / (0 - static_cast<uint64_t>(step)) + 1;
    }
    return 0;
  }

  std::optional<uint64_t> IndexLength(PickleRef index) {
    int64_t start = 0, stop = 0, step = 1;
    if (RangeParams(index, start, stop, step)) return RangeLength(start, stop, step);
    if (PickleRef data = IndexData(index)) {
      NumpyArray a = ReadNumpyArray(data, name_, "index");
      if (a.shape.size() == 1) return a.shape[0];
    }
    return std::nullopt;  // other index kinds: trust the blocks
  }

  std::vector<std::string> ColumnNames(PickleRef columns) {
    int64_t start = 0, stop = 0, step = 1;
    std::vector<std::string> names;
    if (RangeParams(columns, start, stop, step)) {
      uint64_t n = RangeLength(start, stop, step);
      if (n > (uint64_t{1} << 24)) Fail("DataFrame has too many columns (" + std::to_string(n) + ")", columns);
      for (uint64_t i = 0; i < n; ++i) {
        // start + i * step stays between start and stop; unsigned arithmetic avoids overflow on the way.
        auto label = static_cast<int64_t>(static_cast<uint64_t>(start) + i * static_cast<uint64_t>(step));
        names.push_back(std::to_string(label));
      }
      return names;
    }
    PickleRef data = IndexData(columns);
    if (data == nullptr) Fail("column labels of type " + IndexClassName(columns) + " are not supported", columns);
    NumpyArray a = ReadNumpyArray(data, name_, "column labels");
    if (a.shape.size() != 1) Fail("column labels are not one-dimensional", data);
    for (uint64_t i = 0; i < a.size; ++i) {
      if (a.dtype.kind == NumpyKind::kObject) {
        PickleRef label = (*a.objects)[i];
        if (label->kind == PickleKind::kStr || label->kind == PickleKind::kBytes) {
          names.emplace_back(label->text);
        } else if (IsMissingMarker(label)) {
          names.emplace_back(label->kind == PickleKind::kFloat ? "nan" : label->IsNone() ? "None" : "<NA>");
        } else if (Classify(label, nullptr) == CellKind::kNumber) {
          names.push_back(CellText(label));
        } else {
          Fail("column label " + std::to_string(i + 1) + " is a " + label->TypeName(), label);
        }
      } else if (a.dtype.kind == NumpyKind::kInt) {
        names.push_back(std::to_string(a.IntAt(i)));
      } else if (a.dtype.kind == NumpyKind::kUInt) {
        names.push_back(std::to_string(a.UIntAt(i)));
      } else if (a.dtype.kind == NumpyKind::kFloat) {
        names.push_back(PythonFloatRepr(a.NumberAt(i)));
      } else if (a.dtype.kind == NumpyKind::kBool) {
        names.push_back(a.NumberAt(i) != 0 ? "True" : "False");
      } else {
        Fail("column labels of dtype '" + a.dtype.name + "' are not supported", data);
      }
    }
    return names;
  }

  static std::string IndexClassName(PickleRef index) {
    if (index->IsObjectOf("pandas.core.indexes.base", "_new_Index") && !index->Args().empty()) {
      return index->Args()[0]->TypeName();
    }
    return index->TypeName();
  }

  // --- batches ---------------------------------------------------------------------
  void FillColumn(const ColumnPlan& plan, uint64_t first, uint64_t count, core::ColumnBatch& batch, core::Column& out) {
    out.type = plan.type;
    if (plan.type == core::ColumnType::kDouble) {
      out.numbers.resize(count);
    } else {
      out.strings.resize(count);
    }
    const NumpyArray& a = plan.values->array;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t row = first + i;
      uint64_t flat = Flat(plan, row);
      switch (plan.source) {
        case Source::kNumpy:
          out.numbers[i] = a.NumberAt(flat);
          break;
        case Source::kMasked: {
          const ArrayRef& mask = *plan.mask;
          uint64_t mflat = mask.two_d ? mask.array.Index2D(0, row) : row;
          out.numbers[i] = mask.array.NumberAt(mflat) != 0 ? std::nan("") : a.NumberAt(flat);
          break;
        }
        case Source::kDatetime: {
          int64_t v = a.IntAt(flat);
          out.strings[i] = v == std::numeric_limits<int64_t>::min() ? std::string_view()
                                                                    : batch.Intern(FormatTimestamp(v, a.dtype.unit));
          break;
        }
        case Source::kObject:
          SetCell((*a.objects)[flat], plan.type, batch, out, i);
          break;
        case Source::kCategorical: {
          int64_t code = a.IntAt(flat);
          const NumpyArray& cats = *plan.categories;
          if (code < 0) {
            SetMissing(plan.type, out, i);
          } else if (static_cast<uint64_t>(code) >= cats.size) {
            Fail("column '" + plan.name + "': row " + std::to_string(row + 1) + " has category code " +
                 std::to_string(code) + " of " + std::to_string(cats.size));
          } else if (cats.dtype.kind == NumpyKind::kObject) {
            SetCell((*cats.objects)[static_cast<uint64_t>(code)], plan.type, batch, out, i);
          } else {
            out.numbers[i] = cats.NumberAt(static_cast<uint64_t>(code));
          }
          break;
        }
        case Source::kUnsupported:
          throw core::InputError(name_ + ": column '" + plan.name + "': " + plan.unsupported);
      }
    }
  }

  static void SetMissing(core::ColumnType type, core::Column& out, uint64_t i) {
    if (type == core::ColumnType::kDouble) {
      out.numbers[i] = std::nan("");
    } else {
      out.strings[i] = {};
    }
  }

  static void SetCell(PickleRef cell, core::ColumnType type, core::ColumnBatch& batch, core::Column& out, uint64_t i) {
    double number = 0;
    CellKind kind = Classify(cell, &number);
    if (type == core::ColumnType::kDouble) {
      out.numbers[i] = kind == CellKind::kNumber ? number : std::nan("");
    } else if (kind == CellKind::kText) {
      out.strings[i] = cell->text;
    } else if (kind == CellKind::kNumber) {
      out.strings[i] = batch.Intern(CellText(cell));
    } else {
      out.strings[i] = {};
    }
  }

  std::string name_;
  size_t max_rows_;
  std::shared_ptr<const PickleDocument> doc_;
  Schema schema_;
  std::deque<ArrayRef> arrays_;
  std::vector<ColumnPlan> columns_;
  uint64_t num_rows_ = 0;
  uint64_t next_row_ = 0;
};

}  // namespace

std::unique_ptr<Reader> OpenPickleReader(std::shared_ptr<const FileBuffer> file, const ReaderOptions& options) {
  return std::make_unique<PickleReader>(std::move(file), options);
}

}  // namespace botrecon::io
