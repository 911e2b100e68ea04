// Runs one chapter program with bad flags and bad data, and checks that each
// run ends the way the README promises: the documented exit status and exactly
// one line on stderr, "<program>: <message>", naming the flag or the file.
// Never a crash, a hang or an uncaught exception's default message.
//
//   bad_input_programs <program> <its source file> <scratch folder>
//
// The cases come from the program itself: its --help lists its flags (and so
// whether it reads --data and writes --out), and the flags its source passes to
// nn::require_positive must refuse zero. tests/CMakeLists.txt adds one such test
// for every chapter program, so a new program is covered when it is added.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "idx_files.hpp"

extern char** environ;

namespace {
namespace fs = std::filesystem;
using test_files::image_file;
using test_files::label_file;

struct Outcome {
  int status = -1;            // exit status; -1 if it did not exit normally
  std::string how;            // "", or how it ended otherwise (signal, hang)
  std::vector<std::string> stderr_lines;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Starts program with args, stdin from /dev/null, stdout and stderr to files;
// returns its pid, or -1 if it could not be started.
pid_t start(const fs::path& program, const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_strings{program.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const bool started = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ) == 0;
  posix_spawn_file_actions_destroy(&actions);
  return started ? pid : -1;
}

// Runs program with args, stdout and stderr to files; kills it after
// a minute, which no bad input should ever need.
Outcome run(const fs::path& program, const std::vector<std::string>& args, const fs::path& scratch,
            std::string* stdout_text = nullptr) {
  const fs::path err = scratch / "stderr.txt", out = scratch / "stdout.txt";
  Outcome outcome;
  const pid_t pid = start(program, args, out, err);
  if (pid < 0) {
    outcome.how = "could not be started";
    return outcome;
  }
  int wstatus = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (waitpid(pid, &wstatus, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &wstatus, 0);
      outcome.how = "hung (killed after 60 s)";
      return outcome;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(wstatus))
    outcome.status = WEXITSTATUS(wstatus);
  else if (WIFSIGNALED(wstatus))
    outcome.how = "was killed by signal " + std::to_string(WTERMSIG(wstatus)) + " (a crash)";
  std::istringstream lines(slurp(err));
  for (std::string line; std::getline(lines, line);) outcome.stderr_lines.push_back(line);
  if (stdout_text) *stdout_text = slurp(out);
  return outcome;
}

int failures = 0, passes = 0;

// One case: the exit status and the one stderr line that names `names`.
void expect(const fs::path& program, const std::vector<std::string>& args, const fs::path& scratch, int status,
            const std::vector<std::string>& names) {
  std::string command = program.filename().string();
  for (const auto& a : args) command += " " + a;
  const Outcome outcome = run(program, args, scratch);
  std::string problem;
  const std::string prefix = program.filename().string() + ": ";
  if (!outcome.how.empty())
    problem = outcome.how;
  else if (outcome.status != status)
    problem = "exit status " + std::to_string(outcome.status) + ", expected " + std::to_string(status);
  else if (outcome.stderr_lines.size() != 1)
    problem = std::to_string(outcome.stderr_lines.size()) + " lines on stderr, expected exactly 1";
  else if (outcome.stderr_lines[0].rfind(prefix, 0) != 0)
    problem = "the stderr line does not start with \"" + prefix + "\"";
  else
    for (const auto& name : names)
      if (outcome.stderr_lines[0].find(name) == std::string::npos) problem = "the stderr line does not name " + name;
  if (problem.empty()) {
    ++passes;
    std::cout << "ok    " << command << "\n      " << outcome.stderr_lines[0] << '\n';
  } else {
    ++failures;
    std::cout << "FAIL  " << command << ": " << problem << '\n';
    for (const auto& line : outcome.stderr_lines) std::cout << "      stderr: " << line << '\n';
  }
}

// Ctrl-C in the middle of training: the program is started on the real data,
// sent SIGINT once its first epoch line is out, and must then keep what it did
// (at least one figure in --out), say so in one line and exit with 130.
void expect_interrupt(const fs::path& program, const std::vector<std::string>& args, const fs::path& scratch,
                      const fs::path& out, std::size_t epoch_lines) {
  const fs::path err = scratch / "stderr.txt", log = scratch / "stdout.txt";
  std::string command = program.filename().string() + " (Ctrl-C once " + std::to_string(epoch_lines) +
                        " epoch line(s) are out)";
  auto epochs_done = [&] {
    const std::string text = slurp(log);
    std::size_t count = 0;
    for (std::size_t at = text.find(" epoch "); at != std::string::npos; at = text.find(" epoch ", at + 1)) ++count;
    return count;
  };
  const pid_t pid = start(program, args, log, err);
  if (pid < 0) {
    ++failures;
    std::cout << "FAIL  " << command << ": could not be started\n";
    return;
  }
  int wstatus = 0;
  bool exited = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
  while (!(exited = waitpid(pid, &wstatus, WNOHANG) == pid) && std::chrono::steady_clock::now() < deadline &&
         epochs_done() < epoch_lines)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::string problem;
  if (exited) {
    problem = "finished before its first epoch line, so it could not be interrupted";
  } else {
    kill(pid, SIGINT);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!(exited = waitpid(pid, &wstatus, WNOHANG) == pid) && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!exited) {
      kill(pid, SIGKILL);
      waitpid(pid, &wstatus, 0);
      problem = "did not stop within a minute of Ctrl-C";
    }
  }
  std::vector<std::string> lines;
  std::istringstream text(slurp(err));
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  bool figure_kept = false;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(out, error))
    figure_kept = figure_kept || entry.path().extension() == ".svg" || entry.path().extension() == ".png";
  if (!problem.empty()) {
  } else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 130) {
    problem = WIFEXITED(wstatus) ? "exit status " + std::to_string(WEXITSTATUS(wstatus)) + ", expected 130"
                                 : "killed by signal " + std::to_string(WTERMSIG(wstatus));
  } else if (lines.size() != 1 || lines[0].find(out.string()) == std::string::npos) {
    problem = std::to_string(lines.size()) + " lines on stderr, expected one that names " + out.string();
  } else if (!figure_kept) {
    problem = "no figure of the epochs run was kept in " + out.string();
  }
  if (problem.empty()) {
    ++passes;
    std::cout << "ok    " << command << "\n      " << lines[0] << '\n';
  } else {
    ++failures;
    std::cout << "FAIL  " << command << ": " << problem << '\n';
    for (const auto& line : lines) std::cout << "      stderr: " << line << '\n';
  }
}

struct Flag {
  std::string name, default_value;
  bool takes_value = false;
  // The limits --help shows in place of "arg": "1..4096" for a whole number,
  // "(0,10]" or "[0,1]" for a real number, "relu|sigmoid|tanh" for a choice.
  std::string limits;
};

std::vector<Flag> flags_of(const fs::path& program, const fs::path& scratch) {
  std::string help;
  const Outcome outcome = run(program, {"--help"}, scratch, &help);
  if (outcome.status != 0 || !outcome.how.empty()) {
    std::cout << "FAIL  " << program.filename().string() << " --help did not exit with 0\n";
    ++failures;
    return {};
  }
  // Lines of the form "  --name VALUE (=default)  what it does", the default maybe
  // quoted; VALUE is "arg", "PATH" or the flag's limits. A flag without a value
  // has its description after two or more spaces, or nothing at all.
  std::vector<Flag> flags;
  std::istringstream lines(help);
  for (std::string text; std::getline(lines, text);) {
    const std::size_t start = text.find_first_not_of(' ');
    if (start == std::string::npos || start == 0) continue;
    std::size_t at = start;
    if (text.compare(start, 2, "-h") == 0) continue;  // "-h [ --help ]"
    if (text.compare(at, 2, "--") != 0) continue;
    const std::size_t name_end = text.find_first_of(" \t", at);
    Flag flag;
    flag.name = text.substr(at + 2, name_end - at - 2);
    const std::string rest = name_end == std::string::npos ? "" : text.substr(name_end);
    flag.takes_value = rest.size() > 1 && rest[0] == ' ' && rest[1] != ' ';
    if (flag.takes_value) {
      const std::size_t value_end = rest.find(' ', 1);
      flag.limits = rest.substr(1, value_end == std::string::npos ? std::string::npos : value_end - 1);
      const std::size_t open = rest.find(" (=");
      if (open != std::string::npos) {
        const std::size_t close = rest.find(')', open);
        flag.default_value = rest.substr(open + 3, close == std::string::npos ? std::string::npos : close - open - 3);
        if (flag.default_value.size() >= 2 && flag.default_value.front() == '"')
          flag.default_value = flag.default_value.substr(1, flag.default_value.size() - 2);
      }
    }
    flags.push_back(flag);
  }
  return flags;
}

// The values just outside a flag's limits, which it must refuse: for "1..4096",
// 0 and 4097; for "(0,10]", 0 and 10.5; for "[0,1]", -0.5 and 1.5.
std::vector<std::string> outside_limits(const std::string& limits) {
  std::vector<std::string> values;
  const std::size_t dots = limits.find("..");
  if (dots != std::string::npos) {
    const unsigned long long least = std::stoull(limits.substr(0, dots)), most = std::stoull(limits.substr(dots + 2));
    if (least > 0) values.push_back(std::to_string(least - 1));
    if (most < ~0ULL) values.push_back(std::to_string(most + 1));
    return values;
  }
  if (limits.size() > 2 && (limits.front() == '(' || limits.front() == '[') && limits.back() == ']') {
    const std::size_t comma = limits.find(',');
    const double least = std::stod(limits.substr(1, comma - 1)), most = std::stod(limits.substr(comma + 1));
    values.push_back(limits.front() == '(' ? limits.substr(1, comma - 1) : std::to_string(least - 0.5));
    values.push_back(std::to_string(most * 1.5 + 0.5));
  }
  return values;
}

// The flags that the program's source hands to nn::require_positive.
std::set<std::string> positive_flags(const fs::path& source) {
  const std::string text = slurp(source);
  const std::string call = "require_positive(\"";
  std::set<std::string> names;
  for (std::size_t at = text.find(call); at != std::string::npos; at = text.find(call, at + 1)) {
    const std::size_t first = at + call.size();
    names.insert(text.substr(first, text.find('"', first) - first));
  }
  return names;
}

bool is_number(const std::string& text) {
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0';
}

bool is_word(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Writes MNIST-named IDX files for both splits: two 2×2 images and their labels,
// then lets `spoil` break some of them.
void write_data(const fs::path& dir, bool gzipped = false) {
  fs::create_directories(dir);
  for (const std::string split : {"train", "t10k"}) {
    const auto images = image_file(2, 2, 2, {0, 1, 2, 3, 4, 5, 6, 7});
    const auto labels = label_file({3, 1});
    if (gzipped) {
      test_files::write_gzip(dir / (split + "-images-idx3-ubyte.gz"), images);
      test_files::write_gzip(dir / (split + "-labels-idx1-ubyte.gz"), labels);
    } else {
      test_files::write(dir / (split + "-images-idx3-ubyte"), images);
      test_files::write(dir / (split + "-labels-idx1-ubyte"), labels);
    }
  }
}

void for_both_splits(const std::function<void(const std::string&)>& f) {
  f("train");
  f("t10k");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: bad_input_programs <program> <source> <scratch folder>\n";
    return 2;
  }
  const fs::path program = fs::absolute(argv[1]), source = argv[2], scratch = fs::absolute(argv[3]);
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  const std::vector<Flag> flags = flags_of(program, scratch);
  const std::set<std::string> positive = positive_flags(source);
  bool reads_data = false, writes_out = false;
  for (const Flag& flag : flags) {
    reads_data = reads_data || flag.name == "data";
    writes_out = writes_out || flag.name == "out";
  }
  const fs::path out = scratch / "out";
  const std::vector<std::string> quiet = writes_out ? std::vector<std::string>{"--out=" + out.string()}
                                                    : std::vector<std::string>{};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), quiet.begin(), quiet.end());
    return args;
  };
  constexpr int usage = 2, failure = 1;  // the README's exit statuses

  expect(program, with({"--no-such-flag"}), scratch, usage, {"--no-such-flag"});
  expect(program, with({"--no-such-flag=3"}), scratch, usage, {"--no-such-flag"});
  for (const Flag& flag : flags) {
    if (!flag.takes_value) continue;
    const std::string name = "--" + flag.name;
    expect(program, with({name}), scratch, usage, {name});  // the value is missing
    if (is_number(flag.default_value)) {
      for (const std::string bad : {"abc", "12abc", "nan", "inf", "-1", "-0.5", "1e999"})
        expect(program, with({name + "=" + bad}), scratch, usage, {name});
      if (positive.count(flag.name)) expect(program, with({name + "=0"}), scratch, usage, {name});
      // Out of its limits, absurd sizes included: refused before any allocation.
      for (const std::string& outside : outside_limits(flag.limits))
        expect(program, with({name + "=" + outside}), scratch, usage, {name});
    } else if (is_word(flag.default_value)) {
      // A choice among words (an activation, say): a word that is none of them.
      expect(program, with({name + "=no-such-choice"}), scratch, usage, {name});
    }
  }
  for (const std::string& name : positive) {
    bool declared = false;
    for (const Flag& flag : flags) declared = declared || flag.name == name;
    if (!declared) {
      ++failures;
      std::cout << "FAIL  the source checks --" << name << " but --help lists no such flag\n";
    }
  }

  // Cases that only one program has: a value that parses but that its data rules out.
  const std::string name = program.filename().string();
  // --validation follows one rule everywhere: all but one of the training images at most.
  for (const Flag& flag : flags)
    if (flag.name == "validation")
      expect(program, with({"--validation=60000"}), scratch, usage, {"--validation", "59999"});

  // A path given without its flag: the program takes no positional arguments.
  expect(program, with({"/usr/share/datasets/fashion-mnist"}), scratch, usage, {"positional", "--data PATH"});

  // A model file that is not a model of the book's is never replaced, and that
  // is found before any training.
  if (name == "ch10_compare") {
    const fs::path notes = scratch / "notes.txt";
    test_files::write(notes, {'m', 'y', ' ', 'n', 'o', 't', 'e', 's'});
    expect(program, with({"--model=" + notes.string()}), scratch, failure, {notes.string(), "not a model file"});
    if (slurp(notes) != "my notes") {
      ++failures;
      std::cout << "FAIL  ch10_compare --model=notes.txt changed the file\n";
    }
  }

  // An output folder with every character a shell or gnuplot might take for
  // code: the program must draw its figures there, run nothing, and say nothing
  // on stderr. Chapter 4's program draws figures and needs no data, so it stands
  // for all of them (they share Figure and Flags).
  if (name == "ch04_activations") {
    const fs::path odd = scratch / "a b'c\"d;e$(touch PWNED)\\f\ng ü";
    const Outcome outcome = run(program, {"--out=" + odd.string()}, scratch);
    std::size_t figures_drawn = 0;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(odd, error)) figures_drawn += entry.path().extension() == ".svg";
    const bool ran_code = fs::exists("PWNED") || fs::exists(scratch / "PWNED") || fs::exists(odd / "PWNED");
    if (outcome.status == 0 && outcome.stderr_lines.empty() && figures_drawn > 0 && !ran_code) {
      ++passes;
      std::cout << "ok    ch04_activations --out with quotes, ;, $( ), a backslash, a newline and ü: "
                << figures_drawn << " figures drawn, nothing run, nothing on stderr\n";
    } else {
      ++failures;
      std::cout << "FAIL  ch04_activations --out with odd characters: status " << outcome.status << ", "
                << outcome.stderr_lines.size() << " stderr lines, " << figures_drawn << " figures"
                << (ran_code ? ", and a command in the path RAN" : "") << '\n';
      for (const auto& line : outcome.stderr_lines) std::cout << "      stderr: " << line << '\n';
    }
  }

  if (writes_out) {
    const fs::path a_file = scratch / "a-file";
    test_files::write(a_file, {1, 2, 3});
    expect(program, {"--out=" + (a_file / "figures").string()}, scratch, failure, {a_file.string()});
  }

  // Every program that trains (it takes --epochs) keeps its work on Ctrl-C.
  bool trains = false;
  for (const Flag& flag : flags) trains = trains || flag.name == "epochs";
  if (trains && reads_data && writes_out) {
    // Enough epochs that the signal arrives mid-run, and enough done by then that
    // there is something to keep: chapter 8 keeps whole batch sizes only, so it
    // is stopped during its second one.
    const bool by_batch_size = name == "ch08_mini_batch";
    const fs::path kept = scratch / "interrupted";
    expect_interrupt(program,
                     {"--data=" BOOK_DATA_DIR, "--out=" + kept.string(), by_batch_size ? "--epochs=2" : "--epochs=5"},
                     scratch, kept, by_batch_size ? 3 : 1);
  }

  if (reads_data) {
    const fs::path missing = scratch / "no-such-folder", a_file = scratch / "not-a-folder";
    test_files::write(a_file, {1, 2, 3});
    expect(program, with({"--data=" + missing.string()}), scratch, failure, {missing.string()});
    expect(program, with({"--data=" + a_file.string()}), scratch, failure, {a_file.string(), "not a directory"});
    {  // A FIFO where a data file belongs: refused at once, never read (it would block).
      const fs::path pipes = scratch / "fifos";
      write_data(pipes);
      for_both_splits([&](const std::string& split) {
        fs::remove(pipes / (split + "-images-idx3-ubyte"));
        mkfifo((pipes / (split + "-images-idx3-ubyte")).c_str(), 0600);
      });
      expect(program, with({"--data=" + pipes.string()}), scratch, failure, {"-images-idx3-ubyte", "not a regular file"});
    }
    fs::create_directories(scratch / "empty");
    expect(program, with({"--data=" + (scratch / "empty").string()}), scratch, failure,
           {(scratch / "empty").string(), "-images-idx3-ubyte"});

    struct DataCase {
      std::string folder;
      bool gzipped;
      std::function<void(const fs::path& dir, const std::string& split)> spoil;
      std::vector<std::string> names;
    };
    const std::vector<DataCase> cases = {
        {"truncated", false,
         [](const fs::path& dir, const std::string& split) {
           // A download cut short: the header claims 60,000 images, the file holds one.
           test_files::write(dir / (split + "-images-idx3-ubyte"), image_file(60000, 2, 2, {1, 2, 3, 4}));
         },
         {"-images-idx3-ubyte", "claims 240000 bytes"}},
        {"truncated-gzip", true,
         [](const fs::path& dir, const std::string& split) {
           auto bytes = test_files::gzip(image_file(2, 2, 2, {0, 1, 2, 3, 4, 5, 6, 7}));
           bytes.resize(bytes.size() / 2);
           test_files::write(dir / (split + "-images-idx3-ubyte.gz"), bytes);
         },
         {"-images-idx3-ubyte.gz"}},
        {"empty-file", false,
         [](const fs::path& dir, const std::string& split) { test_files::write(dir / (split + "-labels-idx1-ubyte"), {}); },
         {"-labels-idx1-ubyte", "truncated header"}},
        {"wrong-magic", false,
         [](const fs::path& dir, const std::string& split) {
           test_files::write(dir / (split + "-images-idx3-ubyte"), label_file({1, 2}));
         },
         {"-images-idx3-ubyte", "magic number 2049; expected 2051"}},
        {"absurd-size", false,
         [](const fs::path& dir, const std::string& split) {
           test_files::write(dir / (split + "-images-idx3-ubyte"), image_file(2, 100000, 100000, {}));
         },
         {"-images-idx3-ubyte", "100000×100000"}},
        {"bad-label", false,
         [](const fs::path& dir, const std::string& split) {
           test_files::write(dir / (split + "-labels-idx1-ubyte"), label_file({3, 12}));
         },
         {"-labels-idx1-ubyte", "label 12"}},
        {"count-mismatch", true,
         [](const fs::path& dir, const std::string& split) {
           test_files::write_gzip(dir / (split + "-labels-idx1-ubyte.gz"), label_file({3, 1, 4}));
         },
         {"2 images but 3 labels"}},
    };
    for (const DataCase& c : cases) {
      const fs::path dir = scratch / c.folder;
      write_data(dir, c.gzipped);
      for_both_splits([&](const std::string& split) { c.spoil(dir, split); });
      expect(program, with({"--data=" + dir.string()}), scratch, failure, c.names);
    }
  }

  fs::remove_all(scratch);
  std::cout << program.filename().string() << ": " << passes << " passed, " << failures << " failed\n";
  return failures == 0 ? 0 : 1;
}
