/**
 * A client of the QEMU Guest Agent protocol (JSON lines over the host end of a virtio-serial port, here a unix
 * socket): {@code guest-sync-delimited} resynchronisation, {@code guest-exec} with captured output, the
 * {@code guest-file-*} calls, {@code guest-info} and {@code guest-shutdown}. Depends on nothing of QEMU's
 * command line; the microvm driver owns the VM and hands this package a socket path.
 */
package io.runcell.driver.qga;
