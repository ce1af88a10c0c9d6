package io.runcell.driver.microvm;

import io.runcell.driver.microvm.MicrovmConfig.Accelerator;
import io.runcell.driver.microvm.MicrovmConfig.PoolShape;
import io.runcell.driver.qga.QgaClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
     * Boots a VM in {@code dir} ({@code dir/workspace} is exported as /workspace) and waits for its agent.
     *
     * @param pidsMax the guest's {@code pids.max} for executions, or 0 for no limit
     */
    Vm boot(Path dir, PoolShape shape, int tmpSizeMb, int pidsMax) throws IOException {
        String accel = accelerator();
        return boot(dir, shape, tmpSizeMb, pidsMax, accel, true, config.bootTimeout());
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
            Vm vm = boot(probeDir, new PoolShape(128, 1, false), 16, 0, "kvm:" + cpu, false, config.kvmProbeTimeout());
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
            Path dir, PoolShape shape, int tmpSizeMb, int pidsMax, String accel, boolean withShares, Duration timeout)
            throws IOException {
        Path run = dir.resolve("run");
        Path ws = dir.resolve("workspace");
        Files.createDirectories(run.resolve("exits"));
        Files.createDirectories(ws);
        for (String f : List.of("qga.sock", "qmp.sock", "qemu.pid")) {
            Files.deleteIfExists(run.resolve(f));
        }
        if (run.resolve("qga.sock").toAbsolutePath().toString().length() > SOCKET_PATH_MAX) {
            throw new IOException("socket path too long (unix sockets allow 107 bytes): " + run);
        }
        long t0 = System.nanoTime();
        Instant deadline = Instant.now().plus(timeout);
        String m = machine;
        String err = launch(command(dir, shape, tmpSizeMb, pidsMax, accel, m, withShares), run);
        if (err != null && m.equals("microvm") && withShares) {
            String q35err = launch(command(dir, shape, tmpSizeMb, pidsMax, accel, "q35", true), run);
            if (q35err == null) {
                LOG.warn("qemu -M microvm failed ({}); using q35 from now on", err);
                machine = m = "q35";
            }
            err = q35err == null ? null : err;
        }
        if (err != null) {
            throw new IOException("qemu did not start: " + err);
        }
        ProcessHandle process = QemuProcesses.fromPidfile(run.resolve("qemu.pid"), dir.toString())
                .orElseThrow(() -> new IOException("qemu exited right after start; console: " + console(run)));
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
            vm.limits = new Vm.GuestLimits(tmpSizeMb, pidsMax);
            if (withShares) {
                vm.watchNotices(exitWatcher);
            }
            return vm;
        } catch (IOException | RuntimeException e) {
            QemuProcesses.kill(process, Duration.ofSeconds(5));
            if (qmp != null) {
                qmp.close();
            }
            if (qga != null) {
                qga.close();
            }
            throw new IOException(
                    "VM in " + dir + " did not become ready: " + e.getMessage() + "; console: " + console(run), e);
        }
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
            Path dir, PoolShape shape, int tmpSizeMb, int pidsMax, String accel, String machine, boolean shares)
            throws IOException {
        GuestImage.Files img = image.files();
        Path run = dir.resolve("run");
        boolean micro = machine.equals("microvm");
        String sfx = micro ? "-device" : "-pci";
        List<String> a = new ArrayList<>(List.of(config.qemuBinary()));
        a.addAll(List.of("-M", micro ? "microvm,x-option-roms=off,isa-serial=on,rtc=on,pit=on,pic=on" : "q35"));
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
                + " rc.tmp=" + tmpSizeMb + (pidsMax > 0 ? " rc.pids=" + pidsMax : "")
                + (shape.network() ? " rc.net=1" : "") + (shares ? "" : " ws=off usr=off")
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
        if (shares) {
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

    static String console(Path run) {
        try {
            String s = Files.readString(run.resolve("console.log"));
            return s.substring(Math.max(0, s.length() - 1500));
        } catch (IOException e) {
            return "(none)";
        }
    }
}
