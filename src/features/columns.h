// Finding the eight required columns by name (aliases, or the user's
// FIELD=HEADER mapping), once, before any row is read; and saying what is
// wrong when they cannot be found.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "features/flow_batch.h"
#include "io/reader.h"

namespace botrecon::features {

// Every field botrecon reads, by its canonical (Argus) column name: the eight
// model features in Feature order, then the optional ones.
enum class Field : int {
  kSrcAddr = 0, kProto, kDport, kSport, kState, kDur, kTotBytes, kSrcBytes,
  kDstAddr, kStartTime, kTotPkts, kLabel
};
inline constexpr int kNumFields = 12;

// "SrcAddr", "Proto", ... (the canonical spelling).
const char* FieldName(Field field);
// The field named `name` (case-insensitive, spaces ignored); nullopt if none.
std::optional<Field> ParseField(std::string_view name);
// "SrcAddr, Proto, ..., Label": every field, for messages.
std::string FieldList();

// Which header of the input holds a field, as the user says (FIELD=HEADER).
// A mapped field is looked up only under that header (exact, then compared
// like every name: lower-cased, spaces removed).
struct ColumnMapping {
  std::vector<std::pair<Field, std::string>> entries;
  bool empty() const { return entries.empty(); }
  // The header given for `field`, or null.
  const std::string* Find(Field field) const;
  // Parses "FIELD=HEADER" and adds it. On failure returns false and sets
  // `problem` (what is wrong, without the option's name): an unknown field,
  // no '=', an empty header, a field given twice.
  bool Add(std::string_view text, std::string& problem);
};

// A column problem found before any row is read. What fixes it decides what
// the command line adds to the message (features never names options).
class ColumnsError : public core::InputError {
 public:
  enum class Remedy {
    kNone,         // another kind of file: the message says what to use instead
    kMapColumns,   // missing columns: a FIELD=HEADER mapping would name them
    kFixMapping,   // a mapping names a header the file lacks (mapping() says which)
    kSeparator,    // the header is one column holding separators: split at the wrong one
  };
  ColumnsError(const std::string& what, Remedy remedy, std::string mapping = {})
      : core::InputError(what), remedy_(remedy), mapping_(std::move(mapping)) {}
  Remedy remedy() const { return remedy_; }
  // "FIELD=HEADER" as given, with kFixMapping.
  const std::string& mapping() const { return mapping_; }

 private:
  Remedy remedy_;
  std::string mapping_;
};

// Lower-cases and removes spaces: how column names are compared.
std::string NormalizeName(std::string_view name);

// Accepted names of the optional columns, in Extra order.
const std::array<std::vector<std::string>, kNumExtraColumns>& ExtraColumnAliases();

// Accepted names per feature (first is canonical), in Feature order: the
// spec's aliases, then the names of other flow tools (Zeek conn.log, nfdump
// CSV), tried after them.
const std::array<std::vector<std::string>, kNumInputColumns>& ColumnAliases();

// Total bytes made of two columns, for tools that count each direction:
// Zeek (orig_ip_bytes + resp_ip_bytes) and nfdump (ibyt + obyt).
struct TotalBytesPair {
  const char* first;
  const char* second;
};
const std::vector<TotalBytesPair>& TotalBytesPairs();

// Where each of the eight features is in the reader's schema.
struct ColumnResolution {
  std::array<int, kNumInputColumns> column_index{};  // into Schema::names
  std::array<std::string, kNumInputColumns> names;   // as written in the file
  // When total bytes is the sum of two columns: the second one (the first is
  // column_index[kTotBytes]); -1 otherwise.
  int totbytes_second = -1;
  std::string totbytes_second_name;
  // Optional columns the behaviour detectors use (destination, start time,
  // packets): index into Schema::names, or -1 when the capture lacks them.
  std::array<int, kNumExtraColumns> extra_index{-1, -1, -1, -1};
  std::array<std::string, kNumExtraColumns> extra_names;
  // Model columns the file lacks (only when resolved with
  // model_columns_optional): their column_index is -1; empty when all are present.
  std::string missing_model_columns;
  // The columns a reader must project, the present ones in Feature order, then the second
  // total-bytes column if any, then (with `extras`) the optional columns found.
  std::vector<int> Projection(bool extras = false) const;
  // Where a column sits in a projected batch; -1 if absent.
  int Slot(Feature feature) const;
  int TotBytesSecondSlot() const;
  int ExtraSlot(Extra extra) const;  // with Projection(true)
};

// Resolves the columns of `schema`, taking mapped fields from the headers
// `mapping` names. Throws ColumnsError: every missing column named at once
// with the columns found and, per missing field, the most similar header; a
// mapped header the file lacks; a file of another kind (a Zeek log other than
// conn.log, an eve.json without flows, Argus ra output without the needed
// fields: what to export instead). For a file without a header: explains that
// it needs exactly eight columns.
// With `model_columns_optional` (behaviour detection on), a file that has the
// columns the detectors need (source, protocol, destination port, destination
// address) but lacks others only the model needs resolves, with those listed
// in missing_model_columns.
ColumnResolution ResolveColumns(const io::Schema& schema, const std::string& source_name,
                                bool model_columns_optional = false, const ColumnMapping& mapping = {});

// The schema column holding `field` under the mapping's header: its index,
// -1 when the mapping does not name the field. Throws ColumnsError (kFixMapping)
// when the header is not in the schema.
int MappedColumn(const io::Schema& schema, const std::string& source_name, const ColumnMapping& mapping, Field field);

// Header detection for text files: a first line is a header if any field is a
// known column name, or if none of its fields is an IP address (every data row
// has one: its source address).
bool LooksLikeHeader(const std::vector<std::string>& fields);

// Similarity of header names, for suggestions.
// Levenshtein distance (insertions, deletions, substitutions) of two byte strings.
size_t EditDistance(std::string_view a, std::string_view b);
// For each field in `missing`, the header of `names` most like one of its
// names (aliases and common spellings such as src_ip, dst_port, bytes_out),
// if any is close enough; a header is suggested for one field at most and
// headers in `taken` (already resolved) never. Result in `missing` order;
// "" where nothing is close.
std::vector<std::string> ClosestHeaders(const std::vector<Field>& missing, const std::vector<std::string>& names,
                                        const std::vector<bool>& taken);

}  // namespace botrecon::features
