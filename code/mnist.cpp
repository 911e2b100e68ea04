// Chapter 2: MNIST, read from IDX files.
#include "mnist.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <string>

#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filtering_stream.hpp>

namespace nn {
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kImagesMagic = 2051;  // 0x00000803: unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 2049;  // 0x00000801: unsigned bytes, 1 dimension
constexpr std::size_t kMaxImageSide = 1024;   // far above MNIST's 28, far below a bad header
constexpr std::size_t kReadChunk = std::size_t{1} << 20;

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw DataError(path.string() + ": " + what);
}

// [idx-stream]
// Reads an IDX file byte by byte, decompressing it on the way if it starts with
// gzip's magic bytes 1f 8b. Every failure becomes a DataError naming the file.
class IdxStream {
 public:
  explicit IdxStream(const fs::path& path) : path_(path) {
    std::error_code error;
    const auto status = fs::status(path, error);
    if (!fs::exists(status)) fail(path, "no such file");
    if (fs::is_directory(status)) fail(path, "is a directory; expected an IDX file");
    // A FIFO or a device would block or never end: only a regular file is read.
    if (!fs::is_regular_file(status))
      fail(path, "is not a regular file (a pipe, a device or a socket); expected an IDX file");
    file_.open(path, std::ios::binary);
    if (!file_) fail(path, "cannot be opened for reading");
    file_size_ = fs::file_size(path, error);
    const int first = file_.get(), second = file_.get();
    compressed_ = first == 0x1f && second == 0x8b;
    file_.clear();
    file_.seekg(0);
    if (compressed_) in_.push(boost::iostreams::gzip_decompressor());
    in_.push(file_);
    in_.exceptions(std::ios::badbit);  // let a decompression error reach read()
  }

  bool compressed() const { return compressed_; }
  std::uintmax_t file_size() const { return file_size_; }

  // Reads up to n bytes and returns how many arrived before the end of the data.
  std::size_t read(std::uint8_t* out, std::size_t n) {
    try {
      in_.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
      return static_cast<std::size_t>(in_.gcount());
    } catch (const std::exception& e) {
      fail(path_, std::string("corrupt or truncated gzip data (") + e.what() + "); expected a whole gzip file");
    }
  }

  // One big-endian 32-bit header field; `field` names it in the error.
  std::uint32_t read_u32(const char* field) {
    std::array<std::uint8_t, 4> bytes{};
    if (read(bytes.data(), bytes.size()) != bytes.size())
      fail(path_, std::string("truncated header: the file ends before the ") + field);
    return std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
           std::uint32_t{bytes[2]} << 8 | std::uint32_t{bytes[3]};
  }

  bool at_end() {
    std::uint8_t byte = 0;
    return read(&byte, 1) == 0;
  }

 private:
  fs::path path_;
  std::ifstream file_;
  boost::iostreams::filtering_istream in_;
  bool compressed_ = false;
  std::uintmax_t file_size_ = 0;
};
// [idx-stream]

void check_magic(const fs::path& path, std::uint32_t found, std::uint32_t expected, const char* kind) {
  if (found != expected)
    fail(path, "magic number " + std::to_string(found) + "; expected " + std::to_string(expected) +
                   " for an IDX " + kind + " file");
}

// [read-payload]
// Reads exactly `claimed` bytes after a header of `header_bytes`. A raw file's
// length is checked before anything is allocated; a gzip stream's length is only
// known by reading it, so it is read in chunks and the buffer never grows past
// the bytes that really arrived.
std::vector<std::uint8_t> read_payload(IdxStream& in, const fs::path& path, std::size_t header_bytes,
                                       std::size_t claimed) {
  if (!in.compressed() && in.file_size() != header_bytes + claimed)
    fail(path, "the header claims " + std::to_string(claimed) + " bytes of data but the file holds " +
                   std::to_string(in.file_size() - std::min<std::uintmax_t>(in.file_size(), header_bytes)));
  std::vector<std::uint8_t> payload;
  while (payload.size() < claimed) {
    const std::size_t want = std::min(kReadChunk, claimed - payload.size());
    const std::size_t before = payload.size();
    payload.resize(before + want);
    const std::size_t got = in.read(payload.data() + before, want);
    if (got < want)
      fail(path, "the header claims " + std::to_string(claimed) + " bytes of data but the data ends after " +
                     std::to_string(before + got));
  }
  if (!in.at_end())
    fail(path, "more data than the header's " + std::to_string(claimed) + " bytes");
  return payload;
}
// [read-payload]

}  // namespace

// [read-images]
IdxImages read_idx_images(const fs::path& path) {
  IdxStream in(path);
  check_magic(path, in.read_u32("magic number"), kImagesMagic, "image");
  IdxImages images;
  images.count = in.read_u32("image count");
  images.rows = in.read_u32("row count");
  images.cols = in.read_u32("column count");
  if (images.count == 0) fail(path, "the header claims 0 images; expected at least one");
  if (images.rows == 0 || images.cols == 0 || images.rows > kMaxImageSide || images.cols > kMaxImageSide)
    fail(path, "images of " + shape_string(images.rows, images.cols) + " pixels; expected each side in 1–" +
                   std::to_string(kMaxImageSide));
  images.pixels = read_payload(in, path, 16, images.count * images.rows * images.cols);
  return images;
}
// [read-images]

IdxLabels read_idx_labels(const fs::path& path) {
  IdxStream in(path);
  check_magic(path, in.read_u32("magic number"), kLabelsMagic, "label");
  const std::size_t count = in.read_u32("label count");
  if (count == 0) fail(path, "the header claims 0 labels; expected at least one");
  IdxLabels result{read_payload(in, path, 8, count)};
  const auto bad = std::find_if(result.labels.begin(), result.labels.end(),
                                [](std::uint8_t label) { return label >= kClasses; });
  if (bad != result.labels.end())
    fail(path, "label " + std::to_string(*bad) + " at index " +
                   std::to_string(bad - result.labels.begin()) + "; expected 0–9");
  return result;
}

fs::path images_file_stem(Split split) {
  return split == Split::train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte";
}
fs::path labels_file_stem(Split split) {
  return split == Split::train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte";
}

fs::path find_idx_file(const fs::path& dir, const fs::path& stem) {
  std::error_code error;
  if (!fs::is_directory(dir, error))
    throw DataError(dir.string() + ": not a directory; expected a folder holding MNIST's IDX files");
  fs::path raw = dir / stem, gzipped = dir / stem;
  gzipped += ".gz";
  if (fs::exists(raw, error)) return raw;
  if (fs::exists(gzipped, error)) return gzipped;
  throw DataError(dir.string() + ": holds neither " + stem.string() + " nor " + gzipped.filename().string() +
                  "; expected MNIST's IDX files (raw or .gz)");
}

Dataset make_dataset(const IdxImages& images, const IdxLabels& labels, const fs::path& where) {
  if (images.count != labels.labels.size())
    throw DataError(where.string() + ": " + std::to_string(images.count) + " images but " +
                    std::to_string(labels.labels.size()) + " labels; expected one label per image");
  // [normalise]
  Dataset data;
  data.image_rows = images.rows;
  data.image_cols = images.cols;
  data.labels = labels.labels;
  data.images = Tensor(images.count, images.rows * images.cols);
  std::transform(images.pixels.begin(), images.pixels.end(), data.images.data(), pixel_value);
  // [normalise]
  return data;
}

Dataset load_split(const fs::path& dir, Split split) {
  const IdxImages images = read_idx_images(find_idx_file(dir, images_file_stem(split)));
  const IdxLabels labels = read_idx_labels(find_idx_file(dir, labels_file_stem(split)));
  return make_dataset(images, labels, dir);
}

// [one-hot]
Tensor one_hot(const std::vector<std::uint8_t>& labels, std::size_t classes) {
  Tensor result(labels.size(), classes);
  for (std::size_t n = 0; n < labels.size(); ++n) {
    assert(labels[n] < classes);
    result(n, labels[n]) = 1.0f;
  }
  return result;
}
// [one-hot]

// [split]
Dataset rows_of(const Dataset& data, std::size_t first, std::size_t count) {
  if (first > data.size() || count > data.size() - first)
    throw DataError(std::to_string(count) + " images from image " + std::to_string(first) +
                    " asked of a data set of " + std::to_string(data.size()) +
                    "; expected no more than it holds");
  const std::size_t pixels = data.images.cols();
  Dataset part{Tensor(count, pixels), {}, data.image_rows, data.image_cols};
  std::copy_n(data.images.data() + first * pixels, count * pixels, part.images.data());
  part.labels.assign(data.labels.begin() + static_cast<std::ptrdiff_t>(first),
                     data.labels.begin() + static_cast<std::ptrdiff_t>(first + count));
  return part;
}

TrainValidationSplit split_off_validation(const Dataset& full, std::size_t validation_size) {
  if (validation_size >= full.size())
    throw DataError("validation split: " + std::to_string(validation_size) +
                    " validation images asked of " + std::to_string(full.size()) +
                    "; expected fewer than the training set holds");
  const std::size_t train_size = full.size() - validation_size;
  return {rows_of(full, 0, train_size), rows_of(full, train_size, validation_size)};
}
// [split]

std::vector<std::size_t> class_counts(const std::vector<std::uint8_t>& labels) {
  std::vector<std::size_t> counts(kClasses, 0);
  for (std::uint8_t label : labels) ++counts.at(label);
  return counts;
}

ClassNames class_names_for(const fs::path& data_dir) {
  std::string path = data_dir.string();
  std::transform(path.begin(), path.end(), path.begin(), [](unsigned char c) { return std::tolower(c); });
  if (path.find("fashion") != std::string::npos)
    return {"class", {"T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
                      "ankle boot"}};
  return {"digit", {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}};
}

}  // namespace nn
