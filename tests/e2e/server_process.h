// Starts the real `charter serve` for end-to-end tests: default Oxemis policy, a fresh temporary
// data folder, 127.0.0.1:0; reads the port from the "Charter listening on ..." line; stops it
// with a signal and reports the exit status. stderr (the log) goes to a file tests can read.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace charter::testing {

inline std::string source_dir() { return CHARTER_SOURCE_DIR; }
inline std::string default_policy() { return source_dir() + "/policies/oxemis.yaml"; }

inline std::string make_temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "charter-e2e.XXXXXX").string();
  char* d = mkdtemp(tmpl.data());
  return d ? std::string(d) : std::string();
}

class ServerProcess {
 public:
  // `args` come after `serve`; --policy, --data and --listen are added unless given.
  explicit ServerProcess(std::vector<std::string> args = {}) {
    dir_ = make_temp_dir();
    auto has = [&](const std::string& flag) {
      for (auto& a : args) {
        if (a == flag) return true;
      }
      return false;
    };
    std::vector<std::string> argv = {CHARTER_BINARY, "serve"};
    if (!has("--policy")) argv.insert(argv.end(), {"--policy", default_policy()});
    if (!has("--data")) argv.insert(argv.end(), {"--data", dir_ + "/data"});
    if (!has("--listen")) argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
    argv.insert(argv.end(), args.begin(), args.end());
    log_path_ = dir_ + "/stderr.log";

    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      int err = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(err, STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      execv(cargv[0], cargv.data());
      _exit(127);
    }
    close(out[1]);
    out_fd_ = out[0];
    read_banner();
  }

  ~ServerProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      int status;
      waitpid(pid_, &status, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  bool started() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  const std::string& banner() const { return banner_; }
  const std::string& dir() const { return dir_; }

  void signal(int sig) { kill(pid_, sig); }

  // The next line the server printed on stdout after the banner (notices such as the first DPO
  // credential); "" on timeout or when stdout closed.
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string line;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char c;
      if (read(out_fd_, &c, 1) <= 0) return line;
      if (c == '\n') return line;
      line += c;
    }
    return line;
  }

  // Waits for the process to end; its exit code, or -signal, or -1000 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    if (exited_) return status_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int st;
      pid_t r = waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
        return status_;
      }
      usleep(10'000);
    }
    return -1000;
  }

  int stop(int sig = SIGTERM) {
    signal(sig);
    return wait();
  }

  std::string log() const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  void read_banner() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string line;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) {
        int st;
        if (waitpid(pid_, &st, WNOHANG) == pid_) {
          exited_ = true;
          status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
          return;
        }
        continue;
      }
      char c;
      ssize_t n = read(out_fd_, &c, 1);
      if (n <= 0) {
        wait(std::chrono::seconds(5));
        return;
      }
      if (c == '\n') break;
      line += c;
    }
    banner_ = line;
    // "Charter listening on http://127.0.0.1:PORT (..."
    auto colon = line.rfind(':', line.find(" ("));
    if (line.rfind("Charter listening on ", 0) == 0 && colon != std::string::npos) {
      port_ = static_cast<std::uint16_t>(std::atoi(line.c_str() + colon + 1));
    }
  }

  std::string dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string banner_;
  bool exited_ = false;
  int status_ = 0;
};

}  // namespace charter::testing
