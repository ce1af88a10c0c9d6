package io.runcell.api.hostup;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

class HostupErrorsTest {

    @Test
    void rateLimitMapsToHostupsCode() {
        assertThat(HostupErrors.wire(ErrorCode.RATE_LIMITED))
                .isEqualTo(new HostupErrors.Wire(429, "rate_limited", "Too many requests"));
    }

    @Test
    void coreErrorsMapToHostupCodes() {
        assertThat(HostupErrors.wire(ErrorCode.INVALID_REQUEST).code()).isEqualTo("invalid_request");
        assertThat(HostupErrors.wire(ErrorCode.COMMAND_BLOCKED))
                .isEqualTo(new HostupErrors.Wire(400, "command_blocked", "Command blocked"));
        assertThat(HostupErrors.wire(ErrorCode.UNAUTHORIZED).status()).isEqualTo(401);
        assertThat(HostupErrors.wire(ErrorCode.FORBIDDEN).code()).isEqualTo("forbidden");
        assertThat(HostupErrors.wire(ErrorCode.SANDBOX_NOT_FOUND))
                .isEqualTo(new HostupErrors.Wire(404, "vps_not_found", "VPS not found"));
        assertThat(HostupErrors.wire(ErrorCode.SANDBOX_NOT_RUNNING))
                .isEqualTo(new HostupErrors.Wire(409, "vps_not_ready", "VPS not ready"));
        assertThat(HostupErrors.wire(ErrorCode.BACKEND_UNAVAILABLE).code()).isEqualTo("vps_not_ready");
        assertThat(HostupErrors.wire(ErrorCode.INTERNAL))
                .isEqualTo(new HostupErrors.Wire(500, "internal_error", "Internal error"));
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(HostupErrors.wire(code).code()).matches("[a-z_]+");
        }
    }

    @Test
    void cursorsRoundTripAndRejectForgeries() {
        String id = "sbx_01hxa3b4c5d6e7f8g9h0j1k2m3";
        String cursor = VpsResource.encodeCursor(id);
        assertThat(cursor).doesNotContain("sbx_");
        assertThat(VpsResource.decodeCursor(cursor)).isEqualTo(id);
        for (String bad : new String[] {"", "!!", "c2J4X25vcGU", VpsResource.encodeCursor("sbx_short")}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> VpsResource.decodeCursor(bad))
                    .isInstanceOf(io.runcell.core.error.RuncellException.class);
        }
    }
}
