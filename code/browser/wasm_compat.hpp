// WebAssembly only, included before every file emcc compiles: Debian's
// emscripten 3.1.6 ships libc++ 13, which lacks C++20's std::bit_cast (the
// model file's float fields, model_file.cpp). Its clang has the builtin that
// later libc++ implements std::bit_cast with.
#pragma once

#include <bit>
#include <type_traits>

// Hidden from Doxygen: a stand-in for the standard library, not the book's API.
/// \cond
#if !defined(__cpp_lib_bit_cast)
namespace std {
template <class To, class From>
  requires(sizeof(To) == sizeof(From) && is_trivially_copyable_v<To> && is_trivially_copyable_v<From>)
constexpr To bit_cast(const From& from) noexcept {
  return __builtin_bit_cast(To, from);
}
}  // namespace std
#endif
/// \endcond
