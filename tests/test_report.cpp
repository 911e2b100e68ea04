// The report that hands a chapter's numbers to the docs, and checks its claims.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report.hpp"

namespace fs = std::filesystem;

namespace {
std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path fresh_folder(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("book-test-report-" + name);
  fs::remove_all(folder);
  return folder;
}
}  // namespace

TEST_CASE("a claim that holds is listed and the numbers are written", "[report]") {
  const fs::path out = fresh_folder("holds");
  figures::Report report(out, "ch99");
  report.number("speed", "4.2");
  report.claim("the fast loop is faster", true, "4.2 ms against 9.9 ms");
  report.finish();
  CHECK(read(out / "ch99.doxy").find("ch99_speed=4.2") != std::string::npos);
  const std::string claims = read(out / "ch99_claims.md");
  CHECK(claims.find("| the fast loop is faster | 4.2 ms against 9.9 ms | holds |") != std::string::npos);
}

TEST_CASE("a claim that fails stops the run and leaves no numbers for the docs", "[report]") {
  const fs::path out = fresh_folder("fails");
  figures::Report report(out, "ch99");
  report.number("speed", "9.9");
  report.claim("the fast loop is faster", false, "9.9 ms against 4.2 ms");
  CHECK_THROWS_AS(report.finish(), figures::ClaimFailed);
  CHECK_THROWS_WITH(report.finish(), Catch::Contains("the fast loop is faster") && Catch::Contains("9.9 ms against 4.2 ms"));
  CHECK_FALSE(fs::exists(out / "ch99.doxy"));
  CHECK(read(out / "ch99_claims.md").find("**fails**") != std::string::npos);
}

TEST_CASE("a number set twice under one name stops the run instead of printing the wrong one", "[report]") {
  figures::Report report(fresh_folder("twice"), "ch99");
  report.number("zero_percent", "81");
  CHECK_THROWS_WITH(report.number("zero_percent", "3"), Catch::Contains("ch99_zero_percent is set twice"));
}
