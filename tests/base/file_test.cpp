// write_file and read_file (include/cxjf/file.hpp): whole or not at all,
// with the system's reason. A full disk is /dev/full in place, and a file-size limit
// (RLIMIT_FSIZE) for the temporary file beside a regular one.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "testing.hpp"

namespace cxjf {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("cxjf_file_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

std::string failure(const std::string& path, const std::function<void(std::ostream&)>& write) {
  try {
    write_file(path, write);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
    return e.what();
  }
  return "written";
}

// Nothing but the file itself is left in its folder.
void expect_alone(const fs::path& file) {
  for (const auto& entry : fs::directory_iterator(file.parent_path()))
    EXPECT_EQ(entry.path().filename(), file.filename()) << "left behind: " << entry.path();
}

TEST(WriteFile, WritesAndReplacesWhole) {
  const fs::path path = scratch("whole.csv");
  write_file(path, [](std::ostream& out) { out << "old\n"; });
  write_file(path, [](std::ostream& out) { out << "new\n"; });
  EXPECT_EQ(read_all(path), "new\n");
  expect_alone(path);
  fs::remove_all(path.parent_path());
}

TEST(WriteFile, AFailedWriterLeavesTheOldFile) {
  const fs::path path = scratch("kept.csv");
  write_file(path, [](std::ostream& out) { out << "old\n"; });
  EXPECT_THROW(write_file(path, [](std::ostream& out) {
                 out << "half of";
                 throw std::runtime_error("the writer failed");
               }),
               std::runtime_error);
  EXPECT_EQ(read_all(path), "old\n");
  expect_alone(path);
  fs::remove_all(path.parent_path());
}

TEST(WriteFile, AFullDiskIsAnErrorWithItsReason) {
  // In place: /dev/full is a device, written directly and checked.
  EXPECT_EQ(failure("/dev/full", [](std::ostream& out) { out << std::string(1 << 16, 'x'); }),
            "cannot write /dev/full: No space left on device");
  // Beside a regular file: the temporary file hits the size limit, the old
  // file stays whole, the temporary file is gone.
  const fs::path path = scratch("limited.csv");
  write_file(path, [](std::ostream& out) { out << "old\n"; });
  std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead of killing the test
  rlimit before{};
  ::getrlimit(RLIMIT_FSIZE, &before);
  rlimit small = before;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const std::string message = failure(path, [](std::ostream& out) { out << std::string(1 << 20, 'x'); });
  ::setrlimit(RLIMIT_FSIZE, &before);
  EXPECT_EQ(message, "cannot write " + path.string() + ": File too large");
  EXPECT_EQ(read_all(path), "old\n");
  expect_alone(path);
  fs::remove_all(path.parent_path());
}

TEST(WriteFile, ADirectoryOrAMissingFolderIsAnErrorWithItsReason) {
  const fs::path dir = scratch("a_folder");
  fs::create_directories(dir);
  EXPECT_EQ(failure(dir, [](std::ostream& out) { out << "x"; }), "cannot write " + dir.string() + ": Is a directory");
  const fs::path missing = dir / "no" / "such.csv";
  EXPECT_EQ(failure(missing, [](std::ostream& out) { out << "x"; }),
            "cannot write " + missing.string() + ": No such file or directory");
  fs::remove_all(dir.parent_path());
}

// A pipe (`cxjf score --input <(zcat year.csv.gz)`) has no size: it is
// read as it comes, and its limit still holds.
TEST(ReadFile, APipeIsReadAsItComesWithinItsLimit) {
  const std::string path = ::testing::TempDir() + "cxjf_read_pipe";
  ::unlink(path.c_str());
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const std::string text(300000, 'x');
  // The reader stops early at the limit: the writer then meets a closed pipe.
  const auto previous = std::signal(SIGPIPE, SIG_IGN);
  for (std::uint64_t limit : {std::uint64_t{1} << 20, std::uint64_t{1000}}) {
    std::thread writer([&] {
      std::ofstream out(path, std::ios::binary);
      out << text;
    });
    if (limit > text.size()) {
      EXPECT_EQ(read_file(path, limit), text);
    } else {
      EXPECT_THROW(read_file(path, limit), Error);
    }
    writer.join();
  }
  std::signal(SIGPIPE, previous);
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace cxjf
