/**
 * The microvm backend: one QEMU {@code -M microvm} VM per running sandbox (falling back to {@code q35}), booting
 * a Debian kernel and an initramfs built from Debian packages by {@code build-guest.sh} ({@link GuestImage}), with
 * the real {@code qemu-ga} inside driven over a unix socket ({@link io.runcell.driver.qga.QgaClient}) and QMP for
 * lifecycle ({@link QmpClient}).
 *
 * <p>Guest userland: the initramfs holds only busybox, qemu-ga and its libraries (under {@code /rc}); the host's
 * {@code /usr} is exported read-only over a second virtio-9p device and mounted on the guest's {@code /usr},
 * with {@code /bin}, {@code /sbin}, {@code /lib} and {@code /lib64} linked into it, so {@code bash} and
 * {@code python3} are the host's. {@code /workspace} is the host directory {@code <dataDir>/microvm/<key>/workspace}
 * over virtio-9p ({@code cache=none}), so it survives stop/start. No NIC unless the spec asks for network.
 *
 * <p>Executions: {@code guest-exec} of the static wrapper {@code /rc/bin/sandbox-exec} (built from
 * {@code src/main/c/sandbox-exec.c}, linked with musl when the build has it), which gives the command its own
 * session and guest cgroup, vforks it and, when it has exited, makes (mknod) an empty file named
 * {@code <pid>-<cpu usec>-<oom kills>} in the guest's {@code /run/runcell}, a
 * third 9p export of the host's {@code run/exits/}. {@link ExitWatcher} sees it through inotify and the waiting
 * {@link GuestExecution} asks the agent for the status at once instead of on its next backoff poll (the agent
 * stays the authority; polling remains as the safety net). Under TCG the guest also boots with
 * {@code norandmaps} (QEMU 7.2 caches translated code by guest virtual address, so randomised library addresses
 * meant translating libc again on every exec), its cgroup2 mount uses {@code favordynmods} (moving a process into a
 * cgroup otherwise waits for an RCU grace period) and it has the host's {@code /etc/ld.so.cache}. Measured with
 * {@code bench/microvm} (2026-11-23): a bare {@code guest-exec} of {@code true} went from 84–103 ms to 28–36 ms,
 * Runcell's execution of it from 120 ms to 47–50 ms; with the vfork/musl/mknod wrapper (session 7) Runcell's p50
 * is 1.06–1.12× the bare round trip measured in the same run (it was 1.32–1.45×).
 *
 * <p>Processes: QEMU runs with {@code -daemonize} and a pidfile in {@code <dataDir>/microvm/<key>/run/}, so it
 * does not depend on the thread or the JVM that started it; {@link MicrovmDriver#recover} kills the QEMUs left
 * by a crashed run by those pidfiles (checking {@code /proc/<pid>/cmdline} first so a reused pid is spared).
 *
 * <p>Warm pool ({@link WarmPool}): idle VMs booted with a pool-owned workspace directory; on hand-out the
 * sandbox's files are moved into that directory and it is renamed to the sandbox's workspace path. QEMU's 9p
 * backend holds the export by a directory fd (measured: a rename on the host keeps the guest mount working),
 * so a pool VM becomes the sandbox's VM without a reboot or a remount. Pool VMs boot with the /tmp size and pids
 * limit the last sandbox of their shape asked for, so a hand-out usually runs no guest command. Measured on the
 * 2-core TCG host (bench/microvm, 2026-11-23): create to first exec 75–106 ms with booted pool VMs, 83–93 ms with
 * restored ones (session 7, p50 of five: 90–94 ms).
 *
 * <p>Snapshot templates ({@link SnapshotTemplates}, on unless {@code MicrovmConfig.snapshots} is off): the first VM
 * of a shape boots a template whose RAM QEMU writes through to a file ({@code memory-backend-file,share=on}) and
 * whose device state is saved by a migration with {@code x-ignore-shared} (about 75 KB: the RAM stays in the file).
 * Every VM of that shape is then a clone ({@link VmLauncher#restore}): the RAM file mapped copy-on-write
 * ({@code share=off}), {@code -incoming defer} + {@code migrate-incoming}, {@code cont}, and guest-resume
 * ({@code src/main/c/guest-resume.c}) for what a snapshot cannot carry: the host's clock, a reseed of the kernel
 * RNG (clones would draw the same numbers), the sandbox's limits and the 9p mounts (QEMU refuses to migrate while
 * an export is mounted, so templates boot with {@code ws=off usr=off}). Since the agent started before
 * {@code /workspace} was mounted over its working directory, the exec wrapper re-enters that directory by name.
 * The pool fills with clones too. Measured: create 0.44 s, first exec of a fresh clone 0.61–0.63 s (p50), idle
 * PSS 51 MiB against 248 MiB for a booted VM. A failed restore discards the template and the VM boots; after two
 * failures for a shape the driver boots that shape for the rest of its life.
 */
package io.runcell.driver.microvm;
