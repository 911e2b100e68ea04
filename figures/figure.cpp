#include "figure.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <gnuplot-iostream.h>

namespace figures {
namespace fs = std::filesystem;

namespace {

// A fresh folder only this process uses, named by mkdtemp under /tmp: its name
// holds nothing but letters, digits, '/', '-' and '.', so it can stand in a
// gnuplot command and a shell redirection without any quoting question.
fs::path make_scratch_folder() {
  std::string name = "/tmp/book-figure-XXXXXX";
  if (mkdtemp(name.data()) == nullptr)
    throw FigureError("cannot create a scratch folder under /tmp for gnuplot: " + std::string(std::strerror(errno)));
  return name;
}

// The first line of gnuplot's log that reports a problem, for the one-line error.
std::string first_complaint(const fs::path& log) {
  std::ifstream in(log);
  std::string line, first_nonempty;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t^") == std::string::npos) continue;
    if (first_nonempty.empty()) first_nonempty = line;
    if (line.find("rror") != std::string::npos || line.find("line ") != std::string::npos) return line;
  }
  return first_nonempty.empty() ? "gnuplot said nothing" : first_nonempty;
}

}  // namespace

Figure::Figure(fs::path file, int width, int height) : file_(std::move(file)), scratch_(make_scratch_folder()) {
  const fs::path drawn = scratch_ / ("figure" + file_.extension().string());
  // Everything gnuplot prints (warnings such as "empty x range" included) goes to
  // a log that finish() reads only if the figure fails.
  gnuplot_ = std::make_unique<Gnuplot>("gnuplot >/dev/null 2>" + (scratch_ / "gnuplot.log").string());
  const std::string size = std::to_string(width) + "," + std::to_string(height);
  Gnuplot& gp = *gnuplot_;
  if (file_.extension() == ".svg")
    gp << "set terminal svg size " << size << " dynamic enhanced font 'DejaVu Sans,13' background '#ffffff'\n";
  else
    gp << "set terminal pngcairo size " << size << " enhanced font 'DejaVu Sans,11' background '#ffffff'\n";
  gp << "set output '" << drawn.string() << "'\n";
  for (std::size_t i = 0; i < kPalette.size(); ++i)
    gp << "set linetype " << i + 1 << " linecolor rgb '" << kPalette[i] << "' linewidth 2 pointtype 7 pointsize 0.6\n";
  gp << "set border 3 linecolor rgb '#555555'\nset tics nomirror\n"
     << "set grid linecolor rgb '#dddddd' dashtype 1\nset key noautotitle\n";
}

Figure::~Figure() {
  gnuplot_.reset();
  std::error_code ignored;
  fs::remove_all(scratch_, ignored);
}

Gnuplot& Figure::gnuplot() { return *gnuplot_; }

void Figure::send_matrix(nn::ConstTensorView matrix) {
  Gnuplot& gp = *gnuplot_;
  for (std::size_t r = matrix.rows(); r-- > 0;) {  // gnuplot puts row 0 at the bottom
    for (std::size_t c = 0; c < matrix.cols(); ++c) gp << (c ? " " : "") << matrix(r, c);
    gp << "\n";
  }
  gp << "e\n";
}

void Figure::finish() {
  if (!gnuplot_) return;
  *gnuplot_ << "unset output\n";
  gnuplot_.reset();  // closes the pipe and waits for gnuplot to exit
  const fs::path drawn = scratch_ / ("figure" + file_.extension().string());
  std::error_code error;
  if (fs::file_size(drawn, error) == 0 || error)
    throw FigureError(file_.string() + ": gnuplot drew no figure: " + first_complaint(scratch_ / "gnuplot.log"));
  // Copy next to the destination, then rename over it: a reader of file_ sees the
  // old figure or the new one, never half of one.
  fs::path partial = file_;
  partial += ".partial";
  if (file_.has_parent_path()) fs::create_directories(file_.parent_path(), error);
  fs::copy_file(drawn, partial, fs::copy_options::overwrite_existing, error);
  if (!error) fs::rename(partial, file_, error);
  if (error) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    throw FigureError(file_.string() + ": the figure cannot be written there: " + error.message());
  }
}

}  // namespace figures
