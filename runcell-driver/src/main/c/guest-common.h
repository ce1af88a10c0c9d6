// Shared by the microvm guest's static helpers (sandbox-exec.c, guest-resume.c).
#ifndef RUNCELL_GUEST_COMMON_H
#define RUNCELL_GUEST_COMMON_H

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

// Writes text to an existing file (a cgroup or /proc knob) in one write; 0 on success, -1 with errno.
static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    close(fd);
    return n == (ssize_t)len ? 0 : -1;
}

#endif
