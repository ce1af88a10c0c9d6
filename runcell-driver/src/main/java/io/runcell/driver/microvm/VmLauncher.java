package io.runcell.driver.microvm;

import io.runcell.driver.microvm.MicrovmConfig.Accelerator;
import io.runcell.driver.microvm.MicrovmConfig.PoolShape;
import io.runcell.driver.microvm.Vm.GuestLimits;
import io.runcell.driver.qga.QgaClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots VMs: builds the QEMU command line, launches QEMU with {@code -daemonize} (the launching thread and JVM
 * may end; the pidfile is the handle) and waits until the guest agent answers. Chooses the accelerator once
 * (KVM only if {@code /dev/kvm} exists and a probe boot answers within the probe timeout) and the machine
 * ({@code microvm}, or {@code q35} if QEMU refuses microvm).
 *
 * <p>Threading: {@link #boot} may be called concurrently.
 */
final class VmLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(VmLauncher.class);
    static final int SOCKET_PATH_MAX = 107;
    /** AUTO decisions per QEMU binary: the probe costs a boot (or its timeout), so it runs once per JVM. */
    private static final java.util.Map<String, String> PROBED = new java.util.concurrent.ConcurrentHashMap<>();

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MicrovmConfig config;
    private final GuestImage image;
    private final ExitWatcher exitWatcher;
    private final ReentrantLock chooseLock = new ReentrantLock();
    private volatile String accelerator;
    private volatile String machine = "microvm";

    VmLauncher(MicrovmConfig config, GuestImage image, ExitWatcher exitWatcher) {
        this.config = config;
        this.image = image;
        this.exitWatcher = exitWatcher;
    }

    /**
     * What the guest mounts of its 9p exports (host {@code /usr}, {@code workspace}, {@code runcell} for exit
     * notices): all at boot ({@code MOUNTED}); none although the devices exist ({@code UNMOUNTED}: snapshot
     * templates and their clones, which mount them in guest-resume because QEMU refuses to migrate a VM with a
     * mounted export); no devices at all ({@code NONE}: the KVM probe).
     */
    enum Shares {
        MOUNTED,
        UNMOUNTED,
        NONE
    }

    /**
     * How guest RAM is backed: anonymous memory ({@code file} null, booted VMs); a file QEMU writes through
     * ({@code shared}: a template being made, so its RAM lands in the file and stays out of the saved state); a
     * template's file mapped copy-on-write (a clone: untouched pages stay shared in the host page cache).
     */
    record Ram(Path file, boolean shared) {
        static final Ram ANONYMOUS = new Ram(null, false);
    }

    /**
     * The limits templates boot with, so that every clone's command line is the template's own (a clone sets the
     * sandbox's limits in guest-resume).
     */
    static final GuestLimits TEMPLATE_LIMITS = new GuestLimits(16, 0);

    /** Migration capability that keeps file-backed RAM out of a saved state (the RAM file is the template). */
    static final String IGNORE_SHARED = "x-ignore-shared";

    /**
     * Boots a VM in {@code dir} ({@code dir/workspace} is exported as /workspace) and waits for its agent.
     *
     * @param limits the guest's /tmp size and executions' {@code pids.max} (0: no limit)
     */
    Vm boot(Path dir, PoolShape shape, GuestLimits limits) throws IOException {
        String accel = accelerator();
        return boot(dir, shape, limits, accel, Shares.MOUNTED, Ram.ANONYMOUS, config.bootTimeout());
    }

    /**
     * Boots a snapshot template in {@code dir}: its RAM goes to the file {@code ram}, its shares stay unmounted.
     * The caller saves and shuts it down.
     */
    Vm bootTemplate(Path dir, PoolShape shape, Path ram) throws IOException {
        return boot(
                dir, shape, TEMPLATE_LIMITS, accelerator(), Shares.UNMOUNTED, new Ram(ram, true), config.bootTimeout());
    }

    /**
     * Starts a clone of a template in {@code dir}: QEMU with the template's command line (own sockets and
     * exports), its RAM file mapped copy-on-write and its device state loaded from the saved state; then the
     * guest resumes (clock, RNG reseed, limits, shares mounted) and the VM is ready like a booted one.
     */
    Vm restore(Path dir, PoolShape shape, SnapshotTemplates.Template template, GuestLimits limits) throws IOException {
        String accel = accelerator();
        Path run = prepare(dir);
        long t0 = System.nanoTime();
        Instant deadline = Instant.now().plus(config.bootTimeout());
        List<String> argv = command(
                dir,
                shape,
                TEMPLATE_LIMITS,
                accel,
                template.machine(),
                Shares.UNMOUNTED,
                new Ram(template.ram(), false),
                true);
        ProcessHandle process = started(launch(argv, run), dir);
        QmpClient qmp = null;
        QgaClient qga = null;
        Vm vm = null;
        try {
            qmp = QmpClient.connect(run.resolve("qmp.sock"), deadline);
            qmp.migrationCapability(IGNORE_SHARED, true);
            qmp.migrateIncoming("exec:cat " + shellQuote(template.state()));
            awaitIncoming(qmp, process, deadline);
            qmp.cont();
            qga = QgaClient.connect(run.resolve("qga.sock"), deadline);
            qga.sync(deadline);
            vm = new Vm(dir, process, shape, accel, template.machine(), qga, qmp, 0);
            vm.watchNotices(exitWatcher);
            resume(vm, limits, deadline);
            vm.bootMillis = (System.nanoTime() - t0) / 1_000_000;
            LOG.debug(
                    "restored {} from template {} in {} ms", dir, template.dir().getFileName(), vm.bootMillis);
            vm.limits = limits;
            vm.template = template.dir();
            return vm;
        } catch (IOException | RuntimeException e) {
            if (vm != null) {
                vm.closeClients(); // also stops watching its notices
            }
            abandon(process, qmp, qga);
            throw new IOException("VM in " + dir + " was not restored: " + e.getMessage(), e);
        }
    }

    /** Waits until QEMU has loaded the incoming state (a failed load ends the QEMU process). */
    private static void awaitIncoming(QmpClient qmp, ProcessHandle process, Instant deadline) throws IOException {
        long sleepMs = 1;
        while (qmp.status().equals("inmigrate")) {
            if (!process.isAlive() || !Instant.now().isBefore(deadline)) {
                throw new IOException("the saved state was not loaded" + (process.isAlive() ? " in time" : ""));
            }
            try {
                Thread.sleep(sleepMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while restoring", e);
            }
            sleepMs = Math.min(sleepMs * 2, 20);
        }
    }

    /**
     * Runs guest-resume (src/main/c/guest-resume.c) the way executions run ({@link GuestCommand}: through the
     * launcher, whose code this also translates in the fresh QEMU before the sandbox's first execution needs it)
     * and fails with its message unless it exits 0.
     */
    private static void resume(Vm vm, GuestLimits limits, Instant deadline) throws IOException {
        Instant now = Instant.now();
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        GuestCommand.Ended st = GuestCommand.run(
                vm,
                List.of(
                        "/rc/bin/guest-resume",
                        Long.toString(now.getEpochSecond()),
                        Integer.toString(now.getNano()),
                        HexFormat.of().formatHex(seed),
                        Integer.toString(limits.tmpSizeMb()),
                        Integer.toString(limits.pidsMax()),
                        "1"),
                List.of(),
                Duration.ofMillis(Math.max(1000, Duration.between(now, deadline).toMillis())));
        if (!st.succeeded()) {
            throw new IOException("guest-resume failed: " + st.describe());
        }
    }

    /** The machine type VMs are started with ({@code microvm} unless QEMU refused it once). */
    String machine() {
        return machine;
    }

    String accelerator() throws IOException {
        String a = accelerator;
        if (a != null) {
            return a;
        }
        chooseLock.lock();
        try {
            if (accelerator == null) {
                accelerator = choose();
            }
            return accelerator;
        } finally {
            chooseLock.unlock();
        }
    }

    private String choose() throws IOException {
        Accelerator wanted = config.accelerator();
        if (wanted == Accelerator.TCG) {
            LOG.info("microvm accelerator: tcg (configured)");
            return "tcg";
        }
        if (!Files.exists(Path.of("/dev/kvm"))) {
            if (wanted == Accelerator.KVM) {
                throw new IOException("KVM requested but /dev/kvm does not exist");
            }
            LOG.info("microvm accelerator: tcg (no /dev/kvm)");
            return "tcg";
        }
        if (wanted == Accelerator.KVM) {
            LOG.info("microvm accelerator: kvm (configured)");
            return "kvm:host";
        }
        String known = PROBED.get(config.qemuBinary());
        if (known != null) {
            return known;
        }
        String chosen = "tcg";
        for (String cpu : List.of("host", "kvm64")) {
            if (probe(cpu)) {
                chosen = "kvm:" + cpu;
                break;
            }
        }
        PROBED.put(config.qemuBinary(), chosen);
        return chosen;
    }

    /** Boots the guest (no shares) with KVM and this CPU model; true if its agent answers within the probe timeout. */
    private boolean probe(String cpu) throws IOException {
        Path probeDir = config.dataDir().resolve("microvm").resolve(".probe");
        QemuProcesses.deleteTree(probeDir);
        long t0 = System.nanoTime();
        try {
            Vm vm = boot(
                    probeDir,
                    new PoolShape(128, 1, false),
                    new GuestLimits(16, 0),
                    "kvm:" + cpu,
                    Shares.NONE,
                    Ram.ANONYMOUS,
                    config.kvmProbeTimeout());
            vm.shutdown(Duration.ofSeconds(2));
            LOG.info(
                    "microvm accelerator: kvm, -cpu {} (probe boot answered in {} ms)",
                    cpu,
                    (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (IOException e) {
            LOG.warn(
                    "microvm accelerator: KVM with -cpu {} unusable (/dev/kvm exists but a probe boot did not answer within {} ms: {})",
                    cpu,
                    config.kvmProbeTimeout().toMillis(),
                    e.getMessage());
            return false;
        } finally {
            QemuProcesses.fromPidfile(probeDir.resolve("run/qemu.pid"), probeDir.toString())
                    .ifPresent(p -> QemuProcesses.kill(p, Duration.ofSeconds(5)));
            QemuProcesses.deleteTree(probeDir);
        }
    }

    private Vm boot(
            Path dir, PoolShape shape, GuestLimits limits, String accel, Shares shares, Ram ram, Duration timeout)
            throws IOException {
        Path run = prepare(dir);
        long t0 = System.nanoTime();
        Instant deadline = Instant.now().plus(timeout);
        String m = machine;
        String err = launch(command(dir, shape, limits, accel, m, shares, ram, false), run);
        if (err != null && m.equals("microvm") && shares == Shares.MOUNTED) {
            String q35err = launch(command(dir, shape, limits, accel, "q35", shares, ram, false), run);
            if (q35err == null) {
                LOG.warn("qemu -M microvm failed ({}); using q35 from now on", err);
                machine = m = "q35";
            }
            err = q35err == null ? null : err;
        }
        ProcessHandle process = started(err, dir);
        QmpClient qmp = null;
        QgaClient qga = null;
        try {
            qmp = QmpClient.connect(run.resolve("qmp.sock"), deadline);
            qga = QgaClient.connect(run.resolve("qga.sock"), deadline);
            // The chardev accepts before the guest opens the port and QEMU does not drain it until then, so wait
            // for the open event before syncing (sync retries also back off, in case the event was missed).
            qmp.awaitEvent(
                    "VSERPORT_CHANGE",
                    d -> d.path("open").asBoolean()
                            && "qgaport".equals(d.path("id").asText()),
                    deadline,
                    process::isAlive);
            if (!process.isAlive()) {
                throw new IOException("qemu exited during boot; console: " + console(run));
            }
            qga.sync(deadline);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            LOG.debug(
                    "booted {} ({} {}, {} MiB, {} vcpu) in {} ms", dir, accel, m, shape.memoryMb(), shape.vcpus(), ms);
            Vm vm = new Vm(dir, process, shape, accel, m, qga, qmp, ms);
            vm.limits = limits;
            if (shares == Shares.MOUNTED) {
                vm.watchNotices(exitWatcher);
            }
            return vm;
        } catch (IOException | RuntimeException e) {
            abandon(process, qmp, qga);
            throw new IOException(
                    "VM in " + dir + " did not become ready: " + e.getMessage() + "; console: " + console(run), e);
        }
    }

    /** Creates the VM's directories, clears sockets a previous QEMU left; returns {@code dir/run}. */
    private static Path prepare(Path dir) throws IOException {
        Path run = dir.resolve("run");
        Files.createDirectories(run.resolve("exits"));
        Files.createDirectories(dir.resolve("workspace"));
        for (String f : List.of("qga.sock", "qmp.sock", "qemu.pid")) {
            Files.deleteIfExists(run.resolve(f));
        }
        if (run.resolve("qga.sock").toAbsolutePath().toString().length() > SOCKET_PATH_MAX) {
            throw new IOException("socket path too long (unix sockets allow 107 bytes): " + run);
        }
        return run;
    }

    /** The daemonized QEMU of a {@link #launch} that returned {@code err}: failed unless err is null. */
    private static ProcessHandle started(String err, Path dir) throws IOException {
        if (err != null) {
            throw new IOException("qemu did not start: " + err);
        }
        Path run = dir.resolve("run");
        return QemuProcesses.fromPidfile(run.resolve("qemu.pid"), dir.toString())
                .orElseThrow(() -> new IOException("qemu exited right after start; console: " + console(run)));
    }

    /** Kills a QEMU that did not become ready and closes what was connected to it (either may be null). */
    private static void abandon(ProcessHandle process, QmpClient qmp, QgaClient qga) {
        QemuProcesses.kill(process, Duration.ofSeconds(5));
        Vm.close(qga, qmp);
    }

    /** Runs QEMU until it daemonizes; returns null on success or its error output. */
    private static String launch(List<String> argv, Path run) throws IOException {
        Path errFile = run.resolve("qemu.stderr");
        Process p = new ProcessBuilder(argv)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errFile.toFile())
                .start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "qemu did not daemonize within 60 s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while starting qemu", e);
        }
        return p.exitValue() == 0
                ? null
                : "exit " + p.exitValue() + ": " + Files.readString(errFile).strip();
    }

    private List<String> command(
            Path dir,
            PoolShape shape,
            GuestLimits limits,
            String accel,
            String machine,
            Shares shares,
            Ram ram,
            boolean incoming)
            throws IOException {
        GuestImage.Files img = image.files();
        Path run = dir.resolve("run");
        boolean micro = machine.equals("microvm");
        String sfx = micro ? "-device" : "-pci";
        List<String> a = new ArrayList<>(List.of(config.qemuBinary()));
        String backend = ram.file() == null ? "" : ",memory-backend=ram0";
        a.addAll(List.of(
                "-M", (micro ? "microvm,x-option-roms=off,isa-serial=on,rtc=on,pit=on,pic=on" : "q35") + backend));
        if (ram.file() != null) {
            a.addAll(List.of(
                    "-object",
                    "memory-backend-file,id=ram0,size=" + shape.memoryMb() + "M,mem-path=" + q(ram.file()) + ",share="
                            + (ram.shared() ? "on" : "off")));
        }
        if (accel.startsWith("kvm:")) {
            a.addAll(List.of("-accel", "kvm", "-cpu", accel.substring(4)));
        } else {
            a.addAll(List.of("-accel", "tcg,thread=single,tb-size=" + config.tcgCodeBufferMb(), "-cpu", "qemu64"));
        }
        // norandmaps, under TCG only: QEMU 7.2 keys its translated code by guest virtual address, so with address
        // space randomisation every exec loads the loader and libc at new addresses and all their code is
        // translated again (a dynamic `true` took 75 ms instead of 35). The guest belongs to one sandbox whose
        // code is the untrusted party anyway; the boundary is QEMU, which this does not touch.
        String append = "console=ttyS0 quiet loglevel=3 panic=-1 reboot=t tsc=reliable tsc_early_khz=" + hostKhz()
                + " rc.tmp=" + limits.tmpSizeMb() + (limits.pidsMax() > 0 ? " rc.pids=" + limits.pidsMax() : "")
                + (shape.network() ? " rc.net=1" : "") + (shares == Shares.MOUNTED ? "" : " ws=off usr=off")
                + (accel.startsWith("kvm:") ? "" : " norandmaps");
        a.addAll(List.of(
                "-m",
                shape.memoryMb() + "M",
                "-smp",
                Integer.toString(shape.vcpus()),
                "-nodefaults",
                "-no-user-config",
                "-display",
                "none",
                "-name",
                "runcell-microvm",
                "-kernel",
                img.kernel().toString(),
                "-initrd",
                img.initrd().toString(),
                "-append",
                append,
                "-serial",
                "file:" + q(run.resolve("console.log")),
                "-chardev",
                "socket,id=qga0,server=on,wait=off,path=" + q(run.resolve("qga.sock")),
                "-device",
                "virtio-serial" + sfx + ",id=vser0,max_ports=2",
                "-device",
                "virtserialport,bus=vser0.0,chardev=qga0,id=qgaport,name=org.qemu.guest_agent.0",
                "-object",
                "rng-random,id=rng0,filename=/dev/urandom",
                "-device",
                "virtio-rng" + sfx + ",rng=rng0",
                "-qmp",
                "unix:" + q(run.resolve("qmp.sock")) + ",server=on,wait=off",
                "-pidfile",
                run.resolve("qemu.pid").toString(),
                "-daemonize"));
        if (incoming) {
            a.addAll(List.of("-incoming", "defer"));
        }
        if (shares != Shares.NONE) {
            a.addAll(List.of(
                    "-fsdev", "local,id=ws,security_model=none,path=" + q(dir.resolve("workspace")),
                    "-device", "virtio-9p" + sfx + ",fsdev=ws,mount_tag=workspace",
                    "-fsdev", "local,id=usr,security_model=none,readonly=on,path=/usr",
                    "-device", "virtio-9p" + sfx + ",fsdev=usr,mount_tag=hostusr",
                    "-fsdev", "local,id=exits,security_model=none,path=" + q(run.resolve("exits")),
                    "-device", "virtio-9p" + sfx + ",fsdev=exits,mount_tag=runcell"));
        }
        if (shape.network()) {
            a.addAll(List.of("-netdev", "user,id=net0", "-device", "virtio-net" + sfx + ",netdev=net0"));
        }
        return a;
    }

    /** Under TCG the guest cannot calibrate the TSC on microvm (no PIT calibration); tell it the host's rate. */
    private static long hostKhz() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("cpu MHz"))
                    .findFirst()
                    .map(l -> (long)
                            (Double.parseDouble(l.substring(l.indexOf(':') + 1).strip()) * 1000))
                    .orElse(2_000_000L);
        } catch (IOException | NumberFormatException e) {
            return 2_000_000L;
        }
    }

    private static String q(Path p) {
        return p.toAbsolutePath().toString().replace(",", ",,");
    }

    /** QEMU runs {@code exec:} migration URIs with /bin/sh -c. */
    static String shellQuote(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("'", "'\\''") + "'";
    }

    static String console(Path run) {
        try {
            String s = Files.readString(run.resolve("console.log"));
            return s.substring(Math.max(0, s.length() - 1500));
        } catch (IOException e) {
            return "(none)";
        }
    }
}
