#include "figure.hpp"

#include <gnuplot-iostream.h>

namespace figures {

Figure::Figure(std::filesystem::path file, int width, int height)
    : file_(std::move(file)), gnuplot_(std::make_unique<Gnuplot>("gnuplot")) {
  std::filesystem::create_directories(file_.parent_path());
  std::filesystem::remove(file_);
  const std::string size = std::to_string(width) + "," + std::to_string(height);
  Gnuplot& gp = *gnuplot_;
  if (file_.extension() == ".svg")
    gp << "set terminal svg size " << size << " dynamic enhanced font 'DejaVu Sans,13' background '#ffffff'\n";
  else
    gp << "set terminal pngcairo size " << size << " enhanced font 'DejaVu Sans,11' background '#ffffff'\n";
  gp << "set output '" << file_.string() << "'\n";
  for (std::size_t i = 0; i < kPalette.size(); ++i)
    gp << "set linetype " << i + 1 << " linecolor rgb '" << kPalette[i] << "' linewidth 2 pointtype 7 pointsize 0.6\n";
  gp << "set border 3 linecolor rgb '#555555'\nset tics nomirror\n"
     << "set grid linecolor rgb '#dddddd' dashtype 1\nset key noautotitle\n";
}

Figure::~Figure() = default;

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
  std::error_code error;
  if (std::filesystem::file_size(file_, error) == 0 || error)
    throw FigureError(file_.string() + ": gnuplot wrote no figure (see its message above)");
}

}  // namespace figures
