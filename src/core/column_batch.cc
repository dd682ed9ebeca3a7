#include "core/column_batch.h"

namespace botrecon::core {

std::string SourceLocation::ToString() const {
  std::string out = file;
  if (line != 0) {
    out += ":" + std::to_string(line) + ":";
  } else if (row != 0) {
    out += ": row " + std::to_string(row) + ",";
  } else {
    out += ":";
  }
  if (!column.empty() || column_number != 0) {
    out += " column '" + column + "'";
    if (column_number != 0) out += " (field " + std::to_string(column_number) + ")";
  }
  return out;
}

}  // namespace botrecon::core
