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
 * <p>Executions go to the guest's resident launcher ({@link Launcher}, {@code src/main/c/sandbox-launcher.c}, static,
 * started and restarted by the guest's init): the driver writes a request frame (argv, environment, stdin; at most
 * 4096 bytes) to the launcher's FIFO through the agent ({@code guest-file-write} + {@code guest-file-flush}), the
 * launcher vforks the command into its own session and guest cgroup, collects its output (16 MiB per stream, as
 * the agent would) and posts the result in the guest's {@code /run/runcell}, a third 9p export of the host's
 * {@code run/exits/}: an empty file whose name carries the exit, CPU time, OOM kills, output lengths and the
 * request's random token, or the output renamed to that name. {@link ExitWatcher} sees it through inotify, moves
 * an output file out of the export before anything looks at it, and {@link LaunchedExecution} checks it (a regular
 * file of the announced size) and reads it. If the guest unmounts the export the launcher writes the result into
 * its own {@code /run/runcell-results}, read through the agent every second. This skips the agent's fork of
 * itself and the status polling of {@code guest-exec}: {@code true} takes 17–19 ms inside the launcher path
 * against 35–42 ms for a bare {@code guest-exec} round trip (TCG, same VM, interleaved; see the README).
 *
 * <p>{@code guest-exec} stays as the path for requests too big for one frame, for VMs whose launcher FIFO cannot be
 * opened, and for killing: it runs the static wrapper {@code /rc/bin/sandbox-exec} ({@code src/main/c/sandbox-exec.c},
 * linked with musl when the build has it), which gives the command its own session and guest cgroup, vforks it and,
 * when it has exited, makes (mknod) an empty file named {@code <pid>-<cpu usec>-<oom kills>} in the same export.
 * The waiting {@link GuestExecution} then asks the agent for the status at once instead of on its next backoff poll
 * (the agent stays the authority on that path; polling remains as the safety net). Timeouts and kills of either
 * path are a {@code guest-exec} of {@code cgroup.kill} ({@link GuestKill}); a tree that survives resets the VM.
 *
 * <p>What the guest reports is the guest's word on both paths: code in the guest runs as root there and could
 * equally stop the agent or print what it likes, so a forged result only misreports that sandbox's own command;
 * the host protects itself (strict names, nothing in the export opened, bounded sizes), not the command's result.
 *
 * <p>Under TCG the guest also boots with
 * {@code norandmaps} (QEMU 7.2 caches translated code by guest virtual address, so randomised library addresses
 * meant translating libc again on every exec), its cgroup2 mount uses {@code favordynmods} (moving a process into a
 * cgroup otherwise waits for an RCU grace period) and it has the host's {@code /etc/ld.so.cache}. Measured with
 * {@code bench/microvm} (2026-11-23): a bare {@code guest-exec} of {@code true} went from 84–103 ms to 28–36 ms,
 * Runcell's execution of it from 120 ms to 47–50 ms; with the vfork/musl/mknod wrapper (session 7) Runcell's p50
 * was 1.06–1.12× the bare round trip measured in the same run, and with the launcher (session 8) it is below it.
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
 * restored ones (session 7, p50 of five: 90–94 ms); session 8, with the warm-up through the launcher: 55–59 ms.
 *
 * <p>Snapshot templates ({@link SnapshotTemplates}, on unless {@code MicrovmConfig.snapshots} is off): the first VM
 * of a shape boots a template whose RAM QEMU writes through to a file ({@code memory-backend-file,share=on}) and
 * whose device state is saved by a migration with {@code x-ignore-shared} (about 75 KB: the RAM stays in the file).
 * Every VM of that shape is then a clone ({@link VmLauncher#restore}): the RAM file mapped copy-on-write
 * ({@code share=off}), {@code -incoming defer} + {@code migrate-incoming}, {@code cont}, and guest-resume
 * ({@code src/main/c/guest-resume.c}, run through the launcher like an execution, {@link GuestCommand}, so the
 * code the first execution needs is already translated in the fresh QEMU) for what a snapshot cannot carry: the
 * host's clock, a reseed of the kernel RNG (clones would draw the same numbers), the sandbox's limits and the 9p
 * mounts (QEMU refuses to migrate while an export is mounted, so templates boot with {@code ws=off usr=off}). Since
 * the agent and the launcher started before {@code /workspace} was mounted over their working directory, the
 * wrapper and the launcher's commands enter that directory by name; the launcher learns that the notice export is
 * mounted from {@code /proc/self/mountinfo}, which it polls for changes. The pool fills with clones too. Measured
 * (session 8): create 0.47 s, first exec of a fresh clone 0.60–0.61 s (p50), idle PSS 51 MiB against 248 MiB for
 * a booted VM. A failed restore discards the template and the VM boots; after two
 * failures for a shape the driver boots that shape for the rest of its life.
 */
package io.runcell.driver.microvm;
