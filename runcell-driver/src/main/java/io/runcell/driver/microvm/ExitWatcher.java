package io.runcell.driver.microvm;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the notice directories of all of a driver's VMs (one inotify instance) and posts each exit notice to
 * its VM's {@link ExitNoticeBoard}s. Notice files are deleted once read and only their names are used, so nothing
 * the guest put there (a symlink, a FIFO, a device node) is ever opened; a launcher result with output is moved
 * out of the export instead, for its execution to check and read ({@link LaunchedExecution}). Dot-files (a result
 * being written) are left alone. If the kernel's event queue overflows,
 * the directory is listed instead.
 *
 * <p>Threading: one daemon thread delivers, started with the inotify instance by the first {@link #watch} (a
 * server that never boots a VM holds neither); {@link #watch} and {@link #unwatch} may be called from any thread.
 */
final class ExitWatcher implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);

    private final Map<WatchKey, Vm> vms = new ConcurrentHashMap<>();
    private WatchService service;
    private boolean closed;

    /**
     * Starts delivering the VM's notices. Watching follows the directory if it is renamed (inotify watches the
     * inode), which is what a pool hand-out does.
     */
    void watch(Vm vm) throws IOException {
        WatchKey key = vm.noticeDir().register(service(), StandardWatchEventKinds.ENTRY_CREATE);
        vms.put(key, vm);
        drain(vm); // notices posted before the watch existed
    }

    void unwatch(Vm vm) {
        vms.entrySet().removeIf(e -> {
            if (e.getValue() != vm) {
                return false;
            }
            e.getKey().cancel();
            return true;
        });
    }

    private synchronized WatchService service() throws IOException {
        if (closed) {
            throw new IOException("the driver is closed");
        }
        if (service == null) {
            WatchService s = FileSystems.getDefault().newWatchService();
            Thread.ofPlatform().daemon().name("microvm-exit-notices").start(() -> run(s));
            service = s;
        }
        return service;
    }

    private void run(WatchService service) {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Vm vm = vms.get(key);
            for (WatchEvent<?> event : key.pollEvents()) {
                if (vm == null) {
                    continue;
                }
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    drain(vm);
                } else if (event.context() instanceof Path name) {
                    deliver(vm, name.toString());
                }
            }
            key.reset();
        }
    }

    private void drain(Vm vm) {
        try (DirectoryStream<Path> names = Files.newDirectoryStream(vm.noticeDir())) {
            for (Path p : names) {
                deliver(vm, p.getFileName().toString());
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", vm.noticeDir(), e.getMessage());
        }
    }

    private static void deliver(Vm vm, String name) {
        if (name.startsWith(".")) {
            return; // the launcher is writing a result's output; it arrives under its final name
        }
        Optional<LaunchNotice> launched = LaunchNotice.parse(name);
        if (launched.isPresent() && launched.get().hasOutput()) {
            // moved first, then looked at: in the export the guest could still swap the file for a FIFO or a link
            Path moved = vm.resultDir().resolve(name);
            try {
                Files.createDirectories(moved.getParent());
                Files.move(vm.noticeDir().resolve(name), moved, StandardCopyOption.ATOMIC_MOVE);
                vm.launches.post(launched.get().withBody(moved));
            } catch (IOException e) {
                LOG.debug("cannot take the result {}: {}", name, e.getMessage());
            }
            return;
        }
        launched.ifPresent(vm.launches::post);
        ExitNotice.parse(name).ifPresent(vm.notices::post);
        try {
            Files.deleteIfExists(vm.noticeDir().resolve(name));
        } catch (IOException e) {
            // a directory the guest made, or the VM moved on: it goes with run/ when the sandbox stops
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (service != null) {
            service.close();
        }
    }
}
