// The numbers a chapter quotes from its run, written where the docs build reads them.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace figures {

/// Collects the numbers and tables one chapter program reports, and writes them
/// for Doxygen when finished:
///  - number("train_images", "60000") becomes the command \\ch02_train_images,
///    usable inline in the chapter's prose (an ALIAS in out/ch02.doxy);
///  - table("counts", ...) becomes out/ch02_counts.md, shown with
///    \\includedoc ch02_counts.md.
/// A page that quotes a number the program no longer reports fails the docs build.
class Report {
 public:
  /// `claims_must_hold`: whether a claim that fails stops the run (the build's
  /// runs, with --check-claims) or is only noted on stdout (a reader's own
  /// experiment with other settings, where the text need not hold).
  Report(std::filesystem::path out_dir, std::string chapter, bool claims_must_hold = true);

  void number(const std::string& name, const std::string& value);
  /// The first `text_columns` columns are left-aligned, the others (numbers) right-aligned.
  void table(const std::string& name, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows, std::size_t text_columns = 1);

  /// A conclusion the chapter's prose draws from this run ("faster", "best",
  /// "converges"), with the program's own check of it and the numbers behind it.
  /// finish() lists every claim in out/CHAPTER_claims.md (shown with
  /// \\includedoc) and, if any does not hold and claims must hold, throws
  /// ClaimFailed instead of writing the aliases file: the chapter run fails, and
  /// so does the build, rather than let the page say what the run contradicts.
  void claim(const std::string& statement, bool holds, const std::string& evidence);

  /// Writes the claims table and then the aliases file; each table was written
  /// when it was added. Throws ClaimFailed, naming the first claim that failed.
  void finish() const;

  const std::filesystem::path& out_dir() const { return out_dir_; }
  /// out_dir/CHAPTER_NAME: where this chapter's figure called `name` goes.
  std::filesystem::path figure_path(const std::string& name) const;

 private:
  std::filesystem::path out_dir_;
  std::string chapter_;
  bool claims_must_hold_;
  std::vector<std::pair<std::string, std::string>> numbers_;
  struct Claim {
    std::string statement;
    bool holds;
    std::string evidence;
  };
  std::vector<Claim> claims_;
};

/// Thrown by Report::finish when a claim of the prose does not hold for this run.
struct ClaimFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A count with a comma between thousands, as the prose writes numbers: "60,000".
std::string with_thousands(std::size_t count);

/// The text with a leading hyphen replaced by the minus sign "−" (U+2212), as
/// the prose sets negative numbers; fixed() and scientific() already use it.
std::string with_minus_sign(std::string text);

/// A float with `digits` digits after the point, as the book prints numbers.
std::string fixed(double value, int digits);

/// A number in scientific notation for the prose, e.g. "3.2×10⁻⁶" (`digits`
/// significant digits after the first); "0" for zero, "NaN" and "inf" as such.
std::string scientific(double value, int digits = 1);

}  // namespace figures
