#include "cli/evaluate_report.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace botrecon::cli {
namespace {

eval::HostScore Host(std::string name, double mean, uint64_t count, uint64_t botnet) {
  eval::HostScore h{std::move(name), mean, count, {}};
  h.detail.botnet = botnet;
  return h;
}

EvaluationReport Sample() {
  EvaluationReport r;
  r.model = "rforest";
  r.model_type = "rforest";
  r.score_kind = "probability";
  r.model_threshold = 0.5;
  r.threshold = 0.5;
  r.inputs = {"flows\"1\".csv@70:"};
  r.flow_labels = "column";
  r.flow = eval::ComputeFlowMetrics(std::vector<double>{0.9, 0.2, 0.7}, std::vector<uint8_t>{1, 0, 0}, 0.5);
  r.host_truth = "infected";
  r.fp_min_flows = 20;
  r.min_count = 3;
  r.have_normal = true;
  r.host.hosts = 4;
  r.host.evaluated = 3;
  r.host.flagged = 2;
  r.host.found = {Host("10.0.0.1", 0.9, 30, 30)};
  r.host.missed = {Host("10.0.0.2", 0.75, 2, 2)};
  r.host.false_positives = {Host("10.0.0.3", 0.6, 25, 0)};
  r.host.clean_hosts = 2;
  r.host.normal_flagged = {Host("10.0.0.3", 0.6, 25, 0)};
  r.host.precision = 0.5;
  r.host.recall = 0.5;
  r.host.false_positive_rate = 0.5;
  return r;
}

TEST(EvaluationReport, TableHasEverySection) {
  EvaluationReport r = Sample();
  const std::string table = FormatEvaluationTable(r);
  for (const char* needle :
       {"Model:      rforest (built-in; probability scores, threshold 0.5)", "Flows:      3 (1 botnet, 2 not",
        "  Precision  0.500000", "  ROC-AUC    1.000000", "  PR-AUC     1.000000  (average precision)", "TP 1", "FN 0",
        "FP 1", "TN 1", "  Infected found   1 of 2  (recall 0.500000)",
        "  False positives  1 of 2 other hosts with >= 20 flows", "Infected hosts found:\n  Host",
        "\n  10.0.0.1    0.900000          30            30\n",
        "10.0.0.2    0.750000           2             2  (not evaluated: fewer than 3 flows)",
        "False-positive hosts with >= 20 flows:\n", "Known normal hosts:\n", "  Known normal     1 flagged of 1"}) {
    EXPECT_NE(table.find(needle), std::string::npos) << needle << "\n" << table;
  }
  r.flow = eval::ComputeFlowMetrics(std::vector<double>{0.1}, std::vector<uint8_t>{0}, 0.5);
  const std::string degenerate = FormatEvaluationTable(r);
  EXPECT_NE(degenerate.find("  ROC-AUC    n/a\n"), std::string::npos) << degenerate;
  EXPECT_NE(degenerate.find("  Precision  n/a\n"), std::string::npos) << degenerate;
}

TEST(EvaluationReport, JsonParsesWithStableKeys) {
  EvaluationReport r = Sample();
  r.flow = eval::ComputeFlowMetrics(std::vector<double>{0.1}, std::vector<uint8_t>{0}, 0.5);
  const std::string text = FormatEvaluationJson(r);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
  EXPECT_EQ(std::string_view(doc["inputs"].at(0)), "flows\"1\".csv@70:");
  EXPECT_TRUE(doc["flow_metrics"]["roc_auc"].is_null());
  EXPECT_TRUE(doc["flow_metrics"]["precision"].is_null());
  EXPECT_EQ(uint64_t(doc["flow_metrics"]["confusion_matrix"]["tn"]), 1u);
  EXPECT_EQ(uint64_t(doc["host_metrics"]["infected"]), 2u);
  EXPECT_EQ(std::string_view(doc["host_metrics"]["found_hosts"].at(0)["host"]), "10.0.0.1");
  EXPECT_EQ(bool(doc["host_metrics"]["missed_hosts"].at(0)["evaluated"]), false);
  EXPECT_EQ(double(doc["host_metrics"]["false_positive_hosts"].at(0)["mean_score"]), 0.6);
  EXPECT_EQ(std::string_view(doc["host_metrics"]["normal_flagged_hosts"].at(0)["host"]), "10.0.0.3");
  EXPECT_EQ(doc["host_metrics"]["normal_not_flagged_hosts"].get_array().size(), 0u);
}

TEST(EvaluationReport, DetectionQualityTableAndJson) {
  EvaluationReport r = Sample();
  EXPECT_EQ(FormatEvaluationTable(r).find("Detection quality"), std::string::npos);  // --detect model
  eval::DetectionQuality q;
  q.infected = 2;
  q.normal_hosts = 200;
  q.verdicts = {{"model", 1, 1, 0}, {"horizontal-scan", 1, 1, 2}, {"combined", 2, 0, 2}};
  r.quality = q;
  r.detect_level = "default";
  const std::string table = FormatEvaluationTable(r);
  for (const char* needle : {"Detection quality (--detect default; infected hosts: 2; normal hosts with >= 20 flows: 200)",
                             "  horizontal-scan        1       1      2 (1.00 %)", "  model or detector      2       0"}) {
    EXPECT_NE(table.find(needle), std::string::npos) << needle << "\n" << table;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(FormatEvaluationJson(r)).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(doc["detection_quality"]["verdicts"].at(1)["name"]), "horizontal-scan");
  EXPECT_EQ(uint64_t(doc["detection_quality"]["verdicts"].at(2)["found"]), 2u);
}

}  // namespace
}  // namespace botrecon::cli
