// Replay driver for the fuzz targets: links with a fuzz/<name>.cpp that defines
// LLVMFuzzerTestOneInput and feeds it the empty input, then every file named on
// the command line (directories are walked recursively, in sorted order). Lets
// the saved corpus run as an ordinary test with any compiler, no libFuzzer needed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

std::vector<std::filesystem::path> collect_inputs(int argc, char** argv) {
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else {
      inputs.push_back(arg);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

void run_one(const std::vector<char>& bytes) {
  // Copy into an exactly sized buffer so sanitizers catch reads past the end.
  std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  try {
    run_one({});
    const auto inputs = collect_inputs(argc, argv);
    for (const auto& path : inputs) {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        std::cerr << "replay: cannot read " << path << '\n';
        return 1;
      }
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
      run_one(bytes);
    }
    std::cout << "replay: " << inputs.size() + 1 << " inputs ran\n";
  } catch (const std::exception& error) {
    std::cerr << "replay: uncaught exception: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
