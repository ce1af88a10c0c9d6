package io.runcell.api.instavm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.runcell.api.common.Json;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    private static RequestBody body(String json) {
        return RequestBody.parse(json.getBytes(StandardCharsets.UTF_8), false);
    }

    private static String errors(RequestBody b) {
        ValidationFailed e = catchThrowableOfType(ValidationFailed.class, b::check);
        return e == null ? "none" : Json.MAPPER.valueToTree(e.body()).toString();
    }

    @Test
    void integersFollowPydanticLaxMode() {
        RequestBody b = body("{\"a\":\" 42 \",\"b\":30.0,\"c\":true,\"d\":1e3,\"e\":null}");
        assertThat(b.integer("a", 1, false, 1, 600)).isEqualTo(42);
        assertThat(b.integer("b", 1, false, 1, 600)).isEqualTo(30);
        assertThat(b.integer("c", 9, false, 1, 600)).isEqualTo(1);
        assertThat(b.integer("d", 1, false, 1, 6000)).isEqualTo(1000);
        assertThat(b.integer("e", 5, true, 1, 600)).isNull();
        assertThat(b.integer("absent", 60, false, 1, 600)).isEqualTo(60);
        assertThat(errors(b)).isEqualTo("none");
    }

    @Test
    void integerErrorsUsePydanticTypesAndMessages() {
        RequestBody b = body("{\"a\":\"x\",\"b\":1.5,\"c\":{},\"d\":null,\"e\":99999999999999999999999}");
        b.integer("a", 1, false, 1, 600);
        b.integer("b", 1, false, 1, 600);
        b.integer("c", 1, false, 1, 600);
        b.integer("d", 1, false, 1, 600);
        b.integer("e", 1, false, 1, 600);
        assertThat(errors(b))
                .isEqualTo(
                        "{\"detail\":["
                                + "{\"loc\":[\"body\",\"a\"],\"msg\":\"Input should be a valid integer, unable to parse string as an integer\",\"type\":\"int_parsing\"},"
                                + "{\"loc\":[\"body\",\"b\"],\"msg\":\"Input should be a valid integer, got a number with a fractional part\",\"type\":\"int_from_float\"},"
                                + "{\"loc\":[\"body\",\"c\"],\"msg\":\"Input should be a valid integer\",\"type\":\"int_type\"},"
                                + "{\"loc\":[\"body\",\"d\"],\"msg\":\"Input should be a valid integer\",\"type\":\"int_type\"},"
                                + "{\"loc\":[\"body\",\"e\"],\"msg\":\"Input should be less than or equal to 600\",\"type\":\"less_than_equal\"}]}");
    }

    @Test
    void malformedJsonReportsItsOffset() {
        ValidationFailed e = catchThrowableOfType(ValidationFailed.class, () -> body("{\"a\": }"));
        assertThat(e.items()).singleElement().satisfies(i -> {
            assertThat(i.type()).isEqualTo("json_invalid");
            assertThat(i.loc()).isEqualTo(List.of("body", 6));
        });
    }

    @Test
    void emptyBodyIsMissingUnlessAllowed() {
        assertThat(catchThrowableOfType(ValidationFailed.class, () -> RequestBody.parse(new byte[0], false))
                        .items())
                .singleElement()
                .satisfies(i -> assertThat(i.type()).isEqualTo("missing"));
        assertThat(RequestBody.parse(new byte[0], true).optString("x")).isNull();
    }

    @Test
    void coreFieldErrorsUseInstaVmNames() {
        ValidationFailed.Item item =
                InstaVmErrors.item(new FieldError("lifetime_seconds", FieldError.Kind.TOO_LARGE, "x", 3600L));
        assertThat(item.loc()).isEqualTo(List.of("body", "vm_lifetime_seconds"));
        assertThat(item.msg()).isEqualTo("Input should be less than or equal to 3600");
        assertThat(item.type()).isEqualTo("less_than_equal");
    }

    @Test
    void rateLimitRendersAsDetail() {
        RuncellException e =
                new RuncellException(ErrorCode.RATE_LIMITED, "Rate limit exceeded: 10 requests per second");
        assertThat(e.code().httpStatus()).isEqualTo(429);
        assertThat(InstaVmErrors.detailBody(e).toString())
                .isEqualTo("{\"detail\":\"Rate limit exceeded: 10 requests per second\"}");
    }
}
