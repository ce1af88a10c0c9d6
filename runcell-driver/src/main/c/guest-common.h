// Shared by the microvm guest's static helpers (sandbox-exec.c, sandbox-launcher.c, guest-resume.c).
#ifndef RUNCELL_GUEST_COMMON_H
#define RUNCELL_GUEST_COMMON_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

// The value after "key " in the file of a cgroup directory, or 0 (no such cgroup, file or line).
static inline long long cgroup_value(const char *cgroup_dir, const char *file, const char *key) {
    char path[160], buf[1024];
    snprintf(path, sizeof path, "%s/%s", cgroup_dir, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    size_t klen = strlen(key);
    for (char *line = buf; line != NULL && *line != '\0';) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
            return atoll(line + klen + 1);
        }
        line = strchr(line, '\n');
        line = line == NULL ? NULL : line + 1;
    }
    return 0;
}

#endif
