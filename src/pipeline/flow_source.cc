#include "pipeline/flow_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include "aggregate/host_table.h"
#include "core/error.h"
#include "core/ip_address.h"
#include "core/text.h"
#include "features/columns.h"
#include "features/extract.h"

namespace botrecon::pipeline {

struct InputTally {
  std::string name;
  std::atomic<uint64_t> rows{0};
};

struct InputState {
  InputTally* tally = nullptr;
  std::unique_ptr<io::Reader> reader;
  std::unique_ptr<features::FeatureExtractor> extractor;
  std::string name;
  LabelOptions options;
  LabelSource label_source = LabelSource::kColumn;
  int label_slot = -1, dst_slot = -1, time_slot = -1;  // positions in the projected batch
  bool windowed = false;
  bool model_usable = true;
  std::optional<double> origin;  // start time of the first row (windowed inputs)
};

namespace {

int FindColumn(const io::Schema& schema, const std::string& wanted) {
  const std::string norm = features::NormalizeName(wanted);
  for (size_t i = 0; i < schema.names.size(); ++i) {
    if (features::NormalizeName(schema.names[i]) == norm) return static_cast<int>(i);
  }
  return -1;
}

int FindAny(const io::Schema& schema, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (int idx = FindColumn(schema, name); idx >= 0) return idx;
  }
  return -1;
}

// The position of schema column `idx` in the projection, added if absent.
int Project(std::vector<int>& projection, int idx) {
  auto it = std::find(projection.begin(), projection.end(), idx);
  if (it != projection.end()) return static_cast<int>(it - projection.begin());
  projection.push_back(idx);
  return static_cast<int>(projection.size() - 1);
}

std::string ColumnsText(const features::ColumnResolution& resolution) {
  std::string text;
  const auto& aliases = features::ColumnAliases();
  for (int f = 0; f < features::kNumInputColumns; ++f) {
    text += (f ? ", " : "") + aliases[f].front() + "='" + resolution.names[f] + "'";
    if (f == static_cast<int>(features::Feature::kTotBytes) && resolution.totbytes_second >= 0) {
      text += " + '" + resolution.totbytes_second_name + "'";
    }
  }
  return text;
}

std::string_view TrimFront(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return text;
}

void Add(SourceCounts& to, const SourceCounts& from) {
  to.rows_read += from.rows_read;
  to.rows_kept += from.rows_kept;
  to.bad_rows_skipped += from.bad_rows_skipped;
  if (to.first_bad_row.empty()) to.first_bad_row = from.first_bad_row;
  to.invalid_addresses_skipped += from.invalid_addresses_skipped;
  to.management_records_skipped += from.management_records_skipped;
  to.excluded += from.excluded;
}

}  // namespace

uint8_t LabelClassOf(std::string_view text) {
  if (ParseLabel(text) == 1) return static_cast<uint8_t>(aggregate::LabelClass::kBotnet);
  if (core::AsciiLower(text).find("background") != std::string::npos) {
    return static_cast<uint8_t>(aggregate::LabelClass::kBackground);
  }
  return static_cast<uint8_t>(aggregate::LabelClass::kNormal);
}

FlowSource::FlowSource(SourceOptions options) : options_(std::move(options)) {}
FlowSource::~FlowSource() = default;

std::shared_ptr<InputState> FlowSource::Open(const SourceInput& input) {
  auto state = std::make_shared<InputState>();
  state->options = input.options;
  io::ReaderOptions reader_options = options_.reader;
  reader_options.skip_bad_rows = reader_options.skip_bad_rows || input.options.skip_bad_rows;
  const features::ColumnMapping& mapping = options_.columns;
  if (!reader_options.is_header) {
    // A first line holding a mapped header name is a header too.
    reader_options.is_header = [&mapping](const std::vector<std::string>& fields) {
      for (const auto& field : fields) {
        for (const auto& entry : mapping.entries) {
          if (features::NormalizeName(field) == features::NormalizeName(entry.second)) return true;
        }
      }
      return features::LooksLikeHeader(fields);
    };
  }
  state->reader = io::OpenReader(input.path, options_.type, reader_options);
  state->name = state->reader->source_name();
  state->tally = &tallies_.emplace_back();
  state->tally->name = state->name;
  const io::Schema& schema = state->reader->schema();
  features::ColumnResolution resolution =
      features::ResolveColumns(schema, state->name, options_.model_columns_optional, mapping);
  if (!resolution.missing_model_columns.empty()) {
    state->model_usable = false;
    counts_.model_skipped.push_back(state->name + " lacks " + resolution.missing_model_columns);
  }
  if (options_.on_columns) options_.on_columns(ColumnsText(resolution));
  std::vector<int> projection = resolution.Projection(options_.extras);
  const LabelOptions& o = input.options;
  if (options_.labels) {
    state->label_source = o.fixed_label ? LabelSource::kFixed : o.infected ? LabelSource::kInfected : LabelSource::kColumn;
    if (state->label_source == LabelSource::kColumn) {
      // A mapped Label column, unless the options name another than the default.
      const bool default_name = o.label_column.empty() || o.label_column == "label";
      int idx = default_name ? features::MappedColumn(schema, state->name, mapping, features::Field::kLabel) : -1;
      if (idx < 0) idx = FindColumn(schema, o.label_column.empty() ? "label" : o.label_column);
      if (idx >= 0) {
        state->label_slot = Project(projection, idx);
      } else if (o.allow_missing_label) {
        state->label_source = LabelSource::kNone;
      } else {
        throw core::InputError(state->name + ": no label column '" + o.label_column + "'; " + o.missing_label_hint);
      }
    }
  }
  if (o.exclude != nullptr || options_.dst) {
    // Argus, CTU-13 and the original's names; Zeek's id.resp_h; nfdump's da.
    int idx = features::MappedColumn(schema, state->name, mapping, features::Field::kDstAddr);
    if (idx < 0) {
      idx = FindAny(schema, {"dstaddr", "dstaddress", "destinationaddr", "destinationaddress", "daddr", "id.resp_h",
                             "da", "dest_ip"});
    }
    if (idx < 0) throw core::InputError(state->name + ": excluding flows needs a DstAddr column");
    state->dst_slot = Project(projection, idx);
  }
  state->windowed = o.from_minutes >= 0 || o.to_minutes >= 0;
  if (state->windowed) {
    int idx = features::MappedColumn(schema, state->name, mapping, features::Field::kStartTime);
    if (idx < 0) idx = FindAny(schema, {"starttime", "stime"});
    if (idx < 0) throw core::InputError(state->name + ": a time window needs a StartTime column");
    state->time_slot = Project(projection, idx);
  }
  state->reader->SetProjection(projection);
  state->extractor = std::make_unique<features::FeatureExtractor>(std::move(resolution), state->name,
                                                                  reader_options.skip_bad_rows, options_.extras);
  label_sources_.push_back(state->label_source);
  return state;
}

bool FlowSource::Next(SourceBatch& batch) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (!current_) {
      if (next_input_ >= options_.inputs.size()) return false;
      const SourceInput& input = options_.inputs[next_input_++];
      struct stat st {};
      if (input.path != "-" && stat(input.path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
        // An empty file holds no flows (and no header to check): counted, not an error.
        tallies_.emplace_back().name = input.path;
        if (options_.labels) label_sources_.push_back(LabelSource::kNone);
        continue;
      }
      current_ = Open(input);
    }
    batch.chunk = current_->reader->NextChunk();
    if (batch.chunk) break;
    current_.reset();
  }
  batch.bytes_consumed = current_->reader->bytes_consumed();
  batch.bytes_total = current_->reader->bytes_total();
  std::shared_ptr<InputState> input = current_;
  batch.model_usable = input->model_usable;
  // A window counts from the input's first row: that batch is decoded before
  // any other of the input is handed out.
  if (!input->windowed || input->origin) lock.unlock();
  const SourceCounts counts = Decode(*input, batch);
  if (!lock.owns_lock()) lock.lock();
  Add(counts_, counts);
  return true;
}

SourceCounts FlowSource::Decode(InputState& input, SourceBatch& batch) const {
  batch.chunk->Decode(batch.columns);
  SourceCounts counts;
  uint64_t bad = batch.columns.skipped_rows;
  std::string first_bad = batch.columns.first_skip_reason;
  input.extractor->Extract(batch.columns, batch.flows, bad, first_bad);
  const uint64_t extract_bad = bad - batch.columns.skipped_rows;  // bad rows the reader did not count
  counts.rows_read = batch.flows.num_rows - extract_bad;
  batch.rows_read = counts.rows_read;
  input.tally->rows.fetch_add(counts.rows_read, std::memory_order_relaxed);
  counts.bad_rows_skipped = bad;
  if (bad > 0) counts.first_bad_row = first_bad;
  counts.management_records_skipped = batch.flows.management_records;
  Filter(input, batch, counts);
  return counts;
}

// The start time of row `r` of a windowed input, in seconds.
static double StartTime(const InputState& input, const SourceBatch& batch, size_t r) {
  const core::Column& col = batch.columns.columns[input.time_slot];
  std::optional<double> t;
  if (col.type == core::ColumnType::kDouble) {
    if (!std::isnan(col.numbers[r])) t = col.numbers[r];
  } else {
    t = ParseStartTime(col.strings[r]);
  }
  if (!t) {
    throw core::InputError(input.name + ":" + std::to_string(batch.columns.lines.empty() ? 0 : batch.columns.lines[r]) +
                           ": invalid StartTime; expected epoch seconds or YYYY/MM/DD HH:MM:SS.ffffff");
  }
  return *t;
}

// Whether row `r` lies in the input's window (the first row sets the origin).
static bool InWindow(InputState& input, const SourceBatch& batch, size_t r) {
  const double t = StartTime(input, batch, r);
  if (!input.origin) input.origin = t;
  const double minutes = (t - *input.origin) / 60.0;
  const LabelOptions& o = input.options;
  return !(o.from_minutes >= 0 && minutes < o.from_minutes) && !(o.to_minutes >= 0 && minutes >= o.to_minutes);
}

static uint8_t RowLabel(const InputState& input, const SourceBatch& batch, size_t r) {
  auto by_host = [&](const filter::AddressFilter* infected) {
    if (infected == nullptr) return aggregate::LabelClass::kNormal;
    auto address = core::ParseIpAddress(batch.flows.srcaddr[r]);
    return address && infected->Matches(*address) ? aggregate::LabelClass::kBotnet : aggregate::LabelClass::kNormal;
  };
  const LabelOptions& o = input.options;
  switch (input.label_source) {
    case LabelSource::kNone: return static_cast<uint8_t>(by_host(o.missing_label_infected));
    case LabelSource::kFixed:
      return static_cast<uint8_t>(*o.fixed_label == 1 ? aggregate::LabelClass::kBotnet : aggregate::LabelClass::kNormal);
    case LabelSource::kInfected: return static_cast<uint8_t>(by_host(o.infected));
    case LabelSource::kColumn: break;
  }
  const core::Column& col = batch.columns.columns[input.label_slot];
  if (col.type == core::ColumnType::kDouble) {
    return static_cast<uint8_t>(col.numbers[r] == 1.0 ? aggregate::LabelClass::kBotnet : aggregate::LabelClass::kNormal);
  }
  return LabelClassOf(col.strings[r]);
}

void FlowSource::Filter(InputState& input, SourceBatch& batch, SourceCounts& counts) const {
  features::FlowBatch& flows = batch.flows;
  const size_t n = flows.num_rows;
  if (options_.labels) batch.labels.assign(n, 0);
  batch.dst.clear();
  if (input.dst_slot >= 0) {
    const core::Column& dst = batch.columns.columns[input.dst_slot];
    batch.dst.resize(n);
    if (dst.type == core::ColumnType::kString) {
      for (size_t r = 0; r < n; ++r) batch.dst[r] = TrimFront(dst.strings[r]);
    }
  }
  const std::unordered_set<std::string>* exclude = input.options.exclude;
  uint64_t kept = 0;
  for (size_t r = 0; r < n; ++r) {
    if (!flows.keep[r]) continue;
    if (input.windowed && !InWindow(input, batch, r)) {
      flows.keep[r] = 0;
      continue;
    }
    if (exclude != nullptr && exclude->count(FlowKey(flows.srcaddr[r], batch.dst[r], flows, r)) > 0) {
      flows.keep[r] = 0;
      ++counts.excluded;
      continue;
    }
    if (options_.address_filter != nullptr && !PassesAddressFilter(input, batch, r, counts)) {
      flows.keep[r] = 0;
      continue;
    }
    if (options_.labels) batch.labels[r] = RowLabel(input, batch, r);
    ++kept;
  }
  batch.kept = kept;
  counts.rows_kept = kept;
}

bool FlowSource::PassesAddressFilter(const InputState& input, const SourceBatch& batch, size_t r,
                                     SourceCounts& counts) const {
  auto address = core::ParseIpAddress(batch.flows.srcaddr[r]);
  if (!address) {
    if (!options_.ignore_invalid_addresses) {
      throw core::InputError(input.extractor->Locate(batch.columns, r, features::Feature::kSrcAddr).ToString() +
                             ": invalid source address '" + std::string(batch.flows.srcaddr[r]) +
                             "' while filtering by address (use -i to skip such rows)");
    }
    ++counts.invalid_addresses_skipped;
    return false;
  }
  return options_.address_filter->Matches(*address);
}

SourceCounts FlowSource::counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  SourceCounts counts = counts_;
  for (const InputTally& tally : tallies_) counts.input_rows.emplace_back(tally.name, tally.rows.load());
  return counts;
}

std::vector<LabelSource> FlowSource::label_sources() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return label_sources_;
}

}  // namespace botrecon::pipeline
