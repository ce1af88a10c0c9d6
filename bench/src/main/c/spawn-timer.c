// spawn-timer N CMD [ARGS...]: runs CMD N times (fork, execvp, waitpid) and prints one latency per line in
// microseconds. The baseline for "what does starting a process cost on this host", without a JVM in the way.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s N CMD [ARGS...]\n", argv[0]); return 2; }
  int n = atoi(argv[1]);
  for (int i = 0; i < n; i++) {
    long long t0 = now_ns();
    pid_t p = fork();
    if (p < 0) { perror("fork"); return 1; }
    if (p == 0) { execvp(argv[2], argv + 2); _exit(127); }
    int st;
    if (waitpid(p, &st, 0) < 0) { perror("waitpid"); return 1; }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) { fprintf(stderr, "command failed: status %d\n", st); return 1; }
    printf("%lld\n", (now_ns() - t0) / 1000);
  }
  return 0;
}
