// Chapter 2: reading IDX files. The tests write their own small files, raw and
// gzipped, good and broken; the last tests read the real MNIST set.
#include <catch2/catch.hpp>

#include <cstdint>

#include "idx_files.hpp"
#include "mnist.hpp"

using namespace test_files;
using nn::DataError;

namespace {

// Two 2×3 images and their labels: a small data set whose every value we know.
const std::vector<std::uint8_t> kPixels = {0, 51, 102, 153, 204, 255,  //
                                           255, 0, 0, 0, 0, 255};
const std::vector<std::uint8_t> kLabels = {7, 2};

void write_pair(const TemporaryFolder& dir, bool gzipped, const std::string& prefix = "train") {
  const std::string images = prefix + "-images-idx3-ubyte";
  const std::string labels = prefix + "-labels-idx1-ubyte";
  if (gzipped) {
    write_gzip(dir / (images + ".gz"), image_file(2, 2, 3, kPixels));
    write_gzip(dir / (labels + ".gz"), label_file(kLabels));
  } else {
    write(dir / images, image_file(2, 2, 3, kPixels));
    write(dir / labels, label_file(kLabels));
  }
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a raw IDX pair loads with pixels scaled to [0, 1]", "[mnist]") {
  TemporaryFolder dir;
  write_pair(dir, false);
  const nn::Dataset data = nn::load_split(dir.path(), nn::Split::train);
  REQUIRE(data.size() == 2);
  CHECK(data.image_rows == 2);
  CHECK(data.image_cols == 3);
  CHECK(data.images.rows() == 2);
  CHECK(data.images.cols() == 6);
  CHECK(data.images(0, 0) == 0.0f);
  CHECK(data.images(0, 1) == Approx(0.2f));
  CHECK(data.images(0, 5) == 1.0f);
  CHECK(data.images(1, 0) == 1.0f);
  CHECK(data.labels == kLabels);
}

TEST_CASE("a gzipped IDX pair loads the same as the raw one", "[mnist]") {
  TemporaryFolder raw_dir, gzip_dir;
  write_pair(raw_dir, false);
  write_pair(gzip_dir, true);
  const nn::Dataset raw = nn::load_split(raw_dir.path(), nn::Split::train);
  const nn::Dataset gzipped = nn::load_split(gzip_dir.path(), nn::Split::train);
  CHECK(std::equal(raw.images.values().begin(), raw.images.values().end(), gzipped.images.values().begin()));
  CHECK(raw.labels == gzipped.labels);
}

TEST_CASE("gzip is recognised by its magic bytes, not by the file name", "[mnist]") {
  TemporaryFolder dir;
  write_gzip(dir / "images", image_file(2, 2, 3, kPixels));
  CHECK(nn::read_idx_images(dir / "images").pixels == kPixels);
}

TEST_CASE("one-hot rows hold a single one at the label", "[mnist]") {
  const nn::Tensor y = nn::one_hot({7, 2, 0});
  REQUIRE(y.rows() == 3);
  REQUIRE(y.cols() == 10);
  for (std::size_t n = 0; n < 3; ++n) {
    float sum = 0;
    for (float v : y.row(n)) sum += v;
    CHECK(sum == 1.0f);
  }
  CHECK(y(0, 7) == 1.0f);
  CHECK(y(1, 2) == 1.0f);
  CHECK(y(2, 0) == 1.0f);
}

TEST_CASE("the validation split takes the last images, in order", "[mnist]") {
  TemporaryFolder dir;
  write_pair(dir, false);
  const nn::Dataset data = nn::load_split(dir.path(), nn::Split::train);
  const nn::TrainValidationSplit split = nn::split_off_validation(data, 1);
  CHECK(split.train.size() == 1);
  CHECK(split.validation.size() == 1);
  CHECK(split.train.labels[0] == 7);
  CHECK(split.validation.labels[0] == 2);
  CHECK(split.validation.images(0, 0) == 1.0f);
  CHECK_THROWS_AS(nn::split_off_validation(data, 2), DataError);
}

TEST_CASE("a run of rows is copied with its labels, and never read past the set's end", "[mnist]") {
  TemporaryFolder dir;
  write_pair(dir, false);
  const nn::Dataset data = nn::load_split(dir.path(), nn::Split::train);  // two images, labels 7 and 2
  const nn::Dataset second = nn::rows_of(data, 1, 1);
  REQUIRE(second.size() == 1);
  CHECK(second.labels[0] == 2);
  CHECK(second.images(0, 0) == data.images(1, 0));
  CHECK(second.image_rows == data.image_rows);
  CHECK(nn::first_images(data, 2).labels == data.labels);
  CHECK(nn::rows_of(data, 2, 0).size() == 0);
  CHECK_THROWS_WITH(nn::first_images(data, 3), "3 images from image 0 asked of a data set of 2; expected no more than it holds");
  CHECK_THROWS_AS(nn::rows_of(data, 3, 0), DataError);
  CHECK_THROWS_AS(nn::rows_of(data, 1, SIZE_MAX), DataError);  // first + count would wrap around
}

TEST_CASE("every malformed IDX file gets its own clear error", "[mnist][bad-input]") {
  TemporaryFolder dir;
  const auto at = [&](const std::string& name, const std::vector<std::uint8_t>& bytes) {
    write(dir / name, bytes);
    return dir / name;
  };
  const auto images_error = [&](const std::vector<std::uint8_t>& bytes) {
    const auto path = at("images", bytes);
    return error_of([&] { nn::read_idx_images(path); });
  };
  const auto labels_error = [&](const std::vector<std::uint8_t>& bytes) {
    const auto path = at("labels", bytes);
    return error_of([&] { nn::read_idx_labels(path); });
  };
  using Catch::Contains;
  CHECK_THAT(error_of([&] { nn::read_idx_images(dir / "missing"); }), Contains("missing: no such file"));
  CHECK_THAT(error_of([&] { nn::read_idx_images(dir.path()); }), Contains("is a directory"));
  CHECK_THAT(images_error({}), Contains("truncated header") && Contains("magic number"));
  CHECK_THAT(images_error(idx_bytes({2051, 2}, {})), Contains("truncated header") && Contains("row count"));
  CHECK_THAT(images_error(idx_bytes({2049, 2, 2, 3}, kPixels)), Contains("magic number 2049; expected 2051"));
  CHECK_THAT(labels_error(image_file(2, 2, 3, kPixels)), Contains("magic number 2051; expected 2049"));
  CHECK_THAT(images_error(image_file(0, 2, 3, {})), Contains("0 images"));
  CHECK_THAT(images_error(image_file(2, 0, 3, {})), Contains("0×3 pixels"));
  CHECK_THAT(images_error(image_file(2, 70000, 70000, {})), Contains("70000×70000 pixels"));
  // A header that claims four billion images over a 12-byte payload is refused
  // from the file's length, before anything is allocated.
  CHECK_THAT(images_error(image_file(0xFFFFFFFF, 28, 28, kPixels)), Contains("the file holds 12"));
  CHECK_THAT(images_error(image_file(3, 2, 3, kPixels)), Contains("claims 18 bytes") && Contains("holds 12"));
  auto longer = kPixels;
  longer.push_back(0);
  CHECK_THAT(images_error(image_file(2, 2, 3, longer)), Contains("holds 13"));
  CHECK_THAT(labels_error(label_file({1, 10, 3})), Contains("label 10 at index 1; expected 0–9"));
  CHECK_THAT(labels_error(label_file({})), Contains("0 labels"));
}

TEST_CASE("broken gzip files are refused with a clear error", "[mnist][bad-input]") {
  TemporaryFolder dir;
  auto compressed = gzip(image_file(2, 2, 3, kPixels));
  const auto error = [&](const std::vector<std::uint8_t>& bytes) {
    write(dir / "images.gz", bytes);
    return error_of([&] { nn::read_idx_images(dir / "images.gz"); });
  };
  using Catch::Contains;
  auto truncated = compressed;
  truncated.resize(truncated.size() / 2);
  CHECK_THAT(error(truncated), Contains("images.gz:"));
  auto corrupt = compressed;
  for (std::size_t i = 10; i < corrupt.size() - 8; ++i) corrupt[i] ^= 0x5a;
  CHECK_THAT(error(corrupt), Contains("images.gz:"));
  // A gzip stream whose header claims far more images than it decompresses to.
  CHECK_THAT(error(gzip(image_file(1000000, 28, 28, kPixels))), Contains("ends after 12"));
}

TEST_CASE("images and labels that disagree in count are refused", "[mnist][bad-input]") {
  TemporaryFolder dir;
  write(dir / "train-images-idx3-ubyte", image_file(2, 2, 3, kPixels));
  write(dir / "train-labels-idx1-ubyte", label_file({1, 2, 3}));
  CHECK_THAT(error_of([&] { nn::load_split(dir.path(), nn::Split::train); }),
             Catch::Contains("2 images but 3 labels"));
}

TEST_CASE("a folder without the files names what it looked for", "[mnist][bad-input]") {
  TemporaryFolder dir;
  CHECK_THAT(error_of([&] { nn::load_split(dir.path(), nn::Split::test); }),
             Catch::Contains("t10k-images-idx3-ubyte") && Catch::Contains(".gz"));
  CHECK_THAT(error_of([&] { nn::load_split(dir / "nowhere", nn::Split::test); }),
             Catch::Contains("not a directory"));
}

TEST_CASE("the real MNIST training set has the published class counts", "[mnist][real-data]") {
  const nn::Dataset train = nn::load_split(BOOK_DATA_DIR, nn::Split::train);
  CHECK(train.size() == 60000);
  CHECK(train.image_rows == 28);
  CHECK(train.image_cols == 28);
  CHECK(nn::class_counts(train.labels) ==
        std::vector<std::size_t>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949});
  const nn::Dataset test = nn::load_split(BOOK_DATA_DIR, nn::Split::test);
  CHECK(test.size() == 10000);
  CHECK(nn::class_counts(test.labels) ==
        std::vector<std::size_t>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009});
}

TEST_CASE("label files and gzip streams meet the same checks as raw image files", "[mnist][bad-input]") {
  TemporaryFolder dir;
  const auto labels_error = [&](const std::vector<std::uint8_t>& bytes, bool gzipped) {
    const auto path = dir / (gzipped ? "labels.gz" : "labels");
    gzipped ? write_gzip(path, bytes) : write(path, bytes);
    return error_of([&] { nn::read_idx_labels(path); });
  };
  const auto images_error = [&](const std::vector<std::uint8_t>& bytes) {
    write(dir / "images.gz", bytes);
    return error_of([&] { nn::read_idx_images(dir / "images.gz"); });
  };
  using Catch::Contains;
  for (bool gzipped : {false, true}) {
    INFO((gzipped ? "gzip" : "raw"));
    CHECK_THAT(labels_error({}, gzipped), Contains("truncated header") && Contains("magic number"));
    CHECK_THAT(labels_error(idx_bytes({2049}, {}), gzipped), Contains("ends before the label count"));
    CHECK_THAT(labels_error(label_file({4, 10, 2}), gzipped), Contains("label 10 at index 1; expected 0–9"));
    CHECK_THAT(labels_error(label_file({4, 2, 255}), gzipped), Contains("label 255 at index 2"));
    CHECK_THAT(labels_error(idx_bytes({2049, 5}, {1, 2}), gzipped), Contains("claims 5 bytes"));
    // Four billion labels claimed over two bytes: refused without allocating them.
    CHECK_THAT(labels_error(idx_bytes({2049, 0xFFFFFFFF}, {1, 2}), gzipped), Contains("claims 4294967295 bytes"));
    CHECK_THAT(labels_error(idx_bytes({2049, 1}, {1, 2}), gzipped),
               Contains("holds 2") || Contains("more data than the header's 1 bytes"));
  }
  CHECK_THAT(error_of([&] { nn::read_idx_labels(dir.path()); }), Contains("is a directory"));
  CHECK_THAT(error_of([&] { nn::read_idx_labels(dir / "missing.gz"); }), Contains("missing.gz: no such file"));
  // Gzip's two magic bytes and nothing else; then a stream with data after its end.
  CHECK_THAT(images_error({0x1f, 0x8b}), Contains("images.gz: corrupt or truncated gzip data"));
  auto images = image_file(2, 2, 3, kPixels);
  images.push_back(9);
  CHECK_THAT(images_error(gzip(images)), Contains("more data than the header's 12 bytes"));
}
