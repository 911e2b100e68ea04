#include "report.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace figures {
namespace fs = std::filesystem;

namespace {
// Writes text to path through a temporary file, so a reader of path never sees half of it.
void write_whole(const fs::path& path, const std::string& text) {
  fs::path temporary = path;
  temporary += ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error(temporary.string() + ": cannot be written");
  }
  fs::rename(temporary, path);
}

// A Markdown table: the first `text_columns` columns left-aligned, the others
// (numbers) right-aligned.
std::string markdown_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                           std::size_t text_columns = 1) {
  std::ostringstream md;
  auto line = [&md](const std::vector<std::string>& cells) {
    md << '|';
    for (const std::string& cell : cells) md << ' ' << cell << " |";
    md << '\n';
  };
  line(header);
  md << '|';
  for (std::size_t i = 0; i < header.size(); ++i) md << (i < text_columns ? ":---|" : "---:|");
  md << '\n';
  for (const auto& row : rows) line(row);
  return md.str();
}
}  // namespace

Report::Report(fs::path out_dir, std::string chapter, bool claims_must_hold)
    : out_dir_(std::move(out_dir)), chapter_(std::move(chapter)), claims_must_hold_(claims_must_hold) {
  fs::create_directories(out_dir_);
}

void Report::number(const std::string& name, const std::string& value) {
  // Two numbers of one name would be two aliases of one name, and Doxygen
  // would quietly print the last one wherever the text meant the first.
  for (const auto& [existing, _] : numbers_)
    if (existing == name) throw std::logic_error("report: the number " + chapter_ + "_" + name + " is set twice");
  numbers_.emplace_back(name, value);
}

void Report::table(const std::string& name, const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows, std::size_t text_columns) {
  write_whole(out_dir_ / (chapter_ + "_" + name + ".md"), markdown_table(header, rows, text_columns));
}

void Report::claim(const std::string& statement, bool holds, const std::string& evidence) {
  claims_.push_back({statement, holds, evidence});
}

void Report::finish() const {
  if (!claims_.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const Claim& claim : claims_) rows.push_back({claim.statement, claim.evidence, claim.holds ? "holds" : "**fails**"});
    write_whole(out_dir_ / (chapter_ + "_claims.md"),
                markdown_table({"the text says", "this run measured", "check"}, rows));
  }
  for (const Claim& claim : claims_)
    if (!claim.holds && !claims_must_hold_)
      std::cout << "note: the chapter's text says that " << claim.statement << ", but this run measured "
                << claim.evidence << " (with the book's settings it holds; the build checks it)\n";
    else if (!claim.holds)
      throw ClaimFailed(chapter_ + ": the text says that " + claim.statement + ", but this run measured " +
                        claim.evidence + "; the page would be wrong, so the build stops here");
  std::ostringstream doxy;
  doxy << "# Numbers reported by the " << chapter_ << " program; generated, do not edit.\n";
  for (const auto& [name, value] : numbers_) doxy << "ALIASES += \"" << chapter_ << '_' << name << '=' << value << "\"\n";
  write_whole(out_dir_ / (chapter_ + ".doxy"), doxy.str());
}

fs::path Report::figure_path(const std::string& name) const { return out_dir_ / (chapter_ + "_" + name); }

std::string with_thousands(std::size_t count) {
  const std::string digits = std::to_string(count);
  std::string text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
    text += digits[i];
  }
  return text;
}

// Numbers in the prose are typeset with the minus sign "−" (U+2212), not the
// hyphen a stream writes.
std::string with_minus_sign(std::string text) {
  if (!text.empty() && text.front() == '-') text.replace(0, 1, "−");
  return text;
}

std::string fixed(double value, int digits) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(digits) << value;
  return with_minus_sign(text.str());
}

std::string scientific(double value, int digits) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "∞" : "−∞";
  if (value == 0) return "0";
  std::ostringstream text;
  text << std::scientific << std::setprecision(digits) << value;  // "3.2e-06"
  const std::string plain = text.str();
  const std::size_t e = plain.find('e');
  const int exponent = std::stoi(plain.substr(e + 1));
  static const char* const superscripts[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string power = exponent < 0 ? "⁻" : "";
  for (char digit : std::to_string(std::abs(exponent))) power += superscripts[digit - '0'];
  return with_minus_sign(plain.substr(0, e)) + "×10" + power;
}

}  // namespace figures
