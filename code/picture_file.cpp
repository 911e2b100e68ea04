#include "picture_file.hpp"

#include <array>
#include <fstream>
#include <string>

#include <boost/gil.hpp>
#include <boost/gil/extension/io/png.hpp>
#include <boost/gil/extension/io/pnm.hpp>

namespace nn {
namespace gil = boost::gil;

namespace {

// Reads the picture as RGBA whatever its type, after checking its size in the header.
template <typename Tag>
RgbaPicture read_as_rgba(const std::filesystem::path& path, std::size_t largest_side) {
  const auto info = gil::read_image_info(path.string(), Tag{})._info;
  const std::size_t width = info._width, height = info._height;
  if (width == 0 || height == 0 || width > largest_side || height > largest_side)
    throw std::runtime_error("the picture is " + std::to_string(width) + "×" + std::to_string(height) +
                             " pixels; expected 1 to " + std::to_string(largest_side) + " on each side");
  gil::rgba8_image_t image;
  gil::read_and_convert_image(path.string(), image, Tag{});
  RgbaPicture picture{width, height, std::vector<std::uint8_t>(width * height * 4)};
  const auto view = gil::const_view(image);
  std::size_t i = 0;
  for (std::ptrdiff_t y = 0; y < view.height(); ++y)
    for (std::ptrdiff_t x = 0; x < view.width(); ++x) {
      const auto pixel = view(x, y);
      picture.rgba[i++] = gil::at_c<0>(pixel);
      picture.rgba[i++] = gil::at_c<1>(pixel);
      picture.rgba[i++] = gil::at_c<2>(pixel);
      picture.rgba[i++] = gil::at_c<3>(pixel);
    }
  return picture;
}

}  // namespace

RgbaPicture read_rgba_picture(const std::filesystem::path& path, std::size_t largest_side) {
  std::ifstream file(path, std::ios::binary);
  std::array<char, 8> head{};
  file.read(head.data(), head.size());
  const std::array<char, 8> png_signature = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};
  try {
    if (file.gcount() == 8 && head == png_signature) return read_as_rgba<gil::png_tag>(path, largest_side);
    if (file.gcount() >= 2 && head[0] == 'P' && (head[1] == '2' || head[1] == '5'))
      return read_as_rgba<gil::pnm_tag>(path, largest_side);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot be read as a picture (") + e.what() + ")");
  }
  throw std::runtime_error("not a PNG or PGM picture: its first bytes are neither PNG's signature nor \"P2\" or \"P5\"");
}

InkPicture read_picture(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const auto status = fs::status(path, error);
  if (!fs::exists(status)) throw std::runtime_error(path.string() + ": no such file");
  if (!fs::is_regular_file(status))
    throw std::runtime_error(path.string() + ": is not a regular file; expected a PNG or PGM picture");
  try {
    const RgbaPicture file = read_rgba_picture(path, kLargestPictureSide);
    return ink_from_rgba(file.width, file.height, file.rgba.data());
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

}  // namespace nn
