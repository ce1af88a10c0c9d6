// sandbox-launcher: the microvm guest's resident exec launcher, linked statically and packed into the guest's
// initramfs as /rc/bin/sandbox-launcher, started (and restarted if it dies) by busybox init.
//
// Why it exists: a qemu-ga guest-exec forks the agent (glib, 12 libraries), execs our wrapper, and the host then
// polls guest-exec-status; under TCG that round trip is most of an execution (bare guest-exec of `true` 35-42 ms
// here, while the launcher's path measured 17 ms). The launcher is already running: the host hands it a request
// through the agent (guest-file-write to a FIFO), it vforks the command, collects its output and posts the result
// to the host. The agent stays the only channel into the guest; guest-exec remains the driver's fallback (requests
// too big for one frame, no launcher in the image or FIFO unusable) and its way to kill.
//
// Requests: frames on the FIFO /run/runcell-launcher.fifo, which the host opens with guest-file-open mode "r+"
// (so the open never blocks and writes never fail for want of a reader: a restarted launcher finds the queue).
//   "RCX1 <id> <token> <argc> <envc> <stdinlen> <paylen>\n" then paylen bytes: argc NUL-terminated arguments,
//   envc NUL-terminated NAME=value strings, stdinlen bytes of standard input.
// A frame is at most 4096 bytes (PIPE_BUF), so the agent's write delivers all of it or nothing. The host writes
// each frame once and never runs a request another way after a failed write, so the launcher runs what it reads;
// malformed lines and frames are skipped.
//
// Each command runs like sandbox-exec runs it: its own session, its own cgroup /sys/fs/cgroup/sandbox/x<id>-<token>
// (pids.max, cgroup.kill, memory.events, cpu.stat), oom_score_adj 0, cwd /workspace, PATH searched in the request's
// environment, 127/126 with the reason on stderr if it cannot be run. Output is collected up to 16 MiB per stream
// (qemu-ga's guest-exec limit), the rest read and dropped with a truncation flag.
//
// Results: when the command has exited and both output pipes are at end-of-file, the launcher posts
//   x<id>-<token>-<c|s><code or signal>-<cpu usec>-<oom kills>-<stdout len>-<stderr len>-<truncated bits>
// in /run/runcell (a 9p export of the VM's run/exits, watched by the host with inotify): an empty file made with
// mknod when there is no output, else the output (stdout then stderr) written to .<that name>-body and renamed to
// that name. If the export is not mounted there (the guest unmounted it; the launcher follows /proc/self/mountinfo)
// the result goes to /run/runcell-results/x<id>-<token> (its name as the first line), which the host polls through
// the agent. A launcher that starts and finds cgroups of an earlier launcher kills their processes and posts
// x<id>-<token>-lost for each: their output went with it.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest-common.h"

#define FIFO "/run/runcell-launcher.fifo"
#define CGROUP "/sys/fs/cgroup/sandbox"
#define NOTICES "/run/runcell"
#define LOCAL_RESULTS "/run/runcell-results"
#define FRAME_MAX 4096
#define OUTPUT_MAX (16u << 20)
#define JOBS_MAX 256

struct stream {
    int fd; // -1 once at end-of-file
    char *data;
    size_t len, cap;
    int truncated;
};

struct job {
    char cgroup[48]; // x<id>-<token>: names the cgroup and the result
    pid_t pid;
    int status, exited;
    struct stream out[2];
};

static struct job *jobs[JOBS_MAX];
// Whether the host's 9p export is mounted on NOTICES: without it a mknod there would land in the guest's own /run.
// Kept current by polling /proc/self/mountinfo, which reports every change to the mount table (so the check costs
// nothing per execution; a restored VM's guest-resume mounts the export after the launcher started).
static int notices_mounted;

static void check_mounts(int fd) {
    static char text[65536];
    size_t n = 0;
    notices_mounted = 0;
    if (lseek(fd, 0, SEEK_SET) != 0) {
        return;
    }
    for (ssize_t r; n < sizeof text - 1 && (r = read(fd, text + n, sizeof text - 1 - n)) != 0; n += (size_t)r) {
        if (r < 0) {
            return;
        }
    }
    text[n] = '\0';
    // mountinfo: id parent major:minor root MOUNTPOINT options... - FSTYPE source superoptions
    for (char *line = text; line != NULL && *line != '\0';) {
        char *end = strchr(line, '\n');
        if (end != NULL) {
            *end = '\0';
        }
        char point[256], type[32];
        const char *sep = strstr(line, " - ");
        if (sep != NULL && sscanf(line, "%*s %*s %*s %*s %255s", point) == 1 && sscanf(sep, " - %31s", type) == 1) {
            if (strcmp(point, NOTICES) == 0) {
                notices_mounted = strcmp(type, "9p") == 0; // the last mount on the point is the visible one
            }
        }
        line = end == NULL ? NULL : end + 1;
    }
}

static void job_cgroup_path(char *buf, size_t size, const struct job *j, const char *file) {
    snprintf(buf, size, CGROUP "/%s%s%s", j->cgroup, file[0] ? "/" : "", file);
}

// Writes all of data to an open file; 0 on success.
static int write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

// Writes the parts to dir/.name-body and renames that to dir/name, so a reader never sees half a body. 0 on success.
static int write_renamed(const char *dir, const char *name, const char *const *part, const size_t *len, int parts) {
    char tmp[256], path[256];
    snprintf(tmp, sizeof tmp, "%s/.%s-body", dir, name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        return -1;
    }
    int bad = 0;
    for (int i = 0; i < parts; i++) {
        bad |= write_all(fd, part[i], len[i]);
    }
    bad |= close(fd);
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

// Posts a result named name (see the header) for job j, or a bodiless one for j == NULL: to the host's export
// (mknod when there is no output), else, if that fails, to LOCAL_RESULTS/x<id>-<token> as "name\n" + body, which
// the host reads through the agent (it cannot list a guest directory, so there the name is inside).
static void post(const char *name, const char *cgroup, const struct job *j) {
    size_t out = j == NULL ? 0 : j->out[0].len, err = j == NULL ? 0 : j->out[1].len;
    const char *body[] = {j == NULL ? NULL : j->out[0].data, j == NULL ? NULL : j->out[1].data};
    size_t body_len[] = {out, err};
    if (!notices_mounted) {
        // fall through to the guest-local directory
    } else if (out + err == 0) {
        char path[256];
        snprintf(path, sizeof path, NOTICES "/%s", name);
        if (mknod(path, S_IFREG | 0600, 0) == 0) {
            return;
        }
    } else if (write_renamed(NOTICES, name, body, body_len, 2) == 0) {
        return;
    }
    mkdir(LOCAL_RESULTS, 0700);
    const char *part[] = {name, "\n", body[0], body[1]};
    size_t len[] = {strlen(name), 1, out, err};
    (void)write_renamed(LOCAL_RESULTS, cgroup, part, len, 4);
}

static void finish(struct job *j) {
    char name[160];
    int st = j->status;
    char how = WIFSIGNALED(st) ? 's' : 'c';
    int code = WIFSIGNALED(st) ? WTERMSIG(st) : (WIFEXITED(st) ? WEXITSTATUS(st) : 1);
    char dir[96];
    job_cgroup_path(dir, sizeof dir, j, "");
    snprintf(name, sizeof name, "%s-%c%d-%lld-%lld-%zu-%zu-%d", j->cgroup, how, code,
             cgroup_value(dir, "cpu.stat", "usage_usec"), cgroup_value(dir, "memory.events", "oom_kill"),
             j->out[0].len, j->out[1].len, j->out[0].truncated | j->out[1].truncated << 1);
    post(name, j->cgroup, j);
    rmdir(dir); // fails while processes the command left behind still run; swept after later executions
    for (int s = 0; s < 2; s++) {
        free(j->out[s].data);
    }
    free(j);
}

// Calls fn for each execution cgroup of a launcher (x<id>-<token>) under CGROUP.
static void for_each_launch_cgroup(void (*fn)(int dir_fd, const char *name)) {
    DIR *dir = opendir(CGROUP);
    if (dir == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == 'x' && strchr(e->d_name, '-') != NULL && strlen(e->d_name) < 48) {
            fn(dirfd(dir), e->d_name);
        }
    }
    closedir(dir);
}

// Empty cgroups of executions whose stragglers have ended since (rmdir of a busy cgroup fails with EBUSY).
static void remove_if_empty(int dir_fd, const char *name) {
    unlinkat(dir_fd, name, AT_REMOVEDIR);
}

// At start: cgroups left by a launcher that died held commands whose results nobody can collect now.
static void abandon(int dir_fd, const char *name) {
    (void)dir_fd;
    char path[128], lost[64];
    snprintf(path, sizeof path, CGROUP "/%s/cgroup.kill", name);
    write_file(path, "1");
    snprintf(lost, sizeof lost, "%s-lost", name);
    post(lost, name, NULL);
}

// In the vfork child: finds argv[0] on the request's PATH (execvp would search the launcher's own).
static void exec_on_path(char **argv, char **envp) {
    const char *file = argv[0];
    if (strchr(file, '/') != NULL) {
        execve(file, argv, envp);
        return;
    }
    const char *path = "/usr/local/bin:/usr/bin:/bin";
    for (char **e = envp; *e != NULL; e++) {
        if (strncmp(*e, "PATH=", 5) == 0) {
            path = *e + 5;
        }
    }
    int saw_eacces = 0;
    char buf[4096];
    for (const char *p = path;; p++) {
        const char *colon = strchr(p, ':');
        size_t dlen = colon == NULL ? strlen(p) : (size_t)(colon - p);
        if (dlen + strlen(file) + 2 <= sizeof buf) {
            memcpy(buf, p, dlen);
            size_t off = dlen;
            if (dlen > 0) {
                buf[off++] = '/';
            }
            strcpy(buf + off, file);
            execve(buf, argv, envp);
            if (errno == EACCES) {
                saw_eacces = 1;
            } else if (errno != ENOENT && errno != ENOTDIR) {
                return;
            }
        }
        if (colon == NULL) {
            break;
        }
        p = colon;
    }
    errno = saw_eacces ? EACCES : ENOENT;
}

// vfork: the child shares our memory until its exec, so it only makes system calls and writes its own stack
// (kept in a function of its own: nothing the parent uses afterwards lives in this frame).
static pid_t spawn(char **argv, char **envp, const char *procs, int in_fd, int out_fd, int err_fd) {
    pid_t pid = vfork();
    if (pid != 0) {
        return pid;
    }
    sigset_t none;
    sigemptyset(&none);
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL); // the launcher blocks SIGCHLD for its signalfd; exec keeps masks
    setsid();
    write_file(procs, "0");
    write_file("/proc/self/oom_score_adj", "0"); // the launcher keeps -1000: the OOM killer picks the command
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    // a VM restored from a snapshot mounted /workspace after the launcher started: enter it by name
    if (chdir("/workspace") != 0) {
        (void)!chdir("/");
    }
    exec_on_path(argv, envp);
    int e = errno;
    char msg[512];
    int n = snprintf(msg, sizeof msg, "sandbox-launcher: %s: %s\n", argv[0], strerror(e));
    (void)!write(2, msg, n < (int)sizeof msg ? (size_t)n : sizeof msg - 1);
    _exit(e == ENOENT ? 127 : 126);
}

// Starts one request; on failure the job still finishes, with the reason on its stderr.
static void launch(long long id, const char *token, char **argv, char **envp, const char *in, size_t inlen) {
    int slot = -1;
    for (int i = 0; i < JOBS_MAX; i++) {
        if (jobs[i] == NULL) {
            slot = i;
            break;
        }
    }
    struct job *j = calloc(1, sizeof *j);
    if (j == NULL) {
        return; // the host's timeout ends it
    }
    snprintf(j->cgroup, sizeof j->cgroup, "x%lld-%s", id, token);
    j->out[0].fd = j->out[1].fd = -1;
    int out[2] = {-1, -1}, err[2] = {-1, -1}, inp[2] = {-1, -1};
    const char *why = NULL;
    if (slot < 0) {
        why = "sandbox-launcher: too many executions at once\n";
    } else if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0
               || (inlen > 0 && pipe2(inp, O_CLOEXEC) != 0)) {
        why = "sandbox-launcher: out of file descriptors\n";
    }
    if (why != NULL) {
        int fds[] = {out[0], out[1], err[0], err[1], inp[0], inp[1]};
        for (int i = 0; i < 6; i++) {
            if (fds[i] >= 0) {
                close(fds[i]);
            }
        }
        j->out[1].data = strdup(why);
        j->out[1].len = j->out[1].data ? strlen(why) : 0;
        j->status = 126 << 8;
        finish(j);
        return;
    }
    char dir[96], procs[128];
    job_cgroup_path(dir, sizeof dir, j, "");
    job_cgroup_path(procs, sizeof procs, j, "cgroup.procs");
    mkdir(dir, 0755); // without it (an image whose rcS could not set cgroups up) the command runs unaccounted
    if (inlen > 0) {
        (void)write_all(inp[1], in, inlen); // at most one frame: fits the pipe's buffer, so this never blocks
        close(inp[1]);
    }
    int in_fd = inlen > 0 ? inp[0] : open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t pid = spawn(argv, envp, procs, in_fd, out[1], err[1]);
    if (inlen == 0 && in_fd >= 0) {
        close(in_fd);
    }
    close(out[1]);
    close(err[1]);
    if (inlen > 0) {
        close(inp[0]);
    }
    if (pid < 0) {
        close(out[0]);
        close(err[0]);
        j->status = 126 << 8;
        finish(j);
        return;
    }
    j->pid = pid;
    j->out[0].fd = out[0];
    j->out[1].fd = err[0];
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    jobs[slot] = j;
}

// Parses the frames in buf[0..len); returns how many bytes were used (an incomplete frame waits for more).
static size_t take_frames(char *buf, size_t len) {
    size_t used = 0;
    while (used < len) {
        char *start = buf + used;
        char *nl = memchr(start, '\n', len - used);
        if (nl == NULL) {
            // no header end within a frame's size: garbage, drop it
            return len - used > FRAME_MAX ? len : used;
        }
        long long id;
        char token[17];
        unsigned argc, envc;
        size_t inlen, paylen;
        *nl = '\0';
        int fields = sscanf(start, "RCX1 %lld %16[0-9a-f] %u %u %zu %zu", &id, token, &argc, &envc, &inlen, &paylen);
        // each bound on its own: a sum of two huge counts could wrap
        int ok = fields == 6 && strlen(token) == 16 && paylen <= FRAME_MAX && inlen <= paylen && argc >= 1
                 && argc <= FRAME_MAX && envc <= FRAME_MAX;
        *nl = '\n';
        size_t hdr = (size_t)(nl - start) + 1;
        if (!ok) {
            used += hdr; // not a frame header: skip the line
            continue;
        }
        if (len - used < hdr + paylen) {
            return used; // the rest of this frame has not arrived yet
        }
        char *p = nl + 1, *end = p + paylen - inlen;
        char *argv[argc + 1], *envp[envc + 1];
        unsigned n = 0;
        while (p < end && n < argc + envc) {
            char *z = memchr(p, '\0', (size_t)(end - p));
            if (z == NULL) {
                break;
            }
            if (n < argc) {
                argv[n] = p;
            } else {
                envp[n - argc] = p;
            }
            n++;
            p = z + 1;
        }
        used += hdr + paylen;
        if (n != argc + envc || p != end || id <= 0) {
            continue; // malformed
        }
        argv[argc] = NULL;
        envp[envc] = NULL;
        launch(id, token, argv, envp, end, inlen);
    }
    return used;
}

static void drain(struct stream *s) {
    char buf[65536];
    for (;;) {
        ssize_t n = read(s->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        if (n <= 0) {
            close(s->fd);
            s->fd = -1;
            return;
        }
        size_t keep = (size_t)n;
        if (s->len + keep > OUTPUT_MAX) {
            keep = OUTPUT_MAX - s->len;
            s->truncated = 1;
        }
        if (keep > 0 && s->len + keep > s->cap) {
            size_t cap = s->cap ? s->cap : 4096;
            while (cap < s->len + keep) {
                cap *= 2;
            }
            char *grown = realloc(s->data, cap);
            if (grown == NULL) {
                s->truncated = 1;
                continue;
            }
            s->data = grown;
            s->cap = cap;
        }
        memcpy(s->data + s->len, buf, keep);
        s->len += keep;
    }
}

int main(void) {
    // the guest's OOM killer picks a command, never the launcher (which holds every execution's output)
    write_file("/proc/self/oom_score_adj", "-1000");
    signal(SIGPIPE, SIG_IGN);
    // descriptors 0-2 taken, so no pipe of a command lands there (dup2 onto itself would keep its close-on-exec)
    for (int fd = 0; fd >= 0 && fd <= 2;) {
        fd = open("/dev/null", O_RDWR);
        if (fd > 2) {
            close(fd);
        }
    }
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (mkfifo(FIFO, 0600) != 0 && errno != EEXIST) {
        return 1;
    }
    // read-write: the FIFO never reports end-of-file when the agent's handle closes
    int ffd = open(FIFO, O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (ffd < 0 || sfd < 0) {
        return 1;
    }
    int mfd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    check_mounts(mfd);
    for_each_launch_cgroup(abandon);
    static char buf[2 * 65536];
    size_t have = 0;
    struct pollfd pfd[3 + 2 * JOBS_MAX];
    for (;;) {
        int n = 0;
        pfd[n++] = (struct pollfd){ffd, POLLIN, 0};
        pfd[n++] = (struct pollfd){sfd, POLLIN, 0};
        pfd[n++] = (struct pollfd){mfd, POLLPRI, 0};
        struct stream *polled[2 * JOBS_MAX];
        for (int i = 0; i < JOBS_MAX; i++) {
            for (int s = 0; jobs[i] != NULL && s < 2; s++) {
                if (jobs[i]->out[s].fd >= 0) {
                    polled[n - 3] = &jobs[i]->out[s];
                    pfd[n++] = (struct pollfd){jobs[i]->out[s].fd, POLLIN, 0};
                }
            }
        }
        if (poll(pfd, (nfds_t)n, -1) < 0) {
            continue;
        }
        if (pfd[2].revents != 0) {
            check_mounts(mfd);
        }
        for (int i = 3; i < n; i++) {
            if (pfd[i].revents != 0) {
                drain(polled[i - 3]);
            }
        }
        if (pfd[1].revents != 0) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) > 0) {
                // coalesced: reap everything that has ended
            }
            int st;
            pid_t pid;
            while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
                for (int i = 0; i < JOBS_MAX; i++) {
                    if (jobs[i] != NULL && jobs[i]->pid == pid) {
                        jobs[i]->status = st;
                        jobs[i]->exited = 1;
                    }
                }
            }
        }
        if (pfd[0].revents != 0) {
            ssize_t r = read(ffd, buf + have, sizeof buf - have);
            if (r > 0) {
                have += (size_t)r;
                size_t used = take_frames(buf, have);
                memmove(buf, buf + used, have - used);
                have -= used;
            }
        }
        int finished = 0;
        for (int i = 0; i < JOBS_MAX; i++) {
            struct job *j = jobs[i];
            if (j != NULL && j->exited && j->out[0].fd < 0 && j->out[1].fd < 0) {
                jobs[i] = NULL;
                finish(j);
                finished = 1;
            }
        }
        if (finished) {
            for_each_launch_cgroup(remove_if_empty);
        }
    }
}
