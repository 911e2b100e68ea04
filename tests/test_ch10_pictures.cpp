// A reader's own picture made MNIST-like (chapter 10's classify program).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "mnist.hpp"
#include "picture_file.hpp"

namespace fs = std::filesystem;

namespace {

// A binary PGM (P5) of the given grey levels, row after row.
fs::path write_pgm(const std::string& name, std::size_t width, std::size_t height, const std::vector<unsigned char>& grey) {
  const fs::path path = fs::temp_directory_path() / ("book-test-" + name + ".pgm");
  std::ofstream out(path, std::ios::binary);
  out << "P5\n" << width << ' ' << height << "\n255\n";
  out.write(reinterpret_cast<const char*>(grey.data()), static_cast<std::streamsize>(grey.size()));
  return path;
}

// A dark bar on white paper: rows [top, top+h), columns [left, left+w) of a 60×80 picture.
std::vector<unsigned char> bar(std::size_t top, std::size_t h, std::size_t left, std::size_t w, bool dark_on_light) {
  std::vector<unsigned char> grey(60 * 80, dark_on_light ? 255 : 0);
  for (std::size_t r = top; r < top + h; ++r)
    for (std::size_t c = left; c < left + w; ++c) grey[r * 80 + c] = dark_on_light ? 0 : 255;
  return grey;
}

struct Extent {
  std::size_t top = 28, bottom = 0, left = 28, right = 0;
  double row_centre = 0, col_centre = 0, largest = 0, smallest = 1;
};

Extent extent_of(const std::vector<float>& field) {
  Extent e;
  double mass = 0;
  for (std::size_t r = 0; r < 28; ++r)
    for (std::size_t c = 0; c < 28; ++c) {
      const double v = field[r * 28 + c];
      e.largest = std::max(e.largest, v), e.smallest = std::min(e.smallest, v);
      if (v > 0) e.top = std::min(e.top, r), e.bottom = std::max(e.bottom, r + 1), e.left = std::min(e.left, c),
                 e.right = std::max(e.right, c + 1);
      mass += v, e.row_centre += v * (r + 0.5), e.col_centre += v * (c + 0.5);
    }
  e.row_centre /= mass, e.col_centre /= mass;
  return e;
}

}  // namespace

TEST_CASE("an upright bar is scaled to 20 pixels high and centred by its mass", "[pictures]") {
  // A 40×10 bar, far off-centre in its picture.
  const nn::InkPicture picture = nn::read_picture(write_pgm("bar", 80, 60, bar(5, 40, 60, 10, true)));
  const std::vector<float> field = nn::mnist_like(picture);
  REQUIRE(field.size() == 784);
  const Extent e = extent_of(field);
  CHECK(e.bottom - e.top == 20);  // the longer side fills the 20-pixel box
  CHECK(e.right - e.left == 5);   // the aspect ratio kept: 10/40 of 20
  CHECK(e.row_centre == Approx(14.5).margin(0.5));  // in pixel (14, 14), as in MNIST
  CHECK(e.col_centre == Approx(14.5).margin(0.5));
  CHECK(e.smallest >= 0);
  CHECK(e.largest <= 1);
}

TEST_CASE("dark ink on light paper and light ink on dark paper give the same input", "[pictures]") {
  const std::vector<float> dark_on_light = nn::mnist_like(nn::read_picture(write_pgm("dark", 80, 60, bar(10, 30, 20, 30, true))));
  const std::vector<float> light_on_dark = nn::mnist_like(nn::read_picture(write_pgm("light", 80, 60, bar(10, 30, 20, 30, false))));
  CHECK(dark_on_light == light_on_dark);
  CHECK(dark_on_light[14 * 28 + 14] == 1.0f);  // ink is 1, paper 0, as in MNIST
  CHECK(dark_on_light[0] == 0.0f);
}

TEST_CASE("an MNIST digit, enlarged and inverted, comes back close to itself", "[pictures]") {
  const nn::Dataset test = nn::load_split(BOOK_DATA_DIR, nn::Split::test);
  for (std::size_t n = 0; n < 20; ++n) {
    // Enlarge 3×, dark on light paper, then preprocess as a reader's picture.
    std::vector<unsigned char> grey(84 * 84);
    for (std::size_t r = 0; r < 84; ++r)
      for (std::size_t c = 0; c < 84; ++c)
        grey[r * 84 + c] = static_cast<unsigned char>(255 - std::lround(255 * test.images(n, (r / 3) * 28 + c / 3)));
    const std::vector<float> field = nn::mnist_like(nn::read_picture(write_pgm("mnist", 84, 84, grey)));
    // Cosine similarity with the original: MNIST's digits were made the same way.
    double dot = 0, a = 0, b = 0;
    for (std::size_t i = 0; i < 784; ++i) {
      dot += field[i] * test.images(n, i);
      a += field[i] * field[i];
      b += test.images(n, i) * test.images(n, i);
    }
    INFO("test image " << n);
    CHECK(dot / std::sqrt(a * b) > 0.8);
  }
}

TEST_CASE("pictures that are not pictures are refused with the file's name", "[pictures]") {
  const fs::path text = fs::temp_directory_path() / "book-test-not-a-picture.txt";
  std::ofstream(text) << "hello";
  CHECK_THROWS_WITH(nn::read_picture(text), Catch::Contains(text.string()) && Catch::Contains("not a PNG or PGM"));
  CHECK_THROWS_WITH(nn::read_picture(fs::temp_directory_path()), Catch::Contains("not a regular file"));
  const fs::path huge = fs::temp_directory_path() / "book-test-huge.pgm";
  std::ofstream(huge, std::ios::binary) << "P5\n100000 100000\n255\n";
  CHECK_THROWS_WITH(nn::read_picture(huge), Catch::Contains("100000×100000"));
  const nn::InkPicture blank = nn::read_picture(write_pgm("blank", 80, 60, std::vector<unsigned char>(60 * 80, 255)));
  CHECK_THROWS_WITH(nn::mnist_like(blank), Catch::Contains("no ink"));
}
