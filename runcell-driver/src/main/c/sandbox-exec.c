// sandbox-exec: the microvm guest's exec wrapper, linked statically and packed into the guest's initramfs as
// /rc/bin/sandbox-exec (see build-guest.sh). The driver guest-execs it with the command as its arguments:
//
//   sandbox-exec COMMAND [ARG]...
//       Becomes a session leader, moves itself into a fresh cgroup /sys/fs/cgroup/sandbox/e<pid>, vforks, and
//       the child gives back the OOM score the agent opted out of and execs COMMAND (looked up on PATH); while
//       the command starts, the wrapper removes the empty cgroups earlier executions left. So the pid qemu-ga
//       reports names the session and the cgroup:
//       cgroup.kill ends the whole tree even if part of it left the session, memory.events counts OOM kills and
//       cpu.stat the CPU time. If COMMAND cannot be run the child exits 127 (not found) or 126, with the reason
//       on stderr.
//
//       When the child has exited, the wrapper posts an exit notice: it makes (mknod, 0.9 ms under TCG against
//       1.8 ms for open + close) an empty file named "<pid>-<cpu usec>-<oom kills>" in /run/runcell (a 9p
//       export of the VM's run/exits directory, which the host watches with inotify), then exits the way the
//       child did (same code, or the same signal). The notice spares the host polling guest-exec-status (each
//       poll costs the guest's only vCPU under TCG, and backoff polling rounds the latency up) and reading
//       cpu.stat and memory.events through three agent calls each.
//       The data is in the name so the host never opens a file the guest controls. The host takes a notice as a
//       hint only: the agent's guest-exec-status stays the truth about the exit.
//
// Why C and not the shell script it replaces: under TCG every exec costs milliseconds of emulated kernel and
// loader work; the script ran busybox sh, then busybox setsid, then the command (about 36 ms on top of the
// command here); this is one small static exec and a vfork. Measured in a TCG guest (p50): starting a static
// glibc binary 5.1 ms, a binary without libc start-up 2.6 ms (so build.sh links with musl when it can);
// fork + exit 1.8-3.2 ms, vfork + exit 0.3-0.5 ms (the wrapper's pages are not copied); a 9p create + close
// 1.8 ms, a 9p mknod 0.9 ms.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest-common.h"

#define CGROUP "/sys/fs/cgroup/sandbox"
#define NOTICES "/run/runcell"

// Without the cgroup (an image whose rcS could not set it up) the command still runs, only without the
// per-execution accounting; the driver then reports zero CPU time and cannot tell an OOM kill.
static void join_own_cgroup(const char *own, const char *pid) {
    char dir[96], procs[128];
    snprintf(dir, sizeof dir, CGROUP "/%s", own);
    snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
    // a concurrent execution's cleanup may remove our cgroup between the mkdir and the move: retry
    for (int i = 0; i < 3; i++) {
        mkdir(dir, 0755);
        if (write_file(procs, pid) == 0) {
            break;
        }
    }
}

// The empty cgroups of earlier executions. rmdir of a cgroup that still has processes fails with EBUSY, which is
// what keeps running ones (and ours).
static void remove_old_cgroups(const char *own) {
    DIR *dir = opendir(CGROUP);
    if (dir == NULL) {
        return;
    }
    int dfd = dirfd(dir);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == 'e' && strcmp(e->d_name, own) != 0) {
            unlinkat(dfd, e->d_name, AT_REMOVEDIR);
        }
    }
    closedir(dir);
}

static void post_notice(const char *own, const char *pid) {
    char path[160];
    char dir[96];
    snprintf(dir, sizeof dir, CGROUP "/%s", own);
    snprintf(path, sizeof path, NOTICES "/%s-%lld-%lld", pid, cgroup_value(dir, "cpu.stat", "usage_usec"),
             cgroup_value(dir, "memory.events", "oom_kill"));
    // no notice directory (a probe boot) or a guest that removed it: the host polls instead
    (void)mknod(path, S_IFREG | 0600, 0);
}

// Ends this process the way the command ended, so qemu-ga reports the command's exit code or signal.
static void exit_like(int status) {
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core); // the command's crash, not ours: no core file of the wrapper
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        kill(getpid(), sig);
        _exit(128 + sig); // a signal whose default action is to ignore it cannot have ended the command
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs("usage: sandbox-exec COMMAND [ARG]...\n", stderr);
        return 2;
    }
    char pid[24], own[32];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    snprintf(own, sizeof own, "e%s", pid);
    // qemu-ga's child is not a process group leader, so this succeeds; the kill fallback uses the session
    setsid();
    // The agent's working directory is /workspace. In a VM restored from a snapshot template the share was
    // mounted over it after the agent started (guest-resume), so the inherited directory is the one underneath:
    // entering it again by name lands in the mount.
    char cwd[512];
    if (getcwd(cwd, sizeof cwd) != NULL) {
        (void)chdir(cwd);
    }
    join_own_cgroup(own, pid);
    // vfork: the child shares our memory until its exec, so it only makes system calls and writes to its own
    // stack; errno is shared, which is why the reason goes to stderr from the child itself.
    pid_t child = vfork();
    if (child < 0) {
        fprintf(stderr, "sandbox-exec: vfork: %s\n", strerror(errno));
        return 126;
    }
    if (child == 0) {
        // the wrapper keeps the agent's -1000: the OOM killer picks the command
        write_file("/proc/self/oom_score_adj", "0");
        execvp(argv[1], argv + 1);
        int err = errno;
        char msg[512];
        int n = snprintf(msg, sizeof msg, "sandbox-exec: %s: %s\n", argv[1], strerror(err));
        (void)!write(2, msg, n < (int)sizeof msg ? (size_t)n : sizeof msg - 1);
        _exit(err == ENOENT ? 127 : 126);
    }
    // Under TCG the guest has one vCPU; this runs while the command's loader waits for 9p replies.
    remove_old_cgroups(own);
    // Only the command's own exit counts: signals sent to the session (a kill of the group) also reach us and
    // end the wrapper, which is what the agent should report then.
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            return 126;
        }
    }
    // The agent reports an exit only once it has also seen end-of-file on the command's output pipes: letting
    // go of our copies first lets it get there while the notice travels to the host.
    close(0);
    close(1);
    close(2);
    post_notice(own, pid);
    exit_like(status);
    return 1;
}
