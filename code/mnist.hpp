// Chapter 2: MNIST, read from IDX files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace nn {

/// Thrown for anything wrong with a data file a user supplied: the message names
/// the file, what was found there and what was expected.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The number of classes in MNIST and Fashion-MNIST.
inline constexpr std::size_t kClasses = 10;

// [idx-types]
/// The contents of an IDX image file (magic 2051): count images of rows × cols
/// unsigned bytes, stored image after image, row after row.
struct IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count · rows · cols bytes
};

/// The contents of an IDX label file (magic 2049): one byte per image.
struct IdxLabels {
  std::vector<std::uint8_t> labels;
};
// [idx-types]

/// Reads an IDX image file, raw or gzip-compressed (told apart by the gzip magic
/// bytes, not the name). Validates the header and the file's length before it
/// allocates what the header claims. Throws DataError.
IdxImages read_idx_images(const std::filesystem::path& path);
/// Reads an IDX label file, raw or gzip-compressed, and checks every label is 0–9.
IdxLabels read_idx_labels(const std::filesystem::path& path);

// [dataset]
/// A pixel's grey level, 0–255 in the file, as a network reads it: in [0, 1].
inline float pixel_value(std::uint8_t pixel) { return static_cast<float>(pixel) / 255.0f; }

/// Images ready for a network: one image per row, pixels scaled to [0, 1].
struct Dataset {
  Tensor images;                     // N×I, I = image_rows · image_cols
  std::vector<std::uint8_t> labels;  // N labels in 0–9
  std::size_t image_rows = 0, image_cols = 0;

  std::size_t size() const { return labels.size(); }
};
// [dataset]

enum class Split { train, test };

/// The IDX file stem of a split, e.g. "train-images-idx3-ubyte".
std::filesystem::path images_file_stem(Split split);
std::filesystem::path labels_file_stem(Split split);

/// dir/stem if it exists, else dir/stem.gz; throws DataError naming both if neither does.
std::filesystem::path find_idx_file(const std::filesystem::path& dir, const std::filesystem::path& stem);

/// Reads one split of MNIST (or Fashion-MNIST) from dir, raw or gzip, checks that
/// the image and label files agree, and scales the pixels to [0, 1].
Dataset load_split(const std::filesystem::path& dir, Split split);

/// Combines validated IDX contents into a Dataset; throws DataError if the counts differ.
Dataset make_dataset(const IdxImages& images, const IdxLabels& labels,
                     const std::filesystem::path& where);

/// One-hot rows: row n is all zeros but a one in column labels[n]. Shape N×classes.
Tensor one_hot(const std::vector<std::uint8_t>& labels, std::size_t classes = kClasses);

/// Images first … first + count − 1 of `data` with their labels, copied into a
/// data set of their own. Throws DataError if `data` holds fewer.
Dataset rows_of(const Dataset& data, std::size_t first, std::size_t count);
/// The first `count` images of `data`, copied: rows_of(data, 0, count).
inline Dataset first_images(const Dataset& data, std::size_t count) { return rows_of(data, 0, count); }

/// The training set cut in two: the first images train, the last `validation_size`
/// validate. Both halves keep the file's order.
struct TrainValidationSplit {
  Dataset train, validation;
};
TrainValidationSplit split_off_validation(const Dataset& full, std::size_t validation_size);

/// What a data set's labels stand for: MNIST's ten digits, or Fashion-MNIST's
/// ten kinds of garment, which share the same files' format.
struct ClassNames {
  std::string noun;                 // "digit" or "class"
  std::vector<std::string> names;   // names[k] for label k: "7", or "sneaker"
};
/// Fashion-MNIST's names for a folder whose path mentions "fashion" (in any
/// case, as Debian's /usr/share/datasets/fashion-mnist does), MNIST's otherwise.
ClassNames class_names_for(const std::filesystem::path& data_dir);

/// Counts of each label 0–9.
std::vector<std::size_t> class_counts(const std::vector<std::uint8_t>& labels);

}  // namespace nn
