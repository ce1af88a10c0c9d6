/**
 * The Hostup dialect ({@code /api/v2/vps}): VPS listing, the guest-agent exec with pid polling, power actions as
 * polled operations, RFC 7807 errors with Hostup's codes. VPSes are the caller's sandboxes ({@code vps_<ulid>} is
 * the sandbox's ULID); exec runs under the core's GUARDED policy (blocked commands, audit log).
 */
package io.runcell.api.hostup;
