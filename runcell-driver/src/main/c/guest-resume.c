// guest-resume: run once by the microvm driver (through the guest agent) in a VM restored from a snapshot
// template, linked statically and packed into the guest's initramfs as /rc/bin/guest-resume (see build-guest.sh).
//
//   guest-resume SECONDS NANOS SEED_HEX TMP_MB PIDS_MAX SHARES
//       SECONDS NANOS  the host's wall clock: the restored guest's clock still shows the moment of the snapshot
//       SEED_HEX       64 hex digits of host randomness: every clone of a template starts with the same kernel RNG
//                      state, so without a reseed two sandboxes would draw the same "random" bytes
//       TMP_MB         the size of /tmp (tmpfs remount)
//       PIDS_MAX       executions' pids.max (0: no limit)
//       SHARES         1: mount the 9p shares a booted guest mounts in rcS (host /usr read-only, /workspace and
//                      /run/runcell for exit notices); 0: none
//
// Why a step after restore at all: QEMU refuses to migrate while a 9p export is mounted, so the template is booted
// without its shares mounted (rcS ws=off usr=off) and every clone mounts its own: the export paths are QEMU
// command-line options of the clone, not part of the snapshot. Why C: a shell doing the same ran a dozen busybox
// processes, each paying emulated exec and fresh code translation in a just-restored VM (0.6 s under TCG).
//
// Exits 0 when everything is in place; otherwise 1 with the failed step on stderr (the driver then discards the VM).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guest-common.h"

#define P9 "trans=virtio,version=9p2000.L,msize=262144"

static int fail(const char *step) {
    fprintf(stderr, "guest-resume: %s: %s\n", step, strerror(errno));
    return 1;
}

static int reseed(const char *hex) {
    struct {
        struct rand_pool_info info;
        unsigned char bytes[32];
    } seed;
    if (strlen(hex) != 2 * sizeof seed.bytes) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; i < sizeof seed.bytes; i++) {
        unsigned int b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
            errno = EINVAL;
            return -1;
        }
        seed.bytes[i] = (unsigned char)b;
    }
    seed.info.entropy_count = 8 * sizeof seed.bytes;
    seed.info.buf_size = sizeof seed.bytes;
    int fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    // RNDADDENTROPY mixes the bytes in and credits them; RNDRESEEDCRNG makes the generator use them now rather
    // than at its next scheduled reseed (up to a minute later)
    int rc = ioctl(fd, RNDADDENTROPY, &seed) == 0 && ioctl(fd, RNDRESEEDCRNG) == 0 ? 0 : -1;
    close(fd);
    return rc;
}

// rcS without the host /usr points /bin and /sbin at the agent's own /rc/bin; with it mounted, the usual
// merged-/usr links. Nothing else runs in the guest yet, so replacing the links one by one is safe.
static int link_usr(void) {
    static const char *const links[][2] = {
        {"usr/bin", "/bin"}, {"usr/sbin", "/sbin"}, {"usr/lib", "/lib"}, {"usr/lib64", "/lib64"}};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        if ((unlink(links[i][1]) != 0 && errno != ENOENT) || symlink(links[i][0], links[i][1]) != 0) {
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fputs("usage: guest-resume SECONDS NANOS SEED_HEX TMP_MB PIDS_MAX SHARES\n", stderr);
        return 2;
    }
    struct timespec now = {.tv_sec = atoll(argv[1]), .tv_nsec = atol(argv[2])};
    if (clock_settime(CLOCK_REALTIME, &now) != 0) {
        return fail("clock_settime");
    }
    if (reseed(argv[3]) != 0) {
        return fail("reseed");
    }
    char opts[64];
    snprintf(opts, sizeof opts, "mode=1777,size=%sm", argv[4]);
    if (mount("tmpfs", "/tmp", NULL, MS_REMOUNT, opts) != 0) {
        return fail("remount /tmp");
    }
    const char *pids = atoi(argv[5]) > 0 ? argv[5] : "max";
    if (access("/sys/fs/cgroup/sandbox", F_OK) == 0 && write_file("/sys/fs/cgroup/sandbox/pids.max", pids) != 0) {
        return fail("pids.max");
    }
    if (strcmp(argv[6], "1") == 0) {
        if (mount("hostusr", "/usr", "9p", MS_RDONLY, P9 ",cache=loose") != 0) {
            return fail("mount /usr");
        }
        if (link_usr() != 0) {
            return fail("/bin, /sbin, /lib links");
        }
        if (mount("workspace", "/workspace", "9p", 0, P9 ",cache=none") != 0) {
            return fail("mount /workspace");
        }
        if ((mkdir("/run/runcell", 0755) != 0 && errno != EEXIST)
                || mount("runcell", "/run/runcell", "9p", 0, P9 ",cache=none") != 0) {
            return fail("mount /run/runcell");
        }
    }
    return 0;
}
