// runcell-sandbox: the namespace backend's setuid-free root helper (started by the Java driver, never installed setuid).
//
//   runcell-sandbox spawn CGDIRS -- ARGV...
//       Joins the cgroups, then execs ARGV (the bwrap holder), so the holder and everything under it are charged
//       to the sandbox's cgroups while the Java server stays its direct parent.
//
//   runcell-sandbox exec PID UID CGDIRS [--oom-file=FILE] [-e NAME=VALUE]... -- ARGV...
//       Joins the cgroups, enters the namespaces of PID (the sandbox's pid 1), forks, and runs ARGV as UID (gid = UID)
//       with no capabilities, no_new_privs and a seccomp filter against nested user namespaces. The child's stdin is
//       ours; its stdout/stderr are relayed onto our stdout as frames: 1 type byte + 4-byte big-endian length +
//       payload. 'p' = child's host pid (decimal), then 'o'/'e' = stdout/stderr chunks, last 'x' =
//       "status=<raw wait status> utime_us=<n> stime_us=<n>[ oom_kills=<n>]". Once the child has exited we drain what
//       is readable and finish: background processes that keep the pipes open do not hold the execution open.
//       With --oom-file (the memory cgroup's memory.oom_control or memory.events), oom_kills is how many processes
//       of the cgroup the OOM killer killed while the command ran (the file is opened before entering the
//       namespaces and read with pread before and after each command).
//
//   runcell-sandbox exec PID UID CGDIRS [--oom-file=FILE] --request-on-stdin
//       The same, but joins the cgroups and enters the namespaces first, then serves requests read from stdin, one
//       at a time: a 4-byte big-endian length, then that many bytes of NUL-terminated tokens
//       ["-s"] ["-e" "NAME=VALUE"]... "--" ARGV... Each command gets an empty stdin and ends with its 'x' frame; then
//       the next request is read, until EOF. With "-s" the rest of stdin is the command's and that request is the
//       last. The driver keeps one such helper per sandbox, so an execution costs neither a JVM spawn nor a cgroup v1
//       migration (which waits for an RCU grace period, several milliseconds): its command is forked from a process
//       that is already in the sandbox's cgroups and namespaces.
//
//   runcell-sandbox init
//       The sandbox's pid 1 (bubblewrap --as-pid-1, bound into the sandbox read-only): reaps every process
//       orphaned inside the sandbox and does nothing else. One process per idle sandbox instead of bubblewrap's
//       own pid-1 reaper plus a command to keep the namespaces alive.
//
// CGDIRS is a comma-separated list of cgroup directories, or "-" for none. Any failure before the command runs is
// reported on stderr with exit code 125.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#else
#error "runcell-sandbox: the seccomp filter knows only x86_64 and aarch64"
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

#define EXIT_HELPER 125
#define MAX_ENV 1024
#define CHUNK 65536
// Upper bound on what we drain after the child exited, so a background writer cannot keep us alive.
#define MAX_DRAIN_READS 64
// Upper bound on a --request-on-stdin request (argv plus environment), in bytes.
#define MAX_REQUEST (4u << 20)

static void die(const char *what) {
  fprintf(stderr, "runcell-sandbox: %s: %s\n", what, strerror(errno));
  _exit(EXIT_HELPER);
}

static void fail(const char *msg) {
  fprintf(stderr, "runcell-sandbox: %s\n", msg);
  _exit(EXIT_HELPER);
}

static void join_cgroups(const char *dirs) {
  if (strcmp(dirs, "-") == 0) return;
  char pid[32];
  int n = snprintf(pid, sizeof pid, "%d\n", getpid());
  char *copy = strdup(dirs), *save = NULL;
  if (!copy) die("strdup");
  for (char *d = strtok_r(copy, ",", &save); d; d = strtok_r(NULL, ",", &save)) {
    char path[4096];
    if (snprintf(path, sizeof path, "%s/cgroup.procs", d) >= (int)sizeof path) fail("cgroup path too long");
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) die(path);
    if (write(fd, pid, n) != n) die(path);
    close(fd);
  }
  free(copy);
}

// Dies with the parent (the Java server). PDEATHSIG is lost if the parent already died, hence the getppid check.
static void die_with_parent(pid_t parent_at_start) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die("PR_SET_PDEATHSIG");
  if (getppid() != parent_at_start) fail("parent exited");
}

// Denies nested user namespaces (unshare/clone with CLONE_NEWUSER -> EPERM; clone3 -> ENOSYS so libc falls back to
// clone, whose flags we can inspect) and, on x86_64, the x32 ABI. Any other architecture kills the process.
static int install_seccomp(void) {
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#if defined(__x86_64__)
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
#endif
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 1, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof f / sizeof f[0], f};
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

// One writev per frame, so the reader wakes once per frame rather than once for the header and once for the payload.
static void frame(char type, const void *payload, uint32_t len) {
  unsigned char head[5] = {(unsigned char)type, len >> 24, len >> 16, len >> 8, len};
  struct iovec iov[2] = {{head, sizeof head}, {(void *)payload, len}};
  ssize_t w;
  do w = writev(1, iov, 2); while (w < 0 && errno == EINTR);
  if (w < 0) _exit(EXIT_HELPER);
  if ((size_t)w >= sizeof head + len) return;
  if ((size_t)w < sizeof head) {
    if (write_all(1, head + w, sizeof head - (size_t)w) < 0 || write_all(1, payload, len) < 0) _exit(EXIT_HELPER);
  } else if (write_all(1, (const char *)payload + (w - (ssize_t)sizeof head), len - (size_t)(w - sizeof head)) < 0) {
    _exit(EXIT_HELPER);
  }
}

// Reads once from *fd and relays it; closes and clears *fd at EOF. Returns bytes read (0 at EOF, -1 if nothing now).
static ssize_t relay(int *fd, char type) {
  static char buf[CHUNK];
  ssize_t n;
  do n = read(*fd, buf, sizeof buf); while (n < 0 && errno == EINTR);
  if (n > 0) {
    frame(type, buf, (uint32_t)n);
    return n;
  }
  if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
    close(*fd);
    *fd = -1;
    return 0;
  }
  return -1;
}

static void set_env(char **env, int *count, const char *entry) {
  const char *eq = strchr(entry, '=');
  if (!eq || eq == entry) fail("-e needs NAME=VALUE");
  size_t name_len = (size_t)(eq - entry) + 1;
  for (int i = 0; i < *count; i++) {
    if (strncmp(env[i], entry, name_len) == 0) {
      env[i] = (char *)entry;
      return;
    }
  }
  if (*count >= MAX_ENV) fail("too many environment variables");
  env[(*count)++] = (char *)entry;
}

// Why the child could not run the command: written by the vfork()ed child into memory it shares with the helper,
// read by the helper once vfork() returns (the child has then exec'd or exited, so there is no race).
struct child_failure {
  char msg[512];
};

// Runs in the vfork()ed child, inside the sandbox's namespaces, on the helper's memory until it execs: it writes
// nothing shared but *failure and environ (restored by the helper), and changes credentials with raw system calls,
// which act on this task alone (libc wrappers may try to synchronise threads through shared state).
static void child(struct child_failure *failure, int out_w, int err_w, int in_r, uid_t uid, char **env,
                  char **argv) {
  const char *step = "sigprocmask";
  sigset_t none;
  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) goto err;
  step = "setsid";
  if (setsid() < 0) goto err;
  step = "dup2";
  if ((in_r != 0 && dup2(in_r, 0) < 0) || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0) goto err;
  step = "chdir /workspace";
  if (chdir("/workspace") < 0) goto err;
  step = "setgroups";
  if (syscall(SYS_setgroups, 0, NULL) < 0) goto err;
  step = "setresgid";
  if (syscall(SYS_setresgid, uid, uid, uid) < 0) goto err;
  step = "setresuid";
  if (syscall(SYS_setresuid, uid, uid, uid) < 0) goto err;
  step = "capset";
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2] = {{0}};
  if (syscall(SYS_capset, &h, d) < 0) goto err;
  // Only now: changing the uid clears the parent-death signal. Our parent (the helper) is outside this pid
  // namespace, so getppid() is 0 while it lives; anything else means it already died.
  step = "PR_SET_PDEATHSIG";
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) goto err;
  if (getppid() != 0) {
    errno = ESRCH;
    goto err;
  }
  step = "clear ambient capabilities";
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) goto err;
  step = "no_new_privs";
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) goto err;
  step = "seccomp";
  if (install_seccomp() < 0) goto err;
  environ = env;
  execvp(argv[0], argv);
  step = "exec";
err:;
  int e = errno;
  if (step[0] == 'e' && step[1] == 'x') snprintf(failure->msg, sizeof failure->msg, "exec %s: %s", argv[0], strerror(e));
  else snprintf(failure->msg, sizeof failure->msg, "%s: %s", step, strerror(e));
  _exit(EXIT_HELPER);
}

// Drops every capability from the bounding set, once per helper: the commands it forks inherit the empty set,
// so not even a setuid binary can regain a capability. (Our own effective capabilities are untouched.)
static void drop_bounding_set(void) {
  for (int cap = 0; cap <= 63; cap++)
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) die("drop bounding set");
}

// The "oom_kill N" count of a memory.oom_control / memory.events file, or -1 if unreadable (or no file: fd < 0).
static long long read_oom_kills(int fd) {
  if (fd < 0) return -1;
  char buf[4096];
  ssize_t n;
  do n = pread(fd, buf, sizeof buf - 1, 0); while (n < 0 && errno == EINTR);
  if (n <= 0) return -1;
  buf[n] = 0;
  for (char *line = buf; line; line = strchr(line, '\n')) {
    if (*line == '\n') line++;
    if (strncmp(line, "oom_kill ", 9) == 0) return atoll(line + 9);
  }
  return -1;
}

// Reads exactly len bytes from fd 0 (no stdio buffering: what follows belongs to the command). 0 on success.
static int read_exact(char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = read(0, buf, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

// Reads the --request-on-stdin request into a NULL-terminated token vector.
static char **read_request(int *count) {
  unsigned char head[4];
  ssize_t first;
  do first = read(0, head, 1); while (first < 0 && errno == EINTR);
  if (first == 0) return NULL;  // no more requests
  if (first < 0 || read_exact((char *)head + 1, sizeof head - 1) < 0) fail("truncated request");
  uint32_t len = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 | (uint32_t)head[2] << 8 | head[3];
  if (len == 0 || len > MAX_REQUEST) fail("bad request length");
  char *buf = malloc(len);
  if (!buf) die("malloc");
  if (read_exact(buf, len) < 0) fail("truncated request");
  if (buf[len - 1] != 0) fail("request does not end with NUL");
  int n = 0;
  for (uint32_t k = 0; k < len; k++) n += buf[k] == 0;
  char **tokens = calloc((size_t)n + 1, sizeof *tokens);
  if (!tokens) die("calloc");
  char *t = buf;
  for (int k = 0; k < n; k++) {
    tokens[k] = t;
    t += strlen(t) + 1;
  }
  *count = n;
  return tokens;
}

// Runs one command (options "-e NAME=VALUE"... "--" ARGV...) with stdin_fd as its stdin, relays its output as
// frames and ends with the 'x' frame. Exits the helper on any failure before the command runs.
static void run_one(uid_t uid, int oom_fd, int nopts, char **opts, int stdin_fd) {
  char *env[MAX_ENV + 1];
  int env_count = 0;
  set_env(env, &env_count, "PATH=/usr/local/bin:/usr/bin:/bin");
  set_env(env, &env_count, "HOME=/workspace");
  set_env(env, &env_count, "USER=sandbox");
  set_env(env, &env_count, "LANG=C.UTF-8");
  int i = 0;
  for (; i < nopts && strcmp(opts[i], "--") != 0; i++) {
    if (strcmp(opts[i], "-e") == 0 && i + 1 < nopts) set_env(env, &env_count, opts[++i]);
    else fail("unknown option");
  }
  if (i + 1 >= nopts) fail("missing -- ARGV");
  char **cmd = opts + i + 1;
  env[env_count] = NULL;
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) die("pipe2");
  // vfork: no copy of our page tables, and we resume only once the child has exec'd the command or failed, which
  // is when we need to know anyway (measured ~0.1-0.15 ms less per execution than fork() here).
  long long oom_before = read_oom_kills(oom_fd);
  struct child_failure failure = {{0}};
  char **saved_environ = environ;
  pid_t c = vfork();
  if (c == 0) child(&failure, out[1], err[1], stdin_fd, uid, env, cmd);
  environ = saved_environ;
  if (c < 0) die("vfork");
  close(out[1]);
  close(err[1]);
  if (failure.msg[0] != 0) {
    failure.msg[sizeof failure.msg - 1] = 0;
    waitpid(c, NULL, 0);
    fail(failure.msg);
  }

  char pidtext[32];
  int pn = snprintf(pidtext, sizeof pidtext, "%d", c);
  frame('p', pidtext, (uint32_t)pn);

  int cfd = (int)syscall(SYS_pidfd_open, c, 0);
  if (cfd < 0) die("pidfd_open child");
  int fds[2] = {out[0], err[0]};
  const char types[2] = {'o', 'e'};
  for (;;) {
    struct pollfd p[3] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}, {cfd, POLLIN, 0}};
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    for (int k = 0; k < 2; k++)
      if (fds[k] >= 0 && (p[k].revents & (POLLIN | POLLHUP | POLLERR))) relay(&fds[k], types[k]);
    if (p[2].revents & POLLIN) break;
  }
  for (int k = 0; k < 2; k++) {
    if (fds[k] < 0) continue;
    fcntl(fds[k], F_SETFL, fcntl(fds[k], F_GETFL) | O_NONBLOCK);
    for (int r = 0; r < MAX_DRAIN_READS && fds[k] >= 0; r++)
      if (relay(&fds[k], types[k]) < 0) break;
  }

  int st;
  struct rusage ru;
  while (wait4(c, &st, 0, &ru) < 0)
    if (errno != EINTR) die("wait4");
  char done[160];
  long long ut = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
  long long stime = (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
  int dn = snprintf(done, sizeof done, "status=%d utime_us=%lld stime_us=%lld", st, ut, stime);
  long long oom_after = read_oom_kills(oom_fd);
  if (oom_before >= 0 && oom_after >= oom_before)
    dn += snprintf(done + dn, sizeof done - (size_t)dn, " oom_kills=%lld", oom_after - oom_before);
  frame('x', done, (uint32_t)dn);
  close(cfd);
  for (int k = 0; k < 2; k++)
    if (fds[k] >= 0) close(fds[k]);
}

static int mode_exec(int argc, char **argv) {
  pid_t parent = getppid();
  if (argc < 6) fail("usage: runcell-sandbox exec PID UID CGDIRS [--oom-file=FILE] [-e NAME=VALUE]... -- ARGV...");
  join_cgroups(argv[4]);  // first, so everything after (including the fork) is charged and limited
  die_with_parent(parent);
  pid_t target = (pid_t)atoi(argv[2]);
  long uid = atol(argv[3]);
  if (target <= 0 || uid <= 0) fail("PID and UID must be positive");
  int first = 5, oom_fd = -1;
  if (strncmp(argv[first], "--oom-file=", 11) == 0) {
    // opened here: the path is the host's, not visible once we are in the sandbox's mount namespace
    oom_fd = open(argv[first] + 11, O_RDONLY | O_CLOEXEC);
    if (oom_fd < 0) die(argv[first] + 11);
    first++;
  }

  int pfd = (int)syscall(SYS_pidfd_open, target, 0);
  if (pfd < 0) die("pidfd_open (sandbox not running)");
  if (setns(pfd, CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP) < 0)
    die("setns");
  close(pfd);
  drop_bounding_set();

  if (!(argc == first + 1 && strcmp(argv[first], "--request-on-stdin") == 0)) {
    run_one((uid_t)uid, oom_fd, argc - first, argv + first, 0);
    return 0;
  }
  // Requests until EOF. Forking from here keeps each command in our cgroups without another migration.
  for (;;) {
    int nopts;
    char **opts = read_request(&nopts);
    if (!opts) return 0;
    if (nopts > 0 && strcmp(opts[0], "-s") == 0) {
      run_one((uid_t)uid, oom_fd, nopts - 1, opts + 1, 0);
      return 0;
    }
    int empty[2];
    if (pipe2(empty, O_CLOEXEC) < 0) die("pipe2");
    close(empty[1]);
    run_one((uid_t)uid, oom_fd, nopts, opts, empty[0]);
    close(empty[0]);
    free(opts[0]);  // the token buffer

    free(opts);
  }
}

static _Noreturn void mode_init(void) {
  // SIGCHLD stays pending while blocked (its default action is to ignore it, but a blocked signal is queued)
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0) die("sigprocmask");
  for (;;) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    sigwaitinfo(&chld, NULL);
  }
}

static int mode_spawn(int argc, char **argv) {
  pid_t parent = getppid();
  if (argc < 5 || strcmp(argv[3], "--") != 0) fail("usage: runcell-sandbox spawn CGDIRS -- ARGV...");
  join_cgroups(argv[2]);
  die_with_parent(parent);
  execvp(argv[4], argv + 4);
  die(argv[4]);
  return EXIT_HELPER;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_DFL);
  if (argc >= 2 && strcmp(argv[1], "exec") == 0) return mode_exec(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "spawn") == 0) return mode_spawn(argc, argv);
  if (argc == 2 && strcmp(argv[1], "init") == 0) mode_init();
  fail("usage: runcell-sandbox spawn|exec|init ...");
  return EXIT_HELPER;
}
