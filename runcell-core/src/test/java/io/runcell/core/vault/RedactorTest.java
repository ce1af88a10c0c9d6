package io.runcell.core.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private static final String SECRET = "s3cr3t value/+?&é~";
    private final Redactor redactor = Redactor.of(Map.of("API_TOKEN", SECRET));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rawValueIsReplacedWithItsName() {
        assertThat(redactor.redact("token=" + SECRET + "\nagain " + SECRET))
                .isEqualTo("token=[REDACTED:API_TOKEN]\nagain [REDACTED:API_TOKEN]");
    }

    @Test
    void everyEncodingIsReplaced() {
        byte[] raw = utf8(SECRET);
        List<String> forms = List.of(
                Base64.getEncoder().encodeToString(raw),
                Base64.getEncoder().withoutPadding().encodeToString(raw),
                Base64.getUrlEncoder().encodeToString(raw),
                Base64.getUrlEncoder().withoutPadding().encodeToString(raw),
                Base64.getEncoder().encodeToString(utf8(SECRET + "\n")),
                URLEncoder.encode(SECRET, StandardCharsets.UTF_8),
                URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20"));
        for (String form : forms) {
            assertThat(redactor.redact("<" + form + ">")).as(form).isEqualTo("<[REDACTED:API_TOKEN]>");
        }
    }

    @Test
    void textWithoutSecretsIsUntouched() {
        assertThat(redactor.redact("nothing to see here")).isEqualTo("nothing to see here");
        assertThat(Redactor.NONE.redact(SECRET)).isEqualTo(SECRET);
        assertThat(Redactor.of(Map.of("EMPTY", "")).isEmpty()).isTrue();
    }

    @Test
    void theLongestOverlappingSecretWins() {
        Redactor r = Redactor.of(Map.of("SHORT", "abc", "LONG", "abcdef"));
        assertThat(r.redact("xabcdefx abcx")).isEqualTo("x[REDACTED:LONG]x [REDACTED:SHORT]x");
    }

    @Test
    void aValueSplitAcrossChunksIsStillCaughtAtEverySplitPoint() {
        String text = "before " + SECRET + " middle " + Base64.getEncoder().encodeToString(utf8(SECRET)) + " after";
        byte[] all = utf8(text);
        String expected = "before [REDACTED:API_TOKEN] middle [REDACTED:API_TOKEN] after";
        for (int split1 = 0; split1 <= all.length; split1++) {
            for (int split2 = split1; split2 <= all.length; split2 += 7) {
                Redactor.Stream s = redactor.stream();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(s.push(all, 0, split1));
                out.writeBytes(s.push(all, split1, split2 - split1));
                out.writeBytes(s.push(all, split2, all.length - split2));
                out.writeBytes(s.finish());
                assertThat(out.toString(StandardCharsets.UTF_8))
                        .as("splits %d/%d", split1, split2)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void byteAtATimeStreamingHoldsBackLessThanTheLongestPattern() {
        Redactor.Stream s = redactor.stream();
        byte[] all = utf8("x".repeat(200) + SECRET);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < all.length; i++) {
            out.writeBytes(s.push(all, i, 1));
            assertThat(i + 1 - out.size()).isLessThan(redactor.maxPatternLength());
        }
        out.writeBytes(s.finish());
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("x".repeat(200) + "[REDACTED:API_TOKEN]");
    }

    @Test
    void severalValuesMayShareAName() {
        Redactor r = Redactor.ofEntries(List.of(Map.entry("K", "one-value"), Map.entry("K", "two-value")));
        assertThat(r.redact("one-value two-value")).isEqualTo("[REDACTED:K] [REDACTED:K]");
    }
}
