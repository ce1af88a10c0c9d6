#!/bin/bash
# Builds the microvm guest (kernel + initramfs) from Debian packages only, into OUTDIR/<hash>/.
#   usage: build-guest.sh OUTDIR GUEST_BIN     (prints the image directory as the last line of stdout)
# GUEST_BIN is a directory with the guest's static helpers built from runcell-driver/src/main/c/: sandbox-exec
# (the exec wrapper) and guest-resume (run after a snapshot restore). Maven puts them in
# runcell-driver/target/classes/io/runcell/driver/microvm/guest/.
# The packages are fetched with `apt-get download` and unpacked with `dpkg-deb -x`; nothing is installed
# into the host. <hash> covers this script, the helpers, the package versions apt resolves, the host's
# /etc/alternatives and /etc/ld.so.cache (the guest mounts the host's /usr read-only, see rcS), so a kernel
# update, a host library update or an edit of this script yields a new directory and an unchanged input reuses
# the cached one.
# Host tools needed: apt-get, dpkg-deb, cpio, gzip, xz, readelf (binutils), sha256sum.
set -euo pipefail
OUTDIR=${1:?usage: build-guest.sh OUTDIR GUEST_BIN}
BIN=${2:?usage: build-guest.sh OUTDIR GUEST_BIN}
for b in sandbox-exec sandbox-launcher guest-resume; do
  [ -x "$BIN/$b" ] || { echo "build-guest: $BIN/$b is not an executable" >&2; exit 1; }
done
mkdir -p "$OUTDIR"; OUTDIR=$(cd "$OUTDIR" && pwd)
SELF=$(readlink -f "$0")
export LC_ALL=C

KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$KPKG" ] || { echo "build-guest: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
# qemu-guest-agent and the closure of its Depends (apt-cache depends --recurse, minus init-system-helpers)
LIBS="libc6 libgcc-s1 libglib2.0-0 libnuma1 libudev1 liburing2 libblkid1 libffi8 libmount1 libpcre2-8-0 libselinux1 zlib1g"
PKGS="$KPKG busybox-static qemu-guest-agent $LIBS"
VERSIONS=$(apt-cache policy $PKGS | awk '/^[^ ].*:$/{p=substr($0,1,length($0)-1)} /Candidate:/{print p "=" $2}')
HASH=$( { cat "$SELF" "$BIN/sandbox-exec" "$BIN/sandbox-launcher" "$BIN/guest-resume"; echo "$VERSIONS"; ls -l /etc/alternatives | awk '{print $9, $11}';
          cat /etc/ld.so.cache 2>/dev/null; } | sha256sum | cut -c1-16)
IMG="$OUTDIR/$HASH"
if [ -s "$IMG/vmlinux" ] && [ -s "$IMG/initrd.img" ]; then echo "$IMG"; exit 0; fi

T0=$(date +%s.%N)
WORK=$(mktemp -d "$OUTDIR/.build.XXXXXX"); trap 'rm -rf "$WORK"' EXIT
DEBS="$OUTDIR/debs"; mkdir -p "$DEBS"
need=""; for p in $PKGS; do v=$(echo "$VERSIONS" | awk -F= -v p="$p" '$1==p{print $2}'); \
  ls "$DEBS/${p}_${v//:/%3a}_"*.deb >/dev/null 2>&1 || need="$need $p"; done
if [ -n "$need" ]; then (cd "$DEBS" && apt-get download $need 2>&1 | grep -v 'unsandboxed' >&2 || true); fi
deb() { local v; v=$(echo "$VERSIONS" | awk -F= -v p="$1" '$1==p{print $2}'); ls "$DEBS/${1}_${v//:/%3a}_"*.deb | head -1; }

# 1. kernel -> uncompressed ELF vmlinux (Debian has CONFIG_PVH=y: qemu -kernel vmlinux skips the in-guest
#    XZ decompressor, 3-4 s under TCG)
dpkg-deb -x "$(deb "$KPKG")" "$WORK/kernel"
KVER=$(ls "$WORK/kernel/lib/modules")
V="$WORK/kernel/boot/vmlinuz-$KVER"
for off in $(grep -aboP '\xfd7zXZ\x00' "$V" | cut -d: -f1); do
  tail -c +$((off+1)) "$V" | xz -dc 2>/dev/null > "$WORK/vmlinux" || true
  readelf -h "$WORK/vmlinux" >/dev/null 2>&1 && break
  rm -f "$WORK/vmlinux"
done
[ -s "$WORK/vmlinux" ] || { echo "build-guest: could not extract vmlinux from $V" >&2; exit 1; }

# 2. rootfs: busybox + qemu-ga + its libraries live under /rc, so the host's /usr can be mounted over /usr
R="$WORK/root"; mkdir -p "$R/rc"
for p in busybox-static qemu-guest-agent $LIBS; do dpkg-deb -x "$(deb "$p")" "$R/rc"; done
rm -rf "$R"/rc/usr/share "$R"/rc/usr/lib/x86_64-linux-gnu/gconv "$R"/rc/usr/libexec "$R"/rc/lib/systemd \
       "$R"/rc/usr/lib/systemd "$R"/rc/etc "$R"/rc/usr/bin/* "$R"/rc/lib/udev "$R"/rc/usr/lib/udev
for a in $("$R"/rc/bin/busybox --list); do [ -e "$R/rc/bin/$a" ] || ln -s busybox "$R/rc/bin/$a"; done
RCLIB=/rc/lib/x86_64-linux-gnu:/rc/usr/lib/x86_64-linux-gnu
# The host is amd64 too, so running qemu-ga inside the rootfs proves every library resolves there (chroot needs
# root; without it the check runs in place, where a library missing from the rootfs could hide behind the host's).
if [ "$(id -u)" = 0 ]; then
  chroot "$R" /rc/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path $RCLIB /rc/usr/sbin/qemu-ga -V >/dev/null
else
  "$R"/rc/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path "$R${RCLIB//:/:$R}" "$R"/rc/usr/sbin/qemu-ga -V >/dev/null
fi || { echo "build-guest: qemu-ga does not run inside the rootfs (missing libraries?)" >&2; exit 1; }

# 3. modules: Debian builds virtio, 9p and virtio-net as modules; /lib/modules is dropped after loading
KM="$WORK/kernel/lib/modules/$KVER"
for m in drivers/virtio/virtio drivers/virtio/virtio_ring drivers/virtio/virtio_mmio drivers/virtio/virtio_pci \
         drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci_legacy_dev drivers/char/virtio_console \
         drivers/char/hw_random/virtio-rng net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/netfs/netfs \
         fs/fscache/fscache drivers/net/virtio_net drivers/net/net_failover net/core/failover; do
  f=$(ls "$KM/kernel/$m.ko"* 2>/dev/null | head -1) || true
  [ -n "$f" ] && install -D -m644 "$f" "$R/lib/modules/$KVER/kernel/${f#$KM/kernel/}"
done
cp "$KM"/modules.builtin "$KM"/modules.order "$R/lib/modules/$KVER/"
"$R"/rc/bin/busybox depmod -b "$R" "$KVER"

# 4. init: busybox init as PID 1 (reaps orphans of guest-exec, respawns qemu-ga and the exec launcher)
mkdir -p "$R"/etc/init.d "$R"/proc "$R"/sys "$R"/dev "$R"/run "$R"/tmp "$R"/workspace "$R"/usr "$R"/root "$R"/var "$R"/etc/alternatives
cp -P /etc/alternatives/* "$R"/etc/alternatives/ 2>/dev/null || true
# The host's loader cache describes the host /usr the guest mounts: without it every dynamic executable's loader
# probes a dozen absent directories over 9p before it finds libc (a stale cache only falls back to that search).
cp /etc/ld.so.cache "$R"/etc/ 2>/dev/null || true
ln -s /run "$R"/var/run; ln -s /tmp "$R"/var/tmp
ln -s /rc/bin/busybox "$R"/init
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$R"/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R"/etc/group
echo sandbox > "$R"/etc/hostname
printf '127.0.0.1 localhost sandbox\n::1 localhost\n' > "$R"/etc/hosts
cat > "$R"/etc/inittab <<'EOT'
::sysinit:/etc/init.d/rcS
::respawn:/etc/init.d/qga
::respawn:/rc/bin/sandbox-launcher
EOT
cat > "$R"/etc/init.d/rcS <<'EOT'
#!/rc/bin/sh
# Kernel cmdline flags: ws=off (mount neither /workspace nor /run/runcell), usr=off (no host /usr); snapshot
# templates have both, since QEMU cannot migrate a VM with a 9p export mounted (guest-resume mounts them later),
# rc.tmp=<MiB> (size of /tmp), rc.net=1 (configure eth0 for QEMU user networking).
export PATH=/rc/bin
arg() { for w in $(cat /proc/cmdline); do case $w in "$1"=*) echo "${w#*=}"; return;; esac; done; }
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs -o mode=1777 tmpfs /dev/shm
T=$(arg rc.tmp); mount -t tmpfs -o mode=1777${T:+,size=${T}m} tmpfs /tmp
mount -t tmpfs tmpfs /run
hostname sandbox; ip link set lo up
# Executions run in /sys/fs/cgroup/sandbox/e<pid> (see sandbox-exec): pids.max bounds them all (rc.pids=N),
# cgroup.kill ends a whole tree even if it left its session, memory.events tells an OOM kill, cpu.stat the CPU time.
# favordynmods: moving a process into a cgroup otherwise waits for an RCU grace period, 10-13 ms under TCG, and
# every execution moves one (0.7-1 ms with it).
C=/sys/fs/cgroup
if { mount -t cgroup2 -o favordynmods cgroup2 $C || mount -t cgroup2 cgroup2 $C; } && echo '+pids +memory' > $C/cgroup.subtree_control && mkdir $C/sandbox; then
  echo '+pids +memory' > $C/sandbox/cgroup.subtree_control
  P=$(arg rc.pids); [ -n "$P" ] && echo "$P" > $C/sandbox/pids.max
fi
for m in virtio_mmio virtio_pci virtio_console virtio_rng 9pnet_virtio 9p; do modprobe $m 2>/dev/null; done
[ "$(arg rc.net)" = 1 ] && modprobe virtio_net 2>/dev/null
P9=trans=virtio,version=9p2000.L,msize=262144
# The modules are loaded: /lib goes in any case, so a restored template's guest-resume finds only links to replace
rm -rf /lib /lib64 /bin /sbin
if [ "$(arg usr)" != off ] && mount -t 9p -o $P9,cache=loose,ro hostusr /usr; then
  ln -s usr/bin /bin; ln -s usr/sbin /sbin; ln -s usr/lib /lib; ln -s usr/lib64 /lib64
else
  ln -s rc/bin /bin; ln -s rc/bin /sbin
fi
[ "$(arg ws)" = off ] || mount -t 9p -o $P9,cache=none workspace /workspace
# Exit notices of sandbox-exec go to the host's run/exits (watched there with inotify)
[ "$(arg ws)" = off ] || { mkdir -p /run/runcell && mount -t 9p -o $P9,cache=none runcell /run/runcell; }
if [ "$(arg rc.net)" = 1 ] && [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; ip route add default via 10.0.2.2
  echo 'nameserver 10.0.2.3' > /etc/resolv.conf
fi
echo rcS-done > /dev/kmsg
EOT
cat > "$R"/etc/init.d/qga <<'EOT'
#!/rc/bin/sh
# Finds the agent's virtio-serial port by name (no udev, so no /dev/virtio-ports/* links) and runs the
# Debian qemu-ga with its own libraries, whatever is mounted on /usr.
export PATH=/rc/bin
P=
for i in $(seq 500); do
  for n in /sys/class/virtio-ports/*/name; do
    [ -r "$n" ] && [ "$(cat "$n")" = org.qemu.guest_agent.0 ] && { P=/dev/$(basename "$(dirname "$n")"); break 2; }
  done; usleep 10000
done
[ -c "$P" ] || { echo "qga: no port" > /dev/kmsg; sleep 5; exit 1; }
cd /workspace 2>/dev/null || cd /
echo -1000 > /proc/self/oom_score_adj   # the guest's OOM killer picks a command, never the agent
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/rc/bin HOME=/root LANG=C.UTF-8
exec /rc/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /rc/lib/x86_64-linux-gnu:/rc/usr/lib/x86_64-linux-gnu \
  /rc/usr/sbin/qemu-ga -m virtio-serial -p "$P" -t /run -f /run/qemu-ga.pid
EOT
install -m755 "$BIN/sandbox-exec" "$BIN/sandbox-launcher" "$BIN/guest-resume" "$R"/rc/bin/
chmod +x "$R"/etc/init.d/rcS "$R"/etc/init.d/qga

# 5. pack (atomically: a concurrent builder of the same hash ends with the same files)
mkdir -p "$WORK/img"
(cd "$R" && find . | sort | cpio -o -H newc --quiet -R 0:0 | gzip -6) > "$WORK/img/initrd.img"
mv "$WORK/vmlinux" "$WORK/img/vmlinux"
echo "$KVER" > "$WORK/img/KVER"; echo "$VERSIONS" > "$WORK/img/VERSIONS"
rm -rf "$IMG.tmp"; mv "$WORK/img" "$IMG.tmp"; rm -rf "$IMG"; mv "$IMG.tmp" "$IMG"
# Images of other inputs and builds that were killed, once a day old (QEMU reads -kernel/-initrd at start, so
# running VMs do not need their files; the age spares a server that is just starting from an older image).
find "$OUTDIR" -mindepth 1 -maxdepth 1 -type d -mtime +1 \( -regex '.*/[0-9a-f]\{16\}' -o -name '.build.*' \) \
  -exec rm -rf {} + 2>/dev/null || true
awk -v a="$T0" -v b="$(date +%s.%N)" -v k="$KVER" 'BEGIN{printf "build-guest: built %s in %.1fs\n", k, b-a}' >&2
echo "$IMG"
